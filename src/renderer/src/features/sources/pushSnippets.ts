// Ready-to-paste examples of the museum app pushing one event to Knocker's intake.
import { SAMPLE_EVENTS } from '../../../../shared/samples'

const TOKEN_PLACEHOLDER = '<ingest token>'

/** A shell-safe single-quoted string. */
const shellQuote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`

export function curlSnippet(url: string, token: string | null): string {
  const event = JSON.stringify(SAMPLE_EVENTS['problem_report.created'])
  return [
    `curl -sS -X POST ${shellQuote(url)} \\`,
    `  -H ${shellQuote(`Authorization: Bearer ${token ?? TOKEN_PLACEHOLDER}`)} \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  --data ${shellQuote(event)}`,
  ].join('\n')
}

/** Knocker's address for the Django package's PUSH_URL: the intake URL without /v1/events. */
function knockerBaseUrl(intakeUrl: string): string {
  return intakeUrl.replace(/\/v1\/events\/?$/, '')
}

/** Setting up the Django package (integrations/django in Knocker's repository) to push here. */
export function djangoPackageSnippet(intakeUrl: string): string {
  return `# 1. Install Knocker's Django package into the museum app's environment:
#      pip install path/to/knocker/integrations/django
# 2. settings.py
import os

INSTALLED_APPS += ["knocker_outbox"]
MIDDLEWARE += ["knocker_outbox.actors.CurrentUserMiddleware"]  # after AuthenticationMiddleware
DATABASES["default"]["ATOMIC_REQUESTS"] = True  # each change and its event commit together

KNOCKER_OUTBOX = {
    "SITE_URL": "https://flipfix.theflip.museum",
    "PUSH_URL": ${JSON.stringify(knockerBaseUrl(intakeUrl))},
    "PUSH_TOKEN": os.environ["KNOCKER_INGEST_TOKEN"],
    "MODELS": {
        "machine": "catalog.MachineInstance",
        "problem_report": "maintenance.ProblemReport",
        "log_entry": "maintenance.LogEntry",
    },
}
# 3. python manage.py migrate knocker_outbox
# 4. Push every minute (cron or a django-q2 schedule), or keep a worker running:
#      python manage.py knocker_push          # once
#      python manage.py knocker_push --loop   # until stopped
`
}
