"""The outbox table: one row per event, written in the transaction of the change it reports."""

from django.db import models


class OutboxEvent(models.Model):
    """A contract event waiting to be read from the feed or pushed to Knocker.

    `id` orders the feed and is its cursor. `sent_at` is set when Knocker accepted the event
    (a push answered 200/202, or the feed was asked for the events after it).
    """

    id = models.BigAutoField(primary_key=True)
    event_id = models.CharField(max_length=200, db_index=True)
    event_type = models.CharField(max_length=50)
    payload = models.TextField(help_text="The event as JSON, exactly as validated")
    created_at = models.DateTimeField(db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")

    class Meta:
        db_table = "knocker_outbox_event"
        ordering = ["id"]
        verbose_name = "Knocker outbox event"

    def __str__(self):
        return f"{self.event_id} ({'sent' if self.sent_at else 'pending'})"
