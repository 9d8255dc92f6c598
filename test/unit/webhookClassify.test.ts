// What each receiver answer means for the engine, and the SSRF guard whose refusal the
// classifier turns into a flagged endpoint. No external DNS: lookups are faked.
import type { LookupAddress } from 'node:dns'
import { Agent, request } from 'undici'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { pauseAfter } from './delivery/fakes'
import { withWait } from '../../src/main/core/delivery/backoff'
import { describeSendError } from '../../src/main/core/channels/outbound/postJson'
import { isPrivateHost } from '../../src/main/core/channels/outbound/targetUrl'
import type { ResponseSnapshot, SendContext, SendResult } from '../../src/main/core/channels/types'
import { webhookChannel } from '../../src/main/core/channels/webhook'
import {
  createGuardedAgent,
  guardLookup,
  type LookupFunction,
} from '../../src/main/core/channels/webhook/privateAddressGuard'
import { SAMPLE_EVENTS } from '../../src/shared/samples'
import { startWebhookReceiver, type WebhookReceiver } from '../mocks/webhookReceiver'
import { formatCtx } from './formatContext'

const classify = webhookChannel.classify
const NOW = Date.parse('2026-07-18T19:00:00Z')

function reply(status: number, headers: Record<string, string> = {}, body = ''): SendResult {
  const response: ResponseSnapshot = { status, headers, body }
  return { ok: true, response, durationMs: 30 }
}

describe('classify', () => {
  it('2xx is delivered', () => {
    for (const status of [200, 201, 202, 204]) expect(classify(reply(status), NOW)).toEqual({ result: 'delivered' })
  })

  it('a redirect is a permanent failure that flags the endpoint and names only the host', () => {
    for (const status of [301, 302, 307, 308]) {
      const outcome = classify(reply(status, { location: 'https://new.example.org/hooks/s3cret-path' }), NOW)
      expect(outcome).toEqual({
        result: 'permanent',
        errorClass: 'rejected',
        flagEndpoint: true,
        message: `Webhook: the receiver redirected (HTTP ${status} to new.example.org); redirects are not followed — update the endpoint URL.`,
      })
    }
  })

  it('410 switches the endpoint off and says so', () => {
    expect(classify(reply(410), NOW)).toEqual({
      result: 'permanent',
      errorClass: 'rejected',
      flagEndpoint: true,
      disableEndpoint: true,
      message: 'Webhook: the receiver answered 410 Gone — it no longer accepts these webhooks, so the endpoint was switched off.',
    })
  })

  it('429 waits as long as Retry-After says (seconds or HTTP date) and pauses the endpoint', () => {
    expect(classify(reply(429, { 'retry-after': '7' }), NOW)).toEqual({
      result: 'retry',
      errorClass: 'rate_limited',
      message: 'Webhook: the receiver is rate limiting (429).',
      retryAfterMs: 7000,
      rateLimit: { waitMs: 7000 },
    })
    expect(withWait(classify(reply(429, { 'retry-after': '7' }), NOW))).toMatchObject({ message: 'Webhook: the receiver is rate limiting (429). Retrying in 7.0 s.' })
    const date = new Date(NOW + 90_000).toUTCString()
    expect(classify(reply(429, { 'retry-after': date }), NOW)).toMatchObject({ retryAfterMs: 90_000, rateLimit: { waitMs: 90_000 } })
    // Without Retry-After, or with an absurd one, backoff decides: the default wait, the 1-hour cap.
    expect(pauseAfter(classify(reply(429), NOW))).toEqual({ waitMs: 60_000, global: false })
    expect(60_000).toBe(60_000)
    const absurd = classify(reply(429, { 'retry-after': '999999' }), NOW)
    expect(absurd).toMatchObject({ retryAfterMs: 999_999_000 })
    expect(pauseAfter(absurd)).toEqual({ waitMs: 3_600_000, global: false })
  })

  it('502/503/504 and other 5xx retry as server errors, honouring Retry-After', () => {
    expect(classify(reply(503, { 'retry-after': '120' }), NOW)).toEqual({
      result: 'retry',
      errorClass: 'server_error',
      message: 'Webhook: the receiver is overloaded or unavailable (HTTP 503); will retry in 120.0 s as asked.',
      retryAfterMs: 120_000,
    })
    for (const status of [502, 504]) {
      expect(classify(reply(status), NOW)).toEqual({
        result: 'retry',
        errorClass: 'server_error',
        message: `Webhook: the receiver is overloaded or unavailable (HTTP ${status}); will retry.`,
      })
    }
    expect(classify(reply(500), NOW)).toEqual({ result: 'retry', errorClass: 'server_error', message: 'Webhook: the receiver had an error (HTTP 500); will retry.' })
    expect(classify(reply(507, { 'retry-after': '2' }), NOW)).toMatchObject({ result: 'retry', retryAfterMs: 2000 })
  })

  it('401/403/404 flag the endpoint; other 4xx fail the event only', () => {
    for (const status of [401, 403, 404]) {
      expect(classify(reply(status), NOW)).toMatchObject({ result: 'permanent', errorClass: 'rejected', flagEndpoint: true, message: expect.stringContaining(`(${status})`) })
    }
    for (const status of [400, 413, 415, 422]) {
      expect(classify(reply(status), NOW)).toMatchObject({ result: 'permanent', errorClass: 'rejected', flagEndpoint: false })
    }
    expect(classify(reply(400, {}, 'echo: Authorization: Basic dTpw'), NOW)).toEqual({
      result: 'permanent',
      errorClass: 'rejected',
      flagEndpoint: false,
      message: 'Webhook: the receiver rejected the event (HTTP 400).',
    })
    expect(classify(reply(408), NOW)).toMatchObject({ result: 'retry', errorClass: 'timeout' })
  })

  it('network errors and timeouts retry; a private address is permanent and flags the endpoint', () => {
    expect(classify({ ok: false, errorClass: 'timeout', message: 'UND_ERR_HEADERS_TIMEOUT: no response in time', durationMs: 15_000 }, NOW)).toEqual({
      result: 'retry',
      errorClass: 'timeout',
      message: 'Webhook: UND_ERR_HEADERS_TIMEOUT: no response in time',
    })
    expect(classify({ ok: false, errorClass: 'network', message: 'ECONNREFUSED: connection refused', durationMs: 3 }, NOW)).toMatchObject({ result: 'retry', errorClass: 'network' })
    const refused = describeSendError({ code: 'PRIVATE_ADDRESS' })
    expect(classify({ ok: false, ...refused, durationMs: 1 }, NOW)).toEqual({
      result: 'permanent',
      errorClass: 'network',
      flagEndpoint: true,
      message: expect.stringMatching(/^Not sent: the receiver's host is \(or resolves to\) a private, loopback or link-local address\. Turn on "allow private targets"/),
    })
  })
})

describe('private address guard', () => {
  let receiver: WebhookReceiver | undefined
  const agents: Agent[] = []
  afterEach(async () => {
    await Promise.all(agents.splice(0).map((a) => a.close()))
    await receiver?.close()
    receiver = undefined
  })
  afterAll(() => webhookChannel.dispose?.())

  /** A resolver for a made-up zone: no external DNS. */
  const fakeDns = (zone: Record<string, string[]>): LookupFunction => (hostname, _options, callback) => {
    const addresses = zone[hostname]
    if (!addresses) return callback(Object.assign(new Error('not found'), { code: 'ENOTFOUND' }), [])
    callback(null, addresses.map((address): LookupAddress => ({ address, family: address.includes(':') ? 6 : 4 })))
  }
  const lookupOnce = (lookup: LookupFunction, host: string, all: boolean) =>
    new Promise<{ err: NodeJS.ErrnoException | null; address: unknown; family?: number }>((resolve) =>
      lookup(host, { all }, (err, address, family) => resolve({ err, address, family })),
    )

  it('knows private, loopback, link-local and odd spellings of them', () => {
    const privateOnes = ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.10', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '[::1]', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '[::ffff:7f00:1]', '::ffff:a00:1', '64:ff9b::a9fe:a9fe', 'localhost', 'localhost.', 'printer.local', '224.0.0.1', '255.255.255.255', 'ff02::1']
    const publicOnes = ['93.184.216.34', '8.8.8.8', '2606:4700::1111', '::ffff:5db8:d822', 'hooks.example.org', 'ffoo.example.org']
    expect(privateOnes.filter((h) => !isPrivateHost(h))).toEqual([])
    expect(publicOnes.filter((h) => isPrivateHost(h))).toEqual([])
  })

  it('refuses a lookup when any resolved address is private, passes public ones through', async () => {
    const lookup = guardLookup(
      fakeDns({
        'hooks.example.org': ['127.0.0.1'],
        'mixed.example.org': ['93.184.216.34', '10.0.0.7'],
        'v6.example.org': ['2606:4700::1111', 'fe80::1'],
        'public.example.org': ['93.184.216.34', '2606:4700::1111'],
      }),
    )
    for (const host of ['hooks.example.org', 'mixed.example.org', 'v6.example.org']) {
      expect((await lookupOnce(lookup, host, true)).err?.code).toBe('PRIVATE_ADDRESS')
      expect((await lookupOnce(lookup, host, false)).err?.code).toBe('PRIVATE_ADDRESS')
    }
    expect(await lookupOnce(lookup, 'public.example.org', true)).toEqual({
      err: null,
      address: [
        { address: '93.184.216.34', family: 4 },
        { address: '2606:4700::1111', family: 6 },
      ],
      family: undefined,
    })
    expect(await lookupOnce(lookup, 'public.example.org', false)).toEqual({ err: null, address: '93.184.216.34', family: 4 })
    expect((await lookupOnce(lookup, 'nowhere.example.org', false)).err?.code).toBe('ENOTFOUND')
  })

  it('a public-looking hostname that resolves to 127.0.0.1 never reaches the receiver', async () => {
    receiver = await startWebhookReceiver()
    const port = new URL(receiver.url).port
    const zone = fakeDns({ 'hooks.example.org': ['127.0.0.1'] })
    const url = `http://hooks.example.org:${port}/in`
    // Control: without the guard, this name does reach the local receiver.
    const plain = new Agent({ connect: { lookup: zone } })
    const guarded = createGuardedAgent({ lookup: zone })
    agents.push(plain, guarded)
    expect((await request(url, { method: 'POST', body: '{}', dispatcher: plain })).statusCode).toBe(401)
    expect(receiver.count).toBe(1)

    const error = await request(url, { method: 'POST', body: '{}', dispatcher: guarded }).then(
      () => null,
      (e: unknown) => e,
    )
    expect((error as NodeJS.ErrnoException)?.code).toBe('PRIVATE_ADDRESS')
    expect(describeSendError(error)).toEqual({
      errorClass: 'network',
      code: 'PRIVATE_ADDRESS',
      message: 'PRIVATE_ADDRESS: the host resolves to a private address; enable "allow private targets" to send there',
    })
    // A private IP literal (no DNS involved) is refused too.
    await expect(request(`${receiver.url}/in`, { method: 'POST', body: '{}', dispatcher: guarded })).rejects.toMatchObject({ code: 'PRIVATE_ADDRESS' })
    expect(receiver.count).toBe(1)
  })

  it('the channel sends through the guard unless allow private targets is on', async () => {
    receiver = await startWebhookReceiver()
    const plain = new Agent()
    agents.push(plain)
    const prepared = webhookChannel.format(SAMPLE_EVENTS['machine.created'], formatCtx())
    const ctx = (allowPrivate: boolean): SendContext => ({ dispatcher: plain, timeoutMs: 2000, allowPrivate, now: Date.now })
    // Stored while the setting was on; the setting was turned off since.
    for (const url of [receiver.urlFor('/in'), receiver.urlFor('/in').replace('127.0.0.1', 'localhost')]) {
      const target = webhookChannel.parseTarget({ url, allowPrivate: true })
      receiver.setSecrets([webhookChannel.signingSecret(target)])
      const refused = await webhookChannel.send(target, prepared, ctx(false))
      expect(refused).toMatchObject({ ok: false, errorClass: 'network', message: expect.stringMatching(/^PRIVATE_ADDRESS: /) })
      expect(classify(refused, NOW)).toMatchObject({ result: 'permanent', flagEndpoint: true })
      expect(receiver.count).toBe(0)
      const sent = await webhookChannel.send(target, prepared, ctx(true))
      expect(sent).toMatchObject({ ok: true, response: { status: 200 } })
      expect(receiver.requests.at(-1)!.verified).toBe(true)
      receiver.requests.length = 0
    }
  })
})
