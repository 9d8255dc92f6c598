"""The event feed, read the way Knocker's event-feed poller reads it:
GET /api/v1/notification-events/?after=<cursor>&limit=<n> with a bearer key."""

import json
from datetime import timedelta

from django.test import TestCase, override_settings
from django.utils import timezone

from knocker_outbox import feed
from knocker_outbox.models import OutboxEvent
from knocker_outbox.outbox import emit, prune

from flipfix_shapes.models import ApiKey
from test_contract import changed

KEY = "a1" * 32  # Flipfix's keys are 64 hex characters
FEED = "/api/v1/notification-events/"
BASE = {
    "SITE_URL": "https://flipfix.theflip.museum",
    "FEED_API_KEY_MODEL": "flipfix_shapes.ApiKey",
}


def accept_only_knocker(request, key):
    return key == "knocker-feed-key-0123456789"


def emit_reports(ids):
    for i in ids:
        emit(changed(event_id=f"problem_report:{i}:created", problem_report__id=i))


class FeedTestCase(TestCase):
    def setUp(self):
        ApiKey.objects.create(app_name="knocker", key=KEY)
        feed._last_prune["at"] = 0.0

    def read(self, key=KEY, **params):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key is not None else {}
        response = self.client.get(FEED, params, **headers)
        return response.status_code, json.loads(response.content)


@override_settings(KNOCKER_OUTBOX=BASE)
class PagingTests(FeedTestCase):
    def test_pages_oldest_first_with_cursors_until_an_empty_page_repeats_the_cursor(self):
        emit_reports(range(1, 251))
        seen, cursor, pages = [], None, 0
        while True:
            params = {"limit": 100, **({"after": cursor} if cursor else {})}
            status, page = self.read(**params)
            self.assertEqual(status, 200)
            self.assertEqual(set(page), {"events", "next_cursor"})
            if not page["events"]:
                self.assertEqual(page["next_cursor"], cursor)
                break
            pages += 1
            seen += [e["problem_report"]["id"] for e in page["events"]]
            self.assertIsInstance(page["next_cursor"], str)
            cursor = page["next_cursor"]
        self.assertEqual(pages, 3)
        self.assertEqual(seen, list(range(1, 251)))

    def test_an_empty_feed_answers_no_events_and_no_cursor(self):
        self.assertEqual(self.read(limit=100), (200, {"events": [], "next_cursor": None}))

    def test_events_are_served_exactly_as_emitted(self):
        event = changed(problem_report__description='@everyone "quoted" \\ back\u2028slash \U0001f3b1')
        emit(event)
        status, page = self.read()
        self.assertEqual(page["events"], [event])

    def test_new_events_appear_after_the_cursor(self):
        emit_reports([1, 2])
        _, first = self.read()
        emit_reports([3])
        _, second = self.read(after=first["next_cursor"])
        self.assertEqual([e["problem_report"]["id"] for e in second["events"]], [3])

    def test_default_limit_is_100(self):
        emit_reports(range(1, 121))
        self.assertEqual(len(self.read()[1]["events"]), 100)

    def test_bad_cursor_or_limit_is_a_clear_400(self):
        for params, words in [
            ({"after": "abc"}, "after must be a cursor"),
            ({"after": "-1"}, "after must be a cursor"),
            ({"after": "9" * 30}, "after must be a cursor"),
            ({"limit": "0"}, "limit must be a whole number from 1 to 500"),
            ({"limit": "501"}, "limit must be a whole number from 1 to 500"),
            ({"limit": "ten"}, "limit must be"),
        ]:
            with self.subTest(params=params):
                status, body = self.read(**params)
                self.assertEqual(status, 400)
                self.assertFalse(body["success"])
                self.assertIn(words, body["error"])

    def test_only_get(self):
        response = self.client.post(FEED, {}, HTTP_AUTHORIZATION=f"Bearer {KEY}")
        self.assertEqual(response.status_code, 405)


@override_settings(KNOCKER_OUTBOX=BASE)
class GapTests(FeedTestCase):
    """A row after a gap in the ids waits: the missing id may still be committing."""

    def row(self, id, age_seconds):
        event = changed(event_id=f"problem_report:{id}:created", problem_report__id=id)
        return OutboxEvent.objects.create(
            id=id, event_id=event["event_id"], event_type=event["event"], payload=json.dumps(event),
            created_at=timezone.now() - timedelta(seconds=age_seconds),
        )

    def ids(self, **params):
        return [e["problem_report"]["id"] for e in self.read(**params)[1]["events"]]

    def test_a_young_row_after_a_gap_is_held_back_and_everything_behind_it(self):
        self.row(1, 0)
        self.row(3, 0)
        self.row(4, 0)
        self.assertEqual(self.ids(), [1])
        status, page = self.read(after="1")
        self.assertEqual(page, {"events": [], "next_cursor": "1"})

    def test_the_late_row_is_served_first_once_it_commits(self):
        self.row(1, 0)
        self.row(3, 0)
        self.assertEqual(self.ids(), [1])
        self.row(2, 0)
        self.assertEqual(self.ids(after="1"), [2, 3])

    def test_after_the_wait_a_gap_is_taken_as_a_rollback(self):
        self.row(1, 0)
        self.row(3, 31)
        self.assertEqual(self.ids(), [1, 3])

    def test_pruned_rows_before_the_first_are_not_a_reason_to_wait(self):
        self.row(50, 3600)
        self.assertEqual(self.ids(), [50])


@override_settings(KNOCKER_OUTBOX=BASE)
class AuthTests(FeedTestCase):
    def test_no_key_is_401_and_a_wrong_key_403_in_flipfixs_error_shape(self):
        emit_reports([1])
        self.assertEqual(self.read(key=None), (401, {"success": False, "error": "Missing or invalid Authorization header"}))
        self.assertEqual(self.read(key="b2" * 32), (403, {"success": False, "error": "Invalid API key"}))
        self.assertEqual(self.read(key=KEY[:-1]), (403, {"success": False, "error": "Invalid API key"}))

    def test_the_hosts_own_api_keys_are_checked(self):
        emit_reports([1])
        self.assertEqual(self.read()[0], 200)
        ApiKey.objects.all().delete()
        self.assertEqual(self.read()[0], 403)

    @override_settings(KNOCKER_OUTBOX={**BASE, "FEED_API_KEY_MODEL": None, "FEED_API_KEYS": ["fixed-key-0123456789abcdef"]})
    def test_fixed_keys(self):
        self.assertEqual(self.read(key="fixed-key-0123456789abcdef")[0], 200)
        self.assertEqual(self.read()[0], 403)

    @override_settings(KNOCKER_OUTBOX={**BASE, "FEED_AUTH": "test_feed.accept_only_knocker"})
    def test_a_callable_of_the_hosts(self):
        self.assertEqual(self.read(key="knocker-feed-key-0123456789")[0], 200)
        self.assertEqual(self.read()[0], 403)

    @override_settings(KNOCKER_OUTBOX={"SITE_URL": "https://flipfix.theflip.museum"})
    def test_no_keys_configured_refuses_everyone_and_says_what_to_set(self):
        status, body = self.read()
        self.assertEqual(status, 403)
        self.assertIn("FEED_API_KEY_MODEL, FEED_API_KEYS or FEED_AUTH", body["error"])


@override_settings(KNOCKER_OUTBOX={**BASE, "RETENTION_DAYS": 7, "UNSENT_RETENTION_DAYS": 90})
class AcknowledgeAndPruneTests(FeedTestCase):
    def test_asking_for_what_follows_a_cursor_marks_the_rows_up_to_it_as_received(self):
        emit_reports([1, 2, 3])
        _, page = self.read(limit=2)
        self.assertFalse(OutboxEvent.objects.filter(sent_at__isnull=False).exists())
        self.read(after=page["next_cursor"])
        self.assertEqual(
            list(OutboxEvent.objects.filter(sent_at__isnull=False).values_list("event_id", flat=True)),
            ["problem_report:1:created", "problem_report:2:created"],
        )

    def test_prune_deletes_long_received_and_long_unclaimed_rows_only(self):
        emit_reports([1, 2, 3, 4])
        now = timezone.now()
        OutboxEvent.objects.filter(event_id="problem_report:1:created").update(sent_at=now - timedelta(days=8))
        OutboxEvent.objects.filter(event_id="problem_report:2:created").update(sent_at=now - timedelta(days=6))
        OutboxEvent.objects.filter(event_id="problem_report:3:created").update(created_at=now - timedelta(days=91))
        OutboxEvent.objects.filter(event_id="problem_report:4:created").update(created_at=now - timedelta(days=60))
        self.assertEqual(prune(), 2)
        self.assertEqual(
            sorted(OutboxEvent.objects.values_list("event_id", flat=True)),
            ["problem_report:2:created", "problem_report:4:created"],
        )

    def test_the_feed_prunes_when_a_reader_has_caught_up(self):
        emit_reports([1])
        OutboxEvent.objects.update(sent_at=timezone.now() - timedelta(days=30))
        emit_reports([2])
        _, page = self.read()  # the last page: the reader is up to date
        self.assertEqual([e["problem_report"]["id"] for e in page["events"]], [1, 2])
        self.assertEqual(list(OutboxEvent.objects.values_list("event_id", flat=True)), ["problem_report:2:created"])
