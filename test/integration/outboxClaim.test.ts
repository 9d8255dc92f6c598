// The outbox's claim on a real SQLite file: it commits without waiting for the disk, and the
// connection is back to synchronous=FULL afterwards, whatever happened, so intake's commits
// (a 2xx means the event is on disk) and the attempt records keep their fsync.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { EndpointsRepo } from '../../src/main/core/db/endpointsRepo'
import { openDb, type Db } from '../../src/main/core/db/openDb'
import { WalSync } from '../../src/main/core/db/walSync'
import { deliveries, events } from '../../src/main/core/db/schema'
import { Outbox } from '../../src/main/core/delivery/outbox'
import { QueueSweeps } from '../../src/main/core/delivery/queueSweeps'
import { AesGcmSecretBox } from '../../src/main/core/secrets/secretBox'

const MIGRATIONS = resolve(__dirname, '../../resources/migrations')
const T0 = Date.parse('2026-07-18T19:02:12Z')
const FULL = 2

let dir: string
let db: Db
let outbox: Outbox
let deliveryId: number

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'knocker-claim-'))
  db = openDb(join(dir, 'knocker.db'), MIGRATIONS)
  outbox = new Outbox(db, new WalSync(db.$client))
  const endpoint = new EndpointsRepo(db, new AesGcmSecretBox(Buffer.alloc(32, 3))).create(
    { name: 'Desk', kind: 'discord', enabled: true, events: [], target: { url: 'x' }, targetHint: '…', options: {}, rules: [] },
    T0,
  )
  const seq = db
    .insert(events)
    .values({ eventId: 'e1', eventType: 'machine.created', occurredAt: '2026-07-18T19:00:00Z', receivedAt: T0, payload: '{}', summary: 's' })
    .returning()
    .get().seq
  deliveryId = outbox.add(seq, endpoint.id, 'pending', null, T0)
})
afterEach(() => {
  db.$client.close()
  rmSync(dir, { recursive: true, force: true })
})

const synchronous = () => db.$client.pragma('synchronous', { simple: true })

describe('outbox claim', () => {
  it('claims, and leaves the connection at synchronous=FULL', () => {
    expect(synchronous()).toBe(FULL)
    const [claimed] = outbox.claim([deliveryId], 'me', T0 + 60_000, T0)
    expect(claimed).toMatchObject({ id: deliveryId, status: 'sending', attemptCount: 1, leaseOwner: 'me' })
    expect(synchronous()).toBe(FULL)
  })

  it('a claim that finds nothing waiting changes nothing and restores FULL too', () => {
    outbox.claim([deliveryId], 'me', T0 + 60_000, T0)
    expect(outbox.claim([deliveryId], 'other', T0 + 60_000, T0)).toEqual([])
    expect(synchronous()).toBe(FULL)
  })

  it('a claim inside a transaction works and keeps FULL', () => {
    const claimed = db.$client.transaction(() => outbox.claim([deliveryId], 'me', T0 + 60_000, T0))()
    expect(claimed).toHaveLength(1)
    expect(synchronous()).toBe(FULL)
  })

  it('a claim that throws restores FULL', () => {
    db.$client.exec('create trigger refuse before update on deliveries begin select raise(abort, \'refused\'); end')
    expect(() => outbox.claim([deliveryId], 'me', T0 + 60_000, T0)).toThrow(/refused/)
    expect(synchronous()).toBe(FULL)
    expect(db.select().from(deliveries).get()).toMatchObject({ status: 'pending', attemptCount: 0 })
  })
})

describe('queue sweeps: expiry', () => {
  it('fails only the waiting deliveries older than their event type’s time to live', () => {
    const HOUR = 3600_000
    const endpointId = db.select().from(deliveries).get()!.endpointId
    const add = (eventType: string, createdAt: number) => {
      const seq = db
        .insert(events)
        .values({ eventId: `e${eventType}${createdAt}`, eventType, occurredAt: '2026-07-18T19:00:00Z', receivedAt: createdAt, payload: '{}', summary: 's' })
        .returning()
        .get().seq
      return outbox.add(seq, endpointId, 'pending', null, createdAt)
    }
    const oldReport = add('problem_report.created', T0 + HOUR)
    const newMachine = add('machine.created', T0 + 3 * HOUR)
    const now = T0 + 3 * HOUR + 60_000
    // machine.created lives 2 h: the first (T0) and nothing newer; problem reports 1 h: the old one.
    expect(new QueueSweeps(db).expire(now, { 'machine.created': 2, 'problem_report.created': 1 })).toBe(2)
    const status = (id: number) => db.select().from(deliveries).all().find((d) => d.id === id)!.status
    expect([status(deliveryId), status(oldReport), status(newMachine)]).toEqual(['failed', 'failed', 'pending'])
  })
})
