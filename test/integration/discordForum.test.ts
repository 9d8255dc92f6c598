// Discord forum channels: a new problem report opens a thread; its later events go into it.
import { afterEach, describe, expect, it } from 'vitest'
import { sampleEvent, startHarness, type Harness } from './harness'

let h: Harness
afterEach(async () => h?.close())

async function forumEndpoint(forumChannel = true, forumOption = true) {
  const webhook = h.discord.addWebhook({ forum: forumChannel })
  const res = await h.admin('POST', '/api/endpoints', {
    name: 'Problem forum',
    kind: 'discord',
    url: webhook.url,
    options: { forum: forumOption },
  })
  expect(res.status).toBe(201)
  return { endpoint: res.json, webhook }
}

describe('Discord forum channels', () => {
  it('opens a thread per problem report and posts its follow-ups into it', async () => {
    h = await startHarness({ discord: { perWebhookLimit: 50 } })
    await forumEndpoint()
    const created = sampleEvent('problem_report.created')
    const otherReport = sampleEvent('problem_report.reopened') // report 398, no thread yet
    const log = sampleEvent('log_entry.created') // linked to report 398
    const closed = sampleEvent('problem_report.closed') // report 412
    const machine = sampleEvent('machine.status_changed') // no report: a thread of its own
    for (const event of [created, otherReport, log, closed, machine]) expect((await h.post(event)).status).toBe(202)
    const messages = await h.discord.waitForMessages(5)
    await h.settle()

    const [first, second, third, fourth, fifth] = messages
    expect(first.body.thread_name).toBe('Eight Ball Deluxe: #1 drop target spring missing')
    expect(first.threadId).toBeTruthy()
    expect(second.body.thread_name).toBe('Twilight Zone: Ball lift stopped working again.')
    // The log entry about report 398 goes into 398's thread, not a new one.
    expect(third.body.thread_name).toBeUndefined()
    expect(third.query.thread_id).toBe(second.threadId)
    expect(fourth.query.thread_id).toBe(first.threadId)
    expect(fourth.body.thread_name).toBeUndefined()
    expect(fifth.body.thread_name).toMatch(/^Roto Pool: Status: Good → Broken$/)
    expect(new Set(messages.map((m) => m.threadId)).size).toBe(3)
    const statuses = (await h.admin('GET', '/api/deliveries')).json.deliveries.map((d: any) => d.status)
    expect(statuses).toEqual(Array(5).fill('delivered'))
  })

  it('keeps test sends out of real threads', async () => {
    h = await startHarness()
    const { endpoint } = await forumEndpoint()
    await h.post(sampleEvent('problem_report.created'))
    await h.discord.waitForMessages(1)
    const test = await h.admin('POST', `/api/endpoints/${endpoint.id}/test`, { event: 'problem_report.closed' })
    expect(test.json.ok).toBe(true)
    const [real, testMessage] = h.discord.messages
    expect(testMessage.query.thread_id).toBeUndefined()
    expect(testMessage.body.thread_name).toMatch(/^\[TEST\] /)
    expect(testMessage.threadId).not.toBe(real.threadId)
  })

  it('posts flat messages without the option, and flags a forum webhook used without it', async () => {
    h = await startHarness()
    const flat = h.discord.addWebhook()
    await h.admin('POST', '/api/endpoints', { name: 'Flat', kind: 'discord', url: flat.url })
    const { endpoint } = await forumEndpoint(true, false)
    await h.post(sampleEvent('problem_report.created'))
    await h.settle()
    const [message] = h.discord.messages
    expect(message.webhookId).toBe(flat.id)
    expect(message.body.thread_name).toBeUndefined()
    expect(message.query.thread_id).toBeUndefined()
    const misconfigured = (await h.admin('GET', `/api/endpoints/${endpoint.id}`)).json
    expect(misconfigured.needs_attention).toMatch(/forum/i)
  })
})

describe('a deleted forum thread', () => {
  it('opens a new thread for the report instead of halting the endpoint', async () => {
    h = await startHarness()
    const { endpoint } = await forumEndpoint()
    await h.post(sampleEvent('problem_report.created'))
    await h.discord.waitForMessages(1)
    await h.settle()
    // A moderator deletes the thread: Discord no longer knows its id.
    h.core.db.$client.prepare("update threads set thread_id = '999999999999999999'").run()
    await h.post(sampleEvent('problem_report.closed'))
    const [, reposted] = await h.discord.waitForMessages(2)
    expect(reposted.body.thread_name).toBe('Eight Ball Deluxe: #1 drop target spring missing')
    expect(reposted.query.thread_id).toBeUndefined()
    await h.settle()
    const ep = (await h.admin('GET', `/api/endpoints/${endpoint.id}`)).json
    expect(ep.needs_attention).toBeNull()
    const closed = (await h.admin('GET', '/api/deliveries')).json.deliveries[0]
    const detail = (await h.admin('GET', `/api/deliveries/${closed.id}`)).json
    expect(detail.attempts.map((a: any) => [a.status_code, a.outcome])).toEqual([
      [400, 'retry'],
      [200, 'delivered'],
    ])
    expect(detail.attempts[0].error_message).toMatch(/thread is gone/)
    // Later events about the report follow it into the new thread.
    const reopened = sampleEvent('problem_report.closed')
    await h.post({ ...reopened, event: 'problem_report.reopened' })
    const [, , third] = await h.discord.waitForMessages(3)
    expect(third.query.thread_id).toBe(reposted.threadId)
  })
})
