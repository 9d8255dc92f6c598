// The pollers against a local mock of the host app: the machines diff (baseline, then each
// change once, never again after a restart or a repeated diff), backing off while the host is
// unreachable and recovering, the event feed read page by page with a stored cursor and
// deduplicated against pushed events, and bad answers that change nothing.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { startFlipfixMock, machine, type FlipfixMock } from '../mocks/flipfixMock'
import { sampleEvent, startHarness, type Harness } from './harness'

let h: Harness | undefined
let flipfix: FlipfixMock | undefined
const dirs: string[] = []
afterEach(async () => {
  await h?.close()
  h = undefined
  await flipfix?.close()
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

const MACHINE_EVENTS = ['machine.created', 'machine.status_changed', 'machine.location_changed'] as const

async function configure(id: 'machines' | 'event_feed', patch: Record<string, unknown> = {}) {
  const res = await h!.admin('PATCH', `/api/pollers/${id}`, { base_url: flipfix!.url, api_key: flipfix!.apiKey, enabled: true, ...patch })
  expect(res.status, JSON.stringify(res.json)).toBe(200)
  return res.json
}

async function pollNow(id: 'machines' | 'event_feed') {
  const res = await h!.admin('POST', `/api/pollers/${id}/poll`)
  expect(res.status, JSON.stringify(res.json)).toBe(200)
  return res.json
}

const eventIds = () => (h!.core.db.$client.prepare('select event_id from events order by seq').all() as Array<{ event_id: string }>).map((r) => r.event_id)
const pollerRow = (id: string) => h!.core.db.$client.prepare('select * from pollers where id = ?').get(id) as Record<string, any>

/** One embed per event, whether it went out alone or in a digest. */
const embeds = () => h!.discord.messages.flatMap((m) => m.body.embeds as Array<{ title: string }>)
async function waitForEmbeds(n: number, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs
  while (embeds().length < n) {
    if (Date.now() > deadline) throw new Error(`Discord got ${embeds().length} of ${n} embeds`)
    await new Promise((r) => setTimeout(r, 10))
  }
  return embeds()
}

/** Move the test clock and let the pollers look at their schedule. */
function advance(ms: number) {
  h!.clock.offset += ms
  h!.core.pollers.kick()
}

describe('machines poller', () => {
  it('records a baseline, then reports an added machine, a status change and a move, each once', async () => {
    flipfix = await startFlipfixMock()
    h = await startHarness()
    await h.addDiscordEndpoint({ events: [...MACHINE_EVENTS] })
    await configure('machines')

    const baseline = await pollNow('machines')
    expect(baseline.status).toMatchObject({ state: 'ok', machines_known: 11, events_emitted: 0, last_error: null, consecutive_failures: 0 })
    expect(eventIds()).toEqual([])
    // The baseline fills the machine-health projection (the morning report's), in its commit.
    const health = () => Object.fromEntries(h!.core.machineHealth.machines().map((m) => [m.name, m]))
    expect(Object.keys(health())).toHaveLength(11)
    expect(health()['Twilight Zone']).toMatchObject({ status: 'broken', locationName: 'Workshop', url: `${flipfix.url}/machines/twilight-zone/` })
    expect(flipfix.requestsTo('/api/v1/machines/').every((r) => r.authorization === `Bearer ${flipfix!.apiKey}`)).toBe(true)

    flipfix.machines.push(machine('M0012', 'Attack From Mars', { operational_status: 'good', location: 'Museum' }))
    flipfix.machines.find((m) => m.name === 'Twilight Zone')!.operational_status = 'good'
    flipfix.machines.find((m) => m.name === 'Gorgar')!.location = 'Workshop'
    const after = await pollNow('machines')
    expect(after.status).toMatchObject({ state: 'ok', machines_known: 12, events_emitted: 3 })
    expect(eventIds().sort()).toEqual(['poll:machines:v2:M0006:location', 'poll:machines:v2:M0007:status', 'poll:machines:v2:M0012:created'])

    expect(health()['Twilight Zone'].status).toBe('good')
    expect(health()['Gorgar'].locationName).toBe('Workshop')
    expect(health()['Attack From Mars'].status).toBe('good')
    const titles = (await waitForEmbeds(3)).map((e) => e.title).sort()
    expect(titles).toEqual(['Attack From Mars — New machine added', 'Gorgar — Location: Storage → Workshop', 'Twilight Zone — Status: Broken → Good'])

    const stored = JSON.parse((h.core.db.$client.prepare("select payload from events where event_id like '%M0007%'").get() as any).payload)
    expect(stored).toMatchObject({
      event: 'machine.status_changed',
      site_url: flipfix.url,
      machine: { asset_id: 'M0007', name: 'Twilight Zone', operational_status: 'good', operational_status_label: 'Good', url: `${flipfix.url}/machines/twilight-zone/`, location: { name: 'Workshop', slug: 'workshop' } },
      change: { field: 'operational_status', from: 'broken', from_label: 'Broken', to: 'good', to_label: 'Good' },
      actor: { display_name: 'someone in Flipfix (seen by polling)' },
    })

    // Nothing changed: nothing new.
    expect((await pollNow('machines')).status.events_emitted).toBe(3)
    await new Promise((r) => setTimeout(r, 150))
    expect(embeds()).toHaveLength(3)
    expect(eventIds()).toHaveLength(3)
  })

  it('a restart emits nothing again, and diffing against an older snapshot again repeats the same ids (dropped by intake)', async () => {
    flipfix = await startFlipfixMock()
    const dataDir = mkdtempSync(join(tmpdir(), 'knocker-poll-'))
    dirs.push(dataDir)
    h = await startHarness({ core: { dataDir } })
    await configure('machines')
    await pollNow('machines')
    const baseline = pollerRow('machines')
    flipfix.machines.find((m) => m.name === 'Roto Pool')!.operational_status = 'fixing'
    expect((await pollNow('machines')).status.events_emitted).toBe(1)
    await h.close()

    // Restarted on the same data dir: the snapshot and the schedule come back from the database.
    h = await startHarness({ core: { dataDir } })
    const restarted = (await h.admin('GET', '/api/pollers')).json.pollers.find((p: any) => p.id === 'machines')
    expect(restarted.status).toMatchObject({ state: 'ok', machines_known: 11, events_emitted: 1 })
    expect((await pollNow('machines')).status.events_emitted).toBe(1)
    expect(eventIds()).toEqual(['poll:machines:v2:M0005:status'])

    // As if the snapshot write had been lost after the events were written (it can't be: they
    // share a transaction): the same diff yields the same id, and intake drops the repeat.
    h.core.db.$client.prepare('update pollers set state = ?, state_version = ? where id = ?').run(baseline.state, baseline.state_version, 'machines')
    const again = await pollNow('machines')
    expect(again.status).toMatchObject({ state: 'ok', events_emitted: 1, last_error: null })
    expect(eventIds()).toEqual(['poll:machines:v2:M0005:status'])
    expect(pollerRow('machines').state_version).toBe(2)
  })

  it('backs off while the host is unreachable, then catches up with what changed meanwhile', async () => {
    flipfix = await startFlipfixMock()
    h = await startHarness()
    await configure('machines', { interval_seconds: 60 })
    await pollNow('machines')
    const status = async () => (await h!.admin('GET', '/api/pollers')).json.pollers.find((p: any) => p.id === 'machines').status

    flipfix.setDown(true)
    flipfix.machines.find((m) => m.name === 'Blackout')!.operational_status = 'broken'
    advance(60_000)
    let s = await waitForStatus(status, (x) => x.consecutive_failures === 1)
    expect(s.state).toBe('backing_off')
    expect(s.last_error).toMatch(/^Could not reach 127\.0\.0\.1:\d+: (ECONNRESET: connection reset|UND_ERR_SOCKET: the connection closed unexpectedly)$/)
    expect(s.backing_off_until).toBe(s.last_poll_at + 120_000) // the 60 s interval, doubled
    expect(s.next_poll_at).toBe(s.backing_off_until)

    advance(60_000) // still inside the backoff: no poll
    await new Promise((r) => setTimeout(r, 200))
    expect((await status()).consecutive_failures).toBe(1)

    advance(61_000)
    s = await waitForStatus(status, (x) => x.consecutive_failures === 2)
    expect(s.backing_off_until).toBe(s.last_poll_at + 240_000)

    flipfix.setDown(false)
    advance(240_000)
    s = await waitForStatus(status, (x) => x.consecutive_failures === 0)
    expect(s).toMatchObject({ state: 'ok', last_error: null, backing_off_until: null, events_emitted: 1 })
    expect(s.next_poll_at).toBe(s.last_poll_at + 60_000)
    expect(eventIds()).toEqual(['poll:machines:v2:M0011:status'])
  })

  it('answers it cannot use give a clear status and change nothing', async () => {
    flipfix = await startFlipfixMock()
    h = await startHarness()
    await configure('machines')
    await pollNow('machines')
    const before = pollerRow('machines')
    flipfix.machines.find((m) => m.name === 'Star Trek')!.operational_status = 'broken'

    const cases: Array<[Parameters<FlipfixMock['script']>[0] | null, RegExp]> = [
      [{ status: 200, body: '<!DOCTYPE html><html><body>Sign in to the museum Wi-Fi</body></html>', contentType: 'text/html' }, /answered with a web page, not JSON/],
      [{ status: 500, body: '<h1>Server Error (500)</h1>', contentType: 'text/html' }, /is having trouble \(HTTP 500\)/],
      [{ status: 200, body: '{"machines": [{"asset_id": "M1"}]}' }, /answered JSON that is not a machine list \(machines\.0\.name: /],
      [{ status: 200, body: '[]' }, /answered JSON that is not a machine list/],
      [{ status: 200, body: '{"machines": ' }, /answered with something that is not JSON/],
      [{ status: 302, body: '' }, /redirects elsewhere \(HTTP 302\)/],
      [{ status: 404, body: '{"success": false, "error": "Not found"}' }, /does not exist \(HTTP 404\)/],
      [null, /refused the API key \(HTTP 403: "Invalid API key"\)/],
    ]
    for (const [reply, message] of cases) {
      if (reply) flipfix.script(reply)
      else await h.admin('PATCH', '/api/pollers/machines', { api_key: 'f'.repeat(64) })
      const res = await pollNow('machines')
      expect(res.status.last_error).toMatch(message)
      expect(res.status.state).toBe('backing_off')
      const now = pollerRow('machines')
      expect([now.state, now.state_version, now.events_emitted]).toEqual([before.state, before.state_version, 0])
      expect(eventIds()).toEqual([])
    }
    // Fixed: the change made meanwhile arrives, once.
    await h.admin('PATCH', '/api/pollers/machines', { api_key: flipfix.apiKey })
    expect((await pollNow('machines')).status).toMatchObject({ state: 'ok', events_emitted: 1, last_error: null, consecutive_failures: 0 })
  })
})

describe('event feed poller', () => {
  const feedEvent = (n: number) => sampleEvent('problem_report.created', { event_id: `problem_report:${900 + n}:created` } as any)

  it('reads every page with a stored cursor and delivers events that were also pushed once', async () => {
    flipfix = await startFlipfixMock()
    h = await startHarness()
    await h.addDiscordEndpoint({ events: ['problem_report.created'] })
    flipfix.feedPageLimit = 3
    flipfix.feed.push(...Array.from({ length: 7 }, (_, i) => feedEvent(i + 1)))
    // Two of them were pushed as well.
    expect((await h.post(flipfix.feed[1])).status).toBe(202)
    expect((await h.post(flipfix.feed[4])).status).toBe(202)

    await configure('event_feed')
    const first = await pollNow('event_feed')
    expect(first.status).toMatchObject({ state: 'ok', events_emitted: 5, has_cursor: true, last_error: null })
    expect(eventIds()).toHaveLength(7)
    const reads = flipfix.requestsTo('/api/v1/notification-events/')
    expect(reads.map((r) => r.query.limit)).toEqual(reads.map(() => '100'))
    expect(reads[0].query.after).toBeUndefined()

    flipfix.feed.push(feedEvent(8), feedEvent(9))
    const before = flipfix.requestsTo('/api/v1/notification-events/').length
    const second = await pollNow('event_feed')
    expect(second.status.events_emitted).toBe(7)
    const next = flipfix.requestsTo('/api/v1/notification-events/')[before]
    expect(Buffer.from(next.query.after, 'base64url').toString()).toBe('pos:7:')
    expect(eventIds()).toHaveLength(9)

    await waitForEmbeds(9)
    await new Promise((r) => setTimeout(r, 150))
    expect(embeds()).toHaveLength(9)
  })

  it('an invalid event stores nothing of its page and keeps the cursor where it was', async () => {
    flipfix = await startFlipfixMock()
    h = await startHarness()
    const broken: any = feedEvent(2)
    delete broken.machine
    flipfix.feed.push(feedEvent(1), broken, feedEvent(3))
    await configure('event_feed')
    const res = await pollNow('event_feed')
    expect(res.status.last_error).toMatch(/\(page 1\) sent 1 invalid event of 3; nothing of it was stored \(events\.1\.machine: /)
    expect(res.status).toMatchObject({ state: 'backing_off', has_cursor: false, events_emitted: 0 })
    expect(eventIds()).toEqual([])

    flipfix.script({ status: 200, body: '{"events": "soon", "next_cursor": 5}' })
    expect((await pollNow('event_feed')).status.last_error).toMatch(/not an event feed page \(events: .*; next_cursor: /)
    expect(eventIds()).toEqual([])

    flipfix.feed[1] = feedEvent(2)
    expect((await pollNow('event_feed')).status).toMatchObject({ state: 'ok', events_emitted: 3, has_cursor: true })
  })
})

async function waitForStatus(read: () => Promise<any>, ok: (status: any) => boolean, timeoutMs = 5000): Promise<any> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const status = await read()
    if (ok(status)) return status
    if (Date.now() > deadline) throw new Error(`status never matched: ${JSON.stringify(status)}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}
