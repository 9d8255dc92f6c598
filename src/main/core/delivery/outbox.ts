// The outbox: a delivery's own life. Every insert (intake, fallback alerts, test sends),
// claim and finish of a delivery goes through here, so the rules of one message's way through
// the queue (order per endpoint, leases, what an attempt's record resets) live in one file.
// Changes made to many deliveries at once by a rule (a person's retries, expiry, resuming
// after an outage, pruning) are in queueSweeps.ts; the queue's read-only views in
// queueView.ts, the admin UI's in admin/deliveryViews.ts.
import type { Statement } from 'better-sqlite3'
import { and, eq, getTableColumns, inArray, sql, TransactionRollbackError } from 'drizzle-orm'
import type { Db } from '../db/openDb'
import type { WalSync } from '../db/walSync'
import { attempts, deliveries } from '../db/schema'
import type { Hold } from '../routing/quietHours'
import { WAITING, type AttemptRecord, type DeliveryRow, type DeliveryUpdate } from './handoffs'

/** The columns an attempt's record sets on its delivery, besides its update. */
const FINISHED = { leaseOwner: null, leaseExpiresAt: null, nextTrigger: 'scheduled', holdReason: null } as const

/** A named parameter of a prepared statement, where drizzle's types want SQL (an update's set). */
const param = (name: string) => sql`${sql.placeholder(name)}`

/** Every attempt column as a named placeholder (for the prepared insert). */
const ATTEMPT_PLACEHOLDERS = Object.fromEntries(
  Object.keys(getTableColumns(attempts))
    .filter((key) => key !== 'id')
    .map((key) => [key, sql.placeholder(key)]),
) as unknown as typeof attempts.$inferInsert

export class Outbox {
  // The statements of every message (a claim, its attempt's record) are prepared once: drizzle
  // builds and SQLite compiles a query in ~0.1–0.4 ms, more than running it.
  private readonly claimOne
  private readonly insertAttempt
  /** The update of a finished delivery, prepared per set of columns it changes. */
  private readonly finishUpdates = new Map<string, { run: (values: Record<string, unknown>) => unknown }>()
  /** Without RETURNING (its result table costs a third of the insert): the id is the last insert's rowid. */
  private readonly insertStatement: Statement<[number, string, string, string | null, number, string | null, string | null, number, number]>

  constructor(
    private readonly db: Db,
    /** Claims and attempts' records commit without waiting for the disk (see claim, recordAttempt). */
    private readonly walSync: WalSync,
  ) {
    this.claimOne = db
      .update(deliveries)
      .set({
        status: 'sending',
        leaseOwner: param('owner'),
        leaseExpiresAt: param('leaseUntil'),
        attemptCount: sql`${deliveries.attemptCount} + 1`,
        updatedAt: param('now'),
      })
      .where(and(eq(deliveries.id, sql.placeholder('id')), inArray(deliveries.status, WAITING)))
      .returning()
      .prepare()
    this.insertAttempt = db.insert(attempts).values(ATTEMPT_PLACEHOLDERS).prepare()
    // Run by better-sqlite3 directly: intake inserts in bulk, and drizzle's per-call
    // parameter mapping would cost more than the insert itself.
    this.insertStatement = db.$client.prepare<[number, string, string, string | null, number, string | null, string | null, number, number]>(
      `insert into deliveries (event_seq, endpoint_id, status, last_error, next_attempt_at, hold_reason, route_reason, created_at, updated_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
  }

  // ─────────────────────────────────────── inserts ───────────────────────────────────────

  /** A new delivery of a stored event, due now (pending) or held until a time (quiet hours),
   * or recorded but never sent (suppressed). `matched`: the routing rule that sent it here. */
  add(
    eventSeq: number,
    endpointId: string,
    status: 'pending' | 'suppressed',
    reason: string | null,
    now: number,
    hold: Hold | null = null,
    matched: string | null = null,
  ): number {
    const held = status === 'pending' ? hold : null
    return Number(this.insertStatement.run(eventSeq, endpointId, status, reason, held?.until ?? now, held?.reason ?? null, matched, now, now).lastInsertRowid)
  }

  /** An edit of an earlier post (`editOf`, its delivery), due now: queued behind it like any
   * delivery of the endpoint. */
  addEdit(eventSeq: number, endpointId: string, editOf: number, now: number, hold: Hold | null = null, matched: string | null = null): number {
    return this.db
      .insert(deliveries)
      .values({ eventSeq, endpointId, status: 'pending', editOf, nextAttemptAt: hold?.until ?? now, holdReason: hold?.reason ?? null, routeReason: matched, createdAt: now, updatedAt: now })
      .returning({ id: deliveries.id })
      .get().id
  }

  /** Held deliveries get a new time (and reason); null releases them. */
  moveHeld(moves: Array<{ id: number; until: number; reason: string | null }>, now: number): void {
    for (const move of moves) {
      this.db
        .update(deliveries)
        .set({ nextAttemptAt: move.until, holdReason: move.reason, updatedAt: now })
        .where(and(eq(deliveries.id, move.id), eq(deliveries.status, 'pending')))
        .run()
    }
  }

  /** A test send: claimed by `owner` from the start, never in any queue. */
  addTestSend(eventSeq: number, endpointId: string, owner: string, now: number): DeliveryRow {
    return this.db
      .insert(deliveries)
      .values({ eventSeq, endpointId, status: 'sending', isTest: true, attemptCount: 1, nextAttemptAt: now, leaseOwner: owner, createdAt: now, updatedAt: now })
      .returning()
      .get()
  }

  // ─────────────────────────────────────── claims ───────────────────────────────────────

  /** Claims these deliveries (one message, or a digest) under a lease in one transaction: all,
   * or none when any of them is no longer waiting.
   *
   * The claim's commit does not wait for the disk, and no fsync follows it: losing it to a
   * power cut loses nothing, the rows are simply waiting again and go out after restart, as a
   * claim interrupted by a crash does. */
  claim(ids: number[], owner: string, leaseUntil: number, now: number): DeliveryRow[] {
    return this.walSync.unsynced(() => this.claimTransaction(ids, owner, leaseUntil, now))
  }

  private claimTransaction(ids: number[], owner: string, leaseUntil: number, now: number): DeliveryRow[] {
    if (ids.length === 1) return this.claimOne.all({ id: ids[0], owner, leaseUntil, now })
    try {
      return this.db.transaction((tx) => {
        const claimed = tx
          .update(deliveries)
          .set({ status: 'sending', leaseOwner: owner, leaseExpiresAt: leaseUntil, attemptCount: sql`${deliveries.attemptCount} + 1`, updatedAt: now })
          .where(and(inArray(deliveries.id, ids), inArray(deliveries.status, WAITING)))
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

  // ─────────────────────────────────────── finishing ───────────────────────────────────────

  /** Runs `write` (an attempt's records: each delivery's finish, its thread, its post) as one
   * transaction whose commit doesn't stop the event loop for the disk: the write-ahead log is
   * synced right after, off the loop (WalSync), so the records are on disk within one fsync, as
   * with a synchronous commit, while the endpoint's next message is already on its way. */
  recordAttempt<T>(write: () => T): T {
    const result = this.walSync.unsynced(() => this.db.transaction(() => write()))
    this.walSync.syncSoon()
    return result
  }

  /** Records an attempt and the delivery's new state in one transaction. */
  finish(attempt: AttemptRecord, update: DeliveryUpdate, now: number): void {
    const changed = Object.keys(update).filter((key) => update[key as keyof DeliveryUpdate] !== undefined) as Array<keyof DeliveryUpdate>
    const key = changed.sort().join(',')
    let updateDelivery = this.finishUpdates.get(key)
    if (!updateDelivery) {
      updateDelivery = this.db
        .update(deliveries)
        // Whatever held it back is over once it was tried.
        .set({ ...Object.fromEntries(changed.map((column) => [column, param(column)])), ...FINISHED, updatedAt: param('now') })
        .where(eq(deliveries.id, sql.placeholder('id')))
        .prepare()
      this.finishUpdates.set(key, updateDelivery)
    }
    const values: Record<string, unknown> = { ...update, now, id: attempt.deliveryId }
    this.db.transaction(() => {
      this.insertAttempt.run({ ...attempt, note: attempt.note ?? null })
      updateDelivery.run(values)
    })
  }

  /** Deliveries left "sending" by a process that stopped mid-send. */
  orphaned(): DeliveryRow[] {
    return this.db.select().from(deliveries).where(eq(deliveries.status, 'sending')).all()
  }
}
