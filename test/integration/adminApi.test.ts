// The admin API over HTTP, generated from the contract table.
import { afterEach, describe, expect, it } from 'vitest'
import { adminContracts } from '../../src/shared/contracts'
import { createHttpAdminApi, AdminApiError } from '../../src/shared/adminHttpClient'
import { EVENT_TYPES } from '../../src/shared/events'
import { ADMIN_TOKEN, sampleEvent, startHarness, type Harness } from './harness'

let h: Harness
afterEach(async () => h?.close())

describe('admin API', () => {
  it('requires the admin token', async () => {
    h = await startHarness()
    const res = await fetch(`${h.url}/api/endpoints`)
    expect(res.status).toBe(401)
    expect((await res.json()).error.code).toBe('unauthorized')
    const wrong = await fetch(`${h.url}/api/endpoints`, { headers: { authorization: 'Bearer test-ingest-token-0123456789' } })
    expect(wrong.status).toBe(401)
  })

  it('creates, lists, updates and deletes endpoints, never returning the secret', async () => {
    h = await startHarness()
    const webhook = h.discord.addWebhook()
    const created = await h.admin('POST', '/api/endpoints', { name: 'Workshop', kind: 'discord', url: webhook.url })
    expect(created.status).toBe(201)
    expect(created.json).toMatchObject({ name: 'Workshop', kind: 'discord', enabled: true, events: [...EVENT_TYPES], needs_attention: null })
    expect(created.json.target).not.toContain(webhook.token)
    expect(adminContracts.createEndpoint.output.safeParse(created.json).success).toBe(true)

    const id = created.json.id
    const patched = await h.admin('PATCH', `/api/endpoints/${id}`, { enabled: false, events: ['problem_report.created'], name: 'Floor' })
    expect(patched.json).toMatchObject({ enabled: false, events: ['problem_report.created'], name: 'Floor' })
    expect((await h.admin('GET', '/api/endpoints')).json.endpoints).toHaveLength(1)
    expect((await h.admin('DELETE', `/api/endpoints/${id}`)).json).toEqual({ ok: true })
    expect((await h.admin('GET', `/api/endpoints/${id}`)).status).toBe(404)
    expect((await h.admin('GET', '/api/endpoints')).json.endpoints).toHaveLength(0)
  })

  it('rejects invalid endpoints with clear issues and creates nothing', async () => {
    h = await startHarness({ core: { allowPrivateTargets: false } })
    const cases: Array<[unknown, string]> = [
      [{ name: '', kind: 'discord', url: 'https://discord.com/api/webhooks/1/abc' }, 'name'],
      [{ name: 'x', kind: 'pager', url: 'https://discord.com/api/webhooks/1/abc' }, 'kind'],
      [{ name: 'x', kind: 'discord', url: 'https://example.com/hook' }, 'url'],
      [{ name: 'x', kind: 'discord', url: h.discord.addWebhook().url }, 'url'], // loopback without allow_private_targets
      [{ name: 'x', kind: 'discord', url: 'https://discord.com/api/webhooks/1/abc', events: ['nope'] }, 'events.0'],
    ]
    for (const [body, path] of cases) {
      const res = await h.admin('POST', '/api/endpoints', body)
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(res.json.error.code).toBe('invalid_request')
      expect(res.json.error.issues.map((i: any) => i.path)).toContain(path)
    }
    expect((await h.admin('GET', '/api/endpoints')).json.endpoints).toHaveLength(0)
    const real = await h.admin('POST', '/api/endpoints', {
      name: 'Real Discord',
      kind: 'discord',
      url: 'https://discordapp.com/api/webhooks/123456789012345678/AbCdEfGhIjKlMnOpQrStUvWxYz_0123456789-abcdEFGH',
    })
    expect(real.status).toBe(201)
    expect(real.json.target).toMatch(/discord\.com.*EFGH$/)
  })

  it('sends a test that says TEST, returns the result, and records it in the history', async () => {
    h = await startHarness()
    const { endpoint, webhook } = await h.addDiscordEndpoint()
    const res = await h.admin('POST', `/api/endpoints/${endpoint.id}/test`, { event: 'log_entry.created' })
    expect(res.status).toBe(200)
    expect(res.json).toMatchObject({ ok: true, status: 'delivered', status_code: 200, error: null })
    expect(res.json.duration_ms).toBeGreaterThanOrEqual(0)
    const [message] = h.discord.messages
    expect(JSON.stringify(message.body)).toMatch(/TEST/)
    expect((message.body.embeds as any[])[0].title).toMatch(/^\[TEST\]/)

    const detail = (await h.admin('GET', `/api/deliveries/${res.json.delivery_id}`)).json
    expect(detail).toMatchObject({ is_test: true, status: 'delivered', event: 'log_entry.created' })
    expect(detail.summary).toMatch(/^TEST/)
    expect(detail.attempts).toEqual([expect.objectContaining({ trigger: 'test', status_code: 200, outcome: 'delivered' })])
    expect(detail.attempts[0].request_body).toContain('[TEST]')

    // A failing test reports the error and is not retried.
    h.discord.removeWebhook(webhook.id)
    const failed = await h.admin('POST', `/api/endpoints/${endpoint.id}/test`, {})
    expect(failed.json).toMatchObject({ ok: false, status: 'failed', status_code: 404, error_class: 'rejected' })
    expect(failed.json.error).toMatch(/Unknown Webhook/)
    expect((await h.admin('POST', `/api/deliveries/${failed.json.delivery_id}/retry`)).status).toBe(409)
    // Test events never count as museum events.
    expect((await h.admin('GET', '/api/stats')).json.events.total).toBe(0)
  })

  it('lists deliveries newest first with filters and a cursor', async () => {
    h = await startHarness({ discord: { perWebhookLimit: 50 } })
    const a = await h.addDiscordEndpoint({ name: 'A' })
    await h.addDiscordEndpoint({ name: 'B', events: ['machine.created'] })
    for (let i = 0; i < 5; i++) await h.post(sampleEvent('log_entry.created'))
    await h.post(sampleEvent('machine.created'))
    await h.settle()
    const page1 = (await h.admin('GET', '/api/deliveries?limit=3')).json
    expect(page1.deliveries).toHaveLength(3)
    expect(page1.deliveries[0].id).toBeGreaterThan(page1.deliveries[1].id)
    const page2 = (await h.admin('GET', `/api/deliveries?limit=3&cursor=${page1.next_cursor}`)).json
    const page3 = (await h.admin('GET', `/api/deliveries?limit=3&cursor=${page2.next_cursor}`)).json
    expect(page3.next_cursor).toBeNull()
    expect([...page1.deliveries, ...page2.deliveries, ...page3.deliveries].map((d: any) => d.id)).toHaveLength(7)
    expect((await h.admin('GET', `/api/deliveries?endpoint_id=${a.endpoint.id}`)).json.deliveries).toHaveLength(6)
    expect((await h.admin('GET', '/api/deliveries?event=machine.created')).json.deliveries).toHaveLength(2)
    const bad = await h.admin('GET', '/api/deliveries?status=lost&limit=9999')
    expect(bad.status).toBe(400)
    expect(bad.json.error.issues.map((i: any) => i.path).sort()).toEqual(['limit', 'status'])
    const delivered = (await h.admin('GET', '/api/deliveries')).json.deliveries[0]
    expect(delivered.latency_ms).toBeGreaterThan(0)
  })

  it('reports stats, answers 404/405 in the error shape, and works through the generated client', async () => {
    h = await startHarness()
    await h.addDiscordEndpoint()
    await h.post(sampleEvent('machine.created'))
    await h.settle()
    const api = createHttpAdminApi({ baseUrl: h.url, token: () => ADMIN_TOKEN })
    const stats = await api.getStats({})
    expect(stats).toMatchObject({ events: { total: 1 }, delivered_last_24h: 1, endpoints: { total: 1, enabled: 1, needs_attention: 0 } })
    expect(stats.deliveries.delivered).toBe(1)
    const settings = await api.updateSettings({ events: { 'log_entry.created': false } })
    expect(settings.events['log_entry.created']).toBe(false)
    expect(settings.events['machine.created']).toBe(true)
    await expect(api.getDelivery({ id: 9999 })).rejects.toMatchObject({ status: 404, code: 'not_found' })
    await expect(api.getEndpoint({ id: 'ep_missing' })).rejects.toBeInstanceOf(AdminApiError)
    expect((await h.admin('GET', '/api/nothing')).status).toBe(404)
    const wrongMethod = await h.admin('PUT', '/api/settings', {})
    expect(wrongMethod.status).toBe(405)
    expect(wrongMethod.json.error.code).toBe('method_not_allowed')
  })
})
