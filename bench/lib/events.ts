// Request bodies for intake: the museum's realistic sample events with unique ids. Bodies are
// built by string substitution from one serialised template, so the load generator spends its
// CPU on sending rather than on JSON.stringify.
import { EVENT_TYPES, type EventType, type KnockerEvent } from '../../src/shared/events'
import { SAMPLE_EVENTS } from '../../src/shared/samples'

const SLOT = '@@N@@'
/** Each event's number is readable in what the destination receives (Discord embed text). */
const MARKER = /bench #([a-z0-9]+)-(\d+)/
const MARKERS = new RegExp(MARKER.source, 'g')

function template(type: EventType, run: string): string[] {
  const sample = SAMPLE_EVENTS[type]
  const event: KnockerEvent = { ...sample, event_id: `bench:${run}:${type}:${SLOT}` }
  if ('problem_report' in event && event.problem_report) {
    event.problem_report = { ...event.problem_report, description: `bench #${run}-${SLOT} ${event.problem_report.description}` }
  }
  if ('log_entry' in event && event.log_entry) {
    event.log_entry = { ...event.log_entry, text: `bench #${run}-${SLOT} ${event.log_entry.text}` }
  }
  return JSON.stringify(event).split(SLOT)
}

export class EventBodies {
  /** A fresh prefix per factory, so event ids never repeat across runs of one shell. */
  readonly run = Math.random().toString(36).slice(2, 8)
  private readonly templates = new Map<EventType, string[]>()

  /** One event as a request body: problem_report.created unless a type is given. */
  single(n: number, type: EventType = 'problem_report.created'): string {
    let parts = this.templates.get(type)
    if (!parts) this.templates.set(type, (parts = template(type, this.run)))
    return parts.join(String(n))
  }

  /** The n-th of a realistic mix: every event type in turn. */
  mixed(n: number): string {
    return this.single(n, EVENT_TYPES[n % EVENT_TYPES.length])
  }

  /** {"events": [...]} with `count` events numbered from `first`. */
  batch(first: number, count: number): string {
    const events: string[] = []
    for (let i = 0; i < count; i++) events.push(this.single(first + i))
    return `{"events":[${events.join(',')}]}`
  }

  /** The event number carried in a delivered message of this factory's run, if any. */
  numberIn(text: string): number | null {
    const match = MARKER.exec(text)
    return match && match[1] === this.run ? Number(match[2]) : null
  }

  /** Every event number of this run in a message (a digest carries several). */
  numbersIn(text: string): number[] {
    return [...text.matchAll(MARKERS)].filter((m) => m[1] === this.run).map((m) => Number(m[2]))
  }
}
