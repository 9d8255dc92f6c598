// Flag → alert, on a real (in-memory) database with the real migrations: one alert per new
// flag, queued at the fallback with the count of what waits, held back by the switches, never
// twice for one flag, never onwards from a failed alert.
import { resolve } from 'node:path'
import { Writable } from 'node:stream'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ATTENTION_ALERT_TYPE } from '../../src/shared/attentionAlert'
import { EndpointsRepo } from '../../src/main/core/db/endpointsRepo'
import { openDb, type Db } from '../../src/main/core/db/openDb'
import { WalSync } from '../../src/main/core/db/walSync'
import { deliveries, events } from '../../src/main/core/db/schema'
import { SettingsRepo } from '../../src/main/core/db/settingsRepo'
import { AttentionAlerts } from '../../src/main/core/delivery/attentionAlerts'
import { Outbox } from '../../src/main/core/delivery/outbox'
import { QueueView } from '../../src/main/core/delivery/queueView'
import { createLogger } from '../../src/main/core/log/logger'
import { AesGcmSecretBox } from '../../src/main/core/secrets/secretBox'

const MIGRATIONS = resolve(__dirname, '../../resources/migrations')
const T0 = Date.parse('2026-07-18T19:02:12Z')

let db: Db
let endpoints: EndpointsRepo
let settings: SettingsRepo
let alerts: AttentionAlerts
let logs: string[]

beforeEach(() => {
  db = openDb(':memory:', MIGRATIONS)
  endpoints = new EndpointsRepo(db, new AesGcmSecretBox(Buffer.alloc(32, 3)))
  settings = new SettingsRepo(db)
  logs = []
  const destination = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk))
      done()
    },
  })
  alerts = new AttentionAlerts({ db, outbox: new Outbox(db, new WalSync(db.$client)), queue: new QueueView(db), endpoints, settings, logger: createLogger({ level: 'debug', destination }) })
})
afterEach(() => db.$client.close())

function endpoint(name: string, options: Record<string, unknown> = {}, enabled = true) {
  return endpoints.create(
    { name, kind: name.startsWith('Mail') ? 'email' : 'discord', enabled, events: [], target: { url: 'x' }, targetHint: '…', options, rules: [] },
    T0,
  )
}

/** Two real deliveries waiting at the endpoint, and a test send that doesn't count. */
function queueFor(endpointId: string) {
  const seq = db
    .insert(events)
    .values({ eventId: 'e1', eventType: 'machine.created', occurredAt: '2026-07-18T19:00:00Z', receivedAt: T0, payload: '{}', summary: 's' })
    .returning()
    .get().seq
  for (const [status, isTest] of [['pending', false], ['retrying', false], ['pending', true], ['delivered', false]] as const) {
    db.insert(deliveries).values({ eventSeq: seq, endpointId, status, isTest, nextAttemptAt: T0, createdAt: T0, updatedAt: T0 }).run()
  }
}

const alertRows = () =>
  db.$client
    .prepare(
      `select e.event_id, e.payload, e.summary, d.endpoint_id, d.status, d.last_error from deliveries d join events e on e.seq = d.event_seq where e.event_type = ?`,
    )
    .all(ATTENTION_ALERT_TYPE) as Array<{ event_id: string; payload: string; summary: string; endpoint_id: string; status: string; last_error: string | null }>

describe('attention alerts', () => {
  it('queues one alert at the fallback on a new flag, counting what waits', () => {
    const mail = endpoint('Mail ops')
    const discord = endpoint('Workshop channel', { fallback_endpoint_id: mail.id })
    queueFor(discord.id)

    const result = alerts.flag(discord.id, 'Discord: Unknown Webhook (10015) — the webhook was deleted.', T0, { alertFallback: true })

    expect(result.newlyFlagged).toBe(true)
    expect(result.alertDeliveryId).toBeTypeOf('number')
    expect(endpoints.get(discord.id)?.needsAttention).toMatch(/Unknown Webhook/)
    const [row, ...more] = alertRows()
    expect(more).toEqual([])
    expect(row).toMatchObject({ event_id: `alert:${discord.id}:${T0}`, endpoint_id: mail.id, status: 'pending', last_error: null })
    expect(row.summary).toBe('Discord “Workshop channel” needs attention')
    expect(JSON.parse(row.payload)).toEqual({
      endpoint_id: discord.id,
      endpoint_name: 'Workshop channel',
      endpoint_kind: 'discord',
      reason: 'Discord: Unknown Webhook (10015) — the webhook was deleted.',
      waiting: 2,
      at: new Date(T0).toISOString(),
    })
  })

  it('does not alert again while the endpoint stays flagged', () => {
    const mail = endpoint('Mail ops')
    const discord = endpoint('Workshop channel', { fallback_endpoint_id: mail.id })
    alerts.flag(discord.id, 'first', T0, { alertFallback: true })
    const again = alerts.flag(discord.id, 'second', T0 + 5000, { alertFallback: true })
    expect(again).toEqual({ newlyFlagged: false, alertDeliveryId: null })
    expect(alertRows()).toHaveLength(1)
    expect(endpoints.get(discord.id)?.needsAttention).toBe('second')
  })

  it('alerts once per flag: handling the same flag again adds nothing', () => {
    const mail = endpoint('Mail ops')
    const discord = endpoint('Workshop channel', { fallback_endpoint_id: mail.id })
    alerts.flag(discord.id, 'gone', T0, { alertFallback: true })
    // As after a crash between the flag's commit and what followed: the same flag again.
    endpoints.clearFlag(discord.id)
    expect(alerts.flag(discord.id, 'gone', T0, { alertFallback: true }).alertDeliveryId).toBeNull()
    expect(alertRows()).toHaveLength(1)
    // A later flag is a new one.
    endpoints.clearFlag(discord.id)
    expect(alerts.flag(discord.id, 'gone', T0 + 60_000, { alertFallback: true }).alertDeliveryId).toBeTypeOf('number')
    expect(alertRows()).toHaveLength(2)
  })

  it('never alerts onwards from a failed alert', () => {
    const mail = endpoint('Mail ops')
    const discord = endpoint('Workshop channel', { fallback_endpoint_id: mail.id })
    const result = alerts.flag(discord.id, 'gone', T0, { alertFallback: false })
    expect(result).toEqual({ newlyFlagged: true, alertDeliveryId: null })
    expect(endpoints.get(discord.id)?.needsAttention).toBe('gone')
    expect(alertRows()).toEqual([])
  })

  it('flags without an alert when there is no fallback, or it is gone (with a log line)', () => {
    const lonely = endpoint('Lonely channel')
    expect(alerts.flag(lonely.id, 'gone', T0, { alertFallback: true })).toEqual({ newlyFlagged: true, alertDeliveryId: null })
    const orphan = endpoint('Orphan channel', { fallback_endpoint_id: 'ep_does_not_exist' })
    expect(alerts.flag(orphan.id, 'gone', T0, { alertFallback: true })).toEqual({ newlyFlagged: true, alertDeliveryId: null })
    expect(alertRows()).toEqual([])
    expect(logs.join('')).toContain('the fallback endpoint no longer exists')
  })

  it('records the alert as suppressed when the master switch or the fallback is off', () => {
    const mail = endpoint('Mail ops')
    const off = endpoint('Mail off', {}, false)
    const a = endpoint('A channel', { fallback_endpoint_id: mail.id })
    const b = endpoint('B channel', { fallback_endpoint_id: off.id })
    alerts.flag(b.id, 'gone', T0, { alertFallback: true })
    settings.update({ delivery_enabled: false })
    alerts.flag(a.id, 'gone', T0, { alertFallback: true })
    const rows = alertRows()
    expect(rows.map((r) => [r.endpoint_id, r.status, r.last_error])).toEqual([
      [off.id, 'suppressed', 'Suppressed: the endpoint was switched off'],
      [mail.id, 'suppressed', 'Suppressed: deliveries were switched off (master switch)'],
    ])
  })

  it('redacts secrets from the reason it stores', () => {
    const mail = endpoint('Mail ops')
    const discord = endpoint('Workshop channel', { fallback_endpoint_id: mail.id })
    alerts.flag(discord.id, 'POST https://discord.com/api/webhooks/123/abcdefSECRETTOKEN failed', T0, { alertFallback: true })
    const payload = JSON.parse(alertRows()[0].payload)
    expect(payload.reason).not.toContain('SECRETTOKEN')
  })

  it('is cleared from the options of others when the fallback is deleted', () => {
    const mail = endpoint('Mail ops')
    const discord = endpoint('Workshop channel', { fallback_endpoint_id: mail.id, forum: true })
    endpoints.delete(mail.id, T0 + 1)
    expect(endpoints.get(discord.id)?.options).toEqual({ forum: true })
  })
})
