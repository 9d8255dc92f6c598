// Read models of the delivery history: list with filters and a cursor, detail with attempts.
import { and, desc, eq, gte, inArray, lt, sql, type SQL } from 'drizzle-orm'
import type { AttemptView, DeliveryFilter, DeliveryView, EndpointView } from '../../../shared/contracts'
import type { DeliveryStatus, EndpointKind, ErrorClass } from '../../../shared/domain'
import { type DeliveryEventType } from '../../../shared/attentionAlert'
import type { Db } from '../db/openDb'
import { editReason } from '../delivery/reportEdits'
import { KNOCKERS_OWN_EVENTS, attempts, deliveries, endpoints, events } from '../db/schema'

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

const HOUR = 3600_000
const HEALTH_WINDOW = 100

/** `%` and `_` typed by a person mean themselves, not wildcards. */
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

export class DeliveryViews {
  /** Prepared once: the timeline runs it 48 times per stats call. */
  private readonly finishedInHour

  constructor(private readonly db: Db) {
    this.finishedInHour = db
      .select({ n: sql<number>`count(*)` })
      .from(deliveries)
      .where(
        and(
          eq(deliveries.status, sql.placeholder('status')),
          gte(deliveries.updatedAt, sql.placeholder('from')),
          lt(deliveries.updatedAt, sql.placeholder('to')),
        ),
      )
      .prepare()
  }

  private joined(where: SQL | undefined) {
    return this.db
      .select(columns)
      .from(deliveries)
      .innerJoin(events, eq(events.seq, deliveries.eventSeq))
      .innerJoin(endpoints, eq(endpoints.id, deliveries.endpointId))
      .where(where)
  }

  private conditions(filter: DeliveryFilter): SQL[] {
    const conditions: SQL[] = []
    if (filter.status) conditions.push(eq(deliveries.status, filter.status))
    if (filter.endpoint_id) conditions.push(eq(deliveries.endpointId, filter.endpoint_id))
    if (filter.event) conditions.push(eq(events.eventType, filter.event))
    if (filter.since !== undefined) conditions.push(gte(deliveries.createdAt, filter.since))
    if (filter.until !== undefined) conditions.push(lt(deliveries.createdAt, filter.until))
    if (filter.q) conditions.push(sql`${events.summary} like ${likePattern(filter.q)} escape '\\'`)
    return conditions
  }

  /** Newest first; the cursor is the last id of the previous page. */
  list(filter: DeliveryFilter & { limit: number; cursor?: string }): {
    deliveries: DeliveryView[]
    next_cursor: string | null
  } {
    const conditions = this.conditions(filter)
    const before = filter.cursor ? Number.parseInt(filter.cursor, 10) : NaN
    if (Number.isFinite(before)) conditions.push(lt(deliveries.id, before))
    // The page's ids first, then its rows: a time range then sorts only ids, not the joined
    // rows of a busy day.
    let ids = this.db.select({ id: deliveries.id }).from(deliveries).$dynamic()
    if (filter.event || filter.q) ids = ids.innerJoin(events, eq(events.seq, deliveries.eventSeq))
    const pageIds = ids
      .where(and(...conditions))
      .orderBy(desc(deliveries.id))
      .limit(filter.limit + 1)
      .all()
      .map((r) => r.id)
    const rows = (pageIds.length ? this.joined(inArray(deliveries.id, pageIds)).orderBy(desc(deliveries.id)).all() : []) as Joined[]
    const page = rows.slice(0, filter.limit)
    return {
      deliveries: page.map(toView),
      next_cursor: rows.length > filter.limit ? String(page[page.length - 1].delivery.id) : null,
    }
  }

  /** Newest first, at most `max` rows, for export. */
  all(filter: DeliveryFilter, max: number): DeliveryView[] {
    const rows = this.joined(and(...this.conditions(filter)))
      .orderBy(desc(deliveries.id))
      .limit(max)
      .all() as Joined[]
    return rows.map(toView)
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

  /** Counted as all rows minus the unfinished, failed and suppressed ones (each an index
   * range), so the delivered rows, nearly all of them, are never grouped. */
  countsByStatus(): Record<DeliveryStatus, number> {
    const total = this.db.select({ n: sql<number>`count(*)` }).from(deliveries).get()!.n
    const rows = this.db
      .select({ status: deliveries.status, n: sql<number>`count(*)` })
      .from(deliveries)
      .where(sql`${deliveries.status} in ('pending','retrying','sending','failed','suppressed')`)
      .groupBy(deliveries.status)
      .all()
    const counts = { pending: 0, retrying: 0, sending: 0, delivered: 0, failed: 0, suppressed: 0 }
    for (const r of rows) counts[r.status as DeliveryStatus] = r.n
    counts.delivered = total - rows.reduce((n, r) => n + r.n, 0)
    return counts
  }

  /** Per endpoint, each count an index range of (endpoint_id, status): grouping every failed
   * delivery by endpoint read each row. */
  queueCountsByEndpoint(): Map<string, { pending: number; failed: number }> {
    // Spelled out: drizzle leaves columns unqualified in a one-table select, and inside the
    // subquery an unqualified "id" would be the delivery's.
    const count = (statuses: string) =>
      sql.raw(`(select count(*) from deliveries d where d.endpoint_id = endpoints.id and d.status in ${statuses})`).mapWith(Number)
    const rows = this.db
      .select({ endpointId: endpoints.id, pending: count(`('pending','retrying','sending')`), failed: count(`('failed')`) })
      .from(endpoints)
      .all()
    return new Map(rows.map((r) => [r.endpointId, { pending: r.pending, failed: r.failed }]))
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

  /** Deliveries finished (delivered or failed) per hour over the `hours` before `now`, oldest
   * first. One index range count per hour and status, because grouping a busy day's rows by
   * an hour expression would sort them first. */
  timeline(now: number, hours: number): Array<{ start: number; delivered: number; failed: number }> {
    const end = Math.floor(now / HOUR) * HOUR + HOUR
    const start = end - hours * HOUR
    const count = (status: DeliveryStatus, from: number) => this.finishedInHour.get({ status, from, to: from + HOUR })!.n
    return Array.from({ length: hours }, (_, i) => {
      const from = start + i * HOUR
      return { start: from, delivered: count('delivered', from), failed: count('failed', from) }
    })
  }

  /** An endpoint's last success and failure, and the success rate of its last 100 finished
   * deliveries (tests excluded). Bounded work per endpoint, whatever the history's size. */
  health(endpointId: string): EndpointView['health'] {
    const recent = this.db
      .select({ status: deliveries.status, deliveredAt: deliveries.deliveredAt, updatedAt: deliveries.updatedAt })
      .from(deliveries)
      .where(and(eq(deliveries.endpointId, endpointId), eq(deliveries.isTest, false)))
      .orderBy(desc(deliveries.id))
      .limit(HEALTH_WINDOW)
      .all()
    let delivered = 0
    let failed = 0
    let lastSuccess: number | null = null
    let lastFailure: number | null = null
    for (const r of recent) {
      if (r.status === 'delivered') {
        delivered++
        lastSuccess = Math.max(lastSuccess ?? 0, r.deliveredAt ?? r.updatedAt)
      } else if (r.status === 'failed' || r.status === 'retrying') {
        if (r.status === 'failed') failed++
        lastFailure = Math.max(lastFailure ?? 0, r.updatedAt)
      }
    }
    return {
      last_success_at: lastSuccess,
      last_failure_at: lastFailure,
      success_rate: delivered + failed > 0 ? delivered / (delivered + failed) : null,
    }
  }

  /** Events from the host app: Knocker's own (test sends, endpoint alerts) are subtracted
   * through a small partial index, because filtering them out would read every event row. */
  eventCounts(since: number): { total: number; last_24h: number } {
    const count = (where?: SQL) => this.db.select({ n: sql<number>`count(*)` }).from(events).where(where).get()!.n
    const recent = gte(events.receivedAt, since)
    return {
      total: count() - count(KNOCKERS_OWN_EVENTS),
      last_24h: count(recent) - count(and(KNOCKERS_OWN_EVENTS, recent)),
    }
  }
}

function toView(row: Joined): DeliveryView {
  const d = row.delivery
  const occurred = Date.parse(row.occurredAt)
  return {
    id: d.id,
    event_id: row.eventId,
    event: row.eventType as DeliveryEventType,
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
    why: whyOf(d, row.eventType),
  }
}

/** The routing rule it matched, then what it changes or why it waits: "matched: zone is
 * workshop · held: quiet hours until 07:00". */
function whyOf(d: Joined['delivery'], eventType: string): string | null {
  const state = d.editOf !== null ? editReason(eventType) : d.status === 'pending' || d.status === 'retrying' ? d.holdReason : null
  return [d.routeReason, state].filter(Boolean).join(' · ') || null
}
