"""Models with the shapes of Flipfix's (catalog.Location and MachineInstance,
accounts.Maintainer, maintenance.ProblemReport and LogEntry, core.ApiKey): the fields the
package reads, with Flipfix's names, choices and relations."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Location(models.Model):
    class Zone(models.TextChoices):
        FRONT = "front", "Front of house"
        WORKSHOP = "workshop", "Workshop"
        STORAGE = "storage", "Storage"
        HIDDEN = "hidden", "Hidden"

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    zone = models.CharField(max_length=20, choices=Zone.choices, default=Zone.HIDDEN)

    def __str__(self):
        return self.name


class Maintainer(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="maintainer")
    is_shared_account = models.BooleanField(default=False)


class MachineInstance(models.Model):
    class OperationalStatus(models.TextChoices):
        GOOD = "good", "Good"
        FIXING = "fixing", "Fixing"
        BROKEN = "broken", "Broken"
        UNKNOWN = "unknown", "Unknown"

    asset_id = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=30, blank=True, null=True, unique=True)
    slug = models.SlugField(unique=True)
    location = models.ForeignKey(Location, on_delete=models.PROTECT, null=True, blank=True, related_name="machines")
    operational_status = models.CharField(
        max_length=20, choices=OperationalStatus.choices, default=OperationalStatus.UNKNOWN
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )


class ProblemReport(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    class ProblemType(models.TextChoices):
        STUCK_BALL = "stuck_ball", "Stuck Ball"
        NO_CREDITS = "no_credits", "No Credits"
        OTHER = "other", "Other"

    class Priority(models.TextChoices):
        UNTRIAGED = "untriaged", "Untriaged"
        UNPLAYABLE = "unplayable", "Unplayable"
        MAJOR = "major", "Major"
        MINOR = "minor", "Minor"
        TASK = "task", "Task"

    machine = models.ForeignKey(MachineInstance, on_delete=models.CASCADE, related_name="problem_reports")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    problem_type = models.CharField(max_length=50, choices=ProblemType.choices, default=ProblemType.OTHER)
    priority = models.CharField(max_length=20, choices=Priority.choices, default=Priority.MINOR)
    description = models.TextField(blank=True)
    reported_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reported_by_name = models.CharField(max_length=200, blank=True)
    reported_by_contact = models.CharField(max_length=200, blank=True)
    occurred_at = models.DateTimeField(default=timezone.now)


class LogEntry(models.Model):
    machine = models.ForeignKey(MachineInstance, on_delete=models.CASCADE, related_name="log_entries")
    problem_report = models.ForeignKey(
        ProblemReport, on_delete=models.SET_NULL, null=True, blank=True, related_name="log_entries"
    )
    maintainers = models.ManyToManyField(Maintainer, blank=True, related_name="log_entries")
    maintainer_names = models.CharField(max_length=120, blank=True)
    text = models.TextField()
    occurred_at = models.DateTimeField(default=timezone.now)
    time_spent = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )


class ApiKey(models.Model):
    app_name = models.CharField(max_length=100)
    key = models.CharField(max_length=64, unique=True, db_index=True)
