"""The event contract (flipfix.notification/v1): the shipped JSON Schema and validate_event().

The schema file is generated from Knocker's zod contract (`npm run contract:schema` in the
Knocker repository); Knocker's test suite fails when this copy is out of date.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from .validator import check_supported, validate

SCHEMA_NAME = "flipfix.notification/v1"
SCHEMA_PATH = Path(__file__).with_name("flipfix.notification.v1.schema.json")


class InvalidEvent(ValueError):
    """An event that breaks the contract. `issues` lists (path, message) pairs."""

    def __init__(self, issues, event_id=None):
        self.issues = list(issues)
        self.event_id = event_id
        shown = "; ".join(f"{path}: {message}" for path, message in self.issues[:5])
        more = f" (and {len(self.issues) - 5} more)" if len(self.issues) > 5 else ""
        name = f"event {event_id!r}" if isinstance(event_id, str) else "event"
        super().__init__(f"{name} breaks {SCHEMA_NAME}: {shown}{more}")


@lru_cache(maxsize=1)
def contract_schema():
    """The shipped JSON Schema, checked once to use only keywords the validator implements."""
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    check_supported(schema)
    return schema


def contract_issues(event):
    """Every way `event` breaks the contract, as (path, message) pairs; [] when it is valid."""
    issues = validate(event, contract_schema())
    issues.extend(_broken_text(event, ""))
    return issues


def validate_event(event):
    """Raise InvalidEvent unless `event` is a valid flipfix.notification/v1 event."""
    issues = contract_issues(event)
    if issues:
        raise InvalidEvent(issues, event.get("event_id") if isinstance(event, dict) else None)


def _broken_text(value, path):
    """Texts that are not Unicode text (half a surrogate pair): Knocker's intake refuses them."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return [(path or "(root)", "contains half of a surrogate pair (not Unicode text)")]
        return []
    if isinstance(value, list):
        return [i for n, item in enumerate(value) for i in _broken_text(item, f"{path}.{n}" if path else str(n))]
    if isinstance(value, dict):
        return [i for k, item in value.items() for i in _broken_text(item, f"{path}.{k}" if path else str(k))]
    return []
