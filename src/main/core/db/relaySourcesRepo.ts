// Discord-compatible sources and their subscriptions. A source's token is sealed by the
// SecretBox; a request's token is compared with it in constant time (both hashed first, so
// the comparison never depends on where they differ or on their lengths).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { eq, sql } from 'drizzle-orm'
import { RELAY_LABELS, type RelayLabel, type RelayRoute } from '../../../shared/relay'
import type { SecretBox } from '../secrets/secretBox'
import type { Db } from './openDb'
import { relayRoutes, relaySources } from './schema'

export interface RelaySourceRecord {
  id: string
  name: string
  tokenHint: string
  routes: RelayRoute[]
  messagesReceived: number
  lastMessageAt: number | null
  createdAt: number
  updatedAt: number
}

/** Discord's epoch (2015-01-01), which its snowflakes count from. */
const DISCORD_EPOCH = 1_420_070_400_000n

/** A Discord-style snowflake: milliseconds since Discord's epoch, shifted 22 bits, plus 22
 * random bits. 17–19 digits, as clients that check Discord's URL shape expect. */
export function snowflake(now: number): string {
  const random = BigInt(randomBytes(3).readUIntBE(0, 3) & 0x3fffff)
  return (((BigInt(now) - DISCORD_EPOCH) << 22n) | random).toString()
}

/** 68 characters of [A-Za-z0-9_-], the shape of a Discord webhook token (51 random bytes). */
export function newSourceToken(): string {
  return randomBytes(51).toString('base64url')
}

const digest = (token: string) => createHash('sha256').update(token, 'utf8').digest()

export class RelaySourcesRepo {
  private listCache: RelaySourceRecord[] | null = null
  private readonly tokenCache = new Map<string, { sealed: string; digest: Buffer }>()

  constructor(
    private readonly db: Db,
    private readonly secretBox: SecretBox,
  ) {}

  list(): RelaySourceRecord[] {
    if (this.listCache) return this.listCache
    const rows = this.db.select().from(relaySources).orderBy(relaySources.createdAt).all()
    const routes = this.db.select().from(relayRoutes).all()
    this.listCache = rows.map((row) => ({
      id: row.id,
      name: row.name,
      tokenHint: row.tokenHint,
      routes: routesOf(routes.filter((r) => r.sourceId === row.id)),
      messagesReceived: row.messagesReceived,
      lastMessageAt: row.lastMessageAt,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    }))
    return this.listCache
  }

  get(id: string): RelaySourceRecord | undefined {
    return this.list().find((s) => s.id === id)
  }

  /** A new source and its token (returned once; only its seal is stored). */
  create(name: string, routes: RelayRoute[], now: number): { source: RelaySourceRecord; token: string } {
    const id = snowflake(now)
    const token = newSourceToken()
    this.db.transaction((tx) => {
      tx.insert(relaySources)
        .values({ id, name, tokenSealed: this.secretBox.seal(token), tokenHint: token.slice(-4), createdAt: now, updatedAt: now })
        .run()
      writeRoutes(tx, id, routes)
    })
    this.invalidate()
    return { source: this.get(id)!, token }
  }

  update(id: string, patch: { name?: string; routes?: RelayRoute[] }, now: number): RelaySourceRecord {
    this.db.transaction((tx) => {
      tx.update(relaySources)
        .set({ updatedAt: now, ...(patch.name !== undefined && { name: patch.name }) })
        .where(eq(relaySources.id, id))
        .run()
      if (patch.routes !== undefined) writeRoutes(tx, id, patch.routes)
    })
    this.invalidate()
    return this.get(id)!
  }

  /** A new token; the old one stops working at once. */
  rotate(id: string, now: number): string {
    const token = newSourceToken()
    this.db
      .update(relaySources)
      .set({ tokenSealed: this.secretBox.seal(token), tokenHint: token.slice(-4), updatedAt: now })
      .where(eq(relaySources.id, id))
      .run()
    this.tokenCache.delete(id)
    this.invalidate()
    return token
  }

  delete(id: string): void {
    this.db.delete(relaySources).where(eq(relaySources.id, id)).run()
    this.tokenCache.delete(id)
    this.invalidate()
  }

  /** Whether `token` is this source's token, in constant time. */
  tokenMatches(id: string, token: string): boolean {
    const row = this.db.select({ sealed: relaySources.tokenSealed }).from(relaySources).where(eq(relaySources.id, id)).get()
    if (!row) return false
    let cached = this.tokenCache.get(id)
    if (!cached || cached.sealed !== row.sealed) {
      cached = { sealed: row.sealed, digest: digest(this.secretBox.open(row.sealed)) }
      this.tokenCache.set(id, cached)
    }
    return timingSafeEqual(cached.digest, digest(token))
  }

  /** Counts a message in (inside intake's transaction). */
  received(id: string, now: number): void {
    this.db
      .update(relaySources)
      .set({ messagesReceived: sql`${relaySources.messagesReceived} + 1`, lastMessageAt: now })
      .where(eq(relaySources.id, id))
      .run()
    this.invalidate()
  }

  private invalidate() {
    this.listCache = null
  }
}

function routesOf(rows: Array<{ endpointId: string; label: string }>): RelayRoute[] {
  const byEndpoint = new Map<string, RelayLabel[]>()
  for (const row of rows) {
    const labels = byEndpoint.get(row.endpointId) ?? []
    labels.push(row.label as RelayLabel)
    byEndpoint.set(row.endpointId, labels)
  }
  return [...byEndpoint].map(([endpoint_id, labels]) => ({ endpoint_id, labels: RELAY_LABELS.filter((l) => labels.includes(l)) }))
}

function writeRoutes(tx: Pick<Db, 'insert' | 'delete'>, id: string, routes: RelayRoute[]) {
  tx.delete(relayRoutes).where(eq(relayRoutes.sourceId, id)).run()
  const rows = new Map<string, { sourceId: string; endpointId: string; label: string }>()
  for (const route of routes) {
    for (const label of route.labels) rows.set(`${route.endpoint_id} ${label}`, { sourceId: id, endpointId: route.endpoint_id, label })
  }
  if (rows.size > 0) tx.insert(relayRoutes).values([...rows.values()]).run()
}
