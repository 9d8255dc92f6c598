// What the delivery queue holds, read-only: each endpoint's head, the run a digest may take,
// the next release of a held delivery, a stored event, an endpoint's backlog. Every write to
// a delivery row goes through the outbox (outbox.ts); the admin UI's views are in
// admin/deliveryViews.ts.
import type { Statement } from 'better-sqlite3'
import { and, desc, eq, gte, inArray, sql } from 'drizzle-orm'
import type { Db } from '../db/openDb'
import { attempts, deliveries, events, HELD_SQL } from '../db/schema'
import type { DeliveryRow, QueueHead, StoredEvent } from './handoffs'

/** Larger than any delivery id: stands in for "none in this status" when taking the minimum. */
const NO_ID = Number.MAX_SAFE_INTEGER

export class QueueView {
  private readonly headsStatement: Statement<[number], QueueHead>
  private readonly nextReleaseStatement: Statement<[number], number | null>
  /** Read for every message sent. */
  private readonly eventStatement

  constructor(private readonly db: Db) {
    // Both are asked on every scheduler pass (after every intake commit), so they are prepared
    // once and must not grow with the backlog. Each status's first id is an O(log n) seek in
    // (endpoint_id, status, id); the next release goes through the partial index by name
    // (without statistics SQLite would scan every pending delivery by status instead).
    this.headsStatement = db.$client.prepare(`
      select d.id as id, f.endpoint_id as endpointId, f.kind as kind, d.next_attempt_at as nextAttemptAt, d.created_at as createdAt
      from (
        select e.id as endpoint_id, e.kind as kind,
          (select min(x.id) from deliveries x where x.endpoint_id = e.id and x.status = 'pending' and x.is_test = 0
             and (x.hold_reason is null or x.next_attempt_at <= ?)) as pending,
          (select min(x.id) from deliveries x where x.endpoint_id = e.id and x.status = 'retrying' and x.is_test = 0) as retrying,
          (select min(x.id) from deliveries x where x.endpoint_id = e.id and x.status = 'sending' and x.is_test = 0) as sending
        from endpoints e
        where e.enabled = 1 and e.needs_attention is null and e.deleted_at is null
      ) f
      join deliveries d on d.id = min(coalesce(f.pending, ${NO_ID}), coalesce(f.retrying, ${NO_ID}), coalesce(f.sending, ${NO_ID}))
      where d.status in ('pending', 'retrying')`)
    this.eventStatement = db
      .select({ payload: events.payload, isTest: events.isTest, eventId: events.eventId, eventType: events.eventType })
      .from(events)
      .where(eq(events.seq, sql.placeholder('seq')))
      .prepare()
    this.nextReleaseStatement = db.$client
      .prepare<[number], number | null>(`select min(next_attempt_at) from deliveries indexed by deliveries_held_idx where ${HELD_SQL} and next_attempt_at > ?`)
      .pluck()
  }

  /** The oldest unfinished delivery of every endpoint that may send now (enabled, not
   * flagged), unless that endpoint already has one in flight. Order per endpoint is strict:
   * a later delivery never overtakes one that is waiting for a retry. Deliveries held back
   * (quiet hours) are left out until their time: the ones that go through anyway pass them. */
  heads(now: number): QueueHead[] {
    return this.headsStatement.all(now)
  }

  /** When the next held delivery is released (after `now`), or null when none is held. */
  nextRelease(now: number): number | null {
    return this.nextReleaseStatement.get(now) ?? null
  }

  /** The endpoint's waiting deliveries from its head on that are due now, in order, stopping
   * at the first that isn't, each with its event's type. */
  dueRun(endpointId: string, headId: number, now: number, max: number): Array<DeliveryRow & { eventType: string }> {
    const rows = this.db
      .select({ delivery: deliveries, eventType: events.eventType })
      .from(deliveries)
      .innerJoin(events, eq(events.seq, deliveries.eventSeq))
      .where(and(eq(deliveries.endpointId, endpointId), inArray(deliveries.status, ['pending', 'retrying']), eq(deliveries.isTest, false), gte(deliveries.id, headId)))
      .orderBy(deliveries.id)
      .limit(max)
      .all()
    const run: Array<DeliveryRow & { eventType: string }> = []
    for (const { delivery, eventType } of rows) {
      if (delivery.nextAttemptAt > now) break
      run.push({ ...delivery, eventType })
    }
    return run
  }

  event(eventSeq: number): StoredEvent {
    return this.eventStatement.get({ seq: eventSeq })!
  }

  /** Consecutive network failures at the end of a delivery's attempts (for the offline schedule). */
  trailingNetworkFailures(deliveryId: number): number {
    const recent = this.db
      .select({ errorClass: attempts.errorClass })
      .from(attempts)
      .where(eq(attempts.deliveryId, deliveryId))
      .orderBy(desc(attempts.id))
      .limit(20)
      .all()
    let n = 0
    for (const a of recent) {
      if (a.errorClass !== 'network' && a.errorClass !== 'timeout') break
      n++
    }
    return n
  }

  /** Real deliveries still in the endpoint's queue (they go out once it is fixed). */
  waitingCount(endpointId: string): number {
    return this.db
      .select({ n: sql<number>`count(*)` })
      .from(deliveries)
      .where(and(eq(deliveries.endpointId, endpointId), inArray(deliveries.status, ['pending', 'retrying', 'sending']), eq(deliveries.isTest, false)))
      .get()!.n
  }
}
