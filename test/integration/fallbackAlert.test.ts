// Fallback endpoint alerts, end to end: a Discord endpoint whose webhook was deleted (404
// Unknown Webhook, 10015) gets flagged, and its fallback (an email endpoint on the SMTP mock,
// or another Discord channel) gets one alert through the normal queue and history. Never for
// an outage, never while already flagged, never in a chain, never past the master switch.
import { afterEach, describe, expect, it } from 'vitest'
import { createEmailChannel } from '../../src/main/core/channels/email'
import { channels } from '../../src/main/core/channels/registry'
import type { KnockerOptions } from '../../src/main/core/knocker'
import type { EventType } from '../../src/shared/events'
import { startNetworkSwitch, type NetworkSwitch } from '../mocks/networkSwitch'
import { startSmtpMock, type SmtpMock } from '../mocks/smtpMock'
import { sampleEvent, startHarness, waitFor, type Harness } from './harness'
import type { AttentionListener } from '../../src/main/core/coreEvents'

let h: Harness | undefined
let mail: SmtpMock | undefined
const switches: NetworkSwitch[] = []

afterEach(async () => {
  for (const s of switches.splice(0)) await s.close()
  await h?.close()
  await mail?.close()
  h = mail = undefined
})

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const ALERT = 'knocker.endpoint_attention'

const eventually = <T>(what: string, fn: () => Promise<T | undefined | false | null>, timeoutMs = 5000) => waitFor(fn, timeoutMs, what)

/** Knocker with its own email channel (own pools, quick pacing) and the SMTP mock. */
async function start(core: Partial<KnockerOptions> = {}, onAttention?: AttentionListener) {
  mail = await startSmtpMock()
  const email = createEmailChannel()
  h = await startHarness({ core: { channels: { ...channels, email: { ...email, pacing: { burst: 50, perSecond: 50 } } }, ...core }, onAttention })
  return h
}

async function create(body: Record<string, unknown>) {
  const res = await h!.admin('POST', '/api/endpoints', body)
  if (res.status !== 201) throw new Error(`create endpoint failed: ${JSON.stringify(res.json)}`)
  return res.json
}

/** The museum's office mailbox: subscribed to nothing, it only gets alerts. */
const addMail = () =>
  create({
    name: 'Ops mail',
    kind: 'email',
    smtp: { host: mail!.host, port: mail!.port, security: 'none' },
    from: 'Knocker <knocker@museum.test>',
    to: ['ops@museum.test'],
    events: [],
  })

async function addDiscord(name: string, options: Record<string, unknown> = {}, events?: EventType[]) {
  const webhook = h!.discord.addWebhook()
  const endpoint = await create({ name, kind: 'discord', url: webhook.url, options, ...(events ? { events } : {}) })
  return { endpoint, webhook }
}

const endpoint = async (id: string) => (await h!.admin('GET', `/api/endpoints/${id}`)).json
const alerts = async () => (await h!.admin('GET', `/api/deliveries?event=${ALERT}`)).json.deliveries as any[]

describe('fallback endpoint alerts', () => {
  it('alerts the fallback once per flag, through the queue and the history', async () => {
    const flagged: Array<{ id: string }> = []
    await start({}, (e) => flagged.push(e))
    const ops = await addMail()
    const { endpoint: workshop, webhook } = await addDiscord('Workshop channel', { fallback_endpoint_id: ops.id })
    h!.discord.removeWebhook(webhook.id) // Discord answers 404 Unknown Webhook (10015)

    const batch = [sampleEvent('problem_report.created'), sampleEvent('log_entry.created'), sampleEvent('problem_report.closed')]
    expect((await h!.post({ events: batch })).status).toBe(202)

    // One mail at the fallback, naming the endpoint, the reason and what waits.
    const [alertMail] = await mail!.waitForMessages(1)
    expect(alertMail.envelope.to).toEqual(['ops@museum.test'])
    expect(alertMail.parsed.subject).toBe('Knocker: Workshop channel needs attention')
    expect(alertMail.parsed.headers['x-knocker-event']).toBe(ALERT)
    for (const part of [alertMail.parsed.text, alertMail.parsed.html]) {
      expect(part).toContain('Discord “Workshop channel” needs attention')
      expect(part).toMatch(/Unknown Webhook \(10015\)/)
      expect(part).toContain('2 notifications are waiting for it; they go out when it is fixed.')
      expect(part).toContain('Open Knocker → Endpoints.')
    }
    expect((await endpoint(workshop.id)).needs_attention).toMatch(/Unknown Webhook/)
    expect(flagged.map((e) => e.id)).toEqual([workshop.id])
    expect(h!.discord.requests).toHaveLength(1) // the rest is held, not hammered

    // In the history like any delivery, under Knocker's own event type. (The held queue
    // stays pending: settle() would wait for it.)
    await eventually('the alert recorded as delivered', async () => (await alerts())[0]?.status === 'delivered')
    const [listed, ...others] = await alerts()
    expect(others).toEqual([])
    expect(listed).toMatchObject({
      event: ALERT,
      endpoint_id: ops.id,
      endpoint_name: 'Ops mail',
      status: 'delivered',
      summary: 'Discord “Workshop channel” needs attention',
    })
    expect(listed.event_id).toMatch(new RegExp(`^alert:${workshop.id}:\\d+$`))
    const detail = (await h!.admin('GET', `/api/deliveries/${listed.id}`)).json
    expect(detail.payload).toMatchObject({ endpoint_id: workshop.id, endpoint_name: 'Workshop channel', endpoint_kind: 'discord', waiting: 2 })
    expect(detail.attempts.map((a: any) => [a.trigger, a.outcome])).toEqual([['scheduled', 'delivered']])
    expect(detail.attempts[0].request_body).toContain('Knocker: Workshop channel needs attention')
    // The host app sent three events; the alert is not one of them.
    expect((await h!.admin('GET', '/api/stats')).json.events.total).toBe(3)

    // Failing again while flagged (a test send) alerts no one again.
    const test = await h!.admin('POST', `/api/endpoints/${workshop.id}/test`, {})
    expect(test.json).toMatchObject({ ok: false, status_code: 404 })
    await sleep(300)
    expect(mail!.messages).toHaveLength(1)
    expect(await alerts()).toHaveLength(1)
    expect(flagged).toHaveLength(1)

    // "Fixed it" — but it isn't: the held queue fails again, a new flag, a new alert.
    const cleared = await h!.admin('PATCH', `/api/endpoints/${workshop.id}`, { clear_attention: true })
    expect(cleared.json.needs_attention).toBeNull()
    const [, second] = await mail!.waitForMessages(2)
    expect(second.parsed.text).toContain('1 notification is waiting for it; it goes out when it is fixed.')
    expect(await alerts()).toHaveLength(2)
    expect(flagged).toHaveLength(2)
  })

  it.each([['a third endpoint'], ['the first endpoint']])(
    'a failed alert flags its endpoint but alerts no one else (not %s)',
    async (onwards) => {
      await start()
      const ops = await addMail()
      const a = await addDiscord('Workshop channel', {}, ['problem_report.created'])
      const b = await addDiscord('Front desk channel', { fallback_endpoint_id: onwards === 'a third endpoint' ? ops.id : a.endpoint.id }, [])
      expect((await h!.admin('PATCH', `/api/endpoints/${a.endpoint.id}`, { options: { fallback_endpoint_id: b.endpoint.id } })).status).toBe(200)
      h!.discord.removeWebhook(a.webhook.id)
      h!.discord.removeWebhook(b.webhook.id)

      await h!.post(sampleEvent('problem_report.created'))
      const front = await eventually('the fallback flagged', async () => {
        const ep = await endpoint(b.endpoint.id)
        return ep.needs_attention && ep
      })
      expect(front.needs_attention).toMatch(/Unknown Webhook/)
      expect((await endpoint(a.endpoint.id)).needs_attention).toMatch(/Unknown Webhook/)
      await sleep(300)
      await h!.settle()
      // One alert, failed at the fallback; nothing onwards, nothing back.
      expect((await alerts()).map((d) => [d.endpoint_id, d.status])).toEqual([[b.endpoint.id, 'failed']])
      expect(mail!.messages).toHaveLength(0)
      expect(h!.discord.requests).toHaveLength(2)
    },
  )

  it('never alerts or flags because the museum was offline', async () => {
    await start()
    const ops = await addMail()
    const webhook = h!.discord.addWebhook()
    const net = await startNetworkSwitch(Number(new URL(webhook.url).port))
    switches.push(net)
    const workshop = await create({ name: 'Workshop channel', kind: 'discord', url: net.url(webhook.url), options: { fallback_endpoint_id: ops.id } })

    await net.set('refused')
    for (const type of ['problem_report.created', 'log_entry.created', 'problem_report.closed'] as const) {
      expect((await h!.post(sampleEvent(type))).status).toBe(202)
    }
    // Hours of connection refused, retried again and again.
    for (let i = 0; i < 8; i++) {
      h!.advance(30 * 60_000)
      await sleep(60)
    }
    const errorClasses = h!.core.db.$client.prepare(`select distinct error_class as c from attempts`).all() as Array<{ c: string }>
    expect(errorClasses.map((r) => r.c)).toEqual(['network'])
    expect(net.dropped).toBe(0) // refused: nothing even connected
    expect((await endpoint(workshop.id)).needs_attention).toBeNull()
    expect(await alerts()).toEqual([])
    expect(mail!.messages).toHaveLength(0)

    // Back online: everything goes out, and still nobody was alerted.
    await net.set('up')
    h!.advance(60 * 60_000)
    await eventually('all delivered', async () => (await h!.admin('GET', '/api/stats')).json.deliveries.delivered === 3, 10_000)
    expect(await alerts()).toEqual([])
    expect(mail!.messages).toHaveLength(0)
  })

  it('records the alert as suppressed while the master switch is off; it can be sent by hand', async () => {
    await start()
    const ops = await addMail()
    const { endpoint: workshop, webhook } = await addDiscord('Workshop channel', { fallback_endpoint_id: ops.id })
    h!.discord.removeWebhook(webhook.id)
    expect((await h!.admin('PATCH', '/api/settings', { delivery_enabled: false })).status).toBe(200)

    // A test send finds the webhook gone: flagged even with delivery off.
    const test = await h!.admin('POST', `/api/endpoints/${workshop.id}/test`, {})
    expect(test.json.ok).toBe(false)
    expect((await endpoint(workshop.id)).needs_attention).toMatch(/Unknown Webhook/)
    const [suppressed] = await alerts()
    expect(suppressed).toMatchObject({
      endpoint_id: ops.id,
      status: 'suppressed',
      last_error: 'Suppressed: deliveries were switched off (master switch)',
    })
    await sleep(300)
    expect(mail!.messages).toHaveLength(0)

    const retried = await h!.admin('POST', `/api/deliveries/${suppressed.id}/retry`, {})
    expect(retried.status).toBe(200)
    const [sent] = await mail!.waitForMessages(1)
    expect(sent.parsed.subject).toBe('Knocker: Workshop channel needs attention')
  })

  it('sends an alert on its own, never inside a digest', async () => {
    await start()
    const front = await addDiscord('Front desk channel', {}, ['problem_report.created', 'log_entry.created'])
    const workshop = await addDiscord('Workshop channel', { fallback_endpoint_id: front.endpoint.id }, ['machine.created'])
    h!.discord.removeWebhook(workshop.webhook.id)

    // The front desk is flagged once (a scripted 404) and holds a backlog around the alert.
    h!.discord.script(front.webhook.id, { status: 404 })
    await h!.post(sampleEvent('problem_report.created'))
    await eventually('the front desk flagged', async () => (await endpoint(front.endpoint.id)).needs_attention)
    for (let i = 0; i < 3; i++) await h!.post(sampleEvent('problem_report.created'))
    await h!.post(sampleEvent('machine.created'))
    await eventually('the alert queued', async () => (await alerts()).length === 1)
    for (let i = 0; i < 3; i++) await h!.post(sampleEvent('log_entry.created'))

    // A backlog old enough to be sent as digests.
    h!.advance(20_000)
    await h!.admin('PATCH', `/api/endpoints/${front.endpoint.id}`, { clear_attention: true })
    const sent = await eventually(
      'the backlog sent',
      async () => {
        const messages = h!.discord.messages.filter((m) => m.webhookId === front.webhook.id)
        return messages.length === 3 && messages
      },
      10_000,
    )
    expect(sent.map((m) => (m.body.embeds as unknown[]).length)).toEqual([3, 1, 3])
    const alertMessage = sent[1].body as any
    expect(alertMessage.embeds[0]).toMatchObject({ title: '⚠️ Discord “Workshop channel” needs attention', color: 0xe67e22 })
    expect(alertMessage.embeds[0].description).toContain('No notifications are waiting for it yet')
    expect(alertMessage.allowed_mentions).toEqual({ parse: [] })
    expect(alertMessage.content).toBeUndefined()
  })

  it('is Knocker\'s own type: intake refuses it from the host app', async () => {
    await start()
    const ops = await addMail()
    await addDiscord('Workshop channel', { fallback_endpoint_id: ops.id })
    const forged = { ...sampleEvent('machine.created'), event: ALERT, data: { endpoint_id: ops.id } }
    const res = await h!.post(forged)
    expect(res.status).toBe(400)
    expect(res.json.error.issues[0].path).toBe('event')
    expect((await h!.admin('GET', '/api/stats')).json.events.total).toBe(0)
  })

  it('checks the fallback: an existing endpoint, not deleted, not itself; deleting it clears it', async () => {
    await start()
    const ops = await addMail()
    const old = await addDiscord('Old channel')
    expect((await h!.admin('DELETE', `/api/endpoints/${old.endpoint.id}`)).status).toBe(200)
    const issue = (res: { json: any }) =>
      (res.json.error.issues as Array<{ path: string; message: string }>).find((i) => i.path === 'options.fallback_endpoint_id')?.message
    const attempt = (fallback: string) =>
      h!.admin('POST', '/api/endpoints', { name: 'New channel', kind: 'discord', url: h!.discord.addWebhook().url, options: { fallback_endpoint_id: fallback } })

    const unknown = await attempt('ep_0000000000000000')
    expect(unknown.status).toBe(400)
    expect(issue(unknown)).toMatch(/no endpoint/i)
    const deleted = await attempt(old.endpoint.id)
    expect(deleted.status).toBe(400)
    expect(issue(deleted)).toMatch(/deleted/)
    const blank = await attempt('  ')
    expect(blank.status).toBe(400)
    expect(issue(blank)).toBeTruthy()
    expect((await h!.admin('GET', '/api/endpoints')).json.endpoints.map((e: any) => e.name)).toEqual(['Ops mail'])

    const { endpoint: workshop } = await addDiscord('Workshop channel', { fallback_endpoint_id: ops.id })
    expect(workshop.options).toEqual({ fallback_endpoint_id: ops.id })
    const self = await h!.admin('PATCH', `/api/endpoints/${workshop.id}`, { options: { fallback_endpoint_id: workshop.id } })
    expect(self.status).toBe(400)
    expect(issue(self)).toMatch(/its own fallback/)
    expect((await endpoint(workshop.id)).options).toEqual({ fallback_endpoint_id: ops.id })

    // Every kind takes the option, signed webhooks too.
    const receiver = await create({ name: 'Receiver', kind: 'webhook', url: 'http://127.0.0.1:9/knocker', options: { fallback_endpoint_id: ops.id } })
    expect(receiver.options).toEqual({ fallback_endpoint_id: ops.id })

    // Deleting the fallback clears it wherever it was named.
    expect((await h!.admin('DELETE', `/api/endpoints/${ops.id}`)).status).toBe(200)
    expect((await endpoint(workshop.id)).options).toEqual({})
    expect((await endpoint(receiver.id)).options).toEqual({})
  })
})
