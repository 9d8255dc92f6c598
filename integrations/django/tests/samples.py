"""Test data: Flipfix-shaped rows built from the museum's realistic sample data (machine
names, problem and work texts, maintainer names)."""

from datetime import datetime, timezone as dt_timezone

from django.contrib.auth import get_user_model

from flipfix_shapes.models import Location, LogEntry, MachineInstance, Maintainer, ProblemReport

SITE = "https://flipfix.theflip.museum"
WHEN = datetime(2026, 7, 18, 19, 2, 11, tzinfo=dt_timezone.utc)

# Text a visitor might type to ping a whole Discord server or restyle a message: it must
# reach Knocker exactly as typed (Knocker neutralises it per destination).
HOSTILE_TEXT = "@everyone <@123> <!channel> **bold** [[machine:roto-pool]] <script>x</script> \u202egnp.exe \U0001f4a5"


def location(name="Museum", slug="museum", zone="front"):
    return Location.objects.get_or_create(slug=slug, defaults={"name": name, "zone": zone})[0]


def user(username, first_name="", shared=False):
    u = get_user_model().objects.create(username=username, first_name=first_name)
    Maintainer.objects.create(user=u, is_shared_account=shared)
    return u


def machine(name="Eight Ball Deluxe Limited Edition", short_name="Eight Ball Deluxe", asset_id="M0023",
            slug="eight-ball-deluxe-limited-edition", status="good", where=None, **extra):
    return MachineInstance.objects.create(
        name=name, short_name=short_name, asset_id=asset_id, slug=slug, operational_status=status,
        location=where if where is not None else location(), **extra
    )


def report(on, description="#1 drop target spring missing", **extra):
    fields = {"priority": "untriaged", "occurred_at": WHEN, **extra}
    return ProblemReport.objects.create(machine=on, description=description, **fields)


def log_entry(on, text="Waxed playfield", maintainers=(), **extra):
    entry = LogEntry.objects.create(machine=on, text=text, occurred_at=WHEN, **extra)
    if maintainers:
        entry.maintainers.add(*[u.maintainer for u in maintainers])
    return entry
