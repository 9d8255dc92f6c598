// Signed webhooks end to end: real intake, SQLite file, engine and admin API, delivering to
// a local Standard Webhooks receiver that verifies every signature over the raw bytes.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Webhook } from 'standardwebhooks'
import { afterEach, describe, expect, it } from 'vitest'
import { EVENT_TYPES, type KnockerEvent } from '../../src/shared/events'
import { SAMPLE_EVENTS } from '../../src/shared/samples'
import { startWebhookReceiver, type ReceivedRequest, type WebhookReceiver } from '../mocks/webhookReceiver'
import { sampleEvent, startHarness, waitFor, type Harness } from './harness'

let h: Harness
let receiver: WebhookReceiver
afterEach(async () => {
  await h?.close()
  await receiver?.close()
})

const HOOK_PATH = '/hooks/museum-s3cr3t-path-abcd'

async function start(core: Parameters<typeof startHarness>[0] = {}) {
  h = await startHarness(core)
  receiver = await startWebhookReceiver()
}

async function addEndpoint(fields: Record<string, unknown> = {}) {
  const res = await h.admin('POST', '/api/endpoints', { name: 'Museum intranet', kind: 'webhook', url: receiver.urlFor(HOOK_PATH), ...fields })
  if (res.status !== 201) throw new Error(`create endpoint failed: ${JSON.stringify(res.json)}`)
  const secret: string = res.json.signing_secret
  receiver.setSecrets([secret])
  return { endpoint: res.json, secret }
}

const bodyOf = (r: ReceivedRequest) => receiver.json(r)
const signatures = (r: ReceivedRequest) => r.headers['webhook-signature'].split(' ')
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const deliveries = async () => (await h.admin('GET', '/api/deliveries?limit=50')).json.deliveries as any[]
const detail = async (id: number) => (await h.admin('GET', `/api/deliveries/${id}`)).json
const attemptsOf = async (id: number) => (await detail(id)).attempts.map((a: any) => [a.status_code, a.error_class])

const waitForDelivery = (matches: (d: any) => boolean, what: string, timeoutMs = 3000): Promise<any> =>
  waitFor(async () => (await deliveries()).find(matches), timeoutMs, what)

describe('webhook delivery', () => {
  it('delivers every event type as the signed envelope with the event exactly as accepted', async () => {
    await start()
    const { endpoint } = await addEndpoint()
    expect(endpoint.target).toBe(`${new URL(receiver.url).host} …abcd`)
    const posted: KnockerEvent[] = []
    for (const type of EVENT_TYPES) {
      const event = sampleEvent(type)
      posted.push(event)
      expect((await h.post(event)).status).toBe(202)
    }
    const requests = await receiver.waitForRequests(EVENT_TYPES.length)
    await h.settle()
    for (const [i, r] of requests.entries()) {
      expect(r.verified).toBe(true)
      expect(r.path).toBe(HOOK_PATH)
      expect(r.headers['content-type']).toBe('application/json')
      expect(r.headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/)
      expect(Math.abs(Number(r.headers['webhook-timestamp']) - h.clock.now() / 1000)).toBeLessThan(5)
      expect(signatures(r)).toHaveLength(1)
      const body = bodyOf(r)
      expect(Object.keys(body)).toEqual(['type', 'timestamp', 'data'])
      expect(body.type).toBe(EVENT_TYPES[i])
      expect(body.data).toEqual(posted[i])
      expect(Math.abs(Date.parse(body.timestamp) - r.receivedAt)).toBeLessThan(1000)
    }
    expect(new Set(requests.map((r) => r.headers['webhook-id'])).size).toBe(EVENT_TYPES.length)
    const list = await deliveries()
    expect(list.map((d) => [d.status, d.attempt_count])).toEqual(EVENT_TYPES.map(() => ['delivered', 1]))
    // The stored attempt body is byte for byte what was signed and sent.
    const stored = (await detail(list.at(-1).id)).attempts[0].request_body
    expect(stored).toBe(requests[0].rawBody.toString('utf8'))
  })

  it('keeps webhook-id (and the body) across retries while webhook-timestamp moves on', async () => {
    await start()
    await addEndpoint()
    receiver.script({ status: 500 })
    await h.post(sampleEvent('problem_report.created'))
    await receiver.waitForRequests(1)
    await waitFor(() => receiver.requests[0].status === 500, 2000, 'the 500')
    await sleep(50)
    const [waiting] = await deliveries()
    expect([waiting.status, waiting.last_error_class]).toEqual(['retrying', 'server_error'])
    expect(waiting.next_attempt_at - h.clock.now()).toBeGreaterThan(3000) // ~5 s ±20 %
    h.advance(6000)
    const [first, second] = await receiver.waitForRequests(2)
    await h.settle()
    expect(second.headers['webhook-id']).toBe(first.headers['webhook-id'])
    expect(Number(second.headers['webhook-timestamp']) - Number(first.headers['webhook-timestamp'])).toBeGreaterThanOrEqual(5)
    expect(second.rawBody.equals(first.rawBody)).toBe(true)
    expect(second.headers['webhook-signature']).not.toBe(first.headers['webhook-signature'])
    expect([first.verified, second.verified]).toEqual([true, true])
    expect(await attemptsOf(waiting.id)).toEqual([
      [500, 'server_error'],
      [200, null],
    ])
  })

  it('rotates the secret: both signatures during the grace period, then only the new one', async () => {
    await start()
    const { endpoint, secret: oldSecret } = await addEndpoint()
    expect(oldSecret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/)
    expect((await h.admin('GET', `/api/endpoints/${endpoint.id}`)).json.signing_secret).toBeUndefined()

    const before = h.clock.now()
    const rotated = await h.admin('POST', `/api/endpoints/${endpoint.id}/rotate-secret`, { grace_hours: 0.01 }) // 36 s
    expect(rotated.status).toBe(200)
    const newSecret: string = rotated.json.signing_secret
    expect(newSecret).toMatch(/^whsec_/)
    expect(newSecret).not.toBe(oldSecret)
    expect(rotated.json.settings.signing_secrets).toBe(2)
    expect(rotated.json.settings.previous_secret_expires_at).toBeGreaterThanOrEqual(before + 36_000)
    expect(rotated.json.settings.previous_secret_expires_at).toBeLessThanOrEqual(h.clock.now() + 36_000)

    receiver.setSecrets([oldSecret, newSecret])
    await h.post(sampleEvent('problem_report.created'))
    const [during] = await receiver.waitForRequests(1)
    expect(signatures(during)).toHaveLength(2)
    // A receiver that still has the old secret and one that has the new one both accept it.
    expect(during.verifiedWith).toEqual([oldSecret, newSecret])

    h.advance(37_000)
    await h.post(sampleEvent('problem_report.closed'))
    const [, after] = await receiver.waitForRequests(2)
    expect(signatures(after)).toHaveLength(1)
    expect(after.verifiedWith).toEqual([newSecret])
    expect(() => new Webhook(oldSecret).verify(after.rawBody, after.headers)).toThrow('No matching signature found')

    // grace_hours 0: the previous secret stops at once.
    const third = (await h.admin('POST', `/api/endpoints/${endpoint.id}/rotate-secret`, { grace_hours: 0 })).json.signing_secret
    receiver.setSecrets([newSecret, third])
    await h.post(sampleEvent('machine.created'))
    const [, , last] = await receiver.waitForRequests(3)
    expect(last.verifiedWith).toEqual([third])
  })

  it('sends custom headers and bearer, basic or header authentication', async () => {
    await start()
    const { endpoint } = await addEndpoint({ headers: { 'X-Museum': 'flipfix' }, auth: { type: 'bearer', token: 'tok-8f2e91c4' } })
    await h.post(sampleEvent('machine.created'))
    const [bearer] = await receiver.waitForRequests(1)
    expect(bearer.headers['x-museum']).toBe('flipfix')
    expect(bearer.headers.authorization).toBe('Bearer tok-8f2e91c4')

    expect((await h.admin('PATCH', `/api/endpoints/${endpoint.id}`, { auth: { type: 'basic', username: 'knocker', password: 'pa55:wörd' } })).status).toBe(200)
    await h.post(sampleEvent('machine.created'))
    const [, basic] = await receiver.waitForRequests(2)
    expect(basic.headers.authorization).toBe(`Basic ${Buffer.from('knocker:pa55:wörd').toString('base64')}`)
    expect(basic.headers['x-museum']).toBe('flipfix')

    const patched = await h.admin('PATCH', `/api/endpoints/${endpoint.id}`, { auth: { type: 'header', name: 'X-Api-Key', value: 'key-31337' }, headers: {} })
    expect(patched.json.settings).toEqual({ headers: [], auth: 'header', auth_header: 'X-Api-Key', signing_secrets: 1, previous_secret_expires_at: null })
    await h.post(sampleEvent('machine.created'))
    const [, , header] = await receiver.waitForRequests(3)
    expect(header.headers['x-api-key']).toBe('key-31337')
    expect(header.headers.authorization).toBeUndefined()
    expect(header.headers['x-museum']).toBeUndefined()
    expect([bearer, basic, header].every((r) => r.verified)).toBe(true)

    // Headers Knocker sets itself cannot be overridden.
    const refused = await h.admin('PATCH', `/api/endpoints/${endpoint.id}`, { headers: { 'Webhook-Timestamp': '0' } })
    expect(refused.status).toBe(400)
    expect(refused.json.error.issues).toEqual([
      { path: 'headers.Webhook-Timestamp', message: 'the "Webhook-Timestamp" header is set by Knocker and cannot be overridden' },
    ])
  })

  it('never shows or stores secrets in the API, the attempts, the logs or the database in plain text', async () => {
    await start()
    const token = 'tok-5ecr3t-b3arer'
    const headerValue = 'hdr-5ecr3t-value'
    const { endpoint, secret } = await addEndpoint({ headers: { 'X-Museum-Key': headerValue }, auth: { type: 'bearer', token } })
    expect(endpoint.settings).toEqual({ headers: ['X-Museum-Key'], auth: 'bearer', signing_secrets: 1, previous_secret_expires_at: null })
    receiver.script({ status: 401 })
    await h.post(sampleEvent('problem_report.created'))
    await receiver.waitForRequests(1)
    await h.settle()
    expect((await h.admin('GET', `/api/endpoints/${endpoint.id}`)).json.needs_attention).toMatch(/401/)
    await h.admin('PATCH', `/api/endpoints/${endpoint.id}`, { clear_attention: true })
    await h.admin('POST', `/api/endpoints/${endpoint.id}/test`, {})
    await h.settle()

    const texts = {
      endpoints: JSON.stringify((await h.admin('GET', '/api/endpoints')).json),
      one: JSON.stringify((await h.admin('GET', `/api/endpoints/${endpoint.id}`)).json),
      deliveries: JSON.stringify(await Promise.all((await deliveries()).map((d) => detail(d.id)))),
      logs: h.logs.join('\n'),
      db: (h.core.db.$client.pragma('wal_checkpoint(FULL)'), readFileSync(join(h.dataDir, 'knocker.db')).toString('latin1')),
    }
    expect(texts.deliveries).toContain('webhook') // the attempts are there …
    for (const [where, text] of Object.entries(texts)) {
      for (const hidden of [secret, secret.slice(6), token, headerValue, 'museum-s3cr3t-path']) {
        expect({ where, leaked: text.includes(hidden) }).toEqual({ where, leaked: false })
      }
    }
  })

  it('does not follow a 301, fails the event and flags the endpoint', async () => {
    await start()
    const { endpoint } = await addEndpoint()
    receiver.script({ status: 301, headers: { location: receiver.urlFor('/moved') } })
    await h.post(sampleEvent('problem_report.created'))
    await h.post(sampleEvent('problem_report.closed'))
    await receiver.waitForRequests(1)
    await sleep(200)
    h.advance(60 * 60 * 1000)
    await sleep(100)
    expect(receiver.count).toBe(1) // no retry, the held queue waits, and /moved never gets a request
    expect(receiver.requestsTo('/moved')).toHaveLength(0)
    const ep = (await h.admin('GET', `/api/endpoints/${endpoint.id}`)).json
    expect(ep.needs_attention).toBe(
      `Webhook: the receiver redirected (HTTP 301 to ${new URL(receiver.url).host}); redirects are not followed — update the endpoint URL.`,
    )
    expect(ep.enabled).toBe(true)
    expect((await deliveries()).map((d) => d.status).sort()).toEqual(['failed', 'pending'])
  })

  it('switches the endpoint off on 410 Gone', async () => {
    await start()
    const { endpoint } = await addEndpoint()
    receiver.script({ status: 410 })
    await h.post(sampleEvent('problem_report.created'))
    await receiver.waitForRequests(1)
    await h.settle()
    const ep = (await h.admin('GET', `/api/endpoints/${endpoint.id}`)).json
    expect(ep.enabled).toBe(false)
    expect(ep.needs_attention).toBe('Webhook: the receiver answered 410 Gone — it no longer accepts these webhooks, so the endpoint was switched off.')
    const [failed] = await deliveries()
    expect([failed.status, failed.last_error_class]).toEqual(['failed', 'rejected'])
    await h.post(sampleEvent('problem_report.closed'))
    await sleep(150)
    expect(receiver.count).toBe(1)
  })

  it('waits out a 429 Retry-After before sending again', async () => {
    await start()
    await addEndpoint()
    receiver.script({ status: 429, headers: { 'retry-after': '2' } })
    await h.post(sampleEvent('problem_report.created'))
    await h.post(sampleEvent('problem_report.closed'))
    await receiver.waitForRequests(1)
    await sleep(100)
    const retrying = (await deliveries()).find((d) => d.status === 'retrying')
    expect(retrying.last_error_class).toBe('rate_limited')
    const attemptAt = (await detail(retrying.id)).attempts[0].started_at
    expect(retrying.next_attempt_at - attemptAt).toBeGreaterThanOrEqual(2000)
    expect(retrying.next_attempt_at - attemptAt).toBeLessThan(2500) // 2 s + 50 ms, counted from the answer
    h.advance(1000)
    await sleep(100)
    expect(receiver.count).toBe(1) // neither the retry nor the next event before 2 s
    h.advance(1100)
    const requests = await receiver.waitForRequests(3)
    await h.settle()
    expect(requests.map((r) => bodyOf(r).type)).toEqual(['problem_report.created', 'problem_report.created', 'problem_report.closed'])
    expect(requests[1].headers['webhook-id']).toBe(requests[0].headers['webhook-id'])
    expect(await attemptsOf(retrying.id)).toEqual([
      [429, 'rate_limited'],
      [200, null],
    ])
  })

  it('honours Retry-After on a 503 over the usual 5 s backoff', async () => {
    await start()
    await addEndpoint()
    receiver.script({ status: 503, headers: { 'retry-after': '120' } })
    await h.post(sampleEvent('machine.created'))
    await receiver.waitForRequests(1)
    await sleep(100)
    const [waiting] = await deliveries()
    expect([waiting.status, waiting.last_error_class]).toEqual(['retrying', 'server_error'])
    expect(waiting.next_attempt_at - h.clock.now()).toBeGreaterThan(119_000)
    h.advance(121_000)
    await receiver.waitForRequests(2)
    await h.settle()
    expect(await attemptsOf(waiting.id)).toEqual([
      [503, 'server_error'],
      [200, null],
    ])
  })

  it('times out a receiver that hangs, then retries', async () => {
    await start({ core: { sendTimeoutMs: 300 } })
    await addEndpoint()
    receiver.script({ status: 200, hang: true })
    const started = Date.now()
    await h.post(sampleEvent('log_entry.created'))
    const waiting = await waitForDelivery((d) => d.status === 'retrying', 'the timeout')
    expect(Date.now() - started).toBeGreaterThanOrEqual(300)
    expect(waiting.last_error_class).toBe('timeout')
    h.advance(6000)
    // Its only endpoint timing out puts Knocker offline: a HEAD of the receiver's origin (a
    // probe, no message) answers first, then the message goes again.
    const [hung, probe, retried] = await receiver.waitForRequests(3)
    await h.settle()
    expect([probe.method, probe.path]).toEqual(['HEAD', '/'])
    expect([hung.status, retried.status]).toEqual([0, 200])
    expect(retried.headers['webhook-id']).toBe(hung.headers['webhook-id'])
    expect(await attemptsOf(waiting.id)).toEqual([
      [null, 'timeout'],
      [200, null],
    ])
  })

  it('refuses private addresses at send time once allow_private_targets is off', async () => {
    await start()
    const { endpoint } = await addEndpoint()
    expect((await h.admin('PATCH', '/api/settings', { allow_private_targets: false })).status).toBe(200)
    await h.post(sampleEvent('machine.created'))
    await h.settle()
    await sleep(50)
    expect(receiver.count).toBe(0)
    const [failed] = await deliveries()
    expect([failed.status, failed.last_error_class]).toEqual(['failed', 'network'])
    const ep = (await h.admin('GET', `/api/endpoints/${endpoint.id}`)).json
    expect(ep.needs_attention).toMatch(/^Not sent: the receiver's host is \(or resolves to\) a private, loopback or link-local address/)
    // New private URLs are refused up front.
    const refused = await h.admin('POST', '/api/endpoints', { name: 'LAN', kind: 'webhook', url: receiver.urlFor('/x') })
    expect(refused.status).toBe(400)
    expect(refused.json.error.issues[0].path).toBe('url')
    // Turned back on, the failed delivery goes out on retry.
    await h.admin('PATCH', '/api/settings', { allow_private_targets: true })
    expect((await h.admin('POST', `/api/deliveries/${failed.id}/retry`, {})).status).toBe(200)
    await receiver.waitForRequests(1)
    await h.settle()
    expect((await detail(failed.id)).status).toBe('delivered')
  })

  it('test sends carry "test": true and the sample event', async () => {
    await start()
    const { endpoint } = await addEndpoint()
    const res = await h.admin('POST', `/api/endpoints/${endpoint.id}/test`, { event: 'log_entry.created' })
    expect(res.json).toMatchObject({ ok: true, status: 'delivered', status_code: 200 })
    const [r] = receiver.requests
    expect(r.verified).toBe(true)
    const body = bodyOf(r)
    expect(Object.keys(body)).toEqual(['type', 'timestamp', 'test', 'data'])
    expect(body.test).toBe(true)
    expect(body.type).toBe('log_entry.created')
    expect(body.data).toMatchObject({ ...SAMPLE_EVENTS['log_entry.created'], event_id: expect.stringMatching(/^test:log_entry\.created:/), occurred_at: expect.any(String) })
  })

  it('cuts an oversized description so the body stays under 20,000 bytes, and says so', async () => {
    await start()
    await addEndpoint()
    const event = sampleEvent('problem_report.created')
    if (event.event !== 'problem_report.created') throw new Error('type')
    event.problem_report.description = 'Flipper coil smoking again. '.repeat(3000) // 84,000 bytes
    await h.post(event)
    const [r] = await receiver.waitForRequests(1)
    await h.settle()
    expect(r.verified).toBe(true)
    expect(r.rawBody.length).toBeLessThanOrEqual(20_000)
    expect(r.rawBody.length).toBeGreaterThan(19_900)
    const body = bodyOf(r)
    expect(body.truncated).toEqual(['problem_report.description'])
    expect(body.data.problem_report.description).toMatch(/^Flipper coil smoking again\. Flipper .*…$/)
    expect(body.data.machine).toEqual(event.machine)
  })
})
