"""Museum activity that produces each of the seven events once, through the signal wiring,
each change in its own transaction (as a request with ATOMIC_REQUESTS would): used by
Knocker's end-to-end test. --api-key stores a key the feed accepts (Flipfix's ApiKey)."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from knocker_outbox.actors import acting_as

from flipfix_shapes.models import ApiKey, Location, LogEntry, MachineInstance, Maintainer, ProblemReport


class Command(BaseCommand):
    help = "Create sample museum activity: one of each Knocker event."

    def add_arguments(self, parser):
        parser.add_argument("--api-key", help="store this key as an ApiKey the feed accepts")
        parser.add_argument("--only-status-change", action="store_true", help="just mark Gorgar broken/good once more")

    def handle(self, *args, **options):
        if options["only_status_change"]:
            with transaction.atomic():
                machine = MachineInstance.objects.get(asset_id="M0006")
                machine.operational_status = "good" if machine.operational_status == "broken" else "broken"
                machine.save()
            self.stdout.write("1 change")
            return
        if options["api_key"]:
            ApiKey.objects.create(app_name="knocker", key=options["api_key"])
        with transaction.atomic():
            users = {}
            for username, name, shared in [("ken", "Ken", False), ("diana", "Diana", False), ("floor1", "Floor Terminal", True)]:
                users[username] = get_user_model().objects.create(username=username, first_name=name)
                Maintainer.objects.create(user=users[username], is_shared_account=shared)
            Location.objects.create(name="Museum", slug="museum", zone="front")
            Location.objects.create(name="Workshop", slug="workshop", zone="workshop")
            storage = Location.objects.create(name="Storage", slug="storage", zone="storage")
        with transaction.atomic():  # machine.created
            gorgar = MachineInstance.objects.create(
                asset_id="M0006", name="Gorgar", slug="gorgar", operational_status="broken",
                location=storage, created_by=users["diana"],
            )
        with transaction.atomic():  # machine.location_changed
            gorgar.location = Location.objects.get(slug="workshop")
            gorgar.updated_by = users["diana"]
            gorgar.save()
        with transaction.atomic():  # machine.status_changed
            gorgar.operational_status = "fixing"
            gorgar.save()
        with transaction.atomic():  # problem_report.created, by a visitor
            report = ProblemReport.objects.create(
                machine=gorgar, priority="untriaged", description="Knocker, probably SPECIAL spontaneously firing @everyone",
                reported_by_contact="visitor@example.org",
            )
        with transaction.atomic():  # log_entry.created
            entry = LogEntry.objects.create(
                machine=gorgar, problem_report=report, text="Fixed outhole switch (loose wire) and replaced fuse",
                time_spent=Decimal("1.5"), created_by=users["ken"],
            )
            entry.maintainers.add(users["ken"].maintainer)
        with acting_as(users["ken"]), transaction.atomic():  # problem_report.closed
            report.status = "closed"
            report.save()
        with acting_as(users["floor1"]), transaction.atomic():  # problem_report.reopened
            report.status = "open"
            report.save()
        self.stdout.write("7 changes")
