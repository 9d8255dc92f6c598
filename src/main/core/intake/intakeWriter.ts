// Writes accepted events, their deliveries (through ReportEdits and the outbox) and the
// machine-health projection they update, with group commit: the intake requests that arrive
// between two turns of the event loop share one transaction, and the fsync that makes it
// durable runs off the loop (WalSync), so requests keep being parsed and messages sent while
// the disk works, and one fsync covers every commit made while the previous one ran. A
// promise resolves only after its commit is on disk.
import type { Statement } from 'better-sqlite3'
import { getTableColumns, getTableName, type Table } from 'drizzle-orm'
import type { KnockerEvent } from '../../../shared/events'
import { eventSummary } from '../../../shared/eventSummary'
import type { Clock } from '../clock'
import type { EndpointsRepo } from '../db/endpointsRepo'
import type { Db } from '../db/openDb'
import type { WalSync } from '../db/walSync'
import { ApiError } from '../admin/apiError'
import { events } from '../db/schema'
import type { DeliveryHolds } from '../delivery/deliveryHolds'
import type { Outbox } from '../delivery/outbox'
import type { ReportEdits } from '../delivery/reportEdits'
import type { SettingsRepo } from '../db/settingsRepo'
import type { MachineHealthProjection } from '../morning/machineHealthProjection'
import { relayEventType, relaySummary, type RelayedMessage } from '../../../shared/relay'
import type { RelaySourcesRepo } from '../db/relaySourcesRepo'
import { routeEvent, routeRelayed, type RoutedDelivery } from '../routing/router'

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

/** What intake stores: an event from the host app, or a message relayed from a
 * Discord-compatible source (routed by the source's own subscription). */
type IntakeItem = { kind: 'event'; event: KnockerEvent } | { kind: 'relay'; message: RelayedMessage }

interface Pending {
  items: IntakeItem[]
  options: SubmitOptions
  resolve: (results: AcceptedEvent[]) => void
  reject: (error: unknown) => void
}

export class IntakeWriter {
  private queue: Pending[] = []
  private scheduled = false
  /** Settles when every commit so far is on disk. */
  private lastOnDisk: Promise<void> = Promise.resolve()
  // Prepared once and run by better-sqlite3 directly: intake inserts in bulk, and building SQL
  // or mapping parameters per insert would cost more than the insert itself. Without RETURNING
  // (its result table costs a third of the insert): the new row's seq is the last insert's rowid.
  private readonly insertEvent: Statement<[string, string, string, number, string, string]>

  constructor(
    private readonly deps: {
      db: Db
      /** Commits without stopping the loop for the disk, and says when they are on it. */
      walSync: WalSync
      /** Writes the deliveries of relayed messages. */
      outbox: Outbox
      /** Writes each routed delivery of an event (a report's update may become an edit of its post). */
      reportEdits: ReportEdits
      /** Quiet hours and per-person digests: whether a new delivery waits. */
      holds: DeliveryHolds
      /** Machine health (for the morning report): every stored event is applied in its commit. */
      projection: MachineHealthProjection
      endpoints: EndpointsRepo
      relaySources: RelaySourcesRepo
      settings: SettingsRepo
      clock: Clock
      /** Called once a commit is on disk, with the number of new pending deliveries. */
      onCommitted: (newPending: number) => void
    },
  ) {
    const client = deps.db.$client
    // Column names come from the drizzle schema, so the SQL follows schema.ts.
    const e = columnsOf(events)
    this.insertEvent = client.prepare<[string, string, string, number, string, string]>(
      `insert into ${quote(getTableName(events))} (${e.eventId}, ${e.eventType}, ${e.occurredAt}, ${e.receivedAt}, ${e.payload}, ${e.summary})
       values (?, ?, ?, ?, ?, ?) on conflict (${e.eventId}) do nothing`,
    )
  }

  submit(batch: KnockerEvent[], options: SubmitOptions = {}): Promise<AcceptedEvent[]> {
    return this.enqueue(
      batch.map((event) => ({ kind: 'event', event })),
      options,
    )
  }

  /** Resolves once every event accepted so far is on disk: none of their deliveries may go out
   * before (a message sent for an event a power cut then undid would be sent again when the
   * source, never told "accepted", sends the event again). */
  eventsOnDisk(): Promise<void> {
    return this.lastOnDisk.catch(() => undefined)
  }

  /** A relayed message; resolves once it and its deliveries are on disk. */
  submitRelayed(message: RelayedMessage): Promise<AcceptedEvent> {
    return this.enqueue([{ kind: 'relay', message }], {}).then(([accepted]) => accepted)
  }

  private enqueue(items: IntakeItem[], options: SubmitOptions): Promise<AcceptedEvent[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ items, options, resolve, reject })
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
      results = this.deps.walSync.unsynced(() =>
        this.deps.db.transaction(() =>
          group.map((request) => {
            const accepted = request.items.map((item) => {
              const result = this.write(item)
              newPending += result.deliveries.filter((d) => d.status === 'pending').length
              return result
            })
            request.options.inSameCommit?.(accepted)
            return accepted
          }),
        ),
      )
    } catch (error) {
      for (const request of group) request.reject(error)
      return
    }
    const onDisk = this.deps.walSync.durable()
    this.lastOnDisk = onDisk
    onDisk.then(
      () => group.forEach((request, i) => request.resolve(results[i])),
      () => {
        // Stored, but the disk didn't confirm it: no 2xx. A source that sends it again is told
        // "duplicate" if it survived.
        const error = new ApiError(503, 'not_on_disk', 'The disk did not confirm the write; send the events again')
        for (const request of group) request.reject(error)
      },
    )
    // Their deliveries go once they are on disk, or as soon as can be if the disk failed.
    if (newPending > 0) void onDisk.finally(() => this.deps.onCommitted(newPending)).catch(() => undefined)
  }

  private write(item: IntakeItem): AcceptedEvent {
    const now = this.deps.clock.now()
    const stored =
      item.kind === 'event'
        ? { id: item.event.event_id, type: item.event.event, at: item.event.occurred_at, summary: eventSummary(item.event), payload: item.event }
        : {
            id: relayEventId(item.message),
            type: relayEventType(item.message.label),
            at: item.message.received_at,
            summary: relaySummary(item.message),
            payload: item.message,
          }
    const inserted = this.insertEvent.run(stored.id, stored.type, stored.at, now, JSON.stringify(stored.payload), stored.summary)
    if (inserted.changes === 0) return { event_id: stored.id, duplicate: true, deliveries: [] }
    const seq = Number(inserted.lastInsertRowid)

    const settings = this.deps.settings.get()
    const endpoints = this.deps.endpoints.list()
    if (item.kind === 'relay') {
      // Relayed messages are never held or edited: they go as their sender shaped them.
      const source = this.deps.relaySources.get(item.message.source_id)
      const routed = source ? routeRelayed(item.message.label, settings, source.routes, endpoints) : []
      this.deps.relaySources.received(item.message.source_id, now)
      const written = routed.map((route) => {
        const id = this.deps.outbox.add(seq, route.endpointId, route.status, route.reason ?? null, now)
        return { id, endpoint_id: route.endpointId, status: route.status }
      })
      return { event_id: stored.id, duplicate: false, deliveries: written }
    }
    const event = item.event
    this.deps.projection.apply(event)
    const written = routeEvent(event, settings, endpoints).flatMap((route) => {
      const endpoint = endpoints.find((e) => e.id === route.endpointId)
      // Quiet hours, a person's digest: the delivery waits ("held: quiet hours until 07:00").
      const hold = endpoint && route.status === 'pending' ? this.deps.holds.holdFor(endpoint, event, now) : null
      return this.deps.reportEdits.write(event, seq, route, endpoint, now, hold)
    })
    return { event_id: stored.id, duplicate: false, deliveries: written }
  }
}

/** A relayed message's event id: its source and the message id Knocker gave it. */
export function relayEventId(message: Pick<RelayedMessage, 'source_id' | 'message_id'>): string {
  return `relay:${message.source_id}:${message.message_id}`
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`

/** Each column of a drizzle table as its quoted SQL name, by property name. */
function columnsOf<T extends Table>(table: T): Record<keyof T['_']['columns'], string> {
  return Object.fromEntries(Object.entries(getTableColumns(table)).map(([key, column]) => [key, quote(column.name)])) as Record<
    keyof T['_']['columns'],
    string
  >
}
