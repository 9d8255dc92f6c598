// Writes accepted events and their deliveries (the outbox) with group commit: every intake
// request that arrives while a commit is in progress joins the next single transaction, so
// one fsync covers many requests. A promise resolves only after its commit is on disk.
import { sql } from 'drizzle-orm'
import type { KnockerEvent } from '../../../shared/events'
import { eventSummary } from '../../../shared/eventSummary'
import type { Clock } from '../clock'
import type { EndpointsRepo } from '../db/endpointsRepo'
import type { Db } from '../db/openDb'
import { deliveries, events } from '../db/schema'
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
  // Prepared once: building and preparing SQL per insert cost more than the inserts.
  private readonly insertEvent
  private readonly insertDelivery

  constructor(
    private readonly deps: {
      db: Db
      endpoints: EndpointsRepo
      settings: SettingsRepo
      clock: Clock
      /** Called after each commit with the number of new pending deliveries. */
      onCommitted: (newPending: number) => void
    },
  ) {
    const { db } = deps
    this.insertEvent = db
      .insert(events)
      .values({
        eventId: sql.placeholder('eventId'),
        eventType: sql.placeholder('eventType'),
        occurredAt: sql.placeholder('occurredAt'),
        receivedAt: sql.placeholder('receivedAt'),
        payload: sql.placeholder('payload'),
        summary: sql.placeholder('summary'),
      })
      .onConflictDoNothing({ target: events.eventId })
      .returning({ seq: events.seq })
      .prepare()
    this.insertDelivery = db
      .insert(deliveries)
      .values({
        eventSeq: sql.placeholder('eventSeq'),
        endpointId: sql.placeholder('endpointId'),
        status: sql.placeholder('status'),
        lastError: sql.placeholder('lastError'),
        nextAttemptAt: sql.placeholder('now'),
        createdAt: sql.placeholder('now'),
        updatedAt: sql.placeholder('now'),
      })
      .returning({ id: deliveries.id })
      .prepare()
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
    const inserted = this.insertEvent.get({
      eventId: event.event_id,
      eventType: event.event,
      occurredAt: event.occurred_at,
      receivedAt: now,
      payload: JSON.stringify(event),
      summary: eventSummary(event),
    })
    if (!inserted) return { event_id: event.event_id, duplicate: true, deliveries: [] }

    const routed = routeEvent(event.event, this.deps.settings.get(), this.deps.endpoints.list())
    const written = routed.map((route) => {
      const row = this.insertDelivery.get({
        eventSeq: inserted.seq,
        endpointId: route.endpointId,
        status: route.status,
        lastError: route.reason ?? null,
        now,
      })!
      return { id: row.id, endpoint_id: route.endpointId, status: route.status }
    })
    return { event_id: event.event_id, duplicate: false, deliveries: written }
  }
}
