"""Who did something, as the contract's actor {username, display_name, is_shared_account}.

Signal handlers don't see the request; CurrentUserMiddleware remembers its user for them
(in a context variable, so threads and async tasks each see their own).
"""

from __future__ import annotations

from contextvars import ContextVar

from .conf import outbox_settings

_current_user: ContextVar = ContextVar("knocker_outbox_current_user", default=None)

# What a change is attributed to when nobody can be named (a management command, a shell).
UNKNOWN_ACTOR = {"username": "", "display_name": "Someone in Flipfix", "is_shared_account": False}


class CurrentUserMiddleware:
    """Makes request.user the actor of the events its request causes. Add it after
    django.contrib.auth.middleware.AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        token = _current_user.set(user if getattr(user, "is_authenticated", False) else None)
        try:
            return self.get_response(request)
        finally:
            _current_user.reset(token)


def current_user():
    return _current_user.get()


def acting_as(user):
    """Context manager: events built inside are attributed to `user` (for scripts and tests)."""
    from contextlib import contextmanager

    @contextmanager
    def scope():
        token = _current_user.set(user)
        try:
            yield
        finally:
            _current_user.reset(token)

    return scope()


def user_display_name(user):
    """Flipfix's rule: the full name, else the username."""
    full = user.get_full_name().strip() if hasattr(user, "get_full_name") else ""
    return full or user.get_username()


def is_shared_account(user):
    """A terminal login shared by several people (Flipfix: Maintainer.is_shared_account)."""
    profile = getattr(user, "maintainer", None)
    if profile is not None and hasattr(profile, "is_shared_account"):
        return bool(profile.is_shared_account)
    return user.get_username() in outbox_settings().SHARED_ACCOUNT_USERNAMES


def actor_of(person):
    """The contract actor for a user or a Flipfix Maintainer (which has .user); None for None."""
    if person is None:
        return None
    user = getattr(person, "user", None) if not hasattr(person, "get_username") else person
    if user is None:
        return None
    return {
        "username": user.get_username(),
        "display_name": user_display_name(user),
        "is_shared_account": is_shared_account(user),
    }
