import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Agent } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pauseAfter } from './delivery/fakes'
import { discordChannel } from '../../src/main/core/channels/discord/index'
import { describeSendError } from '../../src/main/core/channels/outbound/postJson'
import { withWait } from '../../src/main/core/delivery/backoff'
import { TargetError, type ResponseSnapshot, type SendResult } from '../../src/main/core/channels/types'
import { SAMPLE_EVENTS } from '../../src/shared/samples'
import { formatCtx } from './formatContext'

const ID = '1234567890123456789'
const TOKEN = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcdefghijklmnopqrstuvwxyzWXyz'
const NORMALISED = `https://discord.com/api/v10/webhooks/${ID}/${TOKEN}`

function reply(status: number, body: unknown = '', headers: Record<string, string> = {}): SendResult {
  const response: ResponseSnapshot = {
    status,
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  }
  return { ok: true, response, durationMs: 12 }
}

const bucket = {
  'x-ratelimit-limit': '5',
  'x-ratelimit-remaining': '4',
  'x-ratelimit-reset': '1784642400.5',
  'x-ratelimit-reset-after': '1.5',
  'x-ratelimit-bucket': 'abcd1234',
}

describe('parseTarget', () => {
  it.each([
    `https://discord.com/api/webhooks/${ID}/${TOKEN}`,
    `https://discordapp.com/api/webhooks/${ID}/${TOKEN}`,
    `https://canary.discord.com/api/webhooks/${ID}/${TOKEN}`,
    `https://ptb.discord.com/api/v9/webhooks/${ID}/${TOKEN}/`,
    `https://discord.com/api/v6/webhooks/${ID}/${TOKEN}?wait=true`,
    `  https://DISCORD.com/api/v10/webhooks/${ID}/${TOKEN}#frag  `,
    `http://discord.com/api/webhooks/${ID}/${TOKEN}`,
  ])('normalises %s', (url) => {
    expect(discordChannel.parseTarget({ url })).toEqual({ url: NORMALISED, webhookId: ID })
  })

  it('accepts a bare string too', () => {
    expect(discordChannel.parseTarget(`https://discord.com/api/webhooks/${ID}/${TOKEN}`).url).toBe(NORMALISED)
  })

  it.each([
    ['not a url', 'discord webhook please'],
    ['another host', `https://evil.example/api/webhooks/${ID}/${TOKEN}`],
    ['a look-alike host', `https://discord.com.evil.example/api/webhooks/${ID}/${TOKEN}`],
    ['a non-numeric id', `https://discord.com/api/webhooks/abc/${TOKEN}`],
    ['a short token', `https://discord.com/api/webhooks/${ID}/short`],
    ['a token with bad characters', `https://discord.com/api/webhooks/${ID}/${TOKEN}!!`],
    ['an extra path segment (Slack-compatible endpoint)', `https://discord.com/api/webhooks/${ID}/${TOKEN}/slack`],
    ['a port', `https://discord.com:8443/api/webhooks/${ID}/${TOKEN}`],
    ['credentials', `https://user:pw@discord.com/api/webhooks/${ID}/${TOKEN}`],
    ['ftp', `ftp://discord.com/api/webhooks/${ID}/${TOKEN}`],
    ['a local mock without allowPrivate', `http://127.0.0.1:8080/api/webhooks/${ID}/${TOKEN}`],
  ])('rejects %s without echoing the token', (_why, url) => {
    let thrown: unknown
    try {
      discordChannel.parseTarget({ url })
    } catch (err) {
      thrown = err
    }
    expect(thrown).toBeInstanceOf(TargetError)
    const message = (thrown as TargetError).message
    expect(message).toMatch(/^Not a Discord webhook URL: expected https:\/\/discord\.com\/api\/webhooks\/<id>\/<token>/)
    expect(message).not.toContain(TOKEN.slice(0, 20))
    expect((thrown as TargetError).path).toBe('url')
  })

  it('rejects thread_id with its own message', () => {
    expect(() => discordChannel.parseTarget({ url: `${NORMALISED}?thread_id=42` })).toThrow(/thread_id/)
  })

  it('rejects input that is not a URL or {url}', () => {
    expect(() => discordChannel.parseTarget(42)).toThrow(TargetError)
    expect(() => discordChannel.parseTarget({ link: 'x' })).toThrow(TargetError)
  })

  it.each([
    [`http://127.0.0.1:45678/api/webhooks/${ID}/${TOKEN}`, `http://127.0.0.1:45678/api/v10/webhooks/${ID}/${TOKEN}`],
    [`http://localhost:3000/api/v8/webhooks/42/${TOKEN}/`, `http://localhost:3000/api/v10/webhooks/42/${TOKEN}`],
    [`https://192.168.1.20/api/webhooks/${ID}/${TOKEN}`, `https://192.168.1.20/api/v10/webhooks/${ID}/${TOKEN}`],
    [`http://[::1]:9000/api/webhooks/${ID}/${TOKEN}`, `http://[::1]:9000/api/v10/webhooks/${ID}/${TOKEN}`],
  ])('with allowPrivate, keeps a local origin: %s', (url, normalised) => {
    expect(discordChannel.parseTarget({ url, allowPrivate: true }).url).toBe(normalised)
  })

  it('allowPrivate does not open up public hosts', () => {
    expect(() =>
      discordChannel.parseTarget({ url: `https://8.8.8.8/api/webhooks/${ID}/${TOKEN}`, allowPrivate: true }),
    ).toThrow(TargetError)
  })
})

describe('redactTarget', () => {
  it('shows the host and the last 4 characters of the token', () => {
    expect(discordChannel.redactTarget({ url: NORMALISED, webhookId: ID })).toBe('discord.com …WXyz')
    const local = discordChannel.parseTarget({ url: `http://127.0.0.1:4000/api/webhooks/1/${TOKEN}`, allowPrivate: true })
    expect(discordChannel.redactTarget(local)).toBe('127.0.0.1:4000 …WXyz')
  })
})

describe('classify', () => {
  const NOW = 1_784_642_399_000

  it('network and timeout failures are retried with their class', () => {
    expect(
      discordChannel.classify({ ok: false, errorClass: 'network', message: 'ECONNREFUSED: connection refused', durationMs: 3 }),
    ).toEqual({ result: 'retry', errorClass: 'network', message: 'ECONNREFUSED: connection refused' })
    expect(discordChannel.classify({ ok: false, errorClass: 'timeout', message: 'x', durationMs: 3 })).toMatchObject({
      result: 'retry',
      errorClass: 'timeout',
    })
  })

  it('200 with a message body is delivered with the message id', () => {
    expect(discordChannel.classify(reply(200, { id: '1300000000000000001', type: 0 }, bucket))).toEqual({
      result: 'delivered',
      remoteId: '1300000000000000001',
    })
  })

  it('204 is delivered without an id', () => {
    expect(discordChannel.classify(reply(204, '', bucket))).toEqual({ result: 'delivered' })
  })

  it('an emptied bucket adds a wait from X-RateLimit-Reset-After', () => {
    const out = discordChannel.classify(reply(200, { id: '9' }, { ...bucket, 'x-ratelimit-remaining': '0' }), NOW)
    expect(out).toEqual({ result: 'delivered', remoteId: '9', rateLimit: { waitMs: 1500 } })
  })

  it('falls back to X-RateLimit-Reset minus now when Reset-After is missing', () => {
    const headers = { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String((NOW + 2250) / 1000) }
    expect(discordChannel.classify(reply(204, '', headers), NOW)).toEqual({
      result: 'delivered',
      rateLimit: { waitMs: 2250 },
    })
  })

  it('429 uses the body retry_after in float seconds', () => {
    const body = { message: 'You are being rate limited.', retry_after: 1.234, global: false }
    const out = discordChannel.classify(
      reply(429, body, { ...bucket, 'x-ratelimit-remaining': '0', 'retry-after': '2', 'x-ratelimit-scope': 'user' }),
    )
    expect(out).toEqual({
      result: 'retry',
      errorClass: 'rate_limited',
      message: 'Discord: rate limited.',
      retryAfterMs: 1234,
      rateLimit: { waitMs: 1234 },
    })
    // The backoff stage turns that into the pause and the message.
    expect(pauseAfter(out)).toEqual({ waitMs: 1234, global: false })
    expect(withWait(out)).toMatchObject({ message: 'Discord: rate limited. Retrying in 1.2 s.' })
  })

  it('429 without any wait says so, and backoff picks the one default wait', () => {
    const out = discordChannel.classify(reply(429, { message: 'You are being rate limited.' }, {}))
    expect(out).toEqual({ result: 'retry', errorClass: 'rate_limited', message: 'Discord: rate limited.', rateLimit: {} })
    expect(pauseAfter(out)).toEqual({ waitMs: 60_000, global: false })
  })

  it('429 falls back to the Retry-After header', () => {
    const out = discordChannel.classify(reply(429, 'not json', { ...bucket, 'retry-after': '3' }))
    expect(out).toMatchObject({ result: 'retry', errorClass: 'rate_limited', retryAfterMs: 3000 })
  })

  it('429 global (body or header) pauses every Discord endpoint', () => {
    const viaBody = discordChannel.classify(reply(429, { retry_after: 0.5, global: true }, bucket))
    expect(viaBody).toMatchObject({ retryAfterMs: 500, rateLimit: { waitMs: 500, global: true } })
    expect(withWait(viaBody)).toMatchObject({ message: 'Discord: rate limited (global). Retrying in 0.5 s.' })
    expect(pauseAfter(viaBody)).toEqual({ waitMs: 500, global: true })
    const viaHeader = discordChannel.classify(
      reply(429, { retry_after: 2 }, { ...bucket, 'x-ratelimit-global': 'true', 'retry-after': '2' }),
    )
    expect(viaHeader).toMatchObject({ rateLimit: { waitMs: 2000, global: true } })
  })

  it('429 with an absurd (v6 milliseconds-style) retry_after is reported as said, and backoff clamps it to one hour', () => {
    const out = discordChannel.classify(reply(429, { retry_after: 120_000 }, bucket))
    expect(out).toMatchObject({ retryAfterMs: 120_000_000, rateLimit: { waitMs: 120_000_000 } })
    expect(pauseAfter(out)).toEqual({ waitMs: 3_600_000, global: false })
    expect(3_600_000).toBe(3_600_000)
  })

  it.each([429, 403])('%i without rate-limit headers and an HTML 1015 page is a Cloudflare ban', (status) => {
    const html = '<!DOCTYPE html><html><head><title>Access denied | discord.com used Cloudflare</title></head><body>error code: 1015</body></html>'
    const out = discordChannel.classify(reply(status, html, { 'content-type': 'text/html', 'cf-ray': 'abc' }))
    expect(out).toMatchObject({ result: 'retry', errorClass: 'rate_limited', rateLimit: { global: true, banned: true } })
    expect(out).not.toHaveProperty('retryAfterMs')
    // A ban has no stated end: backoff pauses every Discord endpoint for its longest wait, an hour.
    expect(pauseAfter(out)).toEqual({ waitMs: 3_600_000, global: true })
    expect(withWait(out)).toMatchObject({ message: expect.stringMatching(/Cloudflare.*1015.*Retrying in 60 min/) })
  })

  it('401 invalid token flags the endpoint', () => {
    const out = discordChannel.classify(reply(401, { message: 'Invalid Webhook Token', code: 50027 }, bucket))
    expect(out).toEqual({
      result: 'permanent',
      errorClass: 'rejected',
      flagEndpoint: true,
      message:
        'Discord: Invalid Webhook Token (50027) — the webhook token is wrong or was reset; edit the endpoint with a new URL.',
    })
  })

  it('404 unknown webhook flags the endpoint and is never retried', () => {
    const out = discordChannel.classify(reply(404, { message: 'Unknown Webhook', code: 10015 }, bucket))
    expect(out).toEqual({
      result: 'permanent',
      errorClass: 'rejected',
      flagEndpoint: true,
      message: 'Discord: Unknown Webhook (10015) — the webhook was deleted; edit the endpoint with a new URL.',
    })
  })

  it('403 missing permissions flags the endpoint', () => {
    const out = discordChannel.classify(reply(403, { message: 'Missing Permissions', code: 50013 }, bucket))
    expect(out).toMatchObject({ result: 'permanent', errorClass: 'rejected', flagEndpoint: true })
    expect(out.result === 'permanent' && out.message).toMatch(/^Discord: Missing Permissions \(50013\)/)
  })

  it('400 invalid form body explains the error tree and does not flag the endpoint', () => {
    const body = {
      message: 'Invalid Form Body',
      code: 50035,
      errors: {
        embeds: {
          '0': {
            title: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 256 or fewer in length.' }] },
            fields: { '3': { value: { _errors: [{ code: 'BASE_TYPE_REQUIRED', message: 'This field is required' }] } } },
          },
        },
      },
    }
    const out = discordChannel.classify(reply(400, body, bucket))
    expect(out).toEqual({
      result: 'permanent',
      errorClass: 'rejected',
      flagEndpoint: false,
      message:
        'Discord rejected the message: Invalid Form Body (50035): embeds.0.title: Must be 256 or fewer in length; ' +
        'embeds.0.fields.3.value: This field is required.',
    })
  })

  it.each([
    [400, 'Cannot send an empty message', 50006],
    [400, 'The request body contains invalid JSON.', 50109],
    [413, 'Request entity too large', 40005],
  ])('%i %s (%i) is a permanent payload error', (status, message, code) => {
    const out = discordChannel.classify(reply(status, { message, code }, bucket))
    expect(out).toEqual({
      result: 'permanent',
      errorClass: 'rejected',
      flagEndpoint: false,
      message: `Discord rejected the message: ${message.replace(/\.$/, '')} (${code}).`,
    })
  })

  it('10003 Unknown Channel (a deleted forum thread) is retried at once with a new thread, not flagged', () => {
    const out = discordChannel.classify(reply(400, { message: 'Unknown Channel', code: 10003 }))
    expect(out).toMatchObject({ result: 'retry', errorClass: 'rejected', threadGone: true })
    expect(out).not.toHaveProperty('flagEndpoint')
  })

  it('400 for a forum/option mismatch flags the endpoint and says which way to switch the option', () => {
    const out = discordChannel.classify(
      reply(400, { message: 'Webhooks posted to forum channels must have a thread_name or thread_id', code: 220001 }),
    )
    expect(out).toMatchObject({ result: 'permanent', flagEndpoint: true, message: expect.stringMatching(/turn on/) })
    const notForum = discordChannel.classify(
      reply(400, { message: 'Webhooks can only create threads in forum channels', code: 220003 }),
    )
    expect(notForum).toMatchObject({ result: 'permanent', flagEndpoint: true, message: expect.stringMatching(/turn off/) })
  })

  it.each([500, 502, 503, 504])('%i is a retried server error', (status) => {
    expect(discordChannel.classify(reply(status, '<html>bad gateway</html>'))).toEqual({
      result: 'retry',
      errorClass: 'server_error',
      message: `Discord: server error ${status}; will retry.`,
    })
  })

  it('503 honours Retry-After', () => {
    expect(discordChannel.classify(reply(503, '', { 'retry-after': '7' }))).toMatchObject({ retryAfterMs: 7000 })
  })

  it.each([301, 302, 307, 308])('%i is a permanent failure: redirects are not followed', (status) => {
    const out = discordChannel.classify(reply(status, '', { location: 'https://elsewhere.example/' }))
    expect(out).toMatchObject({ result: 'permanent', errorClass: 'rejected' })
    expect(out.result === 'permanent' && out.message).toMatch(/redirects are not followed/)
  })

  it('other 4xx are permanent and do not flag the endpoint', () => {
    expect(discordChannel.classify(reply(405, { message: '405: Method Not Allowed', code: 0 }))).toEqual({
      result: 'permanent',
      errorClass: 'rejected',
      flagEndpoint: false,
      message: 'Discord rejected the message: 405: Method Not Allowed (0).',
    })
  })

  it('a non-JSON 404 still flags the endpoint', () => {
    expect(discordChannel.classify(reply(404, '<html>404</html>'))).toMatchObject({
      result: 'permanent',
      flagEndpoint: true,
      message: 'Discord: HTTP 404 — the webhook was deleted; edit the endpoint with a new URL.',
    })
  })
})

describe("the error tree in a rejected message's outcome", () => {
  const rejected = (errors?: unknown) => {
    const out = discordChannel.classify(reply(400, { message: 'Invalid Form Body', code: 50035, ...(errors !== undefined && { errors }) }))
    expect(out).toMatchObject({ result: 'permanent', errorClass: 'rejected', flagEndpoint: false })
    return out.result === 'permanent' ? out.message : ''
  }
  it('stops after three errors', () => {
    const errors = Object.fromEntries(
      Array.from({ length: 6 }, (_, i) => [`f${i}`, { _errors: [{ code: 'X', message: `bad ${i}` }] }]),
    )
    expect(rejected(errors)).toBe('Discord rejected the message: Invalid Form Body (50035): f0: bad 0; f1: bad 1; f2: bad 2.')
  })
  it('adds nothing for no tree', () => {
    expect(rejected(undefined)).toBe('Discord rejected the message: Invalid Form Body (50035).')
  })
})

describe('send errors never carry the URL', () => {
  it('maps undici timeout codes to timeout and socket errors to network', () => {
    expect(describeSendError(Object.assign(new Error('x'), { code: 'UND_ERR_HEADERS_TIMEOUT' }))).toEqual({
      errorClass: 'timeout',
      code: 'UND_ERR_HEADERS_TIMEOUT',
      message: 'UND_ERR_HEADERS_TIMEOUT: no response in time',
    })
    expect(describeSendError(Object.assign(new Error('x'), { code: 'UND_ERR_BODY_TIMEOUT' })).errorClass).toBe('timeout')
    expect(describeSendError(Object.assign(new Error('x'), { code: 'UND_ERR_CONNECT_TIMEOUT' })).errorClass).toBe('timeout')
    expect(describeSendError(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toEqual({
      errorClass: 'network',
      code: 'ECONNRESET',
      message: 'ECONNRESET: connection reset',
    })
    expect(describeSendError(Object.assign(new Error('x'), { code: 'EAI_AGAIN' })).errorClass).toBe('network')
  })

  it('builds the message from the code only, whatever the error text says', () => {
    const err = Object.assign(new Error(`getaddrinfo ENOTFOUND ${NORMALISED}`), { code: 'ENOTFOUND' })
    const { message } = describeSendError(err)
    expect(message).toBe('ENOTFOUND: host not found (DNS)')
    // a code field that is not a code is ignored
    const weird = describeSendError({ code: NORMALISED, name: 'Error' })
    expect(weird.message).not.toContain(TOKEN)
  })

  it('finds the code of an AggregateError (several addresses tried)', () => {
    const err = new AggregateError([Object.assign(new Error('a'), { code: 'ECONNREFUSED' })], 'connect failed')
    expect(describeSendError(err).message).toBe('ECONNREFUSED: connection refused')
  })
})

describe('send (against a local server)', () => {
  let server: Server
  let base: string
  const agent = new Agent({ connect: { timeout: 2000 } })
  const seen: { method?: string; url?: string; headers: Record<string, unknown>; body: string }[] = []

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = ''
      req.on('data', (c) => (body += c))
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, headers: req.headers, body })
        if (req.url?.includes('/hang/')) return // never answers
        if (req.url?.includes('/big/')) {
          res.writeHead(200, { 'content-type': 'application/json' })
          return res.end('y'.repeat(100_000))
        }
        res.writeHead(200, { 'Content-Type': 'application/json', 'X-RateLimit-Remaining': '4' })
        res.end(JSON.stringify({ id: '1300000000000000001' }))
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
    await agent.close()
  })

  const target = (id: string) =>
    discordChannel.parseTarget({ url: `${base}/api/webhooks/${id}/${TOKEN}`, allowPrivate: true })

  it('POSTs JSON with ?wait=true and returns a lowercase-header snapshot', async () => {
    const prepared = discordChannel.format(SAMPLE_EVENTS['problem_report.created'], formatCtx())
    const result = await discordChannel.send(target('42'), prepared, { dispatcher: agent, timeoutMs: 2000, allowPrivate: true, now: Date.now })
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.response.status).toBe(200)
    expect(result.response.headers['x-ratelimit-remaining']).toBe('4')
    expect(result.response.body).toBe('{"id":"1300000000000000001"}')
    expect(result.durationMs).toBeGreaterThanOrEqual(0)
    const req = seen.at(-1)!
    expect(req.method).toBe('POST')
    expect(req.url).toBe(`/api/v10/webhooks/42/${TOKEN}?wait=true`)
    expect(req.headers['content-type']).toBe('application/json')
    expect(req.headers['user-agent']).toBe('Knocker/0.1 (+notification relay)')
    expect(JSON.parse(req.body)).toEqual(prepared.body)
    expect(discordChannel.classify(result)).toEqual({ result: 'delivered', remoteId: '1300000000000000001' })
  })

  it('caps the stored body at 4096 characters', async () => {
    const prepared = discordChannel.format(SAMPLE_EVENTS['problem_report.created'], formatCtx())
    const big = { ...target('1'), url: `${base}/api/v10/webhooks/big/${TOKEN}` }
    const result = await discordChannel.send(big, prepared, { dispatcher: agent, timeoutMs: 2000, allowPrivate: true, now: Date.now })
    expect(result.ok && result.response.body.length).toBe(4096)
  })

  it('a server that never answers is a timeout, and the message has no URL', async () => {
    const prepared = discordChannel.format(SAMPLE_EVENTS['problem_report.created'], formatCtx())
    const hanging = { ...target('1'), url: `${base}/api/v10/webhooks/hang/${TOKEN}` }
    const result = await discordChannel.send(hanging, prepared, { dispatcher: agent, timeoutMs: 300, allowPrivate: true, now: Date.now })
    expect(result).toMatchObject({ ok: false, errorClass: 'timeout' })
    expect(!result.ok && result.message).not.toContain(TOKEN)
    expect(!result.ok && result.message).not.toContain('127.0.0.1')
  })

  it('a refused connection is a network error, and the message has no URL', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise((resolve) => closed.close(resolve))
    const refused = discordChannel.parseTarget({ url: `http://127.0.0.1:${port}/api/webhooks/1/${TOKEN}`, allowPrivate: true })
    const prepared = discordChannel.format(SAMPLE_EVENTS['problem_report.created'], formatCtx())
    const result = await discordChannel.send(refused, prepared, { dispatcher: agent, timeoutMs: 1000, allowPrivate: true, now: Date.now })
    expect(result).toMatchObject({ ok: false, errorClass: 'network', message: 'ECONNREFUSED: connection refused' })
  })
})
