// Read models of the delivery history: list with filters and a cursor, detail with attempts.
import { and, desc, eq, gte, lt, sql, type SQL } from 'drizzle-orm'
import type { AttemptView, DeliveryView } from '../../../shared/contracts'
import type { DeliveryStatus, EndpointKind, ErrorClass } from '../../../shared/domain'
import type { EventType } from '../../../shared/events'
import type { Db } from '../db/openDb'
import { attempts, deliveries, endpoints, events } from '../db/schema'

const columns = {
  delivery: deliveries,
  eventId: events.eventId,
  eventType: events.eventType,
  summary: events.summary,
  occurredAt: events.occurredAt,
  payload: events.payload,
  endpointName: endpoints.name,
  endpointKind: endpoints.kind,
}

type Joined = {
  delivery: typeof deliveries.$inferSelect
  eventId: string
  eventType: string
  summary: string
  occurredAt: string
  payload: string
  endpointName: string
  endpointKind: string
}

export interface DeliveryFilter {
  status?: DeliveryStatus
  endpoint_id?: string
  event?: EventType
  limit: number
  cursor?: string
}

export class DeliveryViews {
  constructor(private readonly db: Db) {}

  private joined(where: SQL | undefined) {
    return this.db
      .select(columns)
      .from(deliveries)
      .innerJoin(events, eq(events.seq, deliveries.eventSeq))
      .innerJoin(endpoints, eq(endpoints.id, deliveries.endpointId))
      .where(where)
  }

  /** Newest first; the cursor is the last id of the previous page. */
  list(filter: DeliveryFilter): { deliveries: DeliveryView[]; next_cursor: string | null } {
    const conditions: SQL[] = []
    if (filter.status) conditions.push(eq(deliveries.status, filter.status))
    if (filter.endpoint_id) conditions.push(eq(deliveries.endpointId, filter.endpoint_id))
    if (filter.event) conditions.push(eq(events.eventType, filter.event))
    const before = filter.cursor ? Number.parseInt(filter.cursor, 10) : NaN
    if (Number.isFinite(before)) conditions.push(lt(deliveries.id, before))
    const rows = this.joined(and(...conditions))
      .orderBy(desc(deliveries.id))
      .limit(filter.limit + 1)
      .all() as Joined[]
    const page = rows.slice(0, filter.limit)
    return {
      deliveries: page.map(toView),
      next_cursor: rows.length > filter.limit ? String(page[page.length - 1].delivery.id) : null,
    }
  }

  get(id: number): (DeliveryView & { payload: unknown; attempts: AttemptView[] }) | undefined {
    const row = this.joined(eq(deliveries.id, id)).get() as Joined | undefined
    if (!row) return undefined
    const list = this.db.select().from(attempts).where(eq(attempts.deliveryId, id)).orderBy(attempts.id).all()
    return {
      ...toView(row),
      payload: JSON.parse(row.payload),
      attempts: list.map((a) => ({
        id: a.id,
        attempt_no: a.attemptNo,
        trigger: a.trigger as AttemptView['trigger'],
        started_at: a.startedAt,
        duration_ms: a.durationMs,
        outcome: a.outcome as AttemptView['outcome'],
        status_code: a.statusCode,
        error_class: a.errorClass as ErrorClass | null,
        error_message: a.errorMessage,
        note: a.note,
        request_body: a.requestBody,
        response_headers: a.responseHeaders ? JSON.parse(a.responseHeaders) : null,
        response_body: a.responseBody,
      })),
    }
  }

  countsByStatus(): Record<DeliveryStatus, number> {
    const rows = this.db
      .select({ status: deliveries.status, n: sql<number>`count(*)` })
      .from(deliveries)
      .groupBy(deliveries.status)
      .all()
    const counts = { pending: 0, retrying: 0, sending: 0, delivered: 0, failed: 0, suppressed: 0 }
    for (const r of rows) counts[r.status as DeliveryStatus] = r.n
    return counts
  }

  queueCountsByEndpoint(): Map<string, { pending: number; failed: number }> {
    const rows = this.db
      .select({ endpointId: deliveries.endpointId, status: deliveries.status, n: sql<number>`count(*)` })
      .from(deliveries)
      .where(sql`${deliveries.status} in ('pending','retrying','sending','failed')`)
      .groupBy(deliveries.endpointId, deliveries.status)
      .all()
    const map = new Map<string, { pending: number; failed: number }>()
    for (const r of rows) {
      const entry = map.get(r.endpointId) ?? { pending: 0, failed: 0 }
      if (r.status === 'failed') entry.failed += r.n
      else entry.pending += r.n
      map.set(r.endpointId, entry)
    }
    return map
  }

  countSince(status: DeliveryStatus, since: number): number {
    return this.db
      .select({ n: sql<number>`count(*)` })
      .from(deliveries)
      .where(and(eq(deliveries.status, status), gte(deliveries.updatedAt, since)))
      .get()!.n
  }

  oldestPendingAt(): number | null {
    return (
      this.db
        .select({ at: sql<number | null>`min(${deliveries.createdAt})` })
        .from(deliveries)
        .where(sql`${deliveries.status} in ('pending','retrying','sending')`)
        .get()?.at ?? null
    )
  }

  eventCounts(since: number): { total: number; last_24h: number } {
    const row = this.db
      .select({
        total: sql<number>`count(*)`,
        recent: sql<number>`coalesce(sum(case when ${events.receivedAt} >= ${since} then 1 else 0 end), 0)`,
      })
      .from(events)
      .where(eq(events.isTest, false))
      .get()!
    return { total: row.total, last_24h: row.recent }
  }
}

function toView(row: Joined): DeliveryView {
  const d = row.delivery
  const occurred = Date.parse(row.occurredAt)
  return {
    id: d.id,
    event_id: row.eventId,
    event: row.eventType as EventType,
    summary: row.summary,
    endpoint_id: d.endpointId,
    endpoint_name: row.endpointName,
    endpoint_kind: row.endpointKind as EndpointKind,
    status: d.status as DeliveryStatus,
    is_test: d.isTest,
    attempt_count: d.attemptCount,
    next_attempt_at: d.status === 'retrying' || d.status === 'pending' ? d.nextAttemptAt : null,
    last_error_class: d.lastErrorClass as ErrorClass | null,
    last_error: d.lastError,
    last_status_code: d.lastStatusCode,
    remote_id: d.remoteId,
    occurred_at: row.occurredAt,
    created_at: d.createdAt,
    updated_at: d.updatedAt,
    delivered_at: d.deliveredAt,
    latency_ms: d.deliveredAt !== null && Number.isFinite(occurred) ? d.deliveredAt - occurred : null,
  }
}
