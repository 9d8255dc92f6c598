"""The push command against a fake Knocker intake on 127.0.0.1: 200/202 marks, an outage
keeps everything and backs off, a 4xx stops with a line that says what to fix."""

import io
import json
import logging

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase, override_settings

from knocker_outbox import push
from knocker_outbox.models import OutboxEvent
from knocker_outbox.outbox import emit

from fake_intake import FakeIntake, closed_port_url
from test_contract import changed

TOKEN = "test-ingest-token-0123456789"


def settings_for(url, **more):
    return {"SITE_URL": "https://flipfix.theflip.museum", "PUSH_URL": url, "PUSH_TOKEN": TOKEN, **more}


def emit_reports(ids, description=""):
    for i in ids:
        emit(changed(event_id=f"problem_report:{i}:created", problem_report__id=i, problem_report__description=description))


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("knocker_push", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


class PushTestCase(TestCase):
    answers = ()

    def setUp(self):
        self.intake = FakeIntake(self.answers)
        self.addCleanup(self.intake.close)
        override = override_settings(KNOCKER_OUTBOX=settings_for(self.intake.url, PUSH_BATCH_SIZE=100))
        override.enable()
        self.addCleanup(override.disable)

    def pending_ids(self):
        return list(OutboxEvent.objects.filter(sent_at__isnull=True).values_list("event_id", flat=True))


class AcceptedTests(PushTestCase):
    def test_posts_batches_in_order_with_the_token_and_marks_them_sent(self):
        emit_reports(range(1, 251))
        out, _ = run()
        self.assertEqual(out.strip(), "sent 250 events")
        self.assertEqual([len(r["events"]) for r in self.intake.requests], [100, 100, 50])
        self.assertTrue(all(r["path"] == "/v1/events" for r in self.intake.requests))
        self.assertTrue(all(r["authorization"] == f"Bearer {TOKEN}" for r in self.intake.requests))
        self.assertEqual(self.intake.sent_ids(), [f"problem_report:{i}:created" for i in range(1, 251)])
        self.assertEqual(self.pending_ids(), [])

    def test_a_second_run_sends_nothing(self):
        emit_reports([1])
        run()
        out, _ = run()
        self.assertEqual(out.strip(), "sent 0 events")
        self.assertEqual(len(self.intake.requests), 1)

    def test_batches_stay_under_knockers_size_limit(self):
        emit_reports(range(1, 11), description="x" * 60_000)
        run()
        sizes = [len(json.dumps({"events": r["events"]}).encode()) for r in self.intake.requests]
        self.assertGreater(len(sizes), 1)
        self.assertTrue(all(s <= 262_144 for s in sizes), sizes)
        self.assertEqual(len(self.intake.sent_ids()), 10)

    def test_a_resend_after_a_lost_mark_is_harmless(self):
        """Knocker answered but the marks were lost (a crash): the same ids go again and the
        receiver, which dedups by event_id like Knocker, has each once."""
        emit_reports([1, 2])
        run()
        OutboxEvent.objects.update(sent_at=None)
        run()
        self.assertEqual(self.intake.sent_ids(), ["problem_report:1:created", "problem_report:2:created"] * 2)
        self.assertEqual(set(self.intake.accepted), {"problem_report:1:created", "problem_report:2:created"})
        self.assertEqual(self.pending_ids(), [])


class OutageTests(PushTestCase):
    answers = [(503, {"error": {"code": "unavailable", "message": "shutting down"}})]

    def test_a_5xx_keeps_the_batch_says_so_and_the_next_run_sends_it(self):
        emit_reports([1, 2])
        out, err = run()
        self.assertIn("is unavailable (HTTP 503: shutting down); 2 events kept for the next try", err)
        self.assertEqual(self.pending_ids(), ["problem_report:1:created", "problem_report:2:created"])
        self.assertEqual(list(OutboxEvent.objects.values_list("attempts", flat=True)), [1, 1])
        out, _ = run()
        self.assertEqual(out.strip(), "sent 2 events")
        self.assertEqual(self.pending_ids(), [])

    def test_a_network_error_keeps_everything(self):
        emit_reports([1])
        with override_settings(KNOCKER_OUTBOX=settings_for(closed_port_url())):
            _, err = run()
        self.assertIn("is unavailable (ConnectionRefusedError", err)
        self.assertEqual(self.pending_ids(), ["problem_report:1:created"])
        self.assertEqual(self.intake.requests, [])


class RefusedTests(PushTestCase):
    answers = [
        (400, {"error": {"code": "invalid_event", "message": "1 of 1 events are invalid; none were accepted",
                         "issues": [{"path": "events.0.machine.url", "message": "must be an absolute http(s) URL"}]}}),
    ]

    def test_a_4xx_stops_with_a_clear_line_and_keeps_the_events(self):
        emit_reports([1, 2])
        with self.assertLogs("knocker_outbox.push", logging.ERROR) as logs, self.assertRaises(CommandError) as caught:
            run()
        message = str(caught.exception)
        self.assertIn("refused 2 events (HTTP 400: 1 of 1 events are invalid; none were accepted "
                      "(events.0.machine.url: must be an absolute http(s) URL))", message)
        self.assertIn("Pushing stopped; 2 events kept.", message)
        self.assertIn(message, logs.output[0])
        self.assertEqual(len(self.intake.requests), 1)
        self.assertEqual(len(self.pending_ids()), 2)

    def test_a_wrong_token_names_the_setting(self):
        self.intake.answers[:] = [(401, {"error": {"code": "unauthorized", "message": "missing or wrong token"}})]
        emit_reports([1])
        with self.assertRaisesRegex(CommandError, "HTTP 401.*Check KNOCKER_OUTBOX PUSH_TOKEN"):
            run()
        self.assertNotIn(TOKEN, str(OutboxEvent.objects.get().last_error))


class RedirectTests(PushTestCase):
    def test_a_redirect_is_not_followed_and_stops_pushing(self):
        elsewhere = FakeIntake()
        self.addCleanup(elsewhere.close)
        self.intake.answers[:] = [(302, {"location": elsewhere.url + "/v1/events"})]
        emit_reports([1])
        with self.assertRaisesRegex(CommandError, "HTTP 302.*PUSH_URL to Knocker's own address"):
            run()
        self.assertEqual(elsewhere.requests, [])
        self.assertEqual(self.pending_ids(), ["problem_report:1:created"])


class LoopTests(PushTestCase):
    answers = [(503, {}), (502, {}), (500, {}), (202, None)]

    def test_backs_off_doubling_then_returns_to_the_interval(self):
        emit_reports([1])
        sleeps = []
        push.run_loop(5, 12, sleep=sleeps.append, keep_going=lambda: len(sleeps) < 6)
        self.assertEqual(sleeps, [5, 10, 12, 5, 5, 5])
        self.assertEqual(self.pending_ids(), [])
        self.assertEqual(self.intake.sent_ids().count("problem_report:1:created"), 4)

    def test_a_refusal_ends_the_loop(self):
        self.intake.answers[:] = [(403, {"error": "forbidden"})]
        emit_reports([1])
        sleeps = []
        with self.assertLogs("knocker_outbox.push", logging.ERROR):
            stopped = push.run_loop(5, 60, sleep=sleeps.append, keep_going=lambda: len(sleeps) < 5)
        self.assertEqual(stopped.state, push.REFUSED)
        self.assertEqual(sleeps, [])


class SettingsTests(TestCase):
    @override_settings(KNOCKER_OUTBOX={"SITE_URL": "https://flipfix.theflip.museum"})
    def test_push_without_an_address_says_which_setting(self):
        from django.core.exceptions import ImproperlyConfigured

        with self.assertRaisesRegex(ImproperlyConfigured, "PUSH_URL"):
            run()

    @override_settings(KNOCKER_OUTBOX={"PUSH_ULR": "http://127.0.0.1:8727"})
    def test_a_misspelt_setting_is_named(self):
        from django.core.exceptions import ImproperlyConfigured

        with self.assertRaisesRegex(ImproperlyConfigured, "unknown keys: PUSH_ULR"):
            run()


class ScheduledTaskTests(PushTestCase):
    answers = [(503, {}), (202, None), (422, {"error": {"code": "invalid_event", "message": "bad"}})]

    def test_the_django_q2_task_keeps_on_outage_sends_then_raises_on_a_refusal(self):
        from knocker_outbox.tasks import PushRefused, push_outbox

        emit_reports([1])
        self.assertIn("1 events kept for the next try", push_outbox())
        self.assertEqual(push_outbox(), "sent 1 events, pruned 0")
        emit_reports([2])
        with self.assertLogs("knocker_outbox.push", logging.ERROR), self.assertRaisesRegex(PushRefused, "HTTP 422: bad"):
            push_outbox()
        self.assertEqual(self.pending_ids(), ["problem_report:2:created"])
