"""The seven contract events, built from model instances shaped like Flipfix's:

- machine (MachineInstance): asset_id, name, short_name, slug, operational_status (with
  get_operational_status_display), location (Location: name, slug, zone) or None
- problem report (ProblemReport): id, machine, status, problem_type, priority (with their
  get_…_display), description, reported_by_name, reported_by_user, occurred_at
- log entry (LogEntry): id, machine, problem_report, maintainers (Maintainer → user),
  maintainer_names, text, occurred_at, time_spent, created_by

Links are built from KNOCKER_OUTBOX SITE_URL with Flipfix's paths. A reporter's contact
(reported_by_contact) is never read: it must not leave the host app.
"""

from __future__ import annotations

import re
from datetime import datetime

from django.utils import timezone

from .actors import UNKNOWN_ACTOR, actor_of, user_display_name
from .conf import require
from .contract import SCHEMA_NAME

STATUS_LABELS = {"good": "Good", "fixing": "Fixing", "broken": "Broken", "unknown": "Unknown"}

# The texts Flipfix writes itself when a machine is added, changes status or place, or a
# report is closed or re-opened (auto_log.py). Those changes are reported by their own events.
AUTO_LOG_TEXTS = (
    re.compile(r"^New machine added: .+$"),
    re.compile(r"^Status changed: .+ → .+$"),
    re.compile(r"^Location changed: .+ → .+$"),
    re.compile("^\U0001f389\U0001f38a .+ has moved to the floor!$"),
    re.compile(r"^Closed problem report$"),
    re.compile(r"^Re-opened problem report$"),
)


def is_auto_generated(text):
    stripped = (text or "").strip()
    return any(p.match(stripped) for p in AUTO_LOG_TEXTS)


def site_url():
    return str(require("SITE_URL")).rstrip("/")


def iso(moment):
    """ISO 8601 with an offset (a naive datetime is taken to be in the current time zone)."""
    if moment is None:
        moment = timezone.now()
    if isinstance(moment, datetime) and timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment.isoformat()


def _label(instance, field, fallback=None):
    getter = getattr(instance, f"get_{field}_display", None)
    value = getattr(instance, field)
    return str(getter()) if getter else (fallback or {}).get(value, str(value))


def location_part(location):
    if location is None:
        return None
    return {"name": location.name, "slug": location.slug, "zone": getattr(location, "zone", "") or ""}


def machine_url(machine):
    return f"{site_url()}/machines/{machine.slug}/"


def machine_part(machine):
    return {
        "asset_id": machine.asset_id,
        "name": machine.name,
        "short_name": machine.short_name or None,
        "slug": machine.slug,
        "operational_status": machine.operational_status,
        "operational_status_label": _label(machine, "operational_status", STATUS_LABELS),
        "location": location_part(machine.location),
        "url": machine_url(machine),
    }


def report_url(report):
    return f"{site_url()}/problem-reports/{report.pk}/"


def reporter_part(report):
    """Name and username of whoever reported it, never their contact: a typed-in name
    first (as Flipfix shows it), then the user, else Anonymous."""
    user = report.reported_by_user
    display = (report.reported_by_name or "").strip() or (user_display_name(user) if user else "") or "Anonymous"
    return {"display": display, "username": user.get_username() if user else None}


def problem_report_part(report, previous_status=None):
    part = {
        "id": report.pk,
        "status": report.status,
        "problem_type": report.problem_type,
        "problem_type_label": _label(report, "problem_type"),
        "priority": report.priority,
        "priority_label": _label(report, "priority"),
        "description": report.description or "",
        "reporter": reporter_part(report),
        "url": report_url(report),
    }
    if previous_status is not None:
        part["previous_status"] = previous_status
    return part


def log_entry_part(entry):
    maintainers = [
        {"username": m.user.get_username(), "display_name": user_display_name(m.user)}
        for m in entry.maintainers.all()
        if getattr(m, "user", None) is not None
    ]
    part = {
        "id": entry.pk,
        "text": entry.text,
        "auto_generated": is_auto_generated(entry.text),
        "occurred_at": iso(entry.occurred_at),
        "maintainers": maintainers[:100],
        "maintainer_names": entry.maintainer_names or "",
        "url": f"{site_url()}/logs/{entry.pk}/",
    }
    if getattr(entry, "time_spent", None) is not None:
        part["time_spent_hours"] = float(entry.time_spent)
    report = entry.problem_report
    if report is not None:
        part["problem_report"] = {"id": report.pk, "status": report.status, "url": report_url(report)}
    return part


def _event(event_type, event_id, machine, occurred_at, actor, **parts):
    event = {
        "schema": SCHEMA_NAME,
        "event_id": event_id,
        "event": event_type,
        "occurred_at": iso(occurred_at),
        "site_url": site_url(),
        "actor": actor,
        "machine": machine_part(machine),
    }
    event.update({k: v for k, v in parts.items() if v is not None})
    return event


def _stamp(log_entry, moment):
    """What tells two closes (or two moves) of the same thing apart in an event_id."""
    if log_entry is not None:
        return f"log{log_entry.pk}"
    return str(int(moment.timestamp() * 1_000_000))


def _actor_or_unknown(person):
    return actor_of(person) or dict(UNKNOWN_ACTOR)


def problem_report_created(report):
    """A new report. The actor is the maintainer who filed it; null for a visitor's report."""
    return _event(
        "problem_report.created",
        f"problem_report:{report.pk}:created",
        report.machine,
        getattr(report, "occurred_at", None),
        actor_of(report.reported_by_user),
        problem_report=problem_report_part(report),
    )


def _report_status_event(kind, previous, report, actor, log_entry, occurred_at):
    moment = occurred_at or (log_entry.occurred_at if log_entry is not None else timezone.now())
    return _event(
        f"problem_report.{kind}",
        f"problem_report:{report.pk}:{kind}:{_stamp(log_entry, moment)}",
        report.machine,
        moment,
        _actor_or_unknown(actor),
        problem_report=problem_report_part(report, previous_status=previous),
        log_entry=log_entry_part(log_entry) if log_entry is not None else None,
    )


def problem_report_closed(report, actor, log_entry=None, occurred_at=None):
    return _report_status_event("closed", "open", report, actor, log_entry, occurred_at)


def problem_report_reopened(report, actor, log_entry=None, occurred_at=None):
    return _report_status_event("reopened", "closed", report, actor, log_entry, occurred_at)


def log_entry_created(entry):
    """Work logged on a machine. The actor is whoever wrote the entry (created_by)."""
    return _event(
        "log_entry.created",
        f"log_entry:{entry.pk}:created",
        entry.machine,
        getattr(entry, "created_at", None) or entry.occurred_at,
        actor_of(getattr(entry, "created_by", None)),
        log_entry=log_entry_part(entry),
    )


def machine_created(machine, actor, log_entry=None, occurred_at=None):
    return _event(
        "machine.created",
        f"machine:{machine.pk}:created",
        machine,
        occurred_at or getattr(machine, "created_at", None),
        _actor_or_unknown(actor),
        log_entry=log_entry_part(log_entry) if log_entry is not None else None,
    )


def machine_status_changed(machine, previous_status, actor, log_entry=None, occurred_at=None):
    moment = occurred_at or timezone.now()
    return _event(
        "machine.status_changed",
        f"machine:{machine.pk}:status_changed:{_stamp(log_entry, moment)}",
        machine,
        moment,
        _actor_or_unknown(actor),
        change={
            "field": "operational_status",
            "from": previous_status,
            "from_label": STATUS_LABELS.get(previous_status, previous_status),
            "to": machine.operational_status,
            "to_label": _label(machine, "operational_status", STATUS_LABELS),
        },
        log_entry=log_entry_part(log_entry) if log_entry is not None else None,
    )


def machine_location_changed(machine, previous_location, actor, log_entry=None, occurred_at=None):
    """previous_location is a Location or None (shown as "No Location")."""
    moment = occurred_at or timezone.now()
    new = machine.location
    return _event(
        "machine.location_changed",
        f"machine:{machine.pk}:location_changed:{_stamp(log_entry, moment)}",
        machine,
        moment,
        _actor_or_unknown(actor),
        change={
            "field": "location",
            "from": previous_location.slug if previous_location is not None else None,
            "from_label": previous_location.name if previous_location is not None else None,
            "to": new.slug if new is not None else None,
            "to_label": new.name if new is not None else None,
        },
        log_entry=log_entry_part(log_entry) if log_entry is not None else None,
    )
