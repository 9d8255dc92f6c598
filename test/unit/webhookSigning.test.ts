// Standard Webhooks signing, the endpoint's secrets and target, and the signed body.
import { createHmac, randomBytes } from 'node:crypto'
import { Webhook } from 'standardwebhooks'
import { Agent } from 'undici'
import { afterAll, describe, expect, it } from 'vitest'
import { webhookChannel, type WebhookTarget } from '../../src/main/core/channels/webhook'
import { byteLength, fitPayload, MAX_BODY_BYTES } from '../../src/main/core/channels/webhook/payloadLimit'
import { signingHeaders, webhookId } from '../../src/main/core/channels/webhook/signing'
import { TargetError } from '../../src/main/core/channels/types'
import { EVENT_TYPES, type KnockerEvent } from '../../src/shared/events'
import { SAMPLE_EVENTS } from '../../src/shared/samples'
import { startWebhookReceiver } from '../mocks/webhookReceiver'
import { formatCtx } from './formatContext'

const secret = () => 'whsec_' + randomBytes(32).toString('base64')
const HOUR = 3600_000
const parse = (fields: Record<string, unknown>, allowPrivate = false) =>
  webhookChannel.parseTarget({ url: 'https://hooks.example.org/in/abcd', ...fields, allowPrivate })

function targetError(fn: () => unknown): TargetError {
  try {
    fn()
  } catch (error) {
    if (error instanceof TargetError) return error
    throw error
  }
  throw new Error('expected a TargetError')
}

describe('signature', () => {
  it('is v1,base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")) with the key decoded from whsec_', () => {
    const s = secret()
    const body = '{"type":"machine.created","data":{"name":"Gorgar ö"}}'
    const expected = createHmac('sha256', Buffer.from(s.slice(6), 'base64')).update(`msg_x.1752861731.${body}`).digest('base64')
    expect(signingHeaders([s], 'msg_x', 1752861731_000, body)['webhook-signature']).toBe(`v1,${expected}`)
  })

  it('headers verify with the standardwebhooks package; one signature per secret, space-separated', () => {
    const [newer, older] = [secret(), secret()]
    const body = JSON.stringify({ a: 'ü 🎯' })
    const headers = signingHeaders([newer, older], 'msg_abc', Date.now(), body)
    expect(headers['webhook-id']).toBe('msg_abc')
    expect(headers['webhook-timestamp']).toBe(String(Math.floor(Date.now() / 1000)))
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2)
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=* v1,[A-Za-z0-9+/]+=*$/)
    expect(new Webhook(newer).verify(body, headers)).toEqual({ a: 'ü 🎯' })
    expect(new Webhook(older).verify(body, headers)).toEqual({ a: 'ü 🎯' })
    expect(() => new Webhook(secret()).verify(body, headers)).toThrow('No matching signature found')
    expect(() => new Webhook(newer).verify(body + ' ', headers)).toThrow('No matching signature found')
  })

  it('webhook-id is msg_ + 32 hex, stable for a delivery and different for another delivery', () => {
    const delivery = { id: 7, eventId: 'problem_report:412:created', endpointId: 'ep_1' }
    const id = webhookId(delivery)
    expect(id).toMatch(/^msg_[0-9a-f]{32}$/)
    expect(webhookId({ ...delivery })).toBe(id)
    expect(webhookId({ ...delivery, id: 8 })).not.toBe(id)
    expect(webhookId({ ...delivery, endpointId: 'ep_2' })).not.toBe(id)
    expect(webhookId({ ...delivery, eventId: 'problem_report:413:created' })).not.toBe(id)
  })
})

describe('secrets', () => {
  it('generates whsec_ + base64 of 32 random bytes unless one is given, and shows the newest', () => {
    const generated = parse({})
    const value = webhookChannel.signingSecret(generated)
    expect(value).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/)
    expect(Buffer.from(value.slice(6), 'base64')).toHaveLength(32)
    expect(generated.secrets).toEqual([{ secret: value, expiresAt: null }])
    expect(webhookChannel.signingSecret(parse({})).length).toBe(50)
    expect(webhookChannel.signingSecret(parse({})) === value).toBe(false)

    const own = secret()
    expect(parse({ secret: own }).secrets).toEqual([{ secret: own, expiresAt: null }])
  })

  it('accepts 24–64 byte secrets and refuses others without quoting them', () => {
    /** Whether the endpoint takes `value` as its own secret (a refusal is a TargetError on "secret"). */
    const accepts = (value: string) => {
      try {
        expect(parse({ secret: value }).secrets).toEqual([{ secret: value, expiresAt: null }])
        return true
      } catch (error) {
        if (error instanceof TargetError && error.path === 'secret') return false
        throw error
      }
    }
    expect(accepts('whsec_' + randomBytes(24).toString('base64'))).toBe(true)
    expect(accepts('whsec_' + randomBytes(64).toString('base64'))).toBe(true)
    expect(accepts('whsec_' + randomBytes(23).toString('base64'))).toBe(false)
    expect(accepts('whsec_' + randomBytes(65).toString('base64'))).toBe(false)
    expect(accepts(randomBytes(32).toString('base64'))).toBe(false)
    const bad = 'whsec_' + 'A'.repeat(43) // unpadded
    const error = targetError(() => parse({ secret: bad }))
    expect(error.path).toBe('secret')
    expect(error.message).toContain('whsec_')
    expect(error.message).not.toContain('AAAA')
  })

  it('rotation adds a new newest secret; the previous ones expire after the grace period', () => {
    const now = 1_000_000
    const first = parse({})
    const old = webhookChannel.signingSecret(first)
    const rotated = webhookChannel.rotateSecret(first, now, 24 * HOUR)
    const fresh = webhookChannel.signingSecret(rotated)
    expect(fresh).not.toBe(old)
    expect(rotated.secrets).toEqual([
      { secret: fresh, expiresAt: null },
      { secret: old, expiresAt: now + 24 * HOUR },
    ])
    // A second rotation never extends the oldest one's grace.
    const again = webhookChannel.rotateSecret(rotated, now + HOUR, 48 * HOUR)
    expect(again.secrets.map((s) => s.expiresAt)).toEqual([null, now + 49 * HOUR, now + 24 * HOUR])
    // Grace 0 drops the old ones at once.
    const dropped = webhookChannel.rotateSecret(rotated, now, 0).secrets
    expect(dropped).toHaveLength(1)
    expect(dropped[0].expiresAt).toBeNull()
    expect([fresh, old]).not.toContain(dropped[0].secret)
  })

  it('keeps at most 5 secrets, and prunes expired ones when the target is parsed again', () => {
    let target = parse({})
    for (let i = 0; i < 8; i++) target = webhookChannel.rotateSecret(target, 1000 + i, HOUR)
    expect(target.secrets).toHaveLength(5)
    const now = Date.now()
    const stored: WebhookTarget = {
      ...target,
      secrets: [
        { secret: target.secrets[0].secret, expiresAt: null },
        { secret: target.secrets[1].secret, expiresAt: now + HOUR },
        { secret: target.secrets[2].secret, expiresAt: now - 1 },
      ],
    }
    const reparsed = webhookChannel.parseTarget({ ...stored, allowPrivate: false })
    expect(reparsed.secrets).toEqual(stored.secrets.slice(0, 2))
  })

  it('signs only with secrets that have not expired at send time', async () => {
    const receiver = await startWebhookReceiver()
    const dispatcher = new Agent()
    try {
      const target = webhookChannel.parseTarget({ url: receiver.urlFor('/in'), allowPrivate: true })
      const rotated = webhookChannel.rotateSecret(target, Date.now(), 60_000)
      const [fresh, old] = rotated.secrets.map((s) => s.secret)
      receiver.setSecrets([fresh, old])
      const prepared = webhookChannel.format(SAMPLE_EVENTS['machine.created'], formatCtx())
      const ctx = { dispatcher, timeoutMs: 2000, allowPrivate: true, now: Date.now }
      expect((await webhookChannel.send(rotated, prepared, ctx)).ok).toBe(true)
      // 61 s later (within the receivers' ±5 min skew) only the new secret signs.
      const later = { ...ctx, now: () => Date.now() + 61_000 }
      await webhookChannel.send(rotated, prepared, later)
      expect(receiver.requests.map((r) => r.headers['webhook-signature'].split(' ').length)).toEqual([2, 1])
      expect(receiver.requests.map((r) => r.verifiedWith)).toEqual([[fresh, old], [fresh]])
      expect(receiver.requests[1].headers['webhook-timestamp']).toBe(String(Math.floor((Date.now() + 61_000) / 1000)))
    } finally {
      await dispatcher.close()
      await receiver.close()
    }
  })
})

describe('target', () => {
  it('takes any https URL; http and local hosts only with allow private targets', () => {
    expect(parse({}).url).toBe('https://hooks.example.org/in/abcd')
    expect(parse({ url: 'https://hooks.example.org/x?token=abc#frag' }).url).toBe('https://hooks.example.org/x?token=abc')
    for (const url of ['http://hooks.example.org/x', 'https://127.0.0.1/x', 'https://10.0.0.5/x', 'https://localhost./x', 'https://[::ffff:127.0.0.1]/x', 'https://printer.local/x']) {
      expect(targetError(() => parse({ url })).path).toBe('url')
      expect(parse({ url }, true).url).toBe(new URL(url).href)
    }
    expect(targetError(() => parse({ url: 'ftp://hooks.example.org/x' }, true)).message).toContain('https://')
    expect(targetError(() => parse({ url: 'https://user:pw@hooks.example.org/x' })).message).not.toContain('pw')
  })

  it('redacts to host + last 4 characters of path and query', () => {
    expect(webhookChannel.redactTarget(parse({}))).toBe('hooks.example.org …abcd')
    expect(webhookChannel.redactTarget(parse({ url: 'https://hooks.example.org:8443/in?key=sup3rs3cret' }))).toBe('hooks.example.org:8443 …cret')
  })

  it('keeps custom headers and auth, refusing headers Knocker sets itself', () => {
    const target = parse({ headers: { 'X-Museum': 'flip' }, auth: { type: 'bearer', token: 'tok-123' } })
    expect(target.headers).toEqual({ 'X-Museum': 'flip' })
    expect(target.auth).toEqual({ type: 'bearer', token: 'tok-123' })
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ headers: { 'Content-Type': 'text/plain' } }, 'headers.Content-Type', /set by Knocker/],
      [{ headers: { 'webhook-signature': 'v1,x' } }, 'headers.webhook-signature', /set by Knocker/],
      [{ headers: { Host: 'evil.example' } }, 'headers.Host', /set by Knocker/],
      [{ headers: { 'Content-Length': '1' } }, 'headers.Content-Length', /set by Knocker/],
      [{ headers: { Authorization: 'x' }, auth: { type: 'basic', username: 'u', password: 'p' } }, 'headers.Authorization', /authentication/],
      [{ headers: { 'X-Key': 'a' }, auth: { type: 'header', name: 'x-key', value: 'b' } }, 'headers.X-Key', /authentication/],
      [{ headers: { 'X-A': 'a\r\nInjected: 1' } }, 'headers.X-A', /single line/],
      [{ auth: { type: 'header', name: 'Webhook-Id', value: 'v' } }, 'auth.name', /Knocker sets/],
      [{ auth: { type: 'basic', username: 'a:b', password: 'p' } }, 'auth.username', /":"/],
      [{ auth: { type: 'bearer' } }, 'auth.token', /auth/],
    ]
    for (const [fields, path, message] of cases) {
      const error = targetError(() => parse(fields))
      expect([error.path, error.message]).toEqual([path, expect.stringMatching(message)])
    }
    // Authorization as a plain custom header is fine while auth is none.
    expect(parse({ headers: { Authorization: 'Token xyz' } }).headers).toEqual({ Authorization: 'Token xyz' })
  })

  it('accepts its own output again (updates merge fields into the stored target)', () => {
    const first = parse({ headers: { 'X-Museum': 'flip' }, auth: { type: 'basic', username: 'u', password: 'p' } })
    const again = webhookChannel.parseTarget({ ...first, allowPrivate: false })
    expect(again).toEqual(first)
    const patched = webhookChannel.parseTarget({ ...first, auth: { type: 'none' }, allowPrivate: false })
    expect(patched.auth).toEqual({ type: 'none' })
    expect(patched.secrets).toEqual(first.secrets)
  })

  it('publicSettings shows header names and the auth type, never a value or secret', () => {
    const target = webhookChannel.rotateSecret(
      parse({ headers: { 'X-Museum': 'flip-value' }, auth: { type: 'header', name: 'X-Api-Key', value: 'key-value' } }),
      Date.now(),
      HOUR,
    )
    const settings = webhookChannel.publicSettings!(target)
    expect(settings).toEqual({
      headers: ['X-Museum'],
      auth: 'header',
      auth_header: 'X-Api-Key',
      signing_secrets: 2,
      previous_secret_expires_at: target.secrets[1].expiresAt,
    })
    const text = JSON.stringify(settings) + webhookChannel.redactTarget(target)
    for (const hidden of ['flip-value', 'key-value', 'whsec_', '/in/abcd']) expect(text).not.toContain(hidden)
  })
})

describe('body', () => {
  it('is the envelope {type, timestamp, data: the event}, stable across retries, with no secrets', () => {
    for (const type of EVENT_TYPES) {
      const event = SAMPLE_EVENTS[type]
      const acceptedAt = Date.parse('2026-07-18T19:02:12.345Z')
      const ctx = formatCtx({ delivery: { id: 40 + EVENT_TYPES.indexOf(type), eventId: event.event_id, endpointId: 'ep_a', createdAt: acceptedAt } })
      const prepared = webhookChannel.format(event, ctx)
      const body = prepared.body as Record<string, unknown>
      expect(Object.keys(body)).toEqual(['type', 'timestamp', 'data'])
      expect(body.type).toBe(type)
      expect(body.data).toEqual(event)
      // When Knocker accepted the event (stable across retries and restarts).
      expect(body.timestamp).toBe('2026-07-18T19:02:12.345Z')
      expect(prepared.headers).toEqual({ 'webhook-id': webhookId(ctx.delivery) })
      expect(prepared.summary).toContain(event.machine.short_name ?? event.machine.name)
      // A retry formats the same delivery again: identical bytes.
      expect(JSON.stringify(webhookChannel.format(event, ctx))).toBe(JSON.stringify(prepared))
    }
  })

  it('test sends say "test": true', () => {
    const prepared = webhookChannel.format(SAMPLE_EVENTS['problem_report.created'], formatCtx({ test: true }))
    const body = prepared.body as Record<string, unknown>
    expect(Object.keys(body)).toEqual(['type', 'timestamp', 'test', 'data'])
    expect(body.test).toBe(true)
    expect(prepared.summary).toMatch(/^TEST · /)
  })

  it('stays within 20,000 bytes: the longest free texts are cut with an ellipsis and noted', () => {
    const event = structuredClone(SAMPLE_EVENTS['log_entry.created']) as Extract<KnockerEvent, { event: 'log_entry.created' }>
    event.log_entry.text = 'Waxed playfield. '.repeat(3000) // 51,000 bytes
    const body = webhookChannel.format(event, formatCtx({ delivery: { id: 900, eventId: 'e', endpointId: 'ep', createdAt: 0 } })).body as any
    const size = byteLength(body)
    expect(size).toBeLessThanOrEqual(MAX_BODY_BYTES)
    expect(size).toBeGreaterThan(MAX_BODY_BYTES - 10) // cut just enough
    expect(body.truncated).toEqual(['log_entry.text'])
    expect(body.data.log_entry.text.endsWith('…')).toBe(true)
    expect(body.data.log_entry.text.startsWith('Waxed playfield. Waxed')).toBe(true)
    expect({ ...body.data, log_entry: { ...body.data.log_entry, text: '' } }).toEqual({ ...event, log_entry: { ...event.log_entry, text: '' } })
  })

  it('counts bytes, not characters, and cuts names only when free texts are not enough', () => {
    const event = structuredClone(SAMPLE_EVENTS['log_entry.created']) as Extract<KnockerEvent, { event: 'log_entry.created' }>
    event.log_entry.text = '🎯'.repeat(20_000) // 80,000 bytes in 40,000 UTF-16 units
    event.log_entry.maintainers = Array.from({ length: 100 }, (_, i) => ({ username: `user${i}`, display_name: `Maintainer ${i} ${'ö'.repeat(280)}` }))
    const envelope = { type: event.event, timestamp: new Date(0).toISOString(), data: event }
    const fitted = fitPayload(envelope) as any
    expect(byteLength(fitted)).toBeLessThanOrEqual(MAX_BODY_BYTES)
    expect(fitted.truncated).toContain('log_entry.text')
    expect(fitted.truncated).toContain('log_entry.maintainers.0.display_name')
    expect(fitted.truncated).not.toContain('log_entry.maintainers.0.username')
    expect(fitted.data.log_entry.maintainers[99].display_name.startsWith('Maintainer 99 ')).toBe(true)
    expect(fitted.data.log_entry.url).toBe(event.log_entry.url)
    // No cut splits a surrogate pair.
    expect(fitted.data.log_entry.text).toMatch(/^(?:🎯)+…$/u)
    expect(fitPayload({ type: 'x', data: { a: 'short' } })).toEqual({ type: 'x', data: { a: 'short' } })
  })
})

afterAll(() => webhookChannel.dispose?.())
