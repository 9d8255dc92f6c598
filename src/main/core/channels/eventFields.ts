// Each field a notification can show about an event (see MESSAGE_FIELDS), built in the
// destination's syntax. describeEvent picks today's fields from here; an endpoint's message
// customisation picks its own list and order.
import type { MessageField } from '../../../shared/messageTemplates'
import { type KnockerEvent, type LogEntry, type Machine } from '../../../shared/events'
import { oneLine } from '../text/cleanText'
import { truncateChars } from '../text/truncate'
import type { MessageSyntax, ViewField } from './eventView'

const DAY_MS = 24 * 60 * 60 * 1000

/** Who did it: the actor's display name, else username, else "Someone". */
export function actorName(event: KnockerEvent): string {
  const actor = event.actor
  return oneLine(actor?.display_name || actor?.username || '') || 'Someone'
}

export function reporterName(event: KnockerEvent): string {
  const reporter = event.problem_report?.reporter
  return oneLine(reporter?.display || reporter?.username || '') || 'Anonymous'
}

function locationName(machine: Machine): string {
  return machine.location?.name ? oneLine(machine.location.name) : 'No Location'
}

/** "a, b, c and 12 more" within maxChars, so a long list never loses its end mid-name. */
function listWithin(names: string[], maxChars: number): string {
  for (let shown = names.length; shown > 0; shown -= 1) {
    const rest = names.length - shown
    const text = names.slice(0, shown).join(', ') + (rest ? ` and ${rest} more` : '')
    if (text.length <= maxChars) return text
  }
  return truncateChars(names.join(', '), maxChars)
}

export function maintainersOf(log: LogEntry): string[] {
  const names = log.maintainers.map((m) => oneLine(m.display_name || m.username)).filter(Boolean)
  const free = oneLine(log.maintainer_names)
  if (free) names.push(free)
  return names
}

function hoursText(hours: number): string {
  const minutes = Math.round(hours * 60)
  const h = Math.floor(minutes / 60)
  const m = minutes % 60
  return [h ? `${h} h` : '', m ? `${m} min` : ''].filter(Boolean).join(' ') || '0 min'
}

function workDate(log: LogEntry, eventAt: string, s: MessageSyntax): string {
  const date = s.date(log.occurred_at)
  const backdated = Date.parse(eventAt) - Date.parse(log.occurred_at) > DAY_MS
  return backdated ? `${date} (backdated; logged ${s.date(eventAt)})` : date
}

const ACTOR_LABELS: Record<KnockerEvent['event'], string> = {
  'problem_report.created': 'Reported by',
  'problem_report.closed': 'Closed by',
  'problem_report.reopened': 'Reopened by',
  'log_entry.created': 'Logged by',
  'machine.created': 'Added by',
  'machine.status_changed': 'Changed by',
  'machine.location_changed': 'Moved by',
}

function field(name: string, value: string, inline = true): ViewField {
  return { name, value, inline }
}

/** One field of the event, or undefined when the event has nothing for it (no time spent …).
 * `description` is the message's body text, not a field: describeEvent handles it. */
export function eventField(id: Exclude<MessageField, 'description'>, event: KnockerEvent, s: MessageSyntax): ViewField | undefined {
  const plainName = (text: string) => s.escape(oneLine(text))
  const report = event.problem_report
  const log = event.event === 'log_entry.created' ? event.log_entry : undefined
  switch (id) {
    case 'location':
      return field('Location', plainName(locationName(event.machine)))
    case 'problem_type':
      return report && field('Problem type', plainName(report.problem_type_label || report.problem_type))
    case 'priority':
      return report && field('Priority', plainName(report.priority_label))
    case 'reporter':
      return report && field('Reported by', plainName(reporterName(event)))
    case 'actor':
      return field(ACTOR_LABELS[event.event], plainName(actorName(event)))
    case 'maintainers': {
      if (!log) return undefined
      const who = maintainersOf(log).map(plainName)
      // A log entry without named maintainers says who logged it.
      return who.length ? field(who.length === 1 ? 'Maintainer' : 'Maintainers', listWithin(who, s.maxFieldChars)) : eventField('actor', event, s)
    }
    case 'work_date':
      return log && field('Work date', workDate(log, event.occurred_at, s))
    case 'time_spent':
      return log?.time_spent_hours ? field('Time spent', hoursText(log.time_spent_hours)) : undefined
    case 'problem_report': {
      const pr = log?.problem_report
      return pr ? field('Problem report', `${s.link(`Problem #${pr.id}`, pr.url)} (${pr.status})`) : undefined
    }
  }
}
