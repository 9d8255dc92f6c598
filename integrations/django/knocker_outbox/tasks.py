"""One push pass as a plain function, for schedulers that call a dotted path (django-q2's
Schedule.func, Celery beat). A refusal (4xx) raises, so the scheduler records a failed run;
an outage returns normally (nothing is lost, the next run sends it).

    from django_q.models import Schedule
    Schedule.objects.update_or_create(
        name="knocker-push",
        defaults={"func": "knocker_outbox.tasks.push_outbox", "schedule_type": Schedule.MINUTES, "minutes": 1},
    )
"""

from .push import REFUSED, UNAVAILABLE, check_push_settings, push_pass


class PushRefused(RuntimeError):
    """Knocker refused a batch: the settings or an event need fixing."""


def push_outbox():
    """Push every pending event, prune old ones; returns a one-line summary."""
    check_push_settings()
    result, pruned = push_pass()
    if result.state == REFUSED:
        raise PushRefused(result.message)
    if result.state == UNAVAILABLE:
        return result.message
    return f"sent {result.sent} events, pruned {pruned}"
