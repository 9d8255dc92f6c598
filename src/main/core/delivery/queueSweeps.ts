// Queue sweeps: changes made to many deliveries at once, each by a rule rather than by one
// message's way through the queue (that is the outbox's): a person's retries, resuming after
// an outage, failing what outlived its time to live or lost its endpoint, pruning what nobody
// needs any more.
import { and, eq, gte, inArray, sql, type SQL } from 'drizzle-orm'
import type { Db } from '../db/openDb'
import { deliveries } from '../db/schema'
import { formatTtl } from './backoff'
import { WAITING } from './handoffs'

export class QueueSweeps {
  constructor(private readonly db: Db) {}

  /** Back online: deliveries waiting out a network backoff are due now. */
  resumeAfterOutage(now: number): number {
    return this.db
      .update(deliveries)
      .set({ nextAttemptAt: now })
      .where(and(eq(deliveries.status, 'retrying'), inArray(deliveries.lastErrorClass, ['network', 'timeout']), sql`${deliveries.nextAttemptAt} > ${now}`))
      .run().changes
  }

  /** Fails waiting deliveries older than their event type's time to live. */
  expire(now: number, ttlHours: Record<string, number>): number {
    let expired = 0
    for (const [eventType, hours] of Object.entries(ttlHours)) {
      const reason = `Not delivered within its time to live (${formatTtl(hours * 3600_000)} for ${eventType})`
      const cutoff = now - hours * 3600_000
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
            inArray(deliveries.status, WAITING),
            eq(deliveries.isTest, false),
            // A person's retry gets its attempt, however old the event.
            eq(deliveries.nextTrigger, 'scheduled'),
            // So does a delivery held back (a weekend's quiet hours can outlast a time to live).
            sql`${deliveries.holdReason} is null`,
            sql`${deliveries.createdAt} < ${cutoff}`,
            // Only the waiting rows older than the time to live are read: ids grow with
            // created_at, so they are the ones below the first id created since (two index
            // seeks), whatever the size of the history or of a fresh backlog. Each one's event
            // type is then looked up by its event (a scan of events per type took ~250 ms at
            // 200,000 events, every minute).
            sql`${deliveries.id} < (select coalesce(min(id), ${Number.MAX_SAFE_INTEGER}) from deliveries where created_at >= ${cutoff})`,
            sql`(select event_type from events where seq = ${deliveries.eventSeq}) = ${eventType}`,
          ),
        )
        .run().changes
    }
    return expired
  }

  /** A person asked to send this one again: back in the queue now, retry budget reset. */
  requeueOne(id: number, now: number): number {
    return this.requeue(eq(deliveries.id, id), now)
  }

  /** A person asked to send the failed ones again (of one endpoint, since a time). Deliveries
   * of deleted endpoints cannot be sent again. */
  requeueFailed(filter: { endpointId?: string; since?: number }, now: number): number {
    const conditions = [eq(deliveries.status, 'failed'), sql`${deliveries.endpointId} in (select id from endpoints where deleted_at is null)`]
    if (filter.endpointId) conditions.push(eq(deliveries.endpointId, filter.endpointId))
    if (filter.since !== undefined) conditions.push(gte(deliveries.createdAt, filter.since))
    return this.requeue(and(...conditions)!, now)
  }

  /** The endpoint was deleted: what it still had waiting fails, saying why. */
  failWaiting(endpointId: string, reason: string, now: number): number {
    return this.db
      .update(deliveries)
      .set({ status: 'failed', lastError: reason, updatedAt: now })
      .where(and(eq(deliveries.endpointId, endpointId), inArray(deliveries.status, WAITING)))
      .run().changes
  }

  /** Deletes up to `limit` deliveries (with their attempts) last touched before `before` that
   * nobody needs any more: delivered, suppressed, and failed test sends. */
  deleteFinished(before: number, limit: number): number {
    return this.db.$client
      .prepare(
        `delete from deliveries where id in (select id from deliveries
           where updated_at < ? and (status in ('delivered', 'suppressed') or (is_test = 1 and status = 'failed')) limit ?)`,
      )
      .run(before, limit).changes
  }

  private requeue(where: SQL, now: number): number {
    return this.db
      .update(deliveries)
      .set({
        status: sql`case when ${deliveries.attemptCount} > 0 then 'retrying' else 'pending' end`,
        nextAttemptAt: now,
        failureCount: 0,
        nextTrigger: 'manual',
        holdReason: null,
        updatedAt: now,
      })
      .where(and(where, inArray(deliveries.status, ['failed', 'suppressed', 'retrying', 'pending']), eq(deliveries.isTest, false)))
      .run().changes
  }
}
