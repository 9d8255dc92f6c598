// End to end through the real intake, SQLite file and engine to the Teams Workflows mock.
// A 202 from Workflows only means "queued": every test reads the mock's run history to see
// whether the card would actually have been posted.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { channels } from '../../src/main/core/channels/registry'
import { teamsChannel } from '../../src/main/core/channels/teams'
import { TEAMS_LIMITS } from '../../src/main/core/channels/teams/limits'
import type { Channel } from '../../src/main/core/channels/types'
import { EVENT_TYPES, type EventType } from '../../src/shared/events'
import { startTeamsMock, type MockWorkflow, type TeamsMock, type WorkflowRun } from '../mocks/teamsMock'
import { sampleEvent, startHarness, waitFor, type Harness } from './harness'

let h: Harness | undefined
let teams: TeamsMock | undefined
afterEach(async () => {
  await h?.close()
  await teams?.close()
  h = teams = undefined
})

async function start(core: Parameters<typeof startHarness>[0] = {}) {
  h = await startHarness(core)
  teams = await startTeamsMock()
  return { h, teams }
}

async function addTeamsEndpoint(url: string, name = 'Maintainers (Teams)') {
  const res = await h!.admin('POST', '/api/endpoints', { name, kind: 'teams', url })
  if (res.status !== 201) throw new Error(`create endpoint failed: ${JSON.stringify(res.json)}`)
  return res.json
}

async function withFlow(opts?: Parameters<TeamsMock['addWorkflow']>[0]): Promise<{ flow: MockWorkflow; endpoint: any }> {
  const flow = teams!.addWorkflow(opts)
  return { flow, endpoint: await addTeamsEndpoint(flow.url) }
}

const titleOf = (run: WorkflowRun) => run.card!.body[0].text as string
const factsOf = (run: WorkflowRun) => Object.fromEntries((run.card!.body.find((b: any) => b.type === 'FactSet')?.facts ?? []).map((f: any) => [f.title, f.value]))
const actionUrls = (run: WorkflowRun) => run.card!.actions.map((a: any) => a.url)
const deliveries = async () => (await h!.admin('GET', '/api/deliveries?limit=50')).json.deliveries as any[]
const detail = async (id: number) => (await h!.admin('GET', `/api/deliveries/${id}`)).json

const SITE = 'https://flipfix.theflip.museum'
const EXPECTED: Record<EventType, { title: string; facts: Record<string, string>; url: string; preview: string }> = {
  'problem_report.created': {
    title: 'Eight Ball Deluxe — New problem report',
    facts: { Location: 'Museum', 'Problem type': 'Other', 'Reported by': 'Anonymous' },
    url: `${SITE}/problem-reports/412/`,
    preview: 'Eight Ball Deluxe: new problem report #412',
  },
  'problem_report.closed': {
    title: 'Eight Ball Deluxe — Problem report closed',
    facts: { 'Problem type': 'Other', 'Closed by': 'Diana' },
    url: `${SITE}/problem-reports/412/`,
    preview: 'Eight Ball Deluxe: problem report #412 closed by Diana',
  },
  'problem_report.reopened': {
    title: 'Twilight Zone — Problem report reopened',
    facts: { 'Problem type': 'Other', Priority: 'Major', 'Reopened by': 'ken' },
    url: `${SITE}/problem-reports/398/`,
    preview: 'Twilight Zone: problem report #398 reopened by ken',
  },
  'log_entry.created': {
    title: 'Twilight Zone — Work logged',
    facts: {
      Maintainers: 'brian, reba',
      'Work date': '2026-07-21',
      'Time spent': '1 h 30 min',
      'Problem report': `[Problem #398](${SITE}/problem-reports/398/) (open)`,
    },
    url: `${SITE}/logs/4842/`,
    preview: 'Twilight Zone: log entry #4842 by brian, reba',
  },
  'machine.created': {
    title: 'Godzilla — New machine added',
    facts: { Location: 'Museum', 'Added by': 'reba' },
    url: `${SITE}/machines/godzilla-premium/`,
    preview: 'Godzilla: new machine added',
  },
  'machine.status_changed': {
    title: 'Roto Pool — Status: Good → Broken',
    facts: { Location: 'Museum', 'Changed by': 'Diana' },
    url: `${SITE}/machines/roto-pool/`,
    preview: 'Roto Pool: status Good → Broken',
  },
  'machine.location_changed': {
    title: 'Twilight Zone — Location: Workshop → Museum',
    facts: { 'Moved by': 'Floor Terminal' },
    url: `${SITE}/machines/twilight-zone/`,
    preview: 'Twilight Zone: location Workshop → Museum',
  },
}

describe('Teams delivery', () => {
  it('delivers every event type as a well-formed Adaptive Card 1.4 whose run succeeds', async () => {
    await start()
    const { flow, endpoint } = await withFlow()
    expect(endpoint.target).toBe(`${new URL(flow.url).host} …${flow.id.slice(-4)}`)
    expect(endpoint.target).not.toContain(flow.sig)

    for (const type of EVENT_TYPES) expect((await h!.post(sampleEvent(type))).status).toBe(202)
    const runs = await teams!.waitForRuns(7, 5000)
    expect(runs.map((r) => [r.status, r.reason])).toEqual(EVENT_TYPES.map(() => ['succeeded', undefined]))
    EVENT_TYPES.forEach((type, i) => {
      const run = runs[i]!
      const want = EXPECTED[type]
      expect(run.workflowId).toBe(flow.id)
      expect(run.message!.type).toBe('message')
      expect(run.card!.version).toBe('1.4')
      expect(titleOf(run)).toBe(want.title)
      expect(factsOf(run)).toEqual(want.facts)
      expect(actionUrls(run)[0]).toBe(want.url)
      expect(run.preview).toEqual({ summary: want.preview, text: want.preview, fallbackText: want.preview, speak: want.preview })
      expect(run.bytes).toBeLessThan(TEAMS_LIMITS.messageBytes)
    })
    // The request went to the pasted URL, signature and all.
    expect(teams!.requests.every((r) => r.query.sig === flow.sig && r.query['api-version'] === '2016-06-01')).toBe(true)
    expect(teams!.requests.every((r) => r.headers['content-type'] === 'application/json')).toBe(true)

    const list = await deliveries()
    expect(list).toHaveLength(7)
    expect(list.every((d) => d.status === 'delivered' && d.attempt_count === 1)).toBe(true)
    // The Workflows run id is kept, so a person can find the run in Power Automate.
    expect(list.map((d) => d.remote_id).sort()).toEqual(runs.map((r) => r.id).sort())
  })

  it('keeps the card under 28 KB for huge input, and the run succeeds', async () => {
    await start()
    await withFlow()
    const log = sampleEvent('log_entry.created')
    if (log.event !== 'log_entry.created') throw new Error('type')
    log.machine.name = 'M'.repeat(200)
    log.machine.short_name = null
    log.log_entry.text = 'word '.repeat(20_000) // 100k chars
    log.log_entry.maintainer_names = 'n'.repeat(1000)
    log.log_entry.maintainers = Array.from({ length: 100 }, (_, i) => ({ username: `u${i}`, display_name: `Maintainer ${i} ${'x'.repeat(200)}` }))
    const report = sampleEvent('problem_report.created')
    if (report.event !== 'problem_report.created') throw new Error('type')
    report.problem_report.description = ('<at>everyone</at> ' + 'ö'.repeat(100_000)).slice(0, 100_000) // the contract's maximum
    report.problem_report.reporter = { display: 'R'.repeat(300), username: null }
    // One at a time: together they are over the intake's 256 KiB body limit.
    expect((await h!.post(log)).status).toBe(202)
    expect((await h!.post(report)).status).toBe(202)

    const runs = await teams!.waitForRuns(2, 5000)
    expect(runs.map((r) => r.status)).toEqual(['succeeded', 'succeeded'])
    for (const run of runs) expect(run.bytes).toBeLessThanOrEqual(TEAMS_LIMITS.messageBytes)
    expect(titleOf(runs[0]!)).toBe(`${'M'.repeat(200)} — Work logged`)
    expect(factsOf(runs[0]!).Maintainers).toMatch(/ and \d+ more$/)
    expect(factsOf(runs[1]!)['Reported by']).toBe('R'.repeat(300))
    // Teams mentions need msteams.entities (never sent); the tag itself is escaped as well.
    expect(runs[1]!.card!.msteams).toEqual({ width: 'Full' })
    expect(runs[1]!.card!.body[2].text).toMatch(/^\\<at\\>everyone\\<\/at\\> ö+…$/)
    await h!.settle()
    expect((await deliveries()).map((d) => d.status)).toEqual(['delivered', 'delivered'])
  })

  it('404 WorkflowNotFound fails at once, flags the endpoint and holds its queue', async () => {
    await start()
    const { flow, endpoint } = await withFlow()
    teams!.removeWorkflow(flow.id)
    await h!.post(sampleEvent('problem_report.created'))
    await h!.post(sampleEvent('problem_report.closed'))
    await waitFor(() => teams!.requests.length >= 1, 2000)
    await new Promise((r) => setTimeout(r, 200))
    h!.advance(60 * 60 * 1000)
    await new Promise((r) => setTimeout(r, 100))
    expect(teams!.requests.map((r) => r.status)).toEqual([404])
    const ep = (await h!.admin('GET', `/api/endpoints/${endpoint.id}`)).json
    expect(ep.needs_attention).toMatch(/^Teams Workflows: WorkflowNotFound: .* — the workflow was deleted; create a new one/)
    const list = await deliveries()
    expect(list.map((d) => d.status).sort()).toEqual(['failed', 'pending'])
    expect(list.find((d) => d.status === 'failed').last_error_class).toBe('rejected')

    // A new workflow's URL clears the flag and the held delivery goes out.
    const fresh = teams!.addWorkflow()
    const patched = await h!.admin('PATCH', `/api/endpoints/${endpoint.id}`, { url: fresh.url })
    expect(patched.status).toBe(200)
    expect(patched.json.needs_attention).toBeNull()
    const [run] = await teams!.waitForRuns(1, 3000)
    expect([run!.workflowId, run!.status, titleOf(run!)]).toEqual([fresh.id, 'succeeded', 'Eight Ball Deluxe — Problem report closed'])
  })

  it('401 DirectApiInvalidAuthorizationSignature flags the endpoint, and the sig appears nowhere', async () => {
    await start()
    const flow = teams!.addWorkflow()
    const wrongSig = 'WrongSignature0123456789abcdefABCDEF'
    const endpoint = await addTeamsEndpoint(flow.url.replace(`sig=${flow.sig}`, `sig=${wrongSig}`))
    await h!.post(sampleEvent('machine.created'))
    await h!.settle()
    const ep = (await h!.admin('GET', `/api/endpoints/${endpoint.id}`)).json
    expect(ep.needs_attention).toMatch(/^Teams Workflows: DirectApiInvalidAuthorizationSignature: .* signature is wrong or was regenerated/)
    expect(teams!.requests.map((r) => r.status)).toEqual([401])

    const everything = [
      JSON.stringify((await h!.admin('GET', '/api/endpoints')).json),
      JSON.stringify(await detail((await deliveries())[0].id)),
      h!.logs.join('\n'),
    ]
    h!.core.db.$client.pragma('wal_checkpoint(FULL)')
    everything.push(readFileSync(join(h!.dataDir, 'knocker.db')).toString('latin1'))
    for (const text of everything) expect(text).not.toContain(wrongSig)
    expect(h!.logs.join('\n')).toContain('endpoint needs attention')
  })

  it('400 WorkflowTriggerIsNotEnabled flags the endpoint until the flow is turned back on', async () => {
    await start()
    const { flow, endpoint } = await withFlow()
    teams!.setEnabled(flow.id, false)
    await h!.post(sampleEvent('machine.status_changed'))
    await h!.settle()
    expect((await h!.admin('GET', `/api/endpoints/${endpoint.id}`)).json.needs_attention).toMatch(/WorkflowTriggerIsNotEnabled: .* turn it on/)
    teams!.setEnabled(flow.id, true)
    expect((await h!.admin('POST', '/api/deliveries/retry-failed', { endpoint_id: endpoint.id })).json.retried).toBe(1)
    const [run] = await teams!.waitForRuns(1, 3000)
    expect(titleOf(run!)).toBe('Roto Pool — Status: Good → Broken')
  })

  it('429 waits for Retry-After, then succeeds', async () => {
    await start()
    const { flow } = await withFlow()
    teams!.script(flow.id, { status: 429, retryAfter: 2 })
    const res = await h!.post(sampleEvent('problem_report.created'))
    await waitFor(() => teams!.requests[0]?.status === 429, 2000, 'the 429')
    await new Promise((r) => setTimeout(r, 100))
    const waiting = await detail(res.json.deliveries[0].id)
    expect([waiting.status, waiting.last_error_class]).toEqual(['retrying', 'rate_limited'])
    // Not before Retry-After …
    h!.advance(1000)
    await new Promise((r) => setTimeout(r, 100))
    expect(teams!.requests).toHaveLength(1)
    // … and right after it.
    h!.advance(1100)
    const [run] = await teams!.waitForRuns(1, 3000)
    expect(run!.status).toBe('succeeded')
    await h!.settle()
    const done = await detail(res.json.deliveries[0].id)
    expect(done.attempts.map((a: any) => [a.status_code, a.error_class])).toEqual([
      [429, 'rate_limited'],
      [202, null],
    ])
    expect(done.attempts[1].started_at - done.attempts[0].started_at).toBeGreaterThanOrEqual(2000)
  })

  it('retries a 5xx after the backoff and keeps per-endpoint order', async () => {
    await start()
    const { flow } = await withFlow()
    teams!.script(flow.id, { status: 502 })
    await h!.post(sampleEvent('problem_report.created'))
    await h!.post(sampleEvent('problem_report.closed'))
    await waitFor(() => teams!.requests.length === 1 && teams!.requests[0]!.status === 502, 2000, 'the 502')
    await new Promise((r) => setTimeout(r, 100))
    expect(teams!.runs).toHaveLength(0)
    const waiting = (await h!.admin('GET', '/api/deliveries?status=retrying')).json.deliveries
    expect(waiting).toHaveLength(1)
    expect(waiting[0].last_error_class).toBe('server_error')
    expect(waiting[0].next_attempt_at - h!.clock.now()).toBeGreaterThan(3000) // ~5 s ±20 %
    h!.advance(6000)
    const runs = await teams!.waitForRuns(2, 3000)
    expect(runs.map(titleOf)).toEqual(['Eight Ball Deluxe — New problem report', 'Eight Ball Deluxe — Problem report closed'])
  })

  it('a success that answers after the send timeout is retried, and the flow runs twice', async () => {
    await start({ core: { sendTimeoutMs: 300 } })
    const { flow } = await withFlow()
    teams!.script(flow.id, { delayMs: 800 })
    const res = await h!.post(sampleEvent('problem_report.created'))
    const id = res.json.deliveries[0].id
    // The flow already ran (the card is in the channel) while Knocker saw only a timeout.
    await teams!.waitForRuns(1, 2000)
    await waitFor(() => teams!.requests.length === 1, 2000)
    let first: any
    for (const deadline = Date.now() + 3000; Date.now() < deadline; ) {
      first = await detail(id)
      if (first.status === 'retrying') break
      await new Promise((r) => setTimeout(r, 20))
    }
    expect([first.status, first.last_error_class]).toEqual(['retrying', 'timeout'])
    h!.advance(7000)
    await teams!.waitForRuns(2, 3000)
    await h!.settle()
    const done = await detail(id)
    expect(done.status).toBe('delivered')
    expect(done.attempts.map((a: any) => [a.status_code, a.error_class])).toEqual([
      [null, 'timeout'],
      [202, null],
    ])
    // Workflows has no idempotency key: exactly one duplicate card reached the channel.
    const runs = teams!.runsOf(flow.id)
    expect(runs.map((r) => r.status)).toEqual(['succeeded', 'succeeded'])
    expect(runs[0]!.message).toEqual(runs[1]!.message)
    expect(runs.length - 1).toBe(1)
  })

  it('paces a burst: the bucket goes out at once, the rest at the refill rate', async () => {
    // The real pacing (burst 10, 1/s) scaled down: a bucket of 3 refilled at 2 a second.
    await start({ core: { channels: { ...channels, teams: { ...teamsChannel, pacing: { burst: 3, perSecond: 2 } } as Channel<unknown> } } })
    await withFlow()
    expect(teamsChannel.pacing).toEqual({ burst: 10, perSecond: 1 })
    const events = Array.from({ length: 6 }, () => sampleEvent('log_entry.created'))
    expect((await h!.post({ events })).status).toBe(202)
    await teams!.waitForRuns(6, 5000)
    const at = teams!.requests.map((r) => r.receivedAt - teams!.requests[0]!.receivedAt)
    // Sends 1–3 take the bucket (one after another, as an endpoint's queue is serial); the 4th
    // needs a token 0.5 s after the first, the 6th 1.5 s after: 3 + 2·t − 5 ≥ 1.
    expect(at[2]).toBeLessThan(700)
    expect(at[3]).toBeGreaterThanOrEqual(450)
    expect(at[5]).toBeGreaterThanOrEqual(1450)
    expect(teams!.runs.every((r) => r.status === 'succeeded')).toBe(true)
  })

  it('a test send says TEST in the card and every preview', async () => {
    await start()
    const { endpoint } = await withFlow()
    const result = await h!.admin('POST', `/api/endpoints/${endpoint.id}/test`, { event: 'log_entry.created' })
    expect(result.json).toMatchObject({ ok: true, status: 'delivered', status_code: 202, error: null })
    const [run] = await teams!.waitForRuns(1)
    expect(run!.status).toBe('succeeded')
    expect(titleOf(run!)).toBe('[TEST] Twilight Zone — Work logged')
    expect(run!.card!.body[1].text).toMatch(/^🧪 TEST — /)
    const preview = 'TEST · Twilight Zone: log entry #4842 by brian, reba'
    expect(run!.preview).toEqual({ summary: preview, text: preview, fallbackText: preview, speak: preview })
  })

  it('rejects URLs that are not Workflows URLs with kind-aware messages', async () => {
    await start()
    const flow = teams!.addWorkflow()
    const create = (url: string) => h!.admin('POST', '/api/endpoints', { name: 'Teams', kind: 'teams', url })
    const issue = async (url: string) => {
      const res = await create(url)
      expect(res.status).toBe(400)
      expect(res.json.error.code).toBe('invalid_request')
      expect(res.json.error.issues).toHaveLength(1)
      expect(res.json.error.issues[0].path).toBe('url')
      expect(JSON.stringify(res.json)).not.toContain(flow.sig)
      return res.json.error.issues[0].message as string
    }
    // The admin API answers with the channel's own message (its wording is pinned in teamsClassify.test.ts).
    const refusal = (url: string) => {
      try {
        teamsChannel.parseTarget({ url, allowPrivate: true }) // the mock flow is local
      } catch (error) {
        return (error as Error).message
      }
      throw new Error(`${url} was accepted`)
    }
    const MISSING_SIG = refusal(flow.url.replace(`&sig=${flow.sig}`, ''))
    const CONNECTOR_RETIRED = refusal('https://example.webhook.office.com/webhookb2/x')
    expect(MISSING_SIG).toMatch(/^a Teams Workflows URL must carry sig=…/)
    expect(CONNECTOR_RETIRED).toMatch(/retired Teams connectors/)
    expect(await issue(flow.url.replace(`&sig=${flow.sig}`, ''))).toBe(MISSING_SIG)
    expect(await issue('https://contoso.webhook.office.com/webhookb2/a@b/IncomingWebhook/c/d')).toBe(CONNECTOR_RETIRED)
    expect(await issue(`${h!.discord.url}/api/webhooks/123/abc`)).toMatch(/^Not a Teams Workflows URL/)
    expect(await issue(`https://prod-1.westus.logic.azure.com.evil.example/workflows/${flow.id}/triggers/manual/paths/invoke?api-version=1&sig=x`)).toMatch(/^Not a Teams Workflows URL/)

    // An update is checked the same way and leaves the stored URL alone.
    const { endpoint } = await withFlow()
    const patched = await h!.admin('PATCH', `/api/endpoints/${endpoint.id}`, { url: 'https://example.webhook.office.com/webhookb2/x' })
    expect(patched.status).toBe(400)
    expect(patched.json.error.issues[0].message).toBe(CONNECTOR_RETIRED)
    await h!.post(sampleEvent('machine.created'))
    expect((await teams!.waitForRuns(1))[0]!.status).toBe('succeeded')
    // Teams endpoints have no Discord-only settings.
    const foreign = await h!.admin('PATCH', `/api/endpoints/${endpoint.id}`, { smtp: { host: 'x', port: 25, security: 'none' } })
    expect(foreign.status).toBe(400)
  })
})
