// Routing rules end to end (real SQLite file, the Discord mock): rules refused at save time
// change nothing; intake records the rule a delivery matched and the history, API and CSV show
// it; an event no rule matches gets no delivery there; "Who gets this?" explains each endpoint.
import { afterEach, describe, expect, it } from 'vitest'
import { SAMPLE_EVENTS } from '../../src/shared/samples'
import { sampleEvent, startHarness, type Harness } from './harness'

let h: Harness
afterEach(async () => h?.close())

const WORKSHOP_RULES = [{ zones: ['workshop'] }]

async function twoChannels() {
  const workshop = h.discord.addWebhook()
  const front = h.discord.addWebhook()
  const a = await h.admin('POST', '/api/endpoints', { name: 'Workshop', kind: 'discord', url: workshop.url, rules: WORKSHOP_RULES })
  expect(a.status).toBe(201)
  const b = await h.admin('POST', '/api/endpoints', {
    name: 'Floor team',
    kind: 'discord',
    url: front.url,
    events: ['problem_report.created', 'problem_report.reopened'],
    rules: [{ priorities: ['unplayable'] }, { reporters: ['visitor'] }],
  })
  expect(b.status).toBe(201)
  return { workshop, front, workshopId: a.json.id as string, floorId: b.json.id as string }
}

describe('routing rules', () => {
  it('are refused when they can never match, saying why, and nothing changes', async () => {
    h = await startHarness()
    const webhook = h.discord.addWebhook()
    const refusedOnCreate: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ rules: [{ zones: [] }] }, 'rules.0.zones', /an empty list can never match/],
      [{ rules: [{ zones: ['basement'] }] }, 'rules.0.zones.0', /"basement" is not a zone: one of front, workshop, storage, hidden/],
      [{ rules: [{ priorities: ['urgent'] }] }, 'rules.0.priorities.0', /not a priority/],
      [{ rules: [{}] }, 'rules.0', /at least one condition/],
      [{ rules: [{ colour: ['red'] }] }, 'rules.0', /colour/],
      [{ events: ['machine.status_changed'], rules: [{ priorities: ['unplayable'] }] }, 'rules.0', /can never match: priority, problem type and reporter only apply to problem report events/],
      [{ events: ['problem_report.created'], rules: [{ log_origins: ['automatic'] }] }, 'rules.0', /can never match: a log entry origin only applies/],
      [{ events: [], rules: [{ zones: ['workshop'] }] }, 'rules.0', /receives no event type/],
    ]
    for (const [patch, path, message] of refusedOnCreate) {
      const res = await h.admin('POST', '/api/endpoints', { name: 'Workshop', kind: 'discord', url: webhook.url, ...patch })
      expect(res.status, JSON.stringify(patch)).toBe(400)
      const issue = res.json.error.issues.find((i: any) => i.path === path)
      expect(issue?.message, JSON.stringify(res.json.error)).toMatch(message)
    }
    expect((await h.admin('GET', '/api/endpoints')).json.endpoints).toHaveLength(0)

    const created = await h.admin('POST', '/api/endpoints', {
      name: 'Floor',
      kind: 'discord',
      url: webhook.url,
      events: ['problem_report.created', 'machine.status_changed'],
      rules: [{ priorities: ['unplayable'] }],
    })
    expect(created.status).toBe(201)
    const id = created.json.id
    const before = (await h.admin('GET', `/api/endpoints/${id}`)).json
    expect(before.rules).toEqual([{ priorities: ['unplayable'] }])
    // Dropping the only problem report type would leave the rule unable to match: refused, the
    // name in the same request not saved either.
    const patch = await h.admin('PATCH', `/api/endpoints/${id}`, { name: 'Renamed', events: ['machine.status_changed'] })
    expect(patch.status).toBe(400)
    expect(patch.json.error.message).toBe('A routing rule can never match')
    expect(patch.json.error.issues[0]).toEqual({
      path: 'rules.0',
      message: expect.stringContaining('Rule 1 ("priority is unplayable") can never match'),
    })
    const badRules = await h.admin('PATCH', `/api/endpoints/${id}`, { name: 'Renamed', rules: [{ zones: ['workshop'] }, { machines: [] }] })
    expect(badRules.status).toBe(400)
    expect((await h.admin('GET', `/api/endpoints/${id}`)).json).toEqual(before)

    const cleared = await h.admin('PATCH', `/api/endpoints/${id}`, { rules: [] })
    expect(cleared.json.rules).toEqual([])
  })

  it('intake records the rule each delivery matched, and an unmatched event gets no delivery there', async () => {
    h = await startHarness({ discord: { perWebhookLimit: 50 } })
    const { workshop, front, workshopId, floorId } = await twoChannels()
    const events = [
      sampleEvent('log_entry.created'), // Twilight Zone, Workshop: workshop
      sampleEvent('problem_report.created'), // Eight Ball Deluxe, Museum (front), a visitor's: floor
      sampleEvent('machine.status_changed'), // Roto Pool, Museum: nobody
      sampleEvent('problem_report.reopened'), // Twilight Zone, major, by william: workshop
    ]
    for (const event of events) expect((await h.post(event)).status).toBe(202)
    await h.settle()

    const titlesAt = (hook: { id: string }) => h.discord.messages.filter((m) => m.webhookId === hook.id).map((m: any) => m.body.embeds[0].title)
    expect(titlesAt(workshop)).toEqual(['Twilight Zone — Work logged', 'Twilight Zone — Problem report reopened'])
    expect(titlesAt(front)).toEqual(['Eight Ball Deluxe — New problem report'])
    expect(h.discord.messages).toHaveLength(3)

    const list = (await h.admin('GET', '/api/deliveries')).json.deliveries
    expect(list.map((d: any) => [d.endpoint_id, d.event_id, d.status, d.why])).toEqual([
      [workshopId, events[3].event_id, 'delivered', 'matched: zone is workshop'],
      [floorId, events[1].event_id, 'delivered', 'matched: reported by a visitor'],
      [workshopId, events[0].event_id, 'delivered', 'matched: zone is workshop'],
    ])
    // Stored on the row (a real SQLite file), so it survives delivery.
    const rows = h.core.db.$client.prepare('select route_reason from deliveries order by id').pluck().all()
    expect(rows).toEqual(['matched: zone is workshop', 'matched: reported by a visitor', 'matched: zone is workshop'])

    const csv = (await h.admin('GET', '/api/deliveries/export')).json.csv as string
    expect(csv.split('\r\n').filter((line) => line.endsWith('matched: zone is workshop'))).toHaveLength(2)
  })

  it('"Who gets this?" explains every endpoint, for a sample or a pasted event, and refuses a broken event clearly', async () => {
    h = await startHarness()
    const { workshopId, floorId } = await twoChannels()
    const everything = (await h.addDiscordEndpoint({ name: 'Everything' })).endpoint.id

    const sample = await h.admin('POST', '/api/routing/explain', { sample: 'log_entry.created' })
    expect(sample.status).toBe(200)
    expect(sample.json.event).toEqual({ event_id: 'log_entry:4842:created', event: 'log_entry.created', summary: 'Twilight Zone: log entry #4842' })
    expect(sample.json.endpoints).toEqual([
      expect.objectContaining({ endpoint_id: workshopId, gets: true, outcome: 'gets', matched: 'matched: zone is workshop' }),
      expect.objectContaining({ endpoint_id: floorId, gets: false, outcome: 'not_subscribed', reason: 'Not subscribed to "Log entry created"' }),
      expect.objectContaining({ endpoint_id: everything, gets: true, outcome: 'gets', matched: null, reason: 'Subscribed, with no rules: every event of its types' }),
    ])

    // The same report, pasted with its machine moved to storage: the workshop's rule says why not.
    const pasted = structuredClone(SAMPLE_EVENTS['problem_report.reopened']) as any
    pasted.machine.location = { name: 'Storage', slug: 'storage', zone: 'storage' }
    const moved = (await h.admin('POST', '/api/routing/explain', { event: pasted })).json
    expect(moved.endpoints[0]).toMatchObject({
      endpoint_id: workshopId,
      gets: false,
      outcome: 'no_rule_matched',
      misses: ['zone is workshop (this event: storage)'],
      reason: 'Subscribed, but no rule matched, so no delivery: its rule wants zone is workshop (this event: storage)',
    })
    expect(moved.endpoints[1]).toMatchObject({ endpoint_id: floorId, outcome: 'no_rule_matched', misses: ['priority is unplayable (this event: major)', 'reported by a visitor (this event: maintainer)'] })

    // Switched off: matched, but suppressed.
    await h.admin('PATCH', `/api/endpoints/${workshopId}`, { enabled: false })
    const off = (await h.admin('POST', '/api/routing/explain', { sample: 'log_entry.created' })).json
    expect(off.endpoints[0]).toMatchObject({ gets: false, outcome: 'suppressed', matched: 'matched: zone is workshop', reason: expect.stringMatching(/^Suppressed: the endpoint was switched off/) })

    const broken = await h.admin('POST', '/api/routing/explain', { event: { ...pasted, machine: { ...pasted.machine, asset_id: 42 } } })
    expect(broken.status).toBe(400)
    expect(broken.json.error.message).toBe('The event is invalid')
    expect(broken.json.error.issues.map((i: any) => i.path)).toContain('event.machine.asset_id')
    const neither = await h.admin('POST', '/api/routing/explain', {})
    expect(neither.status).toBe(400)
    expect(neither.json.error.issues[0].message).toBe('give either a sample (an event type) or an event')
    // Asking changes nothing: no event, no delivery.
    expect((await h.admin('GET', '/api/deliveries')).json.deliveries).toHaveLength(0)
  })
})
