"""Push pending outbox events to Knocker's intake, once (for cron or a django-q2 schedule)
or as a loop (a long-running worker)."""

from django.core.management.base import BaseCommand, CommandError

from knocker_outbox.conf import outbox_settings
from knocker_outbox.push import REFUSED, UNAVAILABLE, check_push_settings, push_pass, run_loop


class Command(BaseCommand):
    help = "Send pending Knocker outbox events to Knocker's intake (POST /v1/events)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="keep pushing until stopped")
        parser.add_argument("--interval", type=float, help="seconds between pushes in a loop (default PUSH_INTERVAL_SECONDS)")

    def handle(self, *args, **options):
        check_push_settings()
        conf = outbox_settings()
        if options["loop"]:
            interval = options["interval"] or conf.PUSH_INTERVAL_SECONDS
            try:
                stopped = run_loop(interval, conf.PUSH_MAX_BACKOFF_SECONDS)
            except KeyboardInterrupt:
                return
            if stopped is not None:
                raise CommandError(stopped.message)
            return
        result, pruned = push_pass()
        if result.state == REFUSED:
            raise CommandError(result.message)
        if result.state == UNAVAILABLE:
            # Nothing is lost: the next run sends them. Said on stderr, exit status 0.
            self.stderr.write(result.message)
            return
        self.stdout.write(f"sent {result.sent} events" + (f", pruned {pruned} old ones" if pruned else ""))
