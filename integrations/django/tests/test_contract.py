"""The shipped JSON Schema and the validator that checks events against it."""

import copy
import json

from django.test import SimpleTestCase

from knocker_outbox.contract import InvalidEvent, contract_issues, contract_schema, validate_event
from knocker_outbox.contract.validator import UnsupportedSchema, check_supported

CREATED = {
    "schema": "flipfix.notification/v1",
    "event_id": "problem_report:412:created",
    "event": "problem_report.created",
    "occurred_at": "2026-07-18T19:02:11Z",
    "site_url": "https://flipfix.theflip.museum",
    "actor": None,
    "machine": {
        "asset_id": "M0023",
        "name": "Eight Ball Deluxe Limited Edition",
        "short_name": "Eight Ball Deluxe",
        "slug": "eight-ball-deluxe-limited-edition",
        "operational_status": "good",
        "operational_status_label": "Good",
        "location": {"name": "Museum", "slug": "museum", "zone": "front"},
        "url": "https://flipfix.theflip.museum/machines/eight-ball-deluxe-limited-edition/",
    },
    "problem_report": {
        "id": 412,
        "status": "open",
        "problem_type": "other",
        "problem_type_label": "Other",
        "priority": "untriaged",
        "priority_label": "Untriaged",
        "description": "#1 drop target spring missing",
        "reporter": {"display": "Anonymous", "username": None},
        "url": "https://flipfix.theflip.museum/problem-reports/412/",
    },
}


def changed(**paths):
    event = copy.deepcopy(CREATED)
    for path, value in paths.items():
        *parents, last = path.split("__")
        target = event
        for p in parents:
            target = target[p]
        target[last] = value
    return event


class ShippedSchemaTests(SimpleTestCase):
    def test_is_the_seven_event_union_of_the_contract(self):
        schema = contract_schema()
        events = [b["properties"]["event"]["const"] for b in schema["oneOf"]]
        self.assertEqual(
            events,
            [
                "problem_report.created",
                "problem_report.closed",
                "problem_report.reopened",
                "log_entry.created",
                "machine.created",
                "machine.status_changed",
                "machine.location_changed",
            ],
        )

    def test_a_keyword_the_validator_does_not_implement_is_refused_on_load(self):
        with self.assertRaisesRegex(UnsupportedSchema, "keyword 'exclusiveMinimum'"):
            check_supported({"type": "object", "properties": {"n": {"type": "number", "exclusiveMinimum": 0}}})
        with self.assertRaisesRegex(UnsupportedSchema, "format 'email'"):
            check_supported({"type": "string", "format": "email"})


class ValidationTests(SimpleTestCase):
    def test_the_contract_example_is_valid(self):
        self.assertEqual(contract_issues(CREATED), [])
        validate_event(CREATED)

    def test_each_problem_is_named_by_its_path(self):
        cases = [
            (changed(event="problem_report.exploded"), "event", "must be one of"),
            (changed(schema="flipfix.notification/v2"), "schema", "must be 'flipfix.notification/v1'"),
            (changed(occurred_at="yesterday"), "occurred_at", "date-time"),
            (changed(occurred_at="2026-07-18T19:02:11"), "occurred_at", "date-time"),  # no offset
            (changed(site_url="flipfix.theflip.museum"), "site_url", "uri"),
            (changed(machine__operational_status="on fire"), "machine.operational_status", "must be one of"),
            (changed(machine__name=""), "machine.name", "at least 1"),
            (changed(machine__short_name="x" * 31), "machine.short_name", "at most 30"),
            (changed(problem_report__id=-1), "problem_report.id", "at least 0"),
            (changed(problem_report__id="412"), "problem_report.id", "expected integer"),
            (changed(event="problem_report.closed"), "actor", "expected object"),
        ]
        for event, path, words in cases:
            with self.subTest(path=path, words=words):
                issues = contract_issues(event)
                self.assertTrue(any(p == path and words in m for p, m in issues), issues)

    def test_a_missing_part_is_required(self):
        event = copy.deepcopy(CREATED)
        del event["problem_report"]
        self.assertIn(("problem_report", "is required"), contract_issues(event))

    def test_a_field_outside_the_contract_is_refused_so_a_reporter_contact_cannot_leak(self):
        event = changed(problem_report__reporter={"display": "Ken", "username": None, "contact": "ken@example.org"})
        with self.assertRaises(InvalidEvent) as caught:
            validate_event(event)
        self.assertIn(("problem_report.reporter.contact", "is not part of the contract"), caught.exception.issues)
        self.assertIn("problem_report:412:created", str(caught.exception))

    def test_half_a_surrogate_pair_is_not_text(self):
        issues = contract_issues(changed(problem_report__description="broken \ud83d"))
        self.assertIn(("problem_report.description", "contains half of a surrogate pair (not Unicode text)"), issues)

    def test_hostile_text_is_valid_text(self):
        text = "@everyone <@&1> <!here> **x** [[problem:7]] \u202e <img src=x onerror=alert(1)> \U0001f3b1"
        self.assertEqual(contract_issues(changed(problem_report__description=text)), [])

    def test_not_json_is_refused(self):
        self.assertTrue(contract_issues(json.loads("[]")))
        self.assertTrue(contract_issues(changed(problem_report__id=object())))
