// Writes accepted events and their deliveries (through ReportEdits and the outbox) with group
// commit: every intake request that arrives while a commit is in progress joins the next single
// transaction, so one fsync covers many requests. A promise resolves only after its commit is on disk.
import type { Statement } from 'better-sqlite3'
import { getTableColumns, getTableName, type Table } from 'drizzle-orm'
import type { KnockerEvent } from '../../../shared/events'
import { eventSummary } from '../../../shared/eventSummary'
import type { Clock } from '../clock'
import type { EndpointsRepo } from '../db/endpointsRepo'
import type { Db } from '../db/openDb'
import { events } from '../db/schema'
import type { DeliveryHolds } from '../delivery/deliveryHolds'
import type { ReportEdits } from '../delivery/reportEdits'
import type { SettingsRepo } from '../db/settingsRepo'
import { routeEvent } from '../routing/router'

export interface AcceptedEvent {
  event_id: string
  duplicate: boolean
  deliveries: Array<{ id: number; endpoint_id: string; status: 'pending' | 'suppressed' }>
}

export interface SubmitOptions {
  /** Runs inside the transaction that writes these events (after them), so whatever it writes
   * (a poller's snapshot or cursor) is on disk exactly when they are. Must not throw. */
  inSameCommit?: (results: AcceptedEvent[]) => void
}

interface Pending {
  events: KnockerEvent[]
  options: SubmitOptions
  resolve: (results: AcceptedEvent[]) => void
  reject: (error: unknown) => void
}

export class IntakeWriter {
  private queue: Pending[] = []
  private scheduled = false
  // Prepared once and run by better-sqlite3 directly: intake inserts in bulk, and building SQL
  // or mapping parameters per insert would cost more than the insert itself.
  private readonly insertEvent: Statement<[string, string, string, number, string, string], number>

  constructor(
    private readonly deps: {
      db: Db
      /** Writes each routed delivery (a report's update may become an edit of its post). */
      reportEdits: ReportEdits
      /** Quiet hours and per-person digests: whether a new delivery waits. */
      holds: DeliveryHolds
      endpoints: EndpointsRepo
      settings: SettingsRepo
      clock: Clock
      /** Called after each commit with the number of new pending deliveries. */
      onCommitted: (newPending: number) => void
    },
  ) {
    const client = deps.db.$client
    // Column names come from the drizzle schema, so the SQL follows schema.ts.
    const e = columnsOf(events)
    this.insertEvent = client
      .prepare<[string, string, string, number, string, string], number>(
        `insert into ${quote(getTableName(events))} (${e.eventId}, ${e.eventType}, ${e.occurredAt}, ${e.receivedAt}, ${e.payload}, ${e.summary})
         values (?, ?, ?, ?, ?, ?) on conflict (${e.eventId}) do nothing returning ${e.seq}`,
      )
      .pluck()
  }

  submit(batch: KnockerEvent[], options: SubmitOptions = {}): Promise<AcceptedEvent[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ events: batch, options, resolve, reject })
      if (!this.scheduled) {
        this.scheduled = true
        setImmediate(() => this.flush())
      }
    })
  }

  private flush() {
    this.scheduled = false
    const group = this.queue
    this.queue = []
    if (group.length === 0) return
    let results: AcceptedEvent[][]
    let newPending = 0
    try {
      results = this.deps.db.transaction(() =>
        group.map((request) => {
          const accepted = request.events.map((event) => {
            const result = this.write(event)
            newPending += result.deliveries.filter((d) => d.status === 'pending').length
            return result
          })
          request.options.inSameCommit?.(accepted)
          return accepted
        }),
      )
    } catch (error) {
      for (const request of group) request.reject(error)
      return
    }
    group.forEach((request, i) => request.resolve(results[i]))
    if (newPending > 0) this.deps.onCommitted(newPending)
  }

  private write(event: KnockerEvent): AcceptedEvent {
    const now = this.deps.clock.now()
    const seq = this.insertEvent.get(event.event_id, event.event, event.occurred_at, now, JSON.stringify(event), eventSummary(event))
    if (seq === undefined) return { event_id: event.event_id, duplicate: true, deliveries: [] }

    const endpoints = this.deps.endpoints.list()
    const routed = routeEvent(event.event, this.deps.settings.get(), endpoints)
    const written = routed.flatMap((route) => {
      const endpoint = endpoints.find((e) => e.id === route.endpointId)
      // Quiet hours, a person's digest: the delivery waits ("held: quiet hours until 07:00").
      const hold = endpoint && route.status === 'pending' ? this.deps.holds.holdFor(endpoint, event, now) : null
      return this.deps.reportEdits.write(event, seq, route, endpoint, now, hold)
    })
    return { event_id: event.event_id, duplicate: false, deliveries: written }
  }
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`

/** Each column of a drizzle table as its quoted SQL name, by property name. */
function columnsOf<T extends Table>(table: T): Record<keyof T['_']['columns'], string> {
  return Object.fromEntries(Object.entries(getTableColumns(table)).map(([key, column]) => [key, quote(column.name)])) as Record<
    keyof T['_']['columns'],
    string
  >
}
