"""Delete outbox rows Knocker accepted long ago (RETENTION_DAYS) and rows nobody took
(UNSENT_RETENTION_DAYS). The feed and the push command also prune as they go."""

from django.core.management.base import BaseCommand

from knocker_outbox.outbox import prune


class Command(BaseCommand):
    help = "Delete old rows from the Knocker outbox."

    def handle(self, *args, **options):
        self.stdout.write(f"pruned {prune()} events")
