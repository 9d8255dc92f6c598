// The admin calls behind the console's pages: history search and export, stats for the
// overview, endpoint health, message previews, set-up info and history retention.
import { afterEach, describe, expect, it } from 'vitest'
import { adminContracts } from '../../src/shared/contracts'
import { EVENT_TYPES } from '../../src/shared/events'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { deliveriesCsv } from '../../src/main/core/admin/deliveriesCsv'
import type { DeliveryView } from '../../src/shared/contracts'
import { curlSnippet } from '../../src/renderer/src/features/sources/pushSnippets'
import { ADMIN_TOKEN, INGEST_TOKEN, sampleEvent, startHarness, type Harness } from './harness'

let h: Harness
afterEach(async () => h?.close())

const DAY = 24 * 3600_000

describe('delivery history search and export', () => {
  it('filters by time range and machine text, and exports the same rows as CSV', async () => {
    h = await startHarness({ discord: { perWebhookLimit: 50 } })
    await h.addDiscordEndpoint({ name: 'Workshop' })
    const before = h.clock.now()
    await h.post(sampleEvent('machine.created')) // Eight Ball Deluxe
    await h.settle()
    h.advance(60_000)
    const middle = h.clock.now()
    const tz = sampleEvent('problem_report.created')
    await h.post(tz)
    await h.settle()

    const all = (await h.admin('GET', '/api/deliveries')).json.deliveries
    expect(all).toHaveLength(2)
    const recent = (await h.admin('GET', `/api/deliveries?since=${middle}`)).json.deliveries
    expect(recent.map((d: any) => d.event)).toEqual(['problem_report.created'])
    const older = (await h.admin('GET', `/api/deliveries?since=${before}&until=${middle}`)).json.deliveries
    expect(older.map((d: any) => d.event)).toEqual(['machine.created'])

    const machineWord = all.find((d: any) => d.event === 'problem_report.created').summary.split(':')[0].trim()
    const found = (await h.admin('GET', `/api/deliveries?q=${encodeURIComponent(machineWord.toLowerCase())}`)).json.deliveries
    expect(found.map((d: any) => d.event)).toEqual(['problem_report.created'])
    // Wildcards typed by a person are literal characters.
    expect((await h.admin('GET', '/api/deliveries?q=%25')).json.deliveries).toHaveLength(0)
    expect((await h.admin('GET', '/api/deliveries?q=_')).json.deliveries).toHaveLength(0)

    const exported = await h.admin('GET', `/api/deliveries/export?q=${encodeURIComponent(machineWord)}`)
    expect(exported.status).toBe(200)
    expect(adminContracts.exportDeliveries.output.safeParse(exported.json).success).toBe(true)
    expect(exported.json).toMatchObject({ rows: 1, truncated: false })
    expect(exported.json.filename).toMatch(/^knocker-deliveries-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}\.csv$/)
    const lines = exported.json.csv.trimEnd().split('\r\n')
    expect(lines[0]).toBe(
      'delivery_id,created_at,event_id,event,summary,endpoint,endpoint_kind,status,test,attempts,last_status_code,last_error_class,last_error,occurred_at,delivered_at,latency_ms,why',
    )
    expect(lines).toHaveLength(2)
    expect(lines[1]).toContain(tz.event_id)
    expect(lines[1]).toContain(',Workshop,discord,delivered,false,1,')

    const bad = await h.admin('GET', '/api/deliveries/export?since=yesterday')
    expect(bad.status).toBe(400)
    expect(bad.json.error.issues[0].path).toBe('since')
  })

  it('quotes CSV cells and defuses spreadsheet formulas', () => {
    const row: DeliveryView = {
      id: 1, event_id: 'e1', event: 'machine.created', summary: 'plain', endpoint_id: 'ep_2', endpoint_name: 'Shop',
      endpoint_kind: 'discord', status: 'delivered', is_test: false, attempt_count: 1, next_attempt_at: null,
      last_error_class: null, last_error: null, last_status_code: null, remote_id: null, occurred_at: 'now',
      created_at: 0, updated_at: 0, delivered_at: null, latency_ms: 7, why: null,
    }
    // The exported data line for one row, and the cells around the summary column in it.
    const line = (change: Partial<DeliveryView>) => {
      const csv = deliveriesCsv([{ ...row, ...change }])
      expect(csv.endsWith('\r\n')).toBe(true)
      const [header, data, ...rest] = csv.slice(0, -2).split('\r\n')
      expect(header.split(',')[4]).toBe('summary')
      expect(rest).toEqual([])
      return data
    }
    const summaryCell = (summary: string) => {
      const before = '1,1970-01-01T00:00:00.000Z,e1,machine.created,'
      const after = ',Shop,discord,delivered,false,1,,,,now,,7,'
      const data = line({ summary })
      expect(data.startsWith(before) && data.endsWith(after)).toBe(true)
      return data.slice(before.length, data.length - after.length)
    }
    expect(summaryCell('plain')).toBe('plain')
    expect(summaryCell('a, "b"')).toBe('"a, ""b"""')
    expect(summaryCell('line\nbreak')).toBe('"line\nbreak"')
    expect(summaryCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`)
    expect(summaryCell('+1')).toBe("'+1")
    expect(summaryCell('@SUM(A1)')).toBe("'@SUM(A1)")
    // A number is never a formula, even with a leading minus; a missing value is an empty cell.
    expect(line({ latency_ms: -5 }).split(',').at(-2)).toBe('-5')
    expect(line({ last_error: null }).split(',')[12]).toBe('')
    expect(line({ last_error: 'x' }).split(',')[12]).toBe('x')
    // Why it waits or what it changed is the last column.
    expect(line({ why: 'held: quiet hours until 07:00' }).split(',').at(-1)).toBe('held: quiet hours until 07:00')
  })
})

describe('overview statistics and endpoint health', () => {
  it('reports state, queue depth, an hourly timeline and per-endpoint health', async () => {
    h = await startHarness({ discord: { perWebhookLimit: 50 } })
    const good = await h.addDiscordEndpoint({ name: 'Good' })
    const broken = await h.addDiscordEndpoint({ name: 'Broken' })
    h.discord.script(broken.webhook.id, { status: 404, body: { code: 10015, message: 'Unknown Webhook' } })
    await h.post(sampleEvent('machine.created'))
    await h.settle()

    const stats = (await h.admin('GET', '/api/stats')).json
    expect(adminContracts.getStats.output.safeParse(stats).success).toBe(true)
    expect(stats.state).toBe('running')
    expect(stats.offline_since).toBeNull()
    expect(stats.timeline).toHaveLength(24)
    const last = stats.timeline[23]
    expect(last.start).toBeLessThanOrEqual(h.clock.now())
    expect(last.start + 3600_000).toBeGreaterThan(h.clock.now())
    expect(last).toMatchObject({ delivered: 1, failed: 1 })
    expect(stats.timeline.slice(0, 23).every((b: any) => b.delivered === 0 && b.failed === 0)).toBe(true)

    const endpoints = (await h.admin('GET', '/api/endpoints')).json.endpoints
    const byName = Object.fromEntries(endpoints.map((e: any) => [e.name, e]))
    expect(byName.Good.health.success_rate).toBe(1)
    expect(byName.Good.health.last_success_at).toBeGreaterThan(0)
    expect(byName.Good.health.last_failure_at).toBeNull()
    expect(byName.Broken.health).toMatchObject({ success_rate: 0, last_success_at: null })
    expect(byName.Broken.health.last_failure_at).toBeGreaterThan(0)
    expect(good.endpoint.health).toEqual({ last_success_at: null, last_failure_at: null, success_rate: null })

    // Held by the flag: the next event for Broken waits in its queue.
    await h.post(sampleEvent('machine.created'))
    let later = (await h.admin('GET', '/api/stats')).json
    for (let i = 0; i < 500 && later.deliveries.delivered < 2; i++) {
      await new Promise((r) => setTimeout(r, 10))
      later = (await h.admin('GET', '/api/stats')).json
    }
    expect(later.deliveries.delivered).toBe(2)
    expect(later.queue_depth).toBe(1)

    await h.admin('PATCH', '/api/settings', { delivery_enabled: false })
    expect((await h.admin('GET', '/api/stats')).json.state).toBe('paused')
  })
})

describe('message preview', () => {
  it('formats a sample with the channel, as it would be sent, for a kind or an endpoint', async () => {
    h = await startHarness()
    for (const event of EVENT_TYPES) {
      const discord = await h.admin('POST', '/api/preview', { kind: 'discord', event })
      expect(discord.status).toBe(200)
      expect(adminContracts.previewMessage.output.safeParse(discord.json).success).toBe(true)
      expect(discord.json.body.embeds).toHaveLength(1)
      expect(discord.json.body.allowed_mentions).toEqual({ parse: [] })
    }
    const slack = (await h.admin('POST', '/api/preview', { kind: 'slack', event: 'log_entry.created' })).json
    expect(slack.body.blocks.length).toBeGreaterThan(0)
    expect(typeof slack.body.text).toBe('string')
    const email = (await h.admin('POST', '/api/preview', { kind: 'email' })).json
    expect(email.event).toBe('problem_report.created')
    expect(email.body.html).toContain('<html')
    expect(email.body.to).toEqual(['maintainers@museum.example'])
    const teams = (await h.admin('POST', '/api/preview', { kind: 'teams', event: 'machine.created' })).json
    expect(teams.body.attachments[0].content.type).toBe('AdaptiveCard')

    // An endpoint's own settings and options: the email's real recipients, no SMTP password.
    const created = await h.admin('POST', '/api/endpoints', {
      name: 'Mail',
      kind: 'email',
      smtp: { host: '127.0.0.1', port: 2525, security: 'none', user: 'knocker', password: 'smtp-pass-SECRET-123' },
      from: 'Knocker <knocker@museum.example>',
      to: ['crew@museum.example'],
    })
    expect(created.status).toBe(201)
    const own = await h.admin('POST', '/api/preview', { endpoint_id: created.json.id, event: 'problem_report.created' })
    expect(own.json.body.to).toEqual(['crew@museum.example'])
    expect(JSON.stringify(own.json)).not.toContain('smtp-pass-SECRET-123')
    const hook = await h.addDiscordEndpoint()
    const discordOwn = await h.admin('POST', '/api/preview', { endpoint_id: hook.endpoint.id })
    expect(JSON.stringify(discordOwn.json)).not.toContain(hook.webhook.token)

    const neither = await h.admin('POST', '/api/preview', { event: 'machine.created' })
    expect(neither.status).toBe(400)
    expect(neither.json.error.issues[0].path).toBe('kind')
    expect((await h.admin('POST', '/api/preview', { endpoint_id: 'ep_missing' })).status).toBe(404)
    // Nothing was sent or recorded.
    expect(h.discord.messages).toHaveLength(0)
    expect((await h.admin('GET', '/api/deliveries')).json.deliveries).toHaveLength(0)
  })
})

describe('set-up info and retention', () => {
  it('tells where intake listens, with which token, and where the data lives', async () => {
    h = await startHarness()
    h.core.setIntakeUrl(`${h.url}/v1/events`)
    const intake = (await h.admin('GET', '/api/intake')).json
    expect(intake).toEqual({ url: `${h.url}/v1/events`, token: INGEST_TOKEN })
    const system = (await h.admin('GET', '/api/system')).json
    expect(system.data_dir).toBe(h.dataDir)
    expect(system.database_bytes).toBeGreaterThan(0)
    expect(typeof system.version).toBe('string')
    expect(system.log_location).toBe('the standard output of `knocker serve`') // the headless default
  })

  it('the curl snippet on the Events & sources page works as pasted', async () => {
    h = await startHarness()
    const url = `${h.url}/v1/events`
    // Run by a real shell, in a child process (the server answers from this one).
    const run = async () => (await promisify(execFile)('bash', ['-c', `${curlSnippet(url, INGEST_TOKEN)} -o /dev/null -w '%{http_code}'`])).stdout
    expect(await run()).toBe('202')
    expect(await run()).toBe('200') // the same event_id again: a duplicate
    expect(curlSnippet(url, null)).toContain('Bearer <ingest token>')
  })

  it('prunes delivered history older than the retention, keeps failed work and recent history', async () => {
    h = await startHarness({ discord: { perWebhookLimit: 50 } })
    const ok = await h.addDiscordEndpoint({ name: 'Ok' })
    const broken = await h.addDiscordEndpoint({ name: 'Broken' })
    h.discord.script(broken.webhook.id, { status: 400, body: { code: 50006, message: 'Cannot send an empty message' } })
    const old = sampleEvent('machine.created')
    await h.post(old)
    await h.settle()
    expect(ok).toBeTruthy()

    const bad = await h.admin('PATCH', '/api/settings', { retention_days: 0 })
    expect(bad.status).toBe(400)
    expect((await h.admin('PATCH', '/api/settings', { retention_days: 7 })).json.retention_days).toBe(7)

    h.advance(8 * DAY)
    const fresh = sampleEvent('machine.created')
    await h.post(fresh)
    await h.settle()
    const pruned = h.core.pruner.prune()
    expect(pruned.deliveries).toBe(1) // the old delivered one; the failed one stays
    const left = (await h.admin('GET', '/api/deliveries?limit=50')).json.deliveries
    expect(left.filter((d: any) => d.event_id === old.event_id).map((d: any) => d.status)).toEqual(['failed'])
    expect(left.filter((d: any) => d.event_id === fresh.event_id)).toHaveLength(2)
    // The old event still has a delivery, so it (and its duplicate check) stays.
    expect((await h.post(old)).status).toBe(200)
    expect(h.core.pruner.prune()).toEqual({ deliveries: 0, events: 0 })
  })
})

describe('live updates', () => {
  it('streams change notices as server-sent events to an admin, and to no one else', async () => {
    h = await startHarness()
    const unauthorised = await fetch(`${h.url}/api/changes`)
    expect(unauthorised.status).toBe(401)

    const abort = new AbortController()
    const res = await fetch(`${h.url}/api/changes`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, signal: abort.signal })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader()
    const topics = new Set<string>()
    const reading = (async () => {
      let buffer = ''
      while (!topics.has('deliveries') || !topics.has('settings')) {
        const { value, done } = await reader.read()
        if (done) return
        buffer += value
        for (const m of buffer.matchAll(/data: (\{[^\n]*\})\n\n/g)) topics.add(JSON.parse(m[1]).topic)
      }
    })()
    await h.addDiscordEndpoint()
    await h.post(sampleEvent('machine.created'))
    await h.admin('PATCH', '/api/settings', { retention_days: 9 })
    await Promise.race([reading, new Promise((_, reject) => setTimeout(() => reject(new Error(`only got ${[...topics]}`)), 3000))])
    expect(topics).toContain('deliveries')
    expect(topics).toContain('endpoints')
    expect(topics).toContain('settings')
    abort.abort()
  })
})
