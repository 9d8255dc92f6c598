"""The package's settings, read from settings.KNOCKER_OUTBOX (a dict) with defaults.

    KNOCKER_OUTBOX = {
        "SITE_URL": "https://flipfix.theflip.museum",   # base of every link in the events
        # push (management command knocker_push)
        "PUSH_URL": "http://127.0.0.1:8727",            # Knocker's address; events go to /v1/events
        "PUSH_TOKEN": os.environ["KNOCKER_INGEST_TOKEN"],
        # feed (view knocker_outbox.feed.notification_events): one of these checks the bearer key
        "FEED_API_KEY_MODEL": "core.ApiKey",            # a model with a `key` field (Flipfix's ApiKey)
        "FEED_API_KEYS": [],                            # or fixed keys (at least 16 characters)
        "FEED_AUTH": None,                              # or "dotted.path.to.check(request, key) -> bool"
        # signals: which models to watch (leave out to wire nothing)
        "MODELS": {"machine": "catalog.MachineInstance", "problem_report": "maintenance.ProblemReport",
                   "log_entry": "maintenance.LogEntry"},
    }
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULTS = {
    "SITE_URL": None,
    "PUSH_URL": None,
    "PUSH_TOKEN": None,
    "PUSH_BATCH_SIZE": 100,
    "PUSH_TIMEOUT_SECONDS": 10,
    "PUSH_INTERVAL_SECONDS": 5,
    "PUSH_MAX_BACKOFF_SECONDS": 300,
    "FEED_API_KEY_MODEL": None,
    "FEED_API_KEY_FIELD": "key",
    "FEED_API_KEYS": (),
    "FEED_AUTH": None,
    "FEED_MAX_LIMIT": 500,
    "FEED_GAP_WAIT_SECONDS": 30,
    "RETENTION_DAYS": 7,
    "UNSENT_RETENTION_DAYS": 90,
    "MODELS": {},
    "SHARED_ACCOUNT_USERNAMES": (),
}


@dataclass(frozen=True)
class Settings:
    values: dict

    def __getattr__(self, name):
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None


def outbox_settings() -> Settings:
    """The current settings (read on every call, so override_settings works in tests)."""
    given = getattr(settings, "KNOCKER_OUTBOX", {}) or {}
    if not isinstance(given, dict):
        raise ImproperlyConfigured("KNOCKER_OUTBOX must be a dict")
    unknown = sorted(set(given) - set(DEFAULTS))
    if unknown:
        raise ImproperlyConfigured(
            f"KNOCKER_OUTBOX has unknown keys: {', '.join(unknown)} (known: {', '.join(sorted(DEFAULTS))})"
        )
    return Settings({**DEFAULTS, **given})


def require(name: str):
    """A setting that must be set for the feature asking for it."""
    value = getattr(outbox_settings(), name)
    if value in (None, "", ()):
        raise ImproperlyConfigured(f"KNOCKER_OUTBOX[{name!r}] is not set")
    return value
