"""Who may read the event feed: the bearer key is checked against the host's own API keys
(a model such as Flipfix's ApiKey), fixed keys from the settings, or a callable of the host's.
"""

from __future__ import annotations

from django.apps import apps
from django.utils.crypto import constant_time_compare
from django.utils.module_loading import import_string

from .conf import outbox_settings


class FeedNotConfigured(Exception):
    """No way to check a key is configured: the feed refuses everyone."""


def bearer_key(request):
    """The key from `Authorization: Bearer <key>`, or None."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header.startswith("Bearer "):
        return None
    key = header[len("Bearer ") :].strip()
    return key or None


def key_is_accepted(request, key):
    conf = outbox_settings()
    if conf.FEED_AUTH:
        check = import_string(conf.FEED_AUTH) if isinstance(conf.FEED_AUTH, str) else conf.FEED_AUTH
        return bool(check(request, key))
    if conf.FEED_API_KEYS:
        # Every key is compared, so the time taken doesn't say which one came close.
        matches = [constant_time_compare(key, allowed) for allowed in conf.FEED_API_KEYS]
        return any(matches)
    if conf.FEED_API_KEY_MODEL:
        model = apps.get_model(conf.FEED_API_KEY_MODEL)
        field = conf.FEED_API_KEY_FIELD
        stored = model._default_manager.filter(**{field: key}).values_list(field, flat=True).first()
        return stored is not None and constant_time_compare(key, stored)
    raise FeedNotConfigured(
        "the event feed has no API keys: set KNOCKER_OUTBOX FEED_API_KEY_MODEL, FEED_API_KEYS or FEED_AUTH"
    )
