"""The seven events built from Flipfix-shaped rows: valid against the contract, Flipfix's
links and labels, hostile text untouched, a reporter's contact never included."""

import json
from datetime import datetime
from decimal import Decimal

from django.test import TestCase, override_settings

from knocker_outbox import builders
from knocker_outbox.contract import contract_issues

import samples
from samples import HOSTILE_TEXT, SITE, WHEN


class BuilderTests(TestCase):
    def setUp(self):
        self.ken = samples.user("ken", "Ken")
        self.floor1 = samples.user("floor1", "Floor Terminal", shared=True)
        self.machine = samples.machine(created_by=self.ken)
        self.report = samples.report(self.machine, reported_by_name="", reported_by_contact="visitor@example.org")

    def assertValid(self, event):
        self.assertEqual(contract_issues(event), [], json.dumps(event, indent=1))

    def test_all_seven_are_valid_and_carry_the_parts_their_type_needs(self):
        workshop = samples.location("Workshop", "workshop", "workshop")
        entry = samples.log_entry(self.machine, maintainers=[self.ken], problem_report=self.report, time_spent=Decimal("1.50"))
        events = [
            builders.problem_report_created(self.report),
            builders.problem_report_closed(self.report, self.ken),
            builders.problem_report_reopened(self.report, self.floor1),
            builders.log_entry_created(entry),
            builders.machine_created(self.machine, self.ken),
            builders.machine_status_changed(self.machine, "broken", self.ken),
            builders.machine_location_changed(self.machine, workshop, self.ken),
        ]
        self.assertEqual(
            [e["event"] for e in events],
            ["problem_report.created", "problem_report.closed", "problem_report.reopened", "log_entry.created",
             "machine.created", "machine.status_changed", "machine.location_changed"],
        )
        for event in events:
            with self.subTest(event=event["event"]):
                self.assertValid(event)
                self.assertEqual(event["site_url"], SITE)
        self.assertEqual(len({e["event_id"] for e in events}), 7)

    def test_machine_part_is_flipfixs_machine(self):
        event = builders.machine_created(self.machine, self.ken)
        self.assertEqual(
            event["machine"],
            {
                "asset_id": "M0023",
                "name": "Eight Ball Deluxe Limited Edition",
                "short_name": "Eight Ball Deluxe",
                "slug": "eight-ball-deluxe-limited-edition",
                "operational_status": "good",
                "operational_status_label": "Good",
                "location": {"name": "Museum", "slug": "museum", "zone": "front"},
                "url": f"{SITE}/machines/eight-ball-deluxe-limited-edition/",
            },
        )
        self.assertEqual(event["actor"], {"username": "ken", "display_name": "Ken", "is_shared_account": False})
        self.assertEqual(event["event_id"], f"machine:{self.machine.pk}:created")

    def test_a_visitor_report_has_no_actor_and_an_anonymous_reporter_and_never_the_contact(self):
        event = builders.problem_report_created(self.report)
        self.assertIsNone(event["actor"])
        self.assertEqual(
            event["problem_report"],
            {
                "id": self.report.pk,
                "status": "open",
                "problem_type": "other",
                "problem_type_label": "Other",
                "priority": "untriaged",
                "priority_label": "Untriaged",
                "description": "#1 drop target spring missing",
                "reporter": {"display": "Anonymous", "username": None},
                "url": f"{SITE}/problem-reports/{self.report.pk}/",
            },
        )
        self.assertEqual(event["occurred_at"], "2026-07-18T19:02:11+00:00")
        self.assertNotIn("visitor@example.org", json.dumps(event))

    def test_a_reporter_is_the_typed_name_then_the_user(self):
        named = samples.report(self.machine, reported_by_name="Reba", reported_by_contact="555-0100")
        by_user = samples.report(self.machine, reported_by_user=self.ken, reported_by_contact="ken@example.org")
        self.assertEqual(builders.problem_report_created(named)["problem_report"]["reporter"], {"display": "Reba", "username": None})
        event = builders.problem_report_created(by_user)
        self.assertEqual(event["problem_report"]["reporter"], {"display": "Ken", "username": "ken"})
        self.assertEqual(event["actor"]["username"], "ken")
        for e in (builders.problem_report_created(named), event):
            self.assertNotIn("555-0100", json.dumps(e))
            self.assertNotIn("ken@example.org", json.dumps(e))

    def test_close_and_reopen_name_who_and_the_previous_status(self):
        closed = builders.problem_report_closed(self.report, self.floor1)
        self.assertEqual(closed["actor"], {"username": "floor1", "display_name": "Floor Terminal", "is_shared_account": True})
        self.assertEqual(closed["problem_report"]["previous_status"], "open")
        self.assertEqual(builders.problem_report_reopened(self.report, self.ken)["problem_report"]["previous_status"], "closed")

    def test_two_closes_of_one_report_are_two_events(self):
        first = builders.problem_report_closed(self.report, self.ken, occurred_at=WHEN)
        entry = samples.log_entry(self.machine, text="Closed problem report", problem_report=self.report)
        second = builders.problem_report_closed(self.report, self.ken, log_entry=entry)
        self.assertNotEqual(first["event_id"], second["event_id"])
        self.assertEqual(second["event_id"], f"problem_report:{self.report.pk}:closed:log{entry.pk}")
        self.assertTrue(second["log_entry"]["auto_generated"])

    def test_log_entry_part(self):
        entry = samples.log_entry(
            self.machine, text="Fixed outhole switch (loose wire) and replaced fuse", maintainers=[self.ken],
            maintainer_names="william", problem_report=self.report, time_spent=Decimal("2.25"), created_by=self.ken,
        )
        part = builders.log_entry_created(entry)["log_entry"]
        self.assertEqual(
            part,
            {
                "id": entry.pk,
                "text": "Fixed outhole switch (loose wire) and replaced fuse",
                "auto_generated": False,
                "occurred_at": "2026-07-18T19:02:11+00:00",
                "maintainers": [{"username": "ken", "display_name": "Ken"}],
                "maintainer_names": "william",
                "time_spent_hours": 2.25,
                "problem_report": {"id": self.report.pk, "status": "open", "url": f"{SITE}/problem-reports/{self.report.pk}/"},
                "url": f"{SITE}/logs/{entry.pk}/",
            },
        )

    def test_changes_carry_values_and_labels_and_no_location_is_null(self):
        status = builders.machine_status_changed(self.machine, "broken", self.ken)
        self.assertEqual(status["change"], {"field": "operational_status", "from": "broken", "from_label": "Broken", "to": "good", "to_label": "Good"})
        self.machine.location = None
        moved = builders.machine_location_changed(self.machine, samples.location(), self.ken)
        self.assertEqual(moved["change"], {"field": "location", "from": "museum", "from_label": "Museum", "to": None, "to_label": None})
        self.assertIsNone(moved["machine"]["location"])
        self.assertValid(moved)

    def test_hostile_text_passes_through_as_typed(self):
        report = samples.report(self.machine, description=HOSTILE_TEXT, reported_by_name=HOSTILE_TEXT[:200])
        entry = samples.log_entry(self.machine, text=HOSTILE_TEXT)
        created = builders.problem_report_created(report)
        logged = builders.log_entry_created(entry)
        self.assertEqual(created["problem_report"]["description"], HOSTILE_TEXT)
        self.assertEqual(created["problem_report"]["reporter"]["display"], HOSTILE_TEXT[:200])
        self.assertEqual(logged["log_entry"]["text"], HOSTILE_TEXT)
        self.assertValid(created)
        self.assertValid(logged)

    def test_a_change_nobody_can_be_named_for_still_has_an_actor(self):
        event = builders.machine_status_changed(self.machine, "broken", None)
        self.assertEqual(event["actor"]["display_name"], "Someone in Flipfix")
        self.assertValid(event)

    @override_settings(USE_TZ=False)
    def test_a_naive_time_gets_an_offset(self):
        self.assertRegex(builders.iso(datetime(2026, 7, 18, 19, 2, 11)), r"^2026-07-18T19:02:11[+-]\d\d:\d\d$")
