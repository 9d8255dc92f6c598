"""Signal wiring on Flipfix-shaped models: field changes become events in the transaction
of the save, with the right actor; Flipfix's own auto log entries are not repeated."""

import json

from django.db import transaction
from django.test import TestCase, TransactionTestCase

from knocker_outbox.actors import acting_as
from knocker_outbox.models import OutboxEvent

import samples


def events():
    return [json.loads(p) for p in OutboxEvent.objects.order_by("id").values_list("payload", flat=True)]


def types():
    return [e["event"] for e in events()]


class MachineSignalTests(TestCase):
    def setUp(self):
        self.diana = samples.user("diana", "Diana")
        self.machine = samples.machine(name="Roto Pool", short_name=None, asset_id="M0009", slug="roto-pool", created_by=self.diana)

    def test_a_new_machine_is_machine_created_by_its_creator(self):
        (created,) = events()
        self.assertEqual(created["event"], "machine.created")
        self.assertEqual(created["actor"]["username"], "diana")

    def test_a_status_change_is_one_event_with_from_and_to(self):
        self.machine.operational_status = "broken"
        self.machine.updated_by = self.diana
        self.machine.save()
        last = events()[-1]
        self.assertEqual(last["event"], "machine.status_changed")
        self.assertEqual(last["change"], {"field": "operational_status", "from": "good", "from_label": "Good", "to": "broken", "to_label": "Broken"})
        self.assertEqual(last["actor"]["display_name"], "Diana")

    def test_a_move_is_machine_location_changed(self):
        self.machine.location = samples.location("Workshop", "workshop", "workshop")
        self.machine.save()
        last = events()[-1]
        self.assertEqual(last["event"], "machine.location_changed")
        self.assertEqual((last["change"]["from_label"], last["change"]["to_label"]), ("Museum", "Workshop"))

    def test_a_save_that_changes_neither_emits_nothing(self):
        self.machine.name = "Roto Pool (1958)"
        self.machine.save()
        self.assertEqual(types(), ["machine.created"])

    def test_both_changes_in_one_save_are_two_events(self):
        self.machine.operational_status = "fixing"
        self.machine.location = None
        self.machine.save()
        self.assertEqual(types(), ["machine.created", "machine.status_changed", "machine.location_changed"])

    def test_without_updated_by_the_requests_user_is_the_actor(self):
        reba = samples.user("reba", "Reba")
        with acting_as(reba):
            self.machine.operational_status = "broken"
            self.machine.save()
        self.assertEqual(events()[-1]["actor"]["username"], "reba")


class ReportSignalTests(TestCase):
    def setUp(self):
        self.ken = samples.user("ken", "Ken")
        self.machine = samples.machine()
        OutboxEvent.objects.all().delete()
        self.report = samples.report(self.machine, description="Left flipper flaky", reported_by_contact="visitor@example.org")

    def test_create_close_reopen(self):
        with acting_as(self.ken):
            self.report.status = "closed"
            self.report.save()
            self.report.status = "open"
            self.report.save()
        created, closed, reopened = events()
        self.assertEqual([created["event"], closed["event"], reopened["event"]],
                         ["problem_report.created", "problem_report.closed", "problem_report.reopened"])
        self.assertIsNone(created["actor"])
        self.assertEqual(closed["actor"]["username"], "ken")
        self.assertEqual(closed["problem_report"]["status"], "closed")
        self.assertEqual(reopened["problem_report"]["previous_status"], "closed")
        self.assertNotIn("visitor@example.org", json.dumps(events()))

    def test_saving_without_a_status_change_emits_nothing(self):
        self.report.priority = "major"
        self.report.save()
        self.assertEqual(types(), ["problem_report.created"])


class LogEntrySignalTests(TestCase):
    def setUp(self):
        self.ken = samples.user("ken", "Ken")
        self.brian = samples.user("brian", "Brian")
        self.machine = samples.machine()
        OutboxEvent.objects.all().delete()

    def test_maintainers_added_after_the_save_are_in_the_event(self):
        samples.log_entry(self.machine, text="Replaced bulbs across the machine, found 3 with no voltage",
                          maintainers=[self.ken, self.brian], created_by=self.ken)
        (logged,) = events()
        self.assertEqual(logged["event"], "log_entry.created")
        self.assertEqual([m["username"] for m in logged["log_entry"]["maintainers"]], ["ken", "brian"])
        self.assertEqual(logged["actor"]["username"], "ken")

    def test_flipfixs_own_texts_are_not_repeated_as_log_entries(self):
        for text in ["New machine added: Gorgar", "Status changed: Good → Broken", "Location changed: Workshop → Museum",
                     "\U0001f389\U0001f38a Gorgar has moved to the floor!", "Closed problem report", "Re-opened problem report"]:
            samples.log_entry(self.machine, text=text, maintainers=[self.ken])
        self.assertEqual(events(), [])
        samples.log_entry(self.machine, text="Status changed my mind: waxed it")
        self.assertEqual(types(), ["log_entry.created"])


class SignalAtomicityTests(TransactionTestCase):
    def test_a_save_rolled_back_with_its_transaction_leaves_no_event(self):
        machine = samples.machine()
        before = OutboxEvent.objects.count()
        with self.assertRaises(RuntimeError):
            with transaction.atomic():
                machine.operational_status = "broken"
                machine.save()
                raise RuntimeError("the request failed")
        self.assertEqual(OutboxEvent.objects.count(), before)
        machine.refresh_from_db()
        self.assertEqual(machine.operational_status, "good")
