"""The transactional outbox: emit() stores an event in the transaction of the change that
caused it; the feed and the push command read, mark and prune the stored rows.

    from django.db import transaction
    from knocker_outbox.outbox import emit

    with transaction.atomic():
        report.status = "closed"
        report.save()
        emit(builders.problem_report_closed(report, actor=request.user))

If the transaction rolls back, the event is gone with the change; if it commits, the event
is on disk and will reach Knocker (pushed or polled) however long Knocker is away.
"""

from __future__ import annotations

import json
from datetime import timedelta

from django.db import DEFAULT_DB_ALIAS, router, transaction
from django.utils import timezone

from .conf import outbox_settings
from .contract import validate_event
from .models import OutboxEvent


class OutsideTransaction(RuntimeError):
    """emit() was called outside transaction.atomic(): the event could outlive a failed change."""


def emit(event, *, require_transaction=True):
    """Validate `event` against the contract and store it; returns the OutboxEvent row.

    Raises InvalidEvent (nothing stored) when the event breaks the contract, and
    OutsideTransaction when called outside an atomic block (unless require_transaction=False).
    An event whose event_id is already in the outbox is not stored twice: the stored row is
    returned (Knocker would drop the repeat anyway).
    """
    validate_event(event)
    using = router.db_for_write(OutboxEvent) or DEFAULT_DB_ALIAS
    if require_transaction and not transaction.get_connection(using).in_atomic_block:
        raise OutsideTransaction(
            "emit() must run inside transaction.atomic() with the change it reports, "
            "so that the event exists exactly when the change is committed"
        )
    existing = OutboxEvent.objects.using(using).filter(event_id=event["event_id"]).first()
    if existing is not None:
        return existing
    return OutboxEvent.objects.using(using).create(
        event_id=event["event_id"],
        event_type=event["event"],
        payload=json.dumps(event, ensure_ascii=False, separators=(",", ":")),
        created_at=timezone.now(),
    )


def replace_pending(event):
    """Rewrite a stored event that nobody has taken yet (its row is still uncommitted or
    unsent), e.g. a log entry whose maintainers were added after it was saved. Returns
    whether a row was rewritten; an event already taken by Knocker is left as it was."""
    validate_event(event)
    return bool(
        OutboxEvent.objects.filter(event_id=event["event_id"], sent_at__isnull=True).update(
            payload=json.dumps(event, ensure_ascii=False, separators=(",", ":"))
        )
    )


def feed_page(after, limit, now=None):
    """The rows after cursor `after` (an id, or None for the start), oldest first, at most `limit`.

    Ids come from a sequence, so a row can commit after a row with a higher id (two
    transactions in flight) and a reader that had moved past it would never see it. A row
    that follows a gap in the ids is therefore held back until FEED_GAP_WAIT_SECONDS after it
    was written: by then the missing id has committed (and is served first) or was rolled
    back for good.
    """
    now = now or timezone.now()
    settle = now - timedelta(seconds=outbox_settings().FEED_GAP_WAIT_SECONDS)
    rows = OutboxEvent.objects.order_by("id").only("id", "payload", "created_at")
    if after is not None:
        rows = rows.filter(id__gt=after)
    served = []
    expected = (after or 0) + 1
    for row in rows[:limit]:
        if row.id != expected and row.created_at > settle:
            break
        served.append(row)
        expected = row.id + 1
    return served


def acknowledge_through(cursor, now=None):
    """Mark every row up to `cursor` as received: the feed was asked for what comes after it."""
    return OutboxEvent.objects.filter(id__lte=cursor, sent_at__isnull=True).update(sent_at=now or timezone.now())


def pending(limit):
    """Rows not yet accepted by Knocker, oldest first."""
    return list(OutboxEvent.objects.filter(sent_at__isnull=True).order_by("id")[:limit])


def pending_count():
    return OutboxEvent.objects.filter(sent_at__isnull=True).count()


def mark_sent(ids, now=None):
    OutboxEvent.objects.filter(id__in=list(ids)).update(sent_at=now or timezone.now(), last_error="")


def record_failure(ids, message):
    """Note a failed attempt on rows that stay pending."""
    from django.db.models import F

    OutboxEvent.objects.filter(id__in=list(ids)).update(attempts=F("attempts") + 1, last_error=message[:2000])


def prune(now=None):
    """Delete rows Knocker accepted more than RETENTION_DAYS ago, and rows nobody took for
    UNSENT_RETENTION_DAYS (None keeps them forever). Returns how many were deleted."""
    now = now or timezone.now()
    conf = outbox_settings()
    deleted, _ = OutboxEvent.objects.filter(sent_at__lt=now - timedelta(days=conf.RETENTION_DAYS)).delete()
    if conf.UNSENT_RETENTION_DAYS is not None:
        stale, _ = OutboxEvent.objects.filter(
            sent_at__isnull=True, created_at__lt=now - timedelta(days=conf.UNSENT_RETENTION_DAYS)
        ).delete()
        deleted += stale
    return deleted
