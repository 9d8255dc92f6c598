"""Signal wiring: events from field changes on Flipfix-shaped models, emitted in the same
transaction as the save (when the save runs in one: use ATOMIC_REQUESTS or
transaction.atomic; outside a transaction the event is stored right after the change).

- machine saved new → machine.created; operational_status changed → machine.status_changed;
  location changed → machine.location_changed (actor: machine.updated_by / created_by, else
  the request's user)
- problem report saved new → problem_report.created; status open → closed →
  problem_report.closed; closed → open → problem_report.reopened (actor: the request's user)
- log entry saved new → log_entry.created, unless it is one of the texts Flipfix writes for
  the changes above (those are reported by their own events). Maintainers added after the
  save (as Flipfix does) are written into the still-pending event.

The models come from KNOCKER_OUTBOX["MODELS"] ({"machine": "catalog.MachineInstance", …}),
or call connect(machine=…, problem_report=…, log_entry=…) yourself.
"""

from __future__ import annotations

import logging

from django.apps import apps
from django.db import transaction
from django.db.models.signals import m2m_changed, post_save, pre_save

from . import builders
from .actors import current_user
from .conf import outbox_settings
from .outbox import emit, replace_pending

logger = logging.getLogger("knocker_outbox.signals")

_PREVIOUS = "_knocker_outbox_previous"
_warned_outside_transaction = {"done": False}


def connect_configured_models():
    models = outbox_settings().MODELS or {}
    unknown = set(models) - {"machine", "problem_report", "log_entry"}
    if unknown:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"KNOCKER_OUTBOX MODELS has unknown kinds: {', '.join(sorted(unknown))}")
    if models:
        connect(**{kind: apps.get_model(label) for kind, label in models.items()})


def connect(machine=None, problem_report=None, log_entry=None):
    """Watch these model classes (any of them may be left out)."""
    uid = "knocker_outbox"
    if machine is not None:
        pre_save.connect(_remember_machine, sender=machine, dispatch_uid=f"{uid}.machine.pre")
        post_save.connect(_machine_saved, sender=machine, dispatch_uid=f"{uid}.machine.post")
    if problem_report is not None:
        pre_save.connect(_remember_report, sender=problem_report, dispatch_uid=f"{uid}.report.pre")
        post_save.connect(_report_saved, sender=problem_report, dispatch_uid=f"{uid}.report.post")
    if log_entry is not None:
        post_save.connect(_log_entry_saved, sender=log_entry, dispatch_uid=f"{uid}.log.post")
        through = log_entry.maintainers.through
        m2m_changed.connect(_maintainers_changed, sender=through, dispatch_uid=f"{uid}.log.m2m")


def _previous_values(sender, instance, fields):
    """The stored values before this save (None for a new row): what the save changes."""
    if instance.pk is None:
        return None
    return sender._default_manager.filter(pk=instance.pk).values(*fields).first()


def _emit(event):
    in_transaction = transaction.get_connection().in_atomic_block
    if not in_transaction and not _warned_outside_transaction["done"]:
        _warned_outside_transaction["done"] = True
        logger.warning(
            "knocker_outbox: a change was saved outside a transaction, so its event is stored "
            "separately; set ATOMIC_REQUESTS = True (or save inside transaction.atomic())"
        )
    emit(event, require_transaction=False)


def _actor(*candidates):
    for candidate in candidates:
        if candidate is not None:
            return candidate
    return current_user()


# --- machines -----------------------------------------------------------------


def _remember_machine(sender, instance, raw=False, **kwargs):
    if raw:
        return
    setattr(instance, _PREVIOUS, _previous_values(sender, instance, ["operational_status", "location_id"]))


def _machine_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    if created:
        _emit(builders.machine_created(instance, _actor(getattr(instance, "created_by", None))))
        return
    previous = getattr(instance, _PREVIOUS, None)
    setattr(instance, _PREVIOUS, None)
    if previous is None:
        return
    actor = _actor(getattr(instance, "updated_by", None))
    if previous["operational_status"] != instance.operational_status:
        _emit(builders.machine_status_changed(instance, previous["operational_status"], actor))
    if previous["location_id"] != instance.location_id:
        location_model = instance._meta.get_field("location").related_model
        old = location_model._default_manager.filter(pk=previous["location_id"]).first() if previous["location_id"] else None
        _emit(builders.machine_location_changed(instance, old, actor))


# --- problem reports ----------------------------------------------------------


def _remember_report(sender, instance, raw=False, **kwargs):
    if raw:
        return
    setattr(instance, _PREVIOUS, _previous_values(sender, instance, ["status"]))


def _report_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    if created:
        _emit(builders.problem_report_created(instance))
        return
    previous = getattr(instance, _PREVIOUS, None)
    setattr(instance, _PREVIOUS, None)
    if previous is None or previous["status"] == instance.status:
        return
    if instance.status == "closed":
        _emit(builders.problem_report_closed(instance, _actor()))
    elif instance.status == "open":
        _emit(builders.problem_report_reopened(instance, _actor()))


# --- log entries --------------------------------------------------------------


def _log_entry_saved(sender, instance, created, raw=False, **kwargs):
    if raw or not created or builders.is_auto_generated(instance.text):
        return
    _emit(builders.log_entry_created(instance))


def _maintainers_changed(sender, instance, action, reverse=False, **kwargs):
    """Flipfix adds maintainers after saving the entry: refresh the event while it waits."""
    if reverse or action not in ("post_add", "post_remove", "post_clear"):
        return
    if builders.is_auto_generated(instance.text):
        return
    replace_pending(builders.log_entry_created(instance))
