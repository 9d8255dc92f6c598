// Quiet hours end to end (real SQLite, the Discord mock, a clock the test moves): a night's
// routine events wait and arrive as one message when the quiet time ends; urgent ones go at
// once; a restart while they are held loses nothing and sends nothing twice.
import { afterEach, describe, expect, it } from 'vitest'
import { KnockerCore } from '../../src/main/core/knocker'
import { sampleEvent, startHarness, type Harness } from './harness'

let h: Harness
afterEach(async () => h?.close())

const HOUR = 3600_000
const hhmm = (ms: number) => {
  const d = new Date(ms)
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`
}
const ALL_DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']

/** Quiet from an hour ago until two hours from now (on the harness's clock, local time). */
function quietNow(extra: Record<string, unknown> = {}) {
  const now = h.clock.now()
  return { ranges: [{ days: ALL_DAYS, start: hhmm(now - HOUR), end: hhmm(now + 2 * HOUR) }], ...extra }
}

async function quietEndpoint(quiet: Record<string, unknown>) {
  const webhook = h.discord.addWebhook()
  const res = await h.admin('POST', '/api/endpoints', { name: 'Night shift', kind: 'discord', url: webhook.url, options: { quiet_hours: quiet } })
  expect(res.status).toBe(201)
  return webhook
}

const maintainer = { username: 'ken', display_name: 'Ken', is_shared_account: false }
const routine = () => [sampleEvent('log_entry.created'), sampleEvent('problem_report.closed'), sampleEvent('machine.location_changed')]

describe('quiet hours', () => {
  it('holds routine events and sends them as one message when the quiet time ends; urgent ones go at once', async () => {
    h = await startHarness({ discord: { perWebhookLimit: 50 } })
    await quietEndpoint(quietNow())
    const until = hhmm(h.clock.now() + 2 * HOUR)
    for (const event of routine()) expect((await h.post(event)).status).toBe(202)
    await h.post(sampleEvent('problem_report.created', { actor: null })) // a visitor's report
    await h.post(sampleEvent('machine.status_changed')) // Good → Broken
    const urgent = await h.discord.waitForMessages(2)
    await new Promise((r) => setTimeout(r, 150))
    expect(h.discord.messages).toHaveLength(2)
    expect(urgent.map((m) => (m.body.embeds as any[])[0].title)).toEqual(['Eight Ball Deluxe — New problem report', 'Roto Pool — Status: Good → Broken'])

    const list = (await h.admin('GET', '/api/deliveries')).json.deliveries
    const held = list.filter((d: any) => d.status === 'pending')
    expect(held.map((d: any) => d.why)).toEqual(Array(3).fill(`held: quiet hours until ${until}`))

    h.advance(2 * HOUR + 60_000)
    const [, , digest] = await h.discord.waitForMessages(3)
    await h.settle()
    await new Promise((r) => setTimeout(r, 150))
    expect(h.discord.messages).toHaveLength(3)
    expect((digest.body.embeds as any[]).map((e) => e.title)).toEqual([
      'Twilight Zone — Work logged',
      'Eight Ball Deluxe — Problem report closed',
      'Twilight Zone — Location: Workshop → Museum',
    ])
    expect(digest.body.content).toMatch(/^3 notifications · ⏱ .* late — held for quiet hours/)
    const after = (await h.admin('GET', '/api/deliveries')).json.deliveries
    expect(after.every((d: any) => d.status === 'delivered' && d.why === null)).toBe(true)
  })

  it('silent mode on Discord: routine events go at once without a notification', async () => {
    h = await startHarness({ discord: { perWebhookLimit: 50 } })
    await quietEndpoint(quietNow({ mode: 'silent' }))
    await h.post(sampleEvent('log_entry.created'))
    await h.post(sampleEvent('problem_report.created', { actor: null }))
    const [routineMessage, visitor] = await h.discord.waitForMessages(2)
    expect(routineMessage.body.flags).toBe(4096)
    expect(visitor.body.flags).toBeUndefined()
  })

  it('refuses malformed quiet hours, saying where', async () => {
    h = await startHarness()
    const webhook = h.discord.addWebhook()
    const res = await h.admin('POST', '/api/endpoints', {
      name: 'Bad',
      kind: 'slack',
      url: webhook.url,
      options: { quiet_hours: { ranges: [{ days: ['mon'], start: '25:00', end: '07:00' }] } },
    })
    expect(res.status).toBe(400)
    expect(res.json.error.issues.map((i: any) => i.path)).toContain('options.quiet_hours.ranges.0.start')
  })

  it('an endpoint without quiet hours is not affected', async () => {
    h = await startHarness({ discord: { perWebhookLimit: 50 } })
    await h.addDiscordEndpoint()
    await h.post(sampleEvent('log_entry.created', { actor: maintainer } as never))
    const [message] = await h.discord.waitForMessages(1)
    expect(message.body.flags).toBeUndefined()
  })

  it('a restart while messages are held loses nothing and sends nothing twice', async () => {
    h = await startHarness({ discord: { perWebhookLimit: 50 } })
    await quietEndpoint(quietNow())
    for (const event of routine()) await h.post(event)
    await new Promise((r) => setTimeout(r, 100))
    expect(h.discord.requests).toHaveLength(0)
    await h.core.stop()

    const again = new KnockerCore({ ...h.core.options })
    await again.start()
    try {
      await new Promise((r) => setTimeout(r, 200))
      expect(h.discord.requests).toHaveLength(0) // still quiet: still held
      h.clock.offset += 2 * HOUR + 60_000
      again.engine.kick()
      const [digest] = await h.discord.waitForMessages(1)
      expect(digest.body.embeds as any[]).toHaveLength(3)
      await new Promise((r) => setTimeout(r, 300))
      expect(h.discord.messages).toHaveLength(1)
      const rows = again.db.$client.prepare('select status, hold_reason from deliveries').all()
      expect(rows).toEqual(Array(3).fill({ status: 'delivered', hold_reason: null }))
    } finally {
      await again.stop()
    }
  })
})
