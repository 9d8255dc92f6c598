// The pollers' rows: settings, the sealed API key, the snapshot or cursor, and the status.
// A row is created with its defaults the first time a poller is read. The API key is sealed
// before it is written and opened only for a poll.
import { eq, sql } from 'drizzle-orm'
import { POLLER_IDS, POLLER_INFO, type PollerId } from '../../../shared/pollers'
import type { SecretBox } from '../secrets/secretBox'
import type { Db } from './openDb'
import { pollers } from './schema'

export type PollerRecord = Omit<typeof pollers.$inferSelect, 'apiKeySealed'> & { id: PollerId; hasApiKey: boolean }

export interface PollerSettingsPatch {
  enabled?: boolean
  baseUrl?: string
  /** null removes the key. */
  apiKey?: string | null
  intervalSeconds?: number
}

export class PollersRepo {
  constructor(
    private readonly db: Db,
    private readonly secretBox: SecretBox,
  ) {}

  get(id: PollerId): PollerRecord {
    const row = this.db.select().from(pollers).where(eq(pollers.id, id)).get()
    if (row) return toRecord(row)
    this.db
      .insert(pollers)
      .values({ id, intervalSeconds: POLLER_INFO[id].defaultIntervalSeconds, updatedAt: 0 })
      .onConflictDoNothing()
      .run()
    return toRecord(this.db.select().from(pollers).where(eq(pollers.id, id)).get()!)
  }

  list(): PollerRecord[] {
    return POLLER_IDS.map((id) => this.get(id))
  }

  /** The API key in clear, for the request only. */
  apiKey(id: PollerId): string | null {
    const row = this.db.select({ sealed: pollers.apiKeySealed }).from(pollers).where(eq(pollers.id, id)).get()
    return row?.sealed ? this.secretBox.open(row.sealed) : null
  }

  /** Saves settings. A new address starts over (new baseline, feed from its start); a change
   * that can make a poll succeed now (address, key, switched on) polls at once. */
  configure(id: PollerId, patch: PollerSettingsPatch, now: number): PollerRecord {
    const current = this.get(id)
    const set: Partial<typeof pollers.$inferInsert> = { updatedAt: now }
    if (patch.enabled !== undefined) set.enabled = patch.enabled
    if (patch.intervalSeconds !== undefined) set.intervalSeconds = patch.intervalSeconds
    if (patch.apiKey !== undefined) {
      set.apiKeySealed = patch.apiKey === null ? null : this.secretBox.seal(patch.apiKey)
      set.apiKeyHint = patch.apiKey === null ? null : `…${patch.apiKey.slice(-4)}`
    }
    const newAddress = patch.baseUrl !== undefined && patch.baseUrl !== current.baseUrl
    if (newAddress) {
      set.baseUrl = patch.baseUrl
      set.state = null // stateVersion stays: ids of a later snapshot must never repeat earlier ones
    }
    if (newAddress || patch.apiKey !== undefined || (patch.enabled && !current.enabled)) {
      set.consecutiveFailures = 0
      set.lastError = null
      set.nextPollAt = now
    }
    this.db.update(pollers).set(set).where(eq(pollers.id, id)).run()
    return this.get(id)
  }

  /** What a page of a poll leaves behind (snapshot or cursor) and how many new events it
   * brought. Called inside the transaction that writes those events (IntakeWriter). */
  saveState(id: PollerId, page: { state: string | null; stateVersion: number; emitted: number }): void {
    this.db
      .update(pollers)
      .set({
        state: page.state,
        stateVersion: page.stateVersion,
        eventsEmitted: sql`${pollers.eventsEmitted} + ${page.emitted}`,
      })
      .where(eq(pollers.id, id))
      .run()
  }

  /** A good poll. */
  recordSuccess(id: PollerId, result: { now: number; nextPollAt: number }): void {
    this.db
      .update(pollers)
      .set({
        lastPollAt: result.now,
        lastSuccessAt: result.now,
        lastError: null,
        consecutiveFailures: 0,
        nextPollAt: result.nextPollAt,
      })
      .where(eq(pollers.id, id))
      .run()
  }

  /** A failed poll: nothing of it is kept but the reason and when to try again. */
  recordFailure(id: PollerId, failure: { message: string; now: number; nextPollAt: number }): void {
    this.db
      .update(pollers)
      .set({
        lastPollAt: failure.now,
        lastError: failure.message,
        consecutiveFailures: sql`${pollers.consecutiveFailures} + 1`,
        nextPollAt: failure.nextPollAt,
      })
      .where(eq(pollers.id, id))
      .run()
  }
}

function toRecord(row: typeof pollers.$inferSelect): PollerRecord {
  const { apiKeySealed, ...rest } = row
  return { ...rest, id: row.id as PollerId, hasApiKey: apiKeySealed !== null }
}
