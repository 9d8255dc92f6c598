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

export function pythonSnippet(url: string): string {
  return `# notifications.py in the museum app (Django). Uses requests.
import os
import requests

KNOCKER_URL = ${JSON.stringify(url)}
KNOCKER_TOKEN = os.environ["KNOCKER_INGEST_TOKEN"]

def notify_knocker(event: dict) -> None:
    """Send one event (see Knocker's README for the contract). 202 = stored, 200 = already had it."""
    response = requests.post(
        KNOCKER_URL,
        json=event,
        headers={"Authorization": f"Bearer {KNOCKER_TOKEN}"},
        timeout=5,
    )
    response.raise_for_status()

# In a view or signal, after the report is saved:
#   from django.db import transaction
#   transaction.on_commit(lambda: notify_knocker({
#       "schema": "flipfix.notification/v1",
#       "event_id": f"problem_report:{report.id}:created",
#       "event": "problem_report.created",
#       ...
#   }))
`
}
