// The delivery outbox as a queue: which delivery is next per endpoint, claiming it under a
// lease, and writing the result of an attempt. All SQL of the engine lives here.
import { and, desc, eq, inArray, sql, TransactionRollbackError, type SQL } from 'drizzle-orm'
import type { EndpointKind, ErrorClass } from '../../../shared/domain'
import type { Db } from '../db/openDb'
import { formatTtl } from './retryPolicy'
import { attempts, deliveries, endpoints, events, threads } from '../db/schema'

export type DeliveryRow = typeof deliveries.$inferSelect

export interface QueueHead {
  id: number
  endpointId: string
  kind: EndpointKind
  nextAttemptAt: number
}

export interface AttemptRecord {
  deliveryId: number
  attemptNo: number
  trigger: 'scheduled' | 'manual' | 'test'
  startedAt: number
  durationMs: number
  outcome: 'delivered' | 'retry' | 'failed'
  statusCode: number | null
  errorClass: ErrorClass | null
  errorMessage: string | null
  note?: string | null
  requestBody: string | null
  responseHeaders: string | null
  responseBody: string | null
}

export type DeliveryUpdate = Partial<
  Pick<
    DeliveryRow,
    | 'status'
    | 'failureCount'
    | 'nextAttemptAt'
    | 'lastErrorClass'
    | 'lastError'
    | 'lastStatusCode'
    | 'remoteId'
    | 'deliveredAt'
  >
>

/** Larger than any delivery id: stands in for "none in this status" when taking the minimum. */
const NO_ID = Number.MAX_SAFE_INTEGER

export class DeliveryQueue {
  private readonly headsStatement

  constructor(private readonly db: Db) {
    // Prepared once: the engine runs it after every intake commit.
    this.headsStatement = db.$client.prepare(`
      select d.id as id, f.endpoint_id as endpointId, f.kind as kind, d.next_attempt_at as nextAttemptAt
      from (
        select e.id as endpoint_id, e.kind as kind,
          (select min(x.id) from deliveries x where x.endpoint_id = e.id and x.status = 'pending' and x.is_test = 0) as pending,
          (select min(x.id) from deliveries x where x.endpoint_id = e.id and x.status = 'retrying' and x.is_test = 0) as retrying,
          (select min(x.id) from deliveries x where x.endpoint_id = e.id and x.status = 'sending' and x.is_test = 0) as sending
        from endpoints e
        where e.enabled = 1 and e.needs_attention is null and e.deleted_at is null
      ) f
      join deliveries d on d.id = min(coalesce(f.pending, ${NO_ID}), coalesce(f.retrying, ${NO_ID}), coalesce(f.sending, ${NO_ID}))
      where d.status in ('pending', 'retrying')`)
  }

  /** The oldest unfinished delivery of every endpoint that may send now (enabled, not
   * flagged), unless that endpoint already has one in flight. Order per endpoint is strict:
   * a later delivery never overtakes one that is waiting for a retry.
   * The engine asks after every intake commit, so this must not grow with the backlog: each
   * status's first id is an O(log n) seek in (endpoint_id, status, id), where a GROUP BY over
   * every unfinished delivery took 57 ms at 100k queued. */
  heads(): QueueHead[] {
    return this.headsStatement.all() as QueueHead[]
  }

  claim(id: number, owner: string, leaseUntil: number, now: number): DeliveryRow | undefined {
    return this.claimMany([id], owner, leaseUntil, now)[0]
  }

  /** Claims these deliveries (one message, or a digest) in one transaction: all, or none when
   * any of them is no longer waiting. */
  claimMany(ids: number[], owner: string, leaseUntil: number, now: number): DeliveryRow[] {
    try {
      return this.db.transaction((tx) => {
        const claimed = tx
          .update(deliveries)
          .set({
            status: 'sending',
            leaseOwner: owner,
            leaseExpiresAt: leaseUntil,
            attemptCount: sql`${deliveries.attemptCount} + 1`,
            updatedAt: now,
          })
          .where(and(inArray(deliveries.id, ids), inArray(deliveries.status, ['pending', 'retrying'])))
          .returning()
          .all()
        if (claimed.length !== ids.length) tx.rollback()
        return claimed.sort((x, y) => x.id - y.id)
      })
    } catch (error) {
      if (error instanceof TransactionRollbackError) return []
      throw error
    }
  }

  /** The endpoint's waiting deliveries from its head on that are due now, in order, stopping
   * at the first that isn't (order per endpoint is strict), each with its event's type. */
  dueRun(endpointId: string, headId: number, now: number, max: number): Array<DeliveryRow & { eventType: string }> {
    const rows = this.db
      .select({ delivery: deliveries, eventType: events.eventType })
      .from(deliveries)
      .innerJoin(events, eq(events.seq, deliveries.eventSeq))
      .where(
        and(
          eq(deliveries.endpointId, endpointId),
          inArray(deliveries.status, ['pending', 'retrying']),
          eq(deliveries.isTest, false),
          sql`${deliveries.id} >= ${headId}`,
        ),
      )
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

  /** Back online: deliveries waiting out a network backoff are due now. */
  resumeAfterOutage(now: number): number {
    return this.db
      .update(deliveries)
      .set({ nextAttemptAt: now })
      .where(
        and(
          eq(deliveries.status, 'retrying'),
          inArray(deliveries.lastErrorClass, ['network', 'timeout']),
          sql`${deliveries.nextAttemptAt} > ${now}`,
        ),
      )
      .run().changes
  }

  /** Fails waiting deliveries older than their event type's time to live. */
  expire(now: number, ttlHours: Record<string, number>): number {
    let expired = 0
    for (const [eventType, hours] of Object.entries(ttlHours)) {
      const cutoff = now - hours * 3600_000
      const reason = `Not delivered within its time to live (${formatTtl(hours * 3600_000)} for ${eventType})`
      expired += this.db
        .update(deliveries)
        .set({
          status: 'failed',
          lastError: sql`coalesce(${deliveries.lastError} || ' — ', '') || ${reason}`,
          lastErrorClass: sql`coalesce(${deliveries.lastErrorClass}, 'expired')`,
          nextTrigger: 'scheduled',
          updatedAt: now,
        })
        .where(
          and(
            inArray(deliveries.status, ['pending', 'retrying']),
            eq(deliveries.isTest, false),
            // A person's retry gets its attempt, however old the event.
            eq(deliveries.nextTrigger, 'scheduled'),
            sql`${deliveries.createdAt} < ${cutoff}`,
            sql`${deliveries.eventSeq} in (select seq from events where event_type = ${eventType})`,
          ),
        )
        .run().changes
    }
    return expired
  }

  event(eventSeq: number): { payload: string; isTest: boolean; eventId: string; eventType: string } {
    return this.db
      .select({ payload: events.payload, isTest: events.isTest, eventId: events.eventId, eventType: events.eventType })
      .from(events)
      .where(eq(events.seq, eventSeq))
      .get()!
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

  /** Records an attempt and the delivery's new state in one transaction. */
  finish(attempt: AttemptRecord, update: DeliveryUpdate, now: number): void {
    this.db.transaction((tx) => {
      tx.insert(attempts).values(attempt).run()
      tx.update(deliveries)
        .set({ ...update, leaseOwner: null, leaseExpiresAt: null, nextTrigger: 'scheduled', updatedAt: now })
        .where(eq(deliveries.id, attempt.deliveryId))
        .run()
    })
  }

  /** Deliveries left "sending" by a process that stopped mid-send. */
  orphaned(): DeliveryRow[] {
    return this.db.select().from(deliveries).where(eq(deliveries.status, 'sending')).all()
  }
}


/** A person asked to send these again: back in the queue now, retry budget reset. */
export function requeue(db: Db, where: SQL, now: number): number {
  return db
    .update(deliveries)
    .set({
      status: sql`case when ${deliveries.attemptCount} > 0 then 'retrying' else 'pending' end`,
      nextAttemptAt: now,
      failureCount: 0,
      nextTrigger: 'manual',
      updatedAt: now,
    })
    .where(and(where, inArray(deliveries.status, ['failed', 'suppressed', 'retrying', 'pending']), eq(deliveries.isTest, false)))
    .run().changes
}

/** Remembers the destination thread of each conversation per endpoint (Discord forum threads). */
export class ThreadStore {
  constructor(private readonly db: Db) {}

  get(endpointId: string, conversation: string): string | null {
    return (
      this.db
        .select({ threadId: threads.threadId })
        .from(threads)
        .where(and(eq(threads.endpointId, endpointId), eq(threads.conversation, conversation)))
        .get()?.threadId ?? null
    )
  }

  forget(endpointId: string, conversation: string): void {
    this.db.delete(threads).where(and(eq(threads.endpointId, endpointId), eq(threads.conversation, conversation))).run()
  }

  save(endpointId: string, conversation: string, threadId: string, now: number): void {
    this.db.insert(threads).values({ endpointId, conversation, threadId, createdAt: now }).onConflictDoNothing().run()
  }
}
