"""emit(): the event is stored exactly when the change commits, and only when it is valid."""

import json

from django.db import transaction
from django.test import TestCase, TransactionTestCase

from knocker_outbox.contract import InvalidEvent
from knocker_outbox.models import OutboxEvent
from knocker_outbox.outbox import OutsideTransaction, emit

from flipfix_shapes.models import ApiKey
from test_contract import CREATED, changed


class AtomicityTests(TransactionTestCase):
    """Real commits and rollbacks (TransactionTestCase doesn't wrap tests in a transaction)."""

    def test_a_committed_change_has_its_event(self):
        with transaction.atomic():
            ApiKey.objects.create(app_name="signage", key="k" * 64)
            emit(CREATED)
        self.assertEqual(list(OutboxEvent.objects.values_list("event_id", flat=True)), ["problem_report:412:created"])

    def test_a_rolled_back_change_leaves_no_event(self):
        with self.assertRaises(RuntimeError):
            with transaction.atomic():
                ApiKey.objects.create(app_name="signage", key="k" * 64)
                emit(CREATED)
                raise RuntimeError("the view failed after emitting")
        self.assertFalse(ApiKey.objects.exists())
        self.assertFalse(OutboxEvent.objects.exists())

    def test_emit_outside_a_transaction_is_refused_and_stores_nothing(self):
        with self.assertRaisesRegex(OutsideTransaction, "inside transaction.atomic"):
            emit(CREATED)
        self.assertFalse(OutboxEvent.objects.exists())

    def test_an_invalid_event_is_refused_and_the_change_can_still_commit(self):
        with transaction.atomic():
            ApiKey.objects.create(app_name="signage", key="k" * 64)
            with self.assertRaises(InvalidEvent):
                emit(changed(machine__operational_status="on fire"))
        self.assertTrue(ApiKey.objects.exists())
        self.assertFalse(OutboxEvent.objects.exists())


class StorageTests(TestCase):
    def test_the_event_is_stored_as_validated_json(self):
        with transaction.atomic():
            row = emit(CREATED)
        self.assertEqual(json.loads(row.payload), CREATED)
        self.assertEqual((row.event_type, row.sent_at, row.attempts), ("problem_report.created", None, 0))

    def test_the_same_event_id_is_stored_once(self):
        with transaction.atomic():
            first = emit(CREATED)
            second = emit(changed(problem_report__description="edited"))
        self.assertEqual(first.pk, second.pk)
        self.assertEqual(OutboxEvent.objects.count(), 1)
