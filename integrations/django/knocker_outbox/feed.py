"""The event feed Knocker's event-feed poller reads, for a Knocker that can't be reached
(a museum PC behind NAT):

    GET <site>/api/v1/notification-events/?after=<cursor>&limit=<n>
    Authorization: Bearer <key>
    → 200 {"events": [<event>, …], "next_cursor": "<cursor>"}   oldest first

The cursor is the last served row's id, as a string. A page with no events repeats the
cursor it was asked for (null from the start), which tells the poller it has read
everything. Being asked for what comes after a cursor marks the rows up to it as received.
Errors answer {"success": false, "error": "…"} like Flipfix's own API.
"""

from __future__ import annotations

import json
import logging
import time

from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from .conf import outbox_settings
from .feed_auth import FeedNotConfigured, bearer_key, key_is_accepted
from .outbox import acknowledge_through, feed_page, prune

logger = logging.getLogger("knocker_outbox.feed")

DEFAULT_LIMIT = 100
MAX_CURSOR_DIGITS = 19  # a BigAutoField id
PRUNE_EVERY_SECONDS = 3600
_last_prune = {"at": 0.0}


class BadRequest(Exception):
    pass


def _error(status, message):
    return JsonResponse({"success": False, "error": message}, status=status)


def _parse_after(raw):
    if raw is None or raw == "":
        return None
    if not raw.isascii() or not raw.isdigit() or len(raw) > MAX_CURSOR_DIGITS:
        raise BadRequest(f"after must be a cursor this feed returned (digits), got {raw[:40]!r}")
    return int(raw)


def _parse_limit(raw, maximum):
    if raw is None or raw == "":
        return DEFAULT_LIMIT
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= maximum:
        raise BadRequest(f"limit must be a whole number from 1 to {maximum}, got {raw[:40]!r}")
    return int(raw)


@require_GET
def notification_events(request):
    key = bearer_key(request)
    if key is None:
        return _error(401, "Missing or invalid Authorization header")
    try:
        if not key_is_accepted(request, key):
            return _error(403, "Invalid API key")
    except FeedNotConfigured as exc:
        logger.error("knocker_outbox feed refused a reader: %s", exc)
        return _error(403, str(exc))
    try:
        after = _parse_after(request.GET.get("after"))
        limit = _parse_limit(request.GET.get("limit"), outbox_settings().FEED_MAX_LIMIT)
    except BadRequest as exc:
        return _error(400, str(exc))

    if after is not None:
        acknowledge_through(after)
    rows = feed_page(after, limit)
    next_cursor = str(rows[-1].id) if rows else (str(after) if after is not None else None)
    # The stored payloads are the validated events' JSON: served as they are, not re-encoded.
    body = '{"events":[%s],"next_cursor":%s}' % (",".join(r.payload for r in rows), json.dumps(next_cursor))
    if len(rows) < limit:
        _prune_now_and_then()
    response = HttpResponse(body.encode("utf-8"), content_type="application/json; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


def _prune_now_and_then():
    """Prune at most once an hour per process, when a reader has caught up."""
    now = time.monotonic()
    if _last_prune["at"] and now - _last_prune["at"] < PRUNE_EVERY_SECONDS:
        return
    _last_prune["at"] = now
    deleted = prune()
    if deleted:
        logger.info("knocker_outbox pruned %d old events", deleted)
