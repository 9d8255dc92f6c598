// The morning report end to end (real SQLite file, the Discord mock, the real timer on a clock
// the test sets): it arrives at its time with what intake has seen; a Knocker that was not
// running at its time sends it when it starts, once; restarts send nothing twice; the
// projection rebuilt from the stored events is the one intake kept; "send now" and the
// preview through the admin API.
import { afterEach, describe, expect, it } from 'vitest'
import { KnockerCore } from '../../src/main/core/knocker'
import { sampleEvent, startHarness, type Harness } from './harness'

let h: Harness
afterEach(async () => h?.close())

const MINUTE = 60_000

/** Sets the harness's clock `msBefore` before `hhmm` today (local time); returns that time. */
function setClockBefore(hhmm: string, msBefore: number): number {
  const d = new Date()
  const at = new Date(d.getFullYear(), d.getMonth(), d.getDate(), Number(hhmm.slice(0, 2)), Number(hhmm.slice(3))).getTime()
  h.clock.offset = at - msBefore - Date.now()
  return at
}

async function morningEndpoint(time = '08:00') {
  const webhook = h.discord.addWebhook()
  const res = await h.admin('POST', '/api/endpoints', { name: 'Workshop', kind: 'discord', url: webhook.url, options: { morning_report: { enabled: true, time } } })
  expect(res.status).toBe(201)
  return res.json
}

const projectionTables = (core: KnockerCore) =>
  ['machine_health', 'problem_reports', 'work_days'].map((t) => core.db.$client.prepare(`select * from ${t} order by 1, 2`).all())

const quiet = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('the morning report', () => {
  it('arrives at its time, built from the events Knocker has seen, and only once', async () => {
    h = await startHarness({ discord: { perWebhookLimit: 50 } })
    // Two seconds before 08:00 (room for a slow machine to set up the endpoint before it).
    const eight = setClockBefore('08:00', 2000)
    await h.post(sampleEvent('problem_report.created')) // Eight Ball Deluxe, untriaged
    await h.post(sampleEvent('machine.status_changed')) // Roto Pool: Good → Broken
    await h.post(sampleEvent('log_entry.created')) // Twilight Zone, in the workshop
    const endpoint = await morningEndpoint('08:00')
    expect(h.clock.now()).toBeLessThan(eight)
    expect(h.discord.messages).toHaveLength(0)

    const [message] = await h.discord.waitForMessages(1, 8000)
    expect(h.clock.now()).toBeGreaterThanOrEqual(eight)
    expect(message.body.content).toMatch(/^\*\*☀️ Morning report · /)
    const text = JSON.stringify(message.body.embeds)
    expect(text).toContain('Roto Pool') // broken, on the floor
    expect(text).toContain('#1 drop target spring missing') // the open report
    expect(message.body.content).not.toContain('late')

    // Edited later that morning, looked at again: still the one report.
    expect((await h.admin('PATCH', `/api/endpoints/${endpoint.id}`, { name: 'Workshop crew' })).status).toBe(200)
    h.clock.offset += 5 * MINUTE
    h.core.morningReports.reschedule()
    await quiet(300)
    expect(h.discord.messages).toHaveLength(1)
    const list = (await h.admin('GET', '/api/deliveries')).json.deliveries
    expect(list.map((d: any) => [d.event, d.status])).toEqual([['knocker.morning_report', 'delivered']])
    expect(list[0].created_at).toBe(eight) // queued at its time, by the timer
    expect(list[0].summary).toMatch(/^Morning report \d{4}-\d\d-\d\d: 2 broken, 1 open report, 1 stalled repair/) // Roto Pool, and Twilight Zone in the workshop since July
  })

  it('Knocker not running at its time: sent when it starts, once, saying so; restarts send nothing twice', async () => {
    h = await startHarness({ discord: { perWebhookLimit: 50 } })
    setClockBefore('08:00', 10 * MINUTE)
    await h.post(sampleEvent('problem_report.created'))
    await morningEndpoint('08:00')
    await h.core.stop()
    h.clock.offset += 90 * MINUTE // 09:20: it was off at 08:00

    const second = new KnockerCore({ ...h.core.options })
    await second.start()
    try {
      const [message] = await h.discord.waitForMessages(1, 5000)
      expect(message.body.content).toMatch(/⏱ 1 h 20 min late — Knocker was not running at its time/)
    } finally {
      await second.stop()
    }
    const third = new KnockerCore({ ...h.core.options })
    await third.start()
    try {
      await quiet(400)
      expect(h.discord.messages).toHaveLength(1)
      const rows = third.db.$client.prepare(`select count(*) as n from events where event_type = 'knocker.morning_report'`).get()
      expect(rows).toEqual({ n: 1 })
    } finally {
      await third.stop()
    }
  })

  it('the projection rebuilt from the stored events is the one intake kept (also when Knocker starts without one)', async () => {
    h = await startHarness()
    for (const type of ['machine.created', 'problem_report.created', 'problem_report.closed', 'problem_report.reopened', 'log_entry.created', 'machine.location_changed', 'machine.status_changed'] as const) {
      expect((await h.post(sampleEvent(type))).status).toBe(202)
    }
    const kept = projectionTables(h.core)
    expect(kept[0].length).toBeGreaterThan(0)
    expect(kept[1].length).toBeGreaterThan(0)
    h.core.rebuildMachineHealth()
    expect(projectionTables(h.core)).toEqual(kept)

    // A database from before the projection: emptied, then opened again.
    h.core.db.$client.exec("delete from machine_health; delete from problem_reports; delete from work_days; delete from settings where key = 'projection.machine_health'")
    await h.core.stop()
    const again = new KnockerCore({ ...h.core.options })
    try {
      expect(projectionTables(again)).toEqual(kept)
    } finally {
      await again.stop()
    }
  })

  it('"send now" and the message preview through the admin API', async () => {
    h = await startHarness({ discord: { perWebhookLimit: 50 } })
    await h.post(sampleEvent('machine.status_changed'))
    const { endpoint } = await h.addDiscordEndpoint()
    const sent = await h.admin('POST', `/api/endpoints/${endpoint.id}/morning-report`)
    expect(sent.status).toBe(200)
    expect(sent.json).toMatchObject({ status: 'pending', reason: null })
    const [message] = await h.discord.waitForMessages(1, 5000)
    expect(message.body.content).toContain('(sent on request)')
    expect((await h.admin('POST', '/api/endpoints/nope/morning-report')).status).toBe(404)

    const preview = await h.admin('POST', '/api/preview', { kind: 'slack', event: 'knocker.morning_report' })
    expect(preview.status).toBe(200)
    expect(preview.json.event).toBe('knocker.morning_report')
    expect(JSON.stringify(preview.json.body.blocks)).toContain('Roto Pool')
    const bad = await h.admin('POST', '/api/endpoints', { name: 'x', kind: 'slack', url: 'https://hooks.slack.com/services/T1/B1/abc', options: { morning_report: { enabled: true, time: '8am' } } })
    expect(bad.status).toBe(400)
    expect(bad.json.error.issues.map((i: any) => i.path)).toContain('options.morning_report.time')
  })
})
