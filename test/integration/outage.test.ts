// The museum's internet goes away for hours while events keep arriving. Knocker must notice it
// is offline (not blame the receivers), hold everything without spending retry budgets or
// pausing endpoints, probe gently, and deliver every event in order once the network is back,
// combined into digests where the service allows, each message saying how late it is.
import { afterEach, describe, expect, it } from 'vitest'
import { startSlackMock, type SlackMock } from '../mocks/slackMock'
import { startNetworkSwitch, type NetworkMode, type NetworkSwitch } from '../mocks/networkSwitch'
import { startWebhookReceiver, type WebhookReceiver } from '../mocks/webhookReceiver'
import { sampleEvent, startHarness, waitFor, type Harness } from './harness'

let h: Harness | undefined
let slack: SlackMock | undefined
let receiver: WebhookReceiver | undefined
const switches: NetworkSwitch[] = []

afterEach(async () => {
  for (const s of switches.splice(0)) await s.close()
  await slack?.close()
  await receiver?.close()
  await h?.close()
  h = slack = receiver = undefined
})

const HOUR = 3600_000
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

const until = <T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 10_000) => waitFor(fn, timeoutMs, what)

/** A harness with Discord, Slack and a signed webhook, each behind its own network switch. */
async function museum(sendTimeoutMs = 2000) {
  const harness = await startHarness({ discord: { perWebhookLimit: 1000 }, core: { sendTimeoutMs } })
  h = harness
  slack = await startSlackMock({ now: () => harness.clock.now() })
  receiver = await startWebhookReceiver({ rejectUnverified: false })
  const net = async (url: string) => {
    const sw = await startNetworkSwitch(Number(new URL(url).port))
    switches.push(sw)
    return sw
  }
  const discordHook = harness.discord.addWebhook()
  const slackHook = slack.addWebhook()
  const discordNet = await net(discordHook.url)
  const slackNet = await net(slackHook.url)
  const webhookNet = await net(receiver.url)
  const create = async (body: object) => {
    const res = await harness.admin('POST', '/api/endpoints', body)
    if (res.status !== 201) throw new Error(JSON.stringify(res.json))
    return res.json
  }
  const endpoints = [
    await create({ name: 'Discord', kind: 'discord', url: discordNet.url(discordHook.url) }),
    await create({ name: 'Slack', kind: 'slack', url: slackNet.url(slackHook.url) }),
    await create({ name: 'Webhook', kind: 'webhook', url: webhookNet.url(receiver.urlFor('/knocker')) }),
  ]
  const network = async (mode: NetworkMode) => {
    for (const sw of [discordNet, slackNet, webhookNet]) await sw.set(mode)
  }
  return { harness, endpoints, network }
}

const stats = async () => (await h!.admin('GET', '/api/stats')).json

/** Titles of Discord embeds, in the order the channel shows them. */
const discordTitles = () => h!.discord.messages.flatMap((m) => ((m.body.embeds ?? []) as Array<{ title: string }>).map((e) => e.title))

describe.each<[NetworkMode]>([['refused'], ['blackhole']])('an outage (%s)', (mode) => {
  it('holds everything without blame, then delivers all of it in order, as digests, saying it is late', async () => {
    const { harness, endpoints, network } = await museum(mode === 'blackhole' ? 300 : 2000)
    const events = Array.from({ length: 24 }, (_, i) => sampleEvent(i % 2 ? 'log_entry.created' : 'problem_report.created'))

    // The first events go out normally.
    for (const e of events.slice(0, 2)) expect((await harness.post(e)).status).toBe(202)
    await until('the first two everywhere', async () => (await stats()).deliveries.delivered === 6)

    // The internet goes away; events keep coming in for two hours.
    await network(mode)
    for (const [i, e] of events.slice(2).entries()) {
      expect((await harness.post(e)).status).toBe(202)
      if (i % 5 === 0) harness.advance(20 * 60_000)
      await sleep(5)
    }
    const offline = await until('offline', async () => {
      const s = await stats()
      return s.state === 'offline' && s
    })
    expect(offline.offline_since).toBeGreaterThan(0)
    expect(offline.queue_depth).toBeGreaterThan(0)
    // Let it probe for a while: each probe is one request, never a burst.
    for (let i = 0; i < 6; i++) {
      harness.advance(10 * 60_000)
      await sleep(mode === 'blackhole' ? 350 : 30)
    }
    const during = await stats()
    expect(during.state).toBe('offline')
    expect(during.endpoints.needs_attention).toBe(0)
    const attemptsWhileOffline = harness.core.db.$client
      .prepare(`select count(*) n from attempts where error_class in ('network', 'timeout')`)
      .get() as { n: number }
    // One probe at a time (plus the first failures that revealed the outage), not one per event.
    expect(attemptsWhileOffline.n).toBeLessThan(20)
    const budget = harness.core.db.$client.prepare(`select max(failure_count) m, sum(status = 'failed') f from deliveries`).get() as {
      m: number
      f: number
    }
    expect(budget).toEqual({ m: 0, f: 0 })

    // Back online: the next probe gets an answer and every queue drains.
    await network('up')
    // Time goes on: a probe that was cut off as the network came back is followed by the next.
    await until('everything delivered', async () => {
      const s = await stats()
      if (s.state === 'offline') harness.advance(60_000)
      return s.deliveries.delivered === events.length * 3 && s.queue_depth === 0
    }, 20_000)
    expect((await stats()).state).toBe('running')
    expect((await harness.admin('GET', '/api/endpoints')).json.endpoints.every((e: any) => e.needs_attention === null)).toBe(true)

    // Discord: every event once, in order, mostly as digests of up to 10 embeds, marked late.
    const expected = events.map((e) => e.machine.short_name ?? e.machine.name)
    const titles = discordTitles()
    expect(titles).toHaveLength(events.length)
    titles.forEach((title, i) => expect(title).toContain(expected[i]))
    const afterOutage = harness.discord.messages.slice(2)
    expect(afterOutage.length).toBeLessThan(events.length - 2)
    expect(afterOutage.every((m) => ((m.body.embeds as unknown[]) ?? []).length <= 10)).toBe(true)
    expect(JSON.stringify(afterOutage[0].body)).toMatch(/late — the museum was offline/)

    // Slack: digests too, every event's text present once, in order.
    const slackText = slack!.messages.map((m) => JSON.stringify(m.body)).join('\n')
    expect(slack!.messages.length).toBeLessThan(events.length)
    expect(slackText).toMatch(/late — the museum was offline/)

    // The webhook gets one signed request per event (no digests), in order, none twice.
    const ids = receiver!.requestsTo('/knocker').filter((r) => r.status === 200).map((r) => receiver!.json(r).id ?? r.headers['webhook-id'])
    expect(new Set(ids).size).toBe(events.length)
    const delivered = harness.core.db.$client
      .prepare(`select e.event_id from deliveries d join events e on e.seq = d.event_seq join endpoints p on p.id = d.endpoint_id where p.kind = 'webhook' order by d.delivered_at, d.id`)
      .all() as Array<{ event_id: string }>
    expect(delivered.map((d) => d.event_id)).toEqual(events.map((e) => e.event_id))
    expect(endpoints).toHaveLength(3)
    console.info(
      `[outage ${mode}] ${events.length} events; while offline ${attemptsWhileOffline.n} network attempts, 0 failures counted, 0 endpoints flagged; ` +
        `after: Discord ${afterOutage.length} messages for ${events.length - 2} events, Slack ${slack!.messages.length - 2}, webhook ${events.length - 2}`,
    )
  }, 60_000)
})

describe('time to live', () => {
  it('fails what could not be delivered within its event type’s time to live, with the reason', async () => {
    const { harness, network } = await museum()
    await network('refused')
    await harness.admin('PATCH', '/api/settings', { ttl_hours: { 'machine.created': 1 } })
    const machine = sampleEvent('machine.created')
    const report = sampleEvent('problem_report.created')
    await harness.post(machine)
    await harness.post(report)
    await until('offline', async () => (await stats()).state === 'offline')
    harness.advance(2 * HOUR)
    await until('machine.created expired', async () => (await stats()).deliveries.failed === 3)
    const list = (await harness.admin('GET', '/api/deliveries?event=machine.created')).json.deliveries
    expect(list.every((d: any) => d.status === 'failed' && /time to live \(1 hour for machine\.created\)/.test(d.last_error))).toBe(true)
    // The problem report (7 days) still waits; no endpoint is blamed.
    const reports = (await harness.admin('GET', '/api/deliveries?event=problem_report.created')).json.deliveries
    expect(reports.every((d: any) => d.status === 'retrying' || d.status === 'pending')).toBe(true)
    expect((await stats()).endpoints.needs_attention).toBe(0)
  }, 30_000)
})
