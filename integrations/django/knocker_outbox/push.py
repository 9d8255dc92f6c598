"""Pushing the outbox to Knocker's intake (POST <PUSH_URL>/v1/events, {"events": [...]}).

Each batch is marked sent when Knocker answers 200 or 202. A network error, a timeout, 408,
429 or a 5xx keeps the batch for the next try (the loop backs off); any other 4xx means
the settings or an event need fixing, so pushing stops with a line that says which. Knocker
drops an event_id it has seen, so sending a batch again (after a crash between its answer
and the marking) delivers nothing twice.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from . import __version__
from .conf import outbox_settings, require
from .outbox import mark_sent, pending, pending_count, prune, record_failure

logger = logging.getLogger("knocker_outbox.push")

# Knocker's intake takes at most 500 events and 256 KiB per request.
MAX_BATCH_EVENTS = 500
MAX_BODY_BYTES = 250_000
USER_AGENT = f"knocker-outbox/{__version__}"

SENT, UNAVAILABLE, REFUSED, IDLE = "sent", "unavailable", "refused", "idle"


@dataclass
class PushResult:
    """What one pass over the outbox did: `state` is idle (nothing pending), sent (all
    pending rows accepted), unavailable (some kept, try later) or refused (stop)."""

    state: str
    sent: int = 0
    kept: int = 0
    message: str = ""


@dataclass
class Answer:
    status: int | None  # None: no HTTP answer (network error, timeout)
    body: str


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect comes back as the 3xx it is: following it would carry the token elsewhere."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


# Knocker is on the same host or LAN: connect directly, never through an http_proxy from the
# environment, and never follow a redirect.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects())


def post_batch(url, token, body: bytes, timeout) -> Answer:
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
        },
    )
    try:
        with _opener.open(request, timeout=timeout) as response:
            return Answer(response.status, response.read(64 * 1024).decode("utf-8", "replace"))
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.read(64 * 1024).decode("utf-8", "replace"))
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        return Answer(None, f"{type(reason).__name__}: {reason}")


def batches(rows, max_events):
    """Consecutive rows grouped so each request stays within Knocker's count and size limits."""
    batch, size = [], 0
    for row in rows:
        row_size = len(row.payload.encode("utf-8")) + 1
        if batch and (len(batch) >= max_events or size + row_size > MAX_BODY_BYTES):
            yield batch
            batch, size = [], 0
        batch.append(row)
        size += row_size
    if batch:
        yield batch


def intake_url():
    return require("PUSH_URL").rstrip("/") + "/v1/events"


def push_pending(post=post_batch) -> PushResult:
    """Send every pending row, batch by batch, until done or Knocker can't take more now."""
    conf = outbox_settings()
    url, token = intake_url(), require("PUSH_TOKEN")
    batch_size = min(int(conf.PUSH_BATCH_SIZE), MAX_BATCH_EVENTS)
    result = PushResult(IDLE)
    while True:
        rows = pending(batch_size)
        if not rows:
            return result
        for batch in batches(rows, batch_size):
            body = ('{"events":[%s]}' % ",".join(r.payload for r in batch)).encode("utf-8")
            answer = post(url, token, body, conf.PUSH_TIMEOUT_SECONDS)
            ids = [r.id for r in batch]
            if answer.status in (200, 202):
                mark_sent(ids)
                result.state = SENT
                result.sent += len(batch)
                continue
            kept = pending_count()
            if answer.status is None or answer.status in (408, 429) or answer.status >= 500:
                what = answer.body if answer.status is None else f"HTTP {answer.status}{_knocker_says(answer.body)}"
                message = f"Knocker at {url} is unavailable ({what}); {kept} events kept for the next try"
                record_failure(ids, message)
                return PushResult(UNAVAILABLE, result.sent, kept, message)
            message = (
                f"Knocker at {url} refused {len(batch)} events (HTTP {answer.status}{_knocker_says(answer.body)}). "
                f"{_what_to_fix(answer.status)} Pushing stopped; {kept} events kept."
            )
            record_failure(ids, message)
            return PushResult(REFUSED, result.sent, kept, message)


def _knocker_says(body):
    """Knocker's error answer, {"error": {"code", "message", "issues": [{path, message}]}}, briefly."""
    try:
        error = json.loads(body).get("error")
    except (ValueError, AttributeError):
        return ""
    if not isinstance(error, dict):
        return f": {error}" if isinstance(error, str) else ""
    text = str(error.get("message", ""))
    issues = error.get("issues") or []
    if isinstance(issues, list) and issues:
        text += " (" + "; ".join(f"{i.get('path')}: {i.get('message')}" for i in issues[:3] if isinstance(i, dict)) + ")"
    return f": {text}" if text else ""


def _what_to_fix(status):
    if status in (401, 403):
        return "Check KNOCKER_OUTBOX PUSH_TOKEN: it must be Knocker's ingest_token."
    if status == 404:
        return "Check KNOCKER_OUTBOX PUSH_URL: it must be Knocker's address (events go to /v1/events)."
    if 300 <= status < 400:
        return "Knocker's address redirects elsewhere: set KNOCKER_OUTBOX PUSH_URL to Knocker's own address."
    if status == 413:
        return "An event is larger than Knocker accepts (256 KiB)."
    return "Fix the event or the settings, then run knocker_push again."


def push_pass(post=post_batch):
    """One pass as the command, the loop and the scheduled task run it: push what is pending,
    log a refusal or an outage, and prune old rows after a pass that reached Knocker.
    Returns (result, pruned)."""
    result = push_pending(post)
    if result.state == REFUSED:
        logger.error("knocker_push stopped: %s", result.message)
        return result, 0
    if result.state == UNAVAILABLE:
        logger.warning("knocker_push: %s", result.message)
        return result, 0
    if result.sent:
        logger.info("knocker_push sent %d events", result.sent)
    return result, prune()


def run_loop(interval, max_backoff, sleep=time.sleep, post=post_batch, keep_going=lambda: True):
    """Push, then wait `interval`; after a failure wait twice as long each time (at most
    `max_backoff`). Returns the refusal that stopped it, or None when keep_going() said stop."""
    delay = interval
    while keep_going():
        result, _ = push_pass(post)
        if result.state == REFUSED:
            return result
        if result.state == UNAVAILABLE:
            logger.info("knocker_push: next try in %ss", delay)
            sleep(delay)
            delay = min(delay * 2, max_backoff)
            continue
        delay = interval
        sleep(interval)
    return None


def check_push_settings():
    """Fail early, before any row is touched, when pushing isn't configured."""
    intake_url()
    require("PUSH_TOKEN")
