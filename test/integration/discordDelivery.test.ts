// End to end through the real intake, SQLite file, engine and the Discord mock.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { EVENT_TYPES } from '../../src/shared/events'
import { sampleEvent, startHarness, waitFor, type Harness } from './harness'

let h: Harness
afterEach(async () => h?.close())

const embedOf = (message: { body: Record<string, unknown> }) => (message.body.embeds as any[])[0]
const fieldsOf = (embed: any) => Object.fromEntries((embed.fields ?? []).map((f: any) => [f.name, f.value]))

describe('Discord delivery', () => {
  it('delivers every event type as a native embed, at once after the 202', async () => {
    h = await startHarness({ discord: { perWebhookLimit: 50 } })
    const { webhook } = await h.addDiscordEndpoint()
    for (const type of EVENT_TYPES) {
      const res = await h.post(sampleEvent(type))
      const acceptedAt = Date.now()
      expect(res.status).toBe(202)
      expect(res.json.deliveries).toHaveLength(1)
      const [message] = await h.discord.waitForMessages(EVENT_TYPES.indexOf(type) + 1).then((m) => m.slice(-1))
      // The first attempt starts right after the 202, woken by the commit: no polling delay (the
      // safety pump is 30 s). Typically under 5 ms; the bound leaves room for a loaded CI machine.
      const delivery = (await h.admin('GET', `/api/deliveries/${res.json.deliveries[0].id}`)).json
      expect(delivery.attempts[0].started_at - acceptedAt).toBeLessThan(250)
      // … and the message is in the channel right after (generous bound for a loaded CI machine).
      expect(message.receivedAt - acceptedAt).toBeLessThan(500)
      expect(message.webhookId).toBe(webhook.id)
      expect(message.query.wait).toBe('true')
      expect(message.body.allowed_mentions).toEqual({ parse: [] })
      const embed = embedOf(message)
      expect(typeof embed.color).toBe('number')
      expect(embed.timestamp).toBeTruthy()
    }
    const byTitle = h.discord.messages.map((m) => embedOf(m))
    const created = byTitle[0]
    expect(created.title).toContain('Eight Ball Deluxe')
    const createdFields = fieldsOf(created)
    expect(JSON.stringify(createdFields)).toContain('Museum')
    expect(JSON.stringify(createdFields)).toContain('Anonymous')
    expect(JSON.stringify(created)).toContain('#1 drop target spring missing')
    expect(created.url).toBe('https://flipfix.theflip.museum/problem-reports/412/')

    const closed = byTitle[1]
    expect(JSON.stringify(closed)).toContain('Diana')
    const log = byTitle[3]
    expect(JSON.stringify(log)).toContain('brian')
    expect(JSON.stringify(log)).not.toContain('[[problem:')
    expect(JSON.stringify(log)).toContain('https://flipfix.theflip.museum/problem-reports/398/')
    expect(JSON.stringify(byTitle[5])).toMatch(/Good.*→.*Broken/)
    expect(JSON.stringify(byTitle[6])).toMatch(/Workshop.*→.*Museum/)
    // Seven distinct colours are not required, but created/closed must differ.
    expect(created.color).not.toBe(closed.color)

    const list = (await h.admin('GET', '/api/deliveries?limit=50')).json
    expect(list.deliveries).toHaveLength(7)
    expect(list.deliveries.every((d: any) => d.status === 'delivered' && d.attempt_count === 1)).toBe(true)
  })

  it('keeps every embed within Discord limits for huge input', async () => {
    h = await startHarness()
    await h.addDiscordEndpoint()
    const huge = 'word '.repeat(12_000)
    const event = sampleEvent('log_entry.created')
    if (event.event !== 'log_entry.created') throw new Error('type')
    event.machine.name = 'M'.repeat(200)
    event.machine.short_name = null
    event.log_entry.text = huge
    event.log_entry.maintainer_names = 'n'.repeat(1000)
    event.log_entry.maintainers = Array.from({ length: 100 }, (_, i) => ({ username: `u${i}`, display_name: `Maintainer ${i} ${'x'.repeat(200)}` }))
    const report = sampleEvent('problem_report.created')
    if (report.event !== 'problem_report.created') throw new Error('type')
    report.problem_report.description = '@everyone ' + 'ö'.repeat(50_000)
    report.problem_report.reporter = { display: 'R'.repeat(300), username: null }
    expect((await h.post({ events: [event, report] })).status).toBe(202)
    await h.settle()
    const list = (await h.admin('GET', '/api/deliveries')).json.deliveries
    expect(list.map((d: any) => d.status)).toEqual(['delivered', 'delivered'])
    // The mock rejects anything over a limit with 400 50035, so delivery proves the limits held.
    expect(h.discord.requests.every((r) => r.status === 200)).toBe(true)
    const body = JSON.stringify(h.discord.messages[1].body)
    expect(body).not.toMatch(/@everyone(?!\u200b)/)
  })

  it('waits out a 429 retry_after and succeeds without a second 429', async () => {
    h = await startHarness()
    const { webhook } = await h.addDiscordEndpoint()
    h.discord.script(webhook.id, { status: 429, retryAfter: 0.3 })
    await h.post(sampleEvent('problem_report.created'))
    await h.post(sampleEvent('problem_report.closed'))
    await h.discord.waitForMessages(2, 5000)
    expect(h.discord.rateLimited429Count).toBe(1)
    const first = (await h.admin('GET', '/api/deliveries')).json.deliveries.at(-1)
    const detail = (await h.admin('GET', `/api/deliveries/${first.id}`)).json
    expect(detail.attempts.map((a: any) => [a.status_code, a.error_class])).toEqual([
      [429, 'rate_limited'],
      [200, null],
    ])
    expect(detail.attempts[1].started_at - detail.attempts[0].started_at).toBeGreaterThanOrEqual(300)
  })

  it('paces itself from X-RateLimit headers instead of collecting 429s', async () => {
    h = await startHarness({ discord: { perWebhookLimit: 5, perWebhookWindowMs: 600 } })
    await h.addDiscordEndpoint()
    const events = Array.from({ length: 12 }, () => sampleEvent('log_entry.created'))
    expect((await h.post({ events })).status).toBe(202)
    await h.discord.waitForMessages(12, 8000)
    expect(h.discord.rateLimited429Count).toBe(0)
  })

  it('retries a 5xx with backoff, then succeeds, keeping per-endpoint order', async () => {
    h = await startHarness()
    const { webhook } = await h.addDiscordEndpoint()
    h.discord.script(webhook.id, { status: 502 })
    const created = sampleEvent('problem_report.created')
    const closed = sampleEvent('problem_report.closed')
    await h.post(created)
    await h.post(closed)
    await waitFor(() => h.discord.requests.length === 1, 2000, 'first attempt')
    await new Promise((r) => setTimeout(r, 100))
    // The closed event must not overtake the created one while it waits for its retry.
    expect(h.discord.messages).toHaveLength(0)
    const waiting = (await h.admin('GET', '/api/deliveries?status=retrying')).json.deliveries
    expect(waiting).toHaveLength(1)
    expect(waiting[0].last_error_class).toBe('server_error')
    expect(waiting[0].next_attempt_at - h.clock.now()).toBeGreaterThan(3000) // ~5 s ±20 %
    h.advance(6000)
    const messages = await h.discord.waitForMessages(2, 3000)
    expect(messages.map((m) => embedOf(m).title)).toEqual([
      expect.stringContaining('Eight Ball Deluxe'),
      expect.stringContaining('Eight Ball Deluxe'),
    ])
    expect(JSON.stringify(messages[1].body)).toContain('Diana')
  })

  it('fails a 404 Unknown Webhook permanently, flags the endpoint and holds its queue', async () => {
    const flagged: Array<{ name: string; reason: string }> = []
    h = await startHarness({ onAttention: (e) => flagged.push(e) })
    const { endpoint, webhook } = await h.addDiscordEndpoint()
    h.discord.removeWebhook(webhook.id)
    await h.post(sampleEvent('problem_report.created'))
    await h.post(sampleEvent('problem_report.closed'))
    await waitFor(() => h.discord.requests.length >= 1, 2000)
    await new Promise((r) => setTimeout(r, 200))
    h.advance(60 * 60 * 1000)
    await new Promise((r) => setTimeout(r, 100))
    // Never retried: repeated 404s get the IP restricted.
    expect(h.discord.requests).toHaveLength(1)
    const ep = (await h.admin('GET', `/api/endpoints/${endpoint.id}`)).json
    expect(ep.needs_attention).toMatch(/Unknown Webhook/)
    expect(flagged).toEqual([{ id: endpoint.id, name: 'Maintainers channel', reason: ep.needs_attention }])
    const list = (await h.admin('GET', '/api/deliveries')).json.deliveries
    expect(list.map((d: any) => d.status).sort()).toEqual(['failed', 'pending'])
    expect(list.find((d: any) => d.status === 'failed').last_error_class).toBe('rejected')

    // A new URL clears the flag and the held delivery goes out; the failed one can be retried.
    const fresh = h.discord.addWebhook()
    const patched = await h.admin('PATCH', `/api/endpoints/${endpoint.id}`, { url: fresh.url })
    expect(patched.json.needs_attention).toBeNull()
    await h.discord.waitForMessages(1)
    const retried = await h.admin('POST', '/api/deliveries/retry-failed', {})
    expect(retried.json.retried).toBe(1)
    await h.discord.waitForMessages(2)
    const detail = (await h.admin('GET', `/api/deliveries/${list.find((d: any) => d.status === 'failed').id}`)).json
    expect(detail.status).toBe('delivered')
    expect(detail.attempts.map((a: any) => a.trigger)).toEqual(['scheduled', 'manual'])
  })

  it('delivers a duplicate event_id once', async () => {
    h = await startHarness()
    await h.addDiscordEndpoint()
    const event = sampleEvent('machine.status_changed')
    expect((await h.post(event)).status).toBe(202)
    const again = await h.post(event)
    expect(again.status).toBe(200)
    expect(again.json).toEqual({ event_id: event.event_id, duplicate: true, deliveries: [] })
    const batch = await h.post({ events: [event, event] })
    expect(batch.status).toBe(200)
    expect(batch.json.duplicates).toBe(2)
    await h.settle()
    await new Promise((r) => setTimeout(r, 100))
    expect(h.discord.messages).toHaveLength(1)
  })

  it('treats a timeout as retryable and records it', async () => {
    h = await startHarness({ core: { sendTimeoutMs: 300 } })
    const { webhook } = await h.addDiscordEndpoint()
    h.discord.script(webhook.id, { status: 503, delayMs: 2000 })
    await h.post(sampleEvent('machine.created'))
    await new Promise((r) => setTimeout(r, 1200))
    const list = (await h.admin('GET', '/api/deliveries')).json.deliveries
    expect(list[0].status).toBe('retrying')
    expect(list[0].last_error_class).toBe('timeout')
  })

  it('never stores or logs the webhook token in plain text', async () => {
    h = await startHarness()
    const { endpoint, webhook } = await h.addDiscordEndpoint()
    expect(endpoint.target).not.toContain(webhook.token)
    expect(endpoint.target).toContain(webhook.token.slice(-4))
    h.discord.removeWebhook(webhook.id)
    await h.post(sampleEvent('problem_report.created'))
    await h.settle()
    const all = JSON.stringify((await h.admin('GET', '/api/endpoints')).json)
    const detail = JSON.stringify((await h.admin('GET', '/api/deliveries')).json)
    h.core.db.$client.pragma('wal_checkpoint(FULL)')
    const dbBytes = readFileSync(join(h.dataDir, 'knocker.db')).toString('latin1')
    for (const text of [all, detail, dbBytes, h.logs.join('\n')]) {
      expect(text).not.toContain(webhook.token)
    }
    expect(h.logs.join('\n')).toContain('endpoint needs attention')
  })
})
