// Endpoints and their event subscriptions. Targets (webhook URLs …) are sealed by the
// SecretBox before they are written and only opened when a delivery is about to be sent.
import { eq, isNull, sql } from 'drizzle-orm'
import { randomBytes } from 'node:crypto'
import { EVENT_TYPES, type EventType } from '../../../shared/events'
import type { EndpointKind } from '../../../shared/domain'
import { RoutingRulesSchema, type RoutingRule } from '../../../shared/routingRules'
import type { SecretBox } from '../secrets/secretBox'
import type { Db } from './openDb'
import { endpoints, subscriptions } from './schema'

export interface EndpointRecord {
  id: string
  name: string
  kind: EndpointKind
  enabled: boolean
  events: EventType[]
  targetHint: string
  options: Record<string, unknown>
  /** Routing rules on top of `events` (checked when saved); empty: every event of those types. */
  rules: RoutingRule[]
  needsAttention: string | null
  needsAttentionAt: number | null
  createdAt: number
  updatedAt: number
}

export interface EndpointWrite {
  name: string
  kind: EndpointKind
  enabled: boolean
  events: EventType[]
  target: unknown
  targetHint: string
  options: Record<string, unknown>
  rules: RoutingRule[]
}

type Row = typeof endpoints.$inferSelect

export class EndpointsRepo {
  private listCache: EndpointRecord[] | null = null
  private readonly targetCache = new Map<string, { updatedAt: number; target: unknown }>()
  /** Read for every message sent (prepared once: building the query costs more than running it). */
  private readonly sealedTarget

  constructor(
    private readonly db: Db,
    private readonly secretBox: SecretBox,
  ) {
    this.sealedTarget = db
      .select({ sealed: endpoints.targetSealed, updatedAt: endpoints.updatedAt })
      .from(endpoints)
      .where(eq(endpoints.id, sql.placeholder('id')))
      .prepare()
  }

  /** Live (not deleted) endpoints, cached: intake reads this for every batch. */
  list(): EndpointRecord[] {
    if (this.listCache) return this.listCache
    const rows = this.db.select().from(endpoints).where(isNull(endpoints.deletedAt)).orderBy(endpoints.createdAt).all()
    const subs = this.db.select().from(subscriptions).all()
    const byEndpoint = new Map<string, EventType[]>()
    for (const s of subs) {
      const list = byEndpoint.get(s.endpointId) ?? []
      list.push(s.eventType as EventType)
      byEndpoint.set(s.endpointId, list)
    }
    this.listCache = rows.map((row) => toRecord(row, byEndpoint.get(row.id) ?? []))
    return this.listCache
  }

  get(id: string): EndpointRecord | undefined {
    return this.list().find((e) => e.id === id)
  }

  /** Includes deleted endpoints (for history). */
  nameOf(id: string): { name: string; kind: EndpointKind } | undefined {
    const row = this.db.select({ name: endpoints.name, kind: endpoints.kind }).from(endpoints).where(eq(endpoints.id, id)).get()
    return row ? { name: row.name, kind: row.kind as EndpointKind } : undefined
  }

  create(input: EndpointWrite, now: number): EndpointRecord {
    const id = `ep_${randomBytes(8).toString('hex')}`
    this.db.transaction((tx) => {
      tx.insert(endpoints)
        .values({
          id,
          name: input.name,
          kind: input.kind,
          enabled: input.enabled,
          targetSealed: this.secretBox.seal(JSON.stringify(input.target)),
          targetHint: input.targetHint,
          options: JSON.stringify(input.options),
          routingRules: JSON.stringify(input.rules),
          createdAt: now,
          updatedAt: now,
        })
        .run()
      writeSubscriptions(tx, id, input.events)
    })
    this.invalidate()
    return this.get(id)!
  }

  update(
    id: string,
    patch: Partial<Omit<EndpointWrite, 'kind'>> & { clearAttention?: boolean },
    now: number,
  ): EndpointRecord {
    this.db.transaction((tx) => {
      const set: Partial<Row> = { updatedAt: now }
      if (patch.name !== undefined) set.name = patch.name
      if (patch.enabled !== undefined) set.enabled = patch.enabled
      if (patch.options !== undefined) set.options = JSON.stringify(patch.options)
      if (patch.rules !== undefined) set.routingRules = JSON.stringify(patch.rules)
      if (patch.target !== undefined) {
        set.targetSealed = this.secretBox.seal(JSON.stringify(patch.target))
        set.targetHint = patch.targetHint!
      }
      // A new target or an explicit "fixed it" clears the flag and resumes the queue.
      if (patch.target !== undefined || patch.clearAttention) {
        set.needsAttention = null
        set.needsAttentionAt = null
      }
      tx.update(endpoints).set(set).where(eq(endpoints.id, id)).run()
      if (patch.events !== undefined) writeSubscriptions(tx, id, patch.events)
    })
    this.invalidate()
    return this.get(id)!
  }

  /** Soft delete; endpoints that named it as their fallback no longer do. (Its queued
   * deliveries are the outbox's to fail.) */
  delete(id: string, now: number): void {
    this.db.transaction((tx) => {
      tx.update(endpoints).set({ deletedAt: now, enabled: false, updatedAt: now }).where(eq(endpoints.id, id)).run()
      tx.update(endpoints)
        .set({ options: sql`json_remove(${endpoints.options}, '$.fallback_endpoint_id')`, updatedAt: now })
        .where(sql`json_extract(${endpoints.options}, '$.fallback_endpoint_id') = ${id}`)
        .run()
      tx.delete(subscriptions).where(eq(subscriptions.endpointId, id)).run()
    })
    this.invalidate()
  }

  flag(id: string, reason: string, now: number): void {
    this.db
      .update(endpoints)
      .set({ needsAttention: reason, needsAttentionAt: now })
      .where(eq(endpoints.id, id))
      .run()
    this.invalidate()
  }

  clearFlag(id: string): void {
    this.db.update(endpoints).set({ needsAttention: null, needsAttentionAt: null }).where(eq(endpoints.id, id)).run()
    this.invalidate()
  }

  /** Opens the sealed target, cached per endpoint version. */
  target(id: string): unknown {
    const row = this.sealedTarget.get({ id })
    if (!row) throw new Error(`endpoint ${id} not found`)
    const cached = this.targetCache.get(id)
    if (cached && cached.updatedAt === row.updatedAt) return cached.target
    const target = JSON.parse(this.secretBox.open(row.sealed))
    this.targetCache.set(id, { updatedAt: row.updatedAt, target })
    return target
  }

  private invalidate() {
    this.listCache = null
  }
}

function writeSubscriptions(tx: Pick<Db, 'insert' | 'delete'>, id: string, events: EventType[]) {
  tx.delete(subscriptions).where(eq(subscriptions.endpointId, id)).run()
  const unique = EVENT_TYPES.filter((t) => events.includes(t))
  if (unique.length > 0) tx.insert(subscriptions).values(unique.map((eventType) => ({ endpointId: id, eventType }))).run()
}

function toRecord(row: Row, events: EventType[]): EndpointRecord {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind as EndpointKind,
    enabled: row.enabled,
    events: EVENT_TYPES.filter((t) => events.includes(t)),
    targetHint: row.targetHint,
    options: JSON.parse(row.options),
    rules: storedRules(row.routingRules),
    needsAttention: row.needsAttention,
    needsAttentionAt: row.needsAttentionAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  }
}

/** Rules are checked when saved; a list this version cannot read (written by a newer one)
 * would match nothing, so it is treated as none and the endpoint keeps getting its events. */
function storedRules(json: string): RoutingRule[] {
  const parsed = RoutingRulesSchema.safeParse(JSON.parse(json))
  return parsed.success ? parsed.data : []
}
