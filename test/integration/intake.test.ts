// POST /v1/events: auth, validation, size and type limits, batches, durability.
import { Readable } from 'node:stream'
import { Agent, request } from 'undici'
import { afterEach, describe, expect, it } from 'vitest'
import { ADMIN_TOKEN, INGEST_TOKEN, sampleEvent, startHarness, type Harness } from './harness'

let h: Harness
afterEach(async () => h?.close())

describe('intake', () => {
  it('answers /healthz without a token', async () => {
    h = await startHarness()
    const res = await fetch(`${h.url}/healthz`)
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ ok: true })
  })

  it('rejects a missing or wrong token with 401 and stores nothing', async () => {
    h = await startHarness()
    const event = sampleEvent('problem_report.created')
    const none = await fetch(`${h.url}/v1/events`, { method: 'POST', body: JSON.stringify(event), headers: { 'content-type': 'application/json' } })
    expect(none.status).toBe(401)
    expect((await none.json()).error.code).toBe('unauthorized')
    expect((await h.post(event, ADMIN_TOKEN)).status).toBe(401) // the admin token is not an ingest token
    expect((await h.admin('GET', '/api/stats')).json.events.total).toBe(0)
  })

  it('answers 400 with every issue and a path for an invalid event', async () => {
    h = await startHarness()
    const event: any = sampleEvent('problem_report.closed')
    delete event.actor
    event.machine.url = 'not a url'
    const res = await h.post(event)
    expect(res.status).toBe(400)
    expect(res.json.error.code).toBe('invalid_event')
    const paths = res.json.error.issues.map((i: any) => i.path)
    expect(paths).toEqual(expect.arrayContaining(['actor', 'machine.url']))
    for (const issue of res.json.error.issues) expect(typeof issue.message).toBe('string')

    const unknown = await h.post({ ...sampleEvent('machine.created'), event: 'machine.exploded' })
    expect(unknown.status).toBe(400)
    expect(unknown.json.error.issues[0].path).toBe('event')
  })

  it('accepts a batch only when every event is valid', async () => {
    h = await startHarness()
    const good = sampleEvent('machine.created')
    const bad: any = sampleEvent('log_entry.created')
    delete bad.log_entry
    const res = await h.post({ events: [good, bad] })
    expect(res.status).toBe(400)
    expect(res.json.error.issues.some((i: any) => i.path.startsWith('events.1.log_entry'))).toBe(true)
    expect((await h.admin('GET', '/api/stats')).json.events.total).toBe(0)

    const ok = await h.post({ events: [good, sampleEvent('log_entry.created')] })
    expect(ok.status).toBe(202)
    expect(ok.json.accepted).toBe(2)
    expect(ok.json.events).toHaveLength(2)

    const tooMany = await h.post({ events: Array.from({ length: 501 }, () => ({})) })
    expect(tooMany.status).toBe(400)
    expect(tooMany.json.error.message).toMatch(/500/)
  })

  it('answers 413 over 256 KiB and 415 for a body that is not JSON', async () => {
    h = await startHarness()
    const big = sampleEvent('problem_report.created') as any
    big.problem_report.description = 'x'.repeat(300 * 1024)
    expect((await h.post(big)).status).toBe(413)
    expect((await h.post('event_id=1', undefined, { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(415)
    const broken = await h.post('{"schema": ', undefined)
    expect(broken.status).toBe(415)
    expect(broken.json.error.code).toBe('invalid_json')
    expect((await h.admin('GET', '/api/stats')).json.events.total).toBe(0)
  })

  it('refuses bytes that are not UTF-8 (415) and escapes that are not characters (400), storing nothing', async () => {
    h = await startHarness()
    const event: any = sampleEvent('problem_report.created')
    event.problem_report.description = 'before@@after'
    const [a, b] = JSON.stringify(event).split('@@')
    const latin1 = Buffer.concat([Buffer.from(a), Buffer.from([0xe9]), Buffer.from(b)]) // "é" in Latin-1
    const res = await fetch(`${h.url}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${INGEST_TOKEN}`, 'content-type': 'application/json' },
      body: latin1,
    })
    expect(res.status).toBe(415)
    expect((await res.json()).error).toMatchObject({ code: 'invalid_json', message: 'The body is not valid UTF-8' })

    const lone = await h.post(JSON.stringify(event).replace('before@@after', 'half \\ud83d of an emoji'))
    expect(lone.status).toBe(400)
    expect(lone.json.error.issues).toEqual([{ path: 'problem_report.description', message: expect.stringMatching(/surrogate/) }])
    const inBatch = await h.post(`{"events":[${JSON.stringify(sampleEvent('machine.created'))},${JSON.stringify(event).replace('before@@after', '\\udc00')}]}`)
    expect(inBatch.status).toBe(400)
    expect(inBatch.json.error.issues[0].path).toBe('events.1.problem_report.description')
    // A whole emoji written as two escapes is fine.
    expect((await h.post(JSON.stringify(event).replace('before@@after', '\\ud83d\\udca5'))).status).toBe(202)
    expect((await h.admin('GET', '/api/stats')).json.events.total).toBe(1)
  })

  it('answers 413 to an oversized chunked body and keeps the connection usable', async () => {
    h = await startHarness()
    // One connection, so the second request goes over the socket the first one used.
    const agent = new Agent({ connections: 1 })
    try {
      const headers = { authorization: `Bearer ${INGEST_TOKEN}`, 'content-type': 'application/json' }
      async function* oversized() {
        for (let i = 0; i < 6; i++) yield Buffer.alloc(64 * 1024, 'x') // no length: sent chunked
      }
      const first = await request(`${h.url}/v1/events`, { method: 'POST', headers, body: Readable.from(oversized()), dispatcher: agent })
      expect(first.statusCode).toBe(413)
      expect(((await first.body.json()) as any).error.code).toBe('payload_too_large')
      // Closing a socket with unread bytes makes the kernel reset it: the next request would fail.
      await new Promise((r) => setTimeout(r, 50))
      const second = await request(`${h.url}/v1/events`, { method: 'POST', headers, body: JSON.stringify(sampleEvent('machine.created')), dispatcher: agent })
      expect(second.statusCode).toBe(202)
      await second.body.dump()
    } finally {
      await agent.close()
    }
  })

  it('never stores the reporter contact, even when the host app sends it', async () => {
    h = await startHarness()
    const event: any = sampleEvent('problem_report.created')
    event.problem_report.reporter = { display: 'Sam', username: null, contact: 'sam@example.org' }
    event.problem_report.reported_by_contact = '+1 555 0100'
    const res = await h.post(event)
    expect(res.status).toBe(202)
    const row = h.core.db.$client.prepare('select payload from events').get() as { payload: string }
    expect(row.payload).not.toContain('sam@example.org')
    expect(row.payload).not.toContain('555 0100')
    expect(row.payload).toContain('Sam')
  })

  it('records switched-off events as suppressed, not delivered', async () => {
    h = await startHarness()
    const { endpoint } = await h.addDiscordEndpoint({ events: ['problem_report.created', 'machine.created'] })
    await h.admin('PATCH', '/api/settings', { events: { 'machine.created': false } })
    const off = await h.post(sampleEvent('machine.created'))
    expect(off.json.deliveries).toEqual([expect.objectContaining({ status: 'suppressed', endpoint_id: endpoint.id })])
    // Not subscribed: no delivery at all.
    expect((await h.post(sampleEvent('log_entry.created'))).json.deliveries).toEqual([])
    await h.admin('PATCH', '/api/settings', { delivery_enabled: false })
    expect((await h.post(sampleEvent('problem_report.created'))).json.deliveries[0].status).toBe('suppressed')
    await h.admin('PATCH', '/api/settings', { delivery_enabled: true })
    await h.admin('PATCH', `/api/endpoints/${endpoint.id}`, { enabled: false })
    expect((await h.post(sampleEvent('problem_report.created'))).json.deliveries[0].status).toBe('suppressed')

    const suppressed = (await h.admin('GET', '/api/deliveries?status=suppressed')).json.deliveries
    expect(suppressed).toHaveLength(3)
    expect(suppressed.map((d: any) => d.last_error)).toEqual([
      expect.stringMatching(/endpoint was switched off/),
      expect.stringMatching(/master switch/),
      expect.stringMatching(/machine.created/),
    ])
    await new Promise((r) => setTimeout(r, 100))
    expect(h.discord.messages).toHaveLength(0)

    // A suppressed delivery can still be sent on purpose.
    await h.admin('PATCH', `/api/endpoints/${endpoint.id}`, { enabled: true })
    const retried = await h.admin('POST', `/api/deliveries/${suppressed[1].id}/retry`)
    expect(retried.status).toBe(200)
    await h.discord.waitForMessages(1)
  })

  it('keeps accepting under concurrency: every 2xx is stored exactly once', async () => {
    h = await startHarness()
    await h.addDiscordEndpoint()
    h.core.settings.update({ delivery_enabled: false })
    const events = Array.from({ length: 200 }, () => sampleEvent('log_entry.created'))
    const results = await Promise.all(events.map((e) => h.post(e)))
    expect(results.every((r) => r.status === 202)).toBe(true)
    const stats = (await h.admin('GET', '/api/stats')).json
    expect(stats.events.total).toBe(200)
    expect(stats.deliveries.suppressed).toBe(200)
  })
})
