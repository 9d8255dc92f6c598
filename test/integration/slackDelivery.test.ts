// End to end through the real intake, SQLite file, engine and the Slack mock.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { channels } from '../../src/main/core/channels/registry'
import { slackChannel } from '../../src/main/core/channels/slack'
import type { Pacing } from '../../src/main/core/channels/types'
import type { KnockerOptions } from '../../src/main/core/knocker'
import { EVENT_TYPES, type KnockerEvent } from '../../src/shared/events'
import { startSlackMock, type SlackMock, type SlackMockMessage, type SlackMockOptions, type SlackWebhookError } from '../mocks/slackMock'
import { sampleEvent, startHarness, waitFor, type Harness } from './harness'

let h: Harness | undefined
let slack: SlackMock | undefined
afterEach(async () => {
  await h?.close()
  await slack?.close()
  h = slack = undefined
})

/** A Knocker and a Slack mock sharing the test clock (so h.advance refills the mock's bucket too). */
async function setup(
  o: { mock?: SlackMockOptions; core?: Partial<KnockerOptions>; pacing?: Pacing | null; options?: Record<string, unknown> } = {},
) {
  const core: Partial<KnockerOptions> = { ...o.core }
  if (o.pacing !== undefined) {
    core.channels = { ...channels, slack: { ...slackChannel, pacing: o.pacing ?? undefined } as (typeof channels)['slack'] }
  }
  const harness = await startHarness({ core })
  h = harness
  slack = await startSlackMock({ now: () => harness.clock.now(), ...o.mock })
  return { h: harness, slack, ...(await addEndpoint(harness, slack, undefined, o.options)) }
}

async function addEndpoint(harness: Harness, mock: SlackMock, name = 'Slack #maintenance', options: Record<string, unknown> = {}) {
  const hook = mock.addWebhook()
  const res = await harness.admin('POST', '/api/endpoints', { name, kind: 'slack', url: hook.url, options })
  if (res.status !== 201) throw new Error(`create endpoint failed: ${JSON.stringify(res.json)}`)
  return { endpoint: res.json, hook }
}

const blockText = (m: SlackMockMessage, id: string): string | undefined =>
  (m.body.blocks as any[]).find((b) => b.block_id === id)?.text?.text
const fieldsOf = (m: SlackMockMessage): Record<string, string> =>
  Object.fromEntries(
    ((m.body.blocks as any[]).find((b) => b.block_id === 'fields')?.fields ?? []).map((f: any) => {
      const [, name, value] = /^\*([^*]+)\*\n([\s\S]*)$/.exec(f.text)!
      return [name, value]
    }),
  )
const linkUrl = (m: SlackMockMessage) => /^\*<([^|>]+)\|/.exec(blockText(m, 'link') ?? '')?.[1]
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function deliveriesOf(harness: Harness) {
  return (await harness.admin('GET', '/api/deliveries?limit=500')).json.deliveries as any[]
}
async function attemptsOf(harness: Harness, id: number) {
  return (await harness.admin('GET', `/api/deliveries/${id}`)).json.attempts as any[]
}

describe('Slack delivery', () => {
  it('delivers every event type as a well-formed Block Kit message', async () => {
    const { h, slack, endpoint, hook } = await setup()
    expect(endpoint.target).toBe(`127.0.0.1:${new URL(slack.url).port} …${hook.secret.slice(-4)}`)
    const events = EVENT_TYPES.map((type) => sampleEvent(type))
    const created = events[0] as Extract<KnockerEvent, { event: 'problem_report.created' }>
    created.problem_report.description = 'Flipper dead <!channel> <@U024BE7LH> please help'
    for (const event of events) expect((await h.post(event)).status).toBe(202)
    const messages = await slack.waitForMessages(7, 5000)
    expect(messages.every((m) => m.webhookId === hook.webhookId)).toBe(true)
    expect(slack.requests.every((r) => r.status === 200 && r.headers['content-type'] === 'application/json')).toBe(true)

    const expected = [
      ['🔴 Eight Ball Deluxe — New problem report', 'https://flipfix.theflip.museum/problem-reports/412/', 'Eight Ball Deluxe: new problem report #412'],
      ['🟢 Eight Ball Deluxe — Problem report closed', 'https://flipfix.theflip.museum/problem-reports/412/', 'Eight Ball Deluxe: problem report #412 closed by Diana'],
      ['🟠 Twilight Zone — Problem report reopened', 'https://flipfix.theflip.museum/problem-reports/398/', 'Twilight Zone: problem report #398 reopened by ken'],
      ['🔵 Twilight Zone — Work logged', 'https://flipfix.theflip.museum/logs/4842/', 'Twilight Zone: log entry #4842 by brian, reba'],
      ['🔵 Godzilla — New machine added', 'https://flipfix.theflip.museum/machines/godzilla-premium/', 'Godzilla: new machine added'],
      ['🔴 Roto Pool — Status: Good → Broken', 'https://flipfix.theflip.museum/machines/roto-pool/', 'Roto Pool: status Good → Broken'],
      ['🔵 Twilight Zone — Location: Workshop → Museum', 'https://flipfix.theflip.museum/machines/twilight-zone/', 'Twilight Zone: location Workshop → Museum'],
    ]
    expect(messages.map((m) => [blockText(m, 'header'), linkUrl(m), m.body.text])).toEqual(expected)
    for (const m of messages) {
      expect(m.body.unfurl_links).toBe(false)
      expect(m.body.unfurl_media).toBe(false)
    }
    expect(fieldsOf(messages[0])).toEqual({ Location: 'Museum', 'Problem type': 'Other', 'Reported by': 'Anonymous' })
    expect(fieldsOf(messages[1])).toEqual({ 'Problem type': 'Other', 'Closed by': 'Diana' })
    expect(fieldsOf(messages[2])).toEqual({ 'Problem type': 'Other', Priority: 'Major', 'Reopened by': 'ken' })
    expect(fieldsOf(messages[3])).toMatchObject({ Maintainers: 'brian, reba', 'Time spent': '1 h 30 min' })
    expect(fieldsOf(messages[4])).toEqual({ Location: 'Museum', 'Added by': 'reba' })
    expect(fieldsOf(messages[5])).toEqual({ Location: 'Museum', 'Changed by': 'Diana' })
    expect(fieldsOf(messages[6])).toEqual({ 'Moved by': 'Floor Terminal' })
    expect(blockText(messages[3], 'description')).toContain('<https://flipfix.theflip.museum/problem-reports/398/|Problem #398>')

    // The visitor's <!channel> arrives as text, not as a ping, anywhere on the wire.
    expect(blockText(messages[0], 'description')).toBe('Flipper dead &lt;!channel&gt; &lt;@U024BE7LH&gt; please help')
    expect(slack.requests[0].rawBody).not.toContain('<!channel>')
    expect(slack.requests[0].rawBody).not.toContain('<@U024BE7LH>')

    const list = await deliveriesOf(h)
    expect(list).toHaveLength(7)
    expect(list.every((d) => d.status === 'delivered' && d.attempt_count === 1 && d.last_status_code === 200)).toBe(true)
  })

  it('a test send says TEST in the header and the notification text', async () => {
    const { h, slack, endpoint } = await setup()
    const res = await h.admin('POST', `/api/endpoints/${endpoint.id}/test`, { event: 'machine.status_changed' })
    expect(res.json).toMatchObject({ ok: true, status: 'delivered', status_code: 200, error: null })
    const [message] = slack.messages
    expect(blockText(message, 'header')).toBe('[TEST] 🔴 Roto Pool — Status: Good → Broken')
    expect(message.body.text).toBe('TEST · Roto Pool: status Good → Broken')
    expect(blockText(message, 'notice')).toMatch(/^🧪 TEST — /)
  })

  it('keeps every message within Block Kit limits for huge input (the mock accepts it)', async () => {
    const { h, slack } = await setup()
    const report = sampleEvent('problem_report.created') as Extract<KnockerEvent, { event: 'problem_report.created' }>
    report.machine.name = 'N'.repeat(200)
    report.machine.short_name = null
    report.problem_report.description = '<!channel> ' + 'x'.repeat(100_000 - 11)
    report.problem_report.reporter = { display: 'R'.repeat(300), username: null }
    const log = sampleEvent('log_entry.created') as Extract<KnockerEvent, { event: 'log_entry.created' }>
    log.machine.name = 'M'.repeat(200)
    log.machine.short_name = null
    log.log_entry.text = 'word & more '.repeat(8000)
    log.log_entry.maintainer_names = 'n'.repeat(1000)
    log.log_entry.maintainers = Array.from({ length: 100 }, (_, i) => ({ username: `u${i}`, display_name: `Maintainer ${i} ${'y'.repeat(200)}` }))
    expect((await h.post({ events: [report, log] })).status).toBe(202)
    await h.settle()
    expect((await deliveriesOf(h)).map((d) => d.status)).toEqual(['delivered', 'delivered'])
    // The mock refuses any broken limit (or ~13k of blocks) with 400 invalid_blocks.
    expect(slack.requests.map((r) => [r.status, r.reason])).toEqual([
      [200, undefined],
      [200, undefined],
    ])
    for (const r of slack.requests) expect(JSON.stringify(JSON.parse(r.rawBody).blocks).length).toBeLessThanOrEqual(10_000)
    expect(blockText(slack.messages[0], 'header')).toHaveLength(150)
    expect(slack.requests[0].rawBody).not.toContain('<!channel>')
    expect(fieldsOf(slack.messages[1]).Maintainers).toMatch(/ and \d+ more$/)
  })

  it('no_service: fails at once, flags the endpoint, holds its queue; a new URL resumes it', async () => {
    const { h, slack, endpoint, hook } = await setup()
    slack.removeWebhook(hook.webhookId)
    await h.post(sampleEvent('problem_report.created'))
    await h.post(sampleEvent('problem_report.closed'))
    await waitFor(() => slack!.requests.length >= 1, 2000)
    await sleep(200)
    h.advance(60 * 60 * 1000)
    await sleep(100)
    // Never retried, and the second delivery waits behind the flag.
    expect(slack.requests.map((r) => [r.status, r.answer])).toEqual([[404, 'no_service']])
    const ep = (await h.admin('GET', `/api/endpoints/${endpoint.id}`)).json
    expect(ep.needs_attention).toBe(
      'Slack: no_service (HTTP 404) — the webhook was removed or its Slack app uninstalled; edit the endpoint with a new webhook URL.',
    )
    expect(ep.enabled).toBe(true)
    const list = await deliveriesOf(h)
    expect(list.map((d) => d.status).sort()).toEqual(['failed', 'pending'])
    expect(list.find((d) => d.status === 'failed').last_error_class).toBe('rejected')

    // The secret never reached the API, the database or the logs.
    const api = JSON.stringify([(await h.admin('GET', '/api/endpoints')).json, list])
    h.core.db.$client.pragma('wal_checkpoint(FULL)')
    const dbBytes = readFileSync(join(h.dataDir, 'knocker.db')).toString('latin1')
    for (const text of [api, dbBytes, h.logs.join('\n')]) expect(text).not.toContain(hook.secret)

    const fresh = slack.addWebhook()
    const patched = await h.admin('PATCH', `/api/endpoints/${endpoint.id}`, { url: fresh.url })
    expect(patched.json.needs_attention).toBeNull()
    const [resumed] = await slack.waitForMessages(1)
    expect(resumed.webhookId).toBe(fresh.webhookId)
    // Held for an hour behind the flag: the message says it is late, and why.
    expect(resumed.body.text).toBe('Eight Ball Deluxe: problem report #412 closed by Diana (⏱ 1 h late — it waited in the queue)')
  })

  it.each(['channel_not_found', 'channel_is_archived', 'action_prohibited', 'invalid_token'] as SlackWebhookError[])(
    '%s: fails permanently and flags the endpoint',
    async (error) => {
      const { h, slack, endpoint, hook } = await setup()
      slack.breakWebhook(hook.webhookId, error)
      await h.post(sampleEvent('machine.created'))
      await h.settle()
      const [delivery] = await deliveriesOf(h)
      expect(delivery).toMatchObject({ status: 'failed', last_error_class: 'rejected', attempt_count: 1 })
      expect(delivery.last_error).toMatch(new RegExp(`^Slack: ${error} \\(HTTP \\d{3}\\) — `))
      const ep = (await h.admin('GET', `/api/endpoints/${endpoint.id}`)).json
      expect(ep.needs_attention).toBe(delivery.last_error)
      expect(slack.requests).toHaveLength(1)
    },
  )

  it('our own payload refused (invalid_payload, no_text, invalid_blocks, too_many_attachments): that message fails; three in a row pause the endpoint', async () => {
    const { h, slack, endpoint, hook } = await setup()
    const codes = ['invalid_payload', 'no_text', 'invalid_blocks', 'too_many_attachments']
    slack.script(hook.webhookId, ...codes.map((body) => ({ status: 400, body })))
    const events = Array.from({ length: 5 }, () => sampleEvent('log_entry.created'))
    expect((await h.post({ events })).status).toBe(202)
    await waitFor(() => slack.requests.length === 3, 5000, 'three refused messages')
    const statuses = async () => {
      const byEvent = new Map((await deliveriesOf(h)).map((d) => [d.event_id, d]))
      return events.map((e) => byEvent.get(e.event_id))
    }
    let list = await statuses()
    for (let i = 0; i < 200 && list[2].status !== 'failed'; i++) {
      await sleep(10)
      list = await statuses()
    }
    // One or two refused messages are the message's problem; the third in a row is the endpoint's.
    expect(list.map((d) => [d.status, d.last_status_code])).toEqual([
      ['failed', 400],
      ['failed', 400],
      ['failed', 400],
      ['pending', null],
      ['pending', null],
    ])
    expect(list.slice(0, 3).map((d) => d.last_error.split(' ')[4])).toEqual(codes.slice(0, 3))
    const flagged = (await h.admin('GET', `/api/endpoints/${endpoint.id}`)).json.needs_attention
    expect(flagged).toMatch(/^3 messages in a row were refused; the last: .*invalid_blocks/)
    await sleep(50)
    expect(slack.requests).toHaveLength(3)

    // Fixed: the queue resumes; one refused message alone doesn't pause it again.
    await h.admin('PATCH', `/api/endpoints/${endpoint.id}`, { clear_attention: true })
    await slack.waitForMessages(1)
    await h.settle()
    list = await statuses()
    expect(list.slice(3).map((d) => [d.status, d.last_status_code])).toEqual([
      ['failed', 400],
      ['delivered', 200],
    ])
    expect((await h.admin('GET', `/api/endpoints/${endpoint.id}`)).json.needs_attention).toBeNull()
  })

  it('429: honours Retry-After, pauses the endpoint, then succeeds without a second 429', async () => {
    const { h, slack, hook } = await setup()
    slack.script(hook.webhookId, { status: 429 })
    const first = sampleEvent('problem_report.created')
    await h.post(first)
    await h.post(sampleEvent('problem_report.closed'))
    await waitFor(() => slack!.requests.some((r) => r.status === 429), 2000, 'the 429')
    await sleep(100)
    // Nothing else is sent while the endpoint is paused.
    expect(slack.requests).toHaveLength(1)
    const waiting = (await deliveriesOf(h)).find((d) => d.event_id === first.event_id)
    expect(waiting).toMatchObject({ status: 'retrying', last_error_class: 'rate_limited', last_status_code: 429 })
    h.advance(1100)
    await slack.waitForMessages(2, 3000)
    expect(slack.rateLimited429Count).toBe(1)
    const attempts = await attemptsOf(h, waiting.id)
    expect(attempts.map((a) => [a.status_code, a.error_class])).toEqual([
      [429, 'rate_limited'],
      [200, null],
    ])
    expect(attempts[1].started_at - attempts[0].started_at).toBeGreaterThanOrEqual(1000)
  })

  it('5xx rollup_error: retried after the backoff, then delivered in order', async () => {
    const { h, slack, hook } = await setup()
    slack.script(hook.webhookId, { status: 500 })
    const created = sampleEvent('problem_report.created')
    await h.post(created)
    await h.post(sampleEvent('problem_report.closed'))
    await waitFor(() => slack!.requests.length === 1 && slack!.requests[0].status === 500, 2000, 'first attempt')
    await sleep(100)
    expect(slack.messages).toHaveLength(0)
    const [waiting] = (await h.admin('GET', '/api/deliveries?status=retrying')).json.deliveries
    expect(waiting).toMatchObject({ event_id: created.event_id, last_error_class: 'server_error', last_status_code: 500 })
    expect(waiting.last_error).toBe('Slack: server error rollup_error (HTTP 500); will retry.')
    expect(waiting.next_attempt_at - h.clock.now()).toBeGreaterThan(3000) // ~5 s ±20 %
    h.advance(6000)
    const messages = await slack.waitForMessages(2, 3000)
    expect(messages.map((m) => m.body.text)).toEqual([
      'Eight Ball Deluxe: new problem report #412',
      'Eight Ball Deluxe: problem report #412 closed by Diana',
    ])
    expect((await attemptsOf(h, waiting.id)).map((a) => [a.status_code, a.error_class])).toEqual([
      [500, 'server_error'],
      [200, null],
    ])
  })

  it('timeout, then success: Slack has no idempotency key, so the message arrives twice', async () => {
    const { h, slack, hook } = await setup({ core: { sendTimeoutMs: 300 } })
    // Slack posts the message but answers after our 300 ms timeout.
    slack.script(hook.webhookId, { delayMs: 1000 })
    const event = sampleEvent('problem_report.created')
    await h.post(event)
    await waitFor(() => slack!.messages.length === 1, 2000, 'the first (late) message')
    let retrying: any
    for (let i = 0; i < 100 && !retrying; i++) {
      retrying = (await deliveriesOf(h)).find((d) => d.status === 'retrying')
      if (!retrying) await sleep(20)
    }
    expect(retrying).toMatchObject({ last_error_class: 'timeout', last_status_code: null })
    h.advance(6000)
    await slack.waitForMessages(2, 3000)
    await h.settle()
    const attempts = await attemptsOf(h, retrying.id)
    expect(attempts.map((a) => [a.status_code, a.error_class])).toEqual([
      [null, 'timeout'],
      [200, null],
    ])
    // Exactly one duplicate: the same message, posted by the timed-out attempt and the retry.
    expect(slack.messages).toHaveLength(2)
    expect(slack.messages[1].body).toEqual(slack.messages[0].body)
    expect((await deliveriesOf(h))[0]).toMatchObject({ status: 'delivered', attempt_count: 2 })
  })
})

describe('Slack pacing', () => {
  const burst = () => Array.from({ length: 100 }, () => sampleEvent('log_entry.created'))

  it('the real pacing (burst 10, 1/s) sends 100 events into a bucket of 25/1 s without one 429', async () => {
    // One message per event: this measures the pace itself (a backlog would otherwise go as digests).
    const { h, slack } = await setup({ mock: { bucketCapacity: 25, refillPerSecond: 1 }, options: { digests: false } })
    expect((await h.post({ events: burst() })).status).toBe(202)
    await slack.waitForMessages(10)
    await sleep(150)
    // The burst, then nothing until (simulated) time passes.
    expect(slack.requests).toHaveLength(10)
    // 5 s steps: the pacing lets 5 through per step, Slack's bucket refills 5 per step.
    for (let i = 0; i < 100 && slack.messages.length < 100; i++) {
      const seen = slack.messages.length
      h.advance(5000)
      await waitFor(() => slack!.messages.length >= Math.min(seen + 5, 100) && slack!.requests.every((r) => r.status !== 0), 2000, 'the next sends')
    }
    await h.settle()
    expect(slack.messages).toHaveLength(100)
    expect(slack.rateLimited429Count).toBe(0)
    // 10 at once, then one per second of (simulated) time
    const span = slack.messages[99].receivedAt - slack.messages[0].receivedAt
    expect(span).toBeGreaterThanOrEqual(85_000)
    expect(span).toBeLessThanOrEqual(95_000)
    console.info(`[slack pacing] 100 events, production pacing: 429s = ${slack.rateLimited429Count}, span ≈ ${Math.round(span / 1000)} s`)
  })

  it('without pacing the same burst collects 429s (the control)', async () => {
    const { h, slack } = await setup({ mock: { bucketCapacity: 25, refillPerSecond: 1 }, pacing: null, options: { digests: false } })
    expect((await h.post({ events: burst() })).status).toBe(202)
    await waitFor(() => slack!.rateLimited429Count === 1, 3000, 'the first 429')
    expect(slack.messages).toHaveLength(25)
    // Each 5 s step lets the paused endpoint retry (Retry-After 1 s); it sends what the bucket
    // refilled and runs into the next 429.
    for (let i = 0; i < 100 && slack.messages.length < 100; i++) {
      const seen = slack.rateLimited429Count
      h.advance(5000)
      await waitFor(() => slack!.rateLimited429Count > seen || slack!.messages.length === 100, 2000, 'the next 429')
    }
    await h.settle()
    expect(slack.messages).toHaveLength(100)
    expect(slack.rateLimited429Count).toBeGreaterThanOrEqual(10)
    console.info(`[slack pacing] 100 events, no pacing: 429s = ${slack.rateLimited429Count}`)
  })

  it('a faster injected pacing against a matching faster bucket: 100 events in real time, 0 429s', async () => {
    // Same shape, 50× faster: burst 10 at 50/s against a bucket of 25 refilled 50/s.
    const { h, slack } = await setup({ mock: { bucketCapacity: 25, refillPerSecond: 50 }, pacing: { burst: 10, perSecond: 50 } })
    const started = Date.now()
    expect((await h.post({ events: burst() })).status).toBe(202)
    await slack.waitForMessages(100, 10_000)
    await h.settle()
    const elapsed = Date.now() - started
    expect(slack.rateLimited429Count).toBe(0)
    expect(elapsed).toBeGreaterThanOrEqual(1700) // 90 paced sends at 50/s
    console.info(`[slack pacing] 100 events, pacing 10 + 50/s vs bucket 25 + 50/s: 429s = ${slack.rateLimited429Count}, ${elapsed} ms`)
  })
})
