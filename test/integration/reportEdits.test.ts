// Discord posts that follow their report: with `report_updates`, a report's closed/reopened
// edits the report's original post (through the queue, as a delivery of its own).
import { afterEach, describe, expect, it } from 'vitest'
import type { EventType } from '../../src/shared/events'
import { sampleEvent, startHarness, waitFor, type Harness } from './harness'

let h: Harness
afterEach(async () => h?.close())

const GREEN = 0x2ecc71
const ORANGE = 0xe67e22

async function endpoint(reportUpdates?: string, forum = false) {
  const webhook = h.discord.addWebhook({ forum })
  const options: Record<string, unknown> = { ...(reportUpdates && { report_updates: reportUpdates }), ...(forum && { forum: true }) }
  const res = await h.admin('POST', '/api/endpoints', { name: 'Reports', kind: 'discord', url: webhook.url, options })
  expect(res.status).toBe(201)
  return { endpoint: res.json, webhook }
}

/** Report 412 (the sample's "created") closed, or reopened, by Diana. */
function closedByDiana(type: EventType = 'problem_report.closed') {
  const report = sampleEvent('problem_report.closed').problem_report!
  return sampleEvent(type, {
    actor: { username: 'diana', display_name: 'Diana', is_shared_account: false },
    occurred_at: '2026-07-18T14:02:00Z',
    problem_report: { ...report, status: type === 'problem_report.closed' ? 'closed' : 'open' },
  } as never)
}

describe('posts that follow their report', () => {
  it('edits the report’s post when it is closed, and again when it is reopened', async () => {
    h = await startHarness({ discord: { perWebhookLimit: 50 } })
    await endpoint('edit')
    await h.post(sampleEvent('problem_report.created'))
    const [post] = await h.discord.waitForMessages(1)
    await h.settle()
    expect((await h.post(closedByDiana())).status).toBe(202)
    await waitFor(() => h.discord.edits.length === 1, 5000, 'the edit')
    await h.settle()

    // No new message: the first one now shows the report closed.
    expect(h.discord.messages).toHaveLength(1)
    const [edit] = h.discord.edits
    expect(edit.messageId).toBe(post.id)
    const embed = (post.body.embeds as any[])[0]
    expect(embed.color).toBe(GREEN)
    expect(embed.title).toBe('Eight Ball Deluxe — Problem report closed')
    expect(embed.description).toMatch(/^✅ Closed by Diana · <t:\d+:t>\n\n#1 drop target spring missing/)
    expect(embed.fields.map((f: any) => f.name)).toContain('Reported by')
    expect(h.discord.requests.at(-1)).toMatchObject({ method: 'PATCH', path: expect.stringMatching(new RegExp(`/messages/${post.id}$`)) })

    await h.post(closedByDiana('problem_report.reopened'))
    await waitFor(() => h.discord.edits.length === 2, 5000, 'the second edit')
    expect((h.discord.messages[0].body.embeds as any[])[0]).toMatchObject({ color: ORANGE, description: expect.stringMatching(/^🔁 Reopened by Diana/) })

    // The history says what each edit did; each is a delivery with its attempt.
    const list = (await h.admin('GET', '/api/deliveries')).json.deliveries
    expect(list.map((d: any) => [d.event, d.status, d.why])).toEqual([
      ['problem_report.reopened', 'delivered', 'edited: report reopened'],
      ['problem_report.closed', 'delivered', 'edited: report closed'],
      ['problem_report.created', 'delivered', null],
    ])
    const detail = (await h.admin('GET', `/api/deliveries/${list[1].id}`)).json
    expect(detail.attempts.map((a: any) => a.status_code)).toEqual([200])
    expect(detail.remote_id).toBe(post.id)
  })

  it('edits and posts with edit_and_post; only posts without the option (as before)', async () => {
    h = await startHarness({ discord: { perWebhookLimit: 50 } })
    const both = await endpoint('edit_and_post')
    const plain = await endpoint()
    await h.post(sampleEvent('problem_report.created'))
    await h.discord.waitForMessages(2)
    await h.settle()
    await h.post(closedByDiana())
    await waitFor(() => h.discord.messages.length === 4 && h.discord.edits.length === 1, 5000, 'edit and posts')
    await h.settle()
    const at = (hook: { id: string }) => h.discord.messages.filter((m) => m.webhookId === hook.id)
    expect(at(both.webhook)).toHaveLength(2)
    expect(at(plain.webhook)).toHaveLength(2)
    expect(h.discord.edits[0].messageId).toBe(at(both.webhook)[0].id)
    expect((at(plain.webhook)[0].body.embeds as any[])[0].color).not.toBe(GREEN)
    expect(JSON.stringify(at(both.webhook)[1].body)).toContain('Problem report closed')
  })

  it('notes a deleted message (10008) without flagging the endpoint', async () => {
    h = await startHarness({ discord: { perWebhookLimit: 50 } })
    const { endpoint: ep } = await endpoint('edit')
    await h.post(sampleEvent('problem_report.created'))
    const [post] = await h.discord.waitForMessages(1)
    await h.settle()
    h.discord.deleteMessage(post.id)
    await h.post(closedByDiana())
    await waitFor(() => h.discord.requests.some((r) => r.method === 'PATCH' && r.status === 404), 5000, 'the refused edit')
    await h.settle()
    expect((await h.admin('GET', `/api/endpoints/${ep.id}`)).json.needs_attention).toBeNull()
    const [closed] = (await h.admin('GET', '/api/deliveries')).json.deliveries
    const detail = (await h.admin('GET', `/api/deliveries/${closed.id}`)).json
    expect(detail.status).toBe('delivered')
    expect(detail.attempts[0].note).toMatch(/Not edited: the message was deleted in Discord \(Unknown Message \(10008\)\)/)
    // The endpoint goes on: the next report is posted.
    await h.post(sampleEvent('machine.created'))
    await h.discord.waitForMessages(2)
  })

  it('posts the update when the report’s post never went out', async () => {
    h = await startHarness({ discord: { perWebhookLimit: 50 } })
    const { webhook } = await endpoint('edit')
    h.discord.script(webhook.id, { status: 400, body: { message: 'Invalid Form Body', code: 50035 } })
    await h.post(sampleEvent('problem_report.created'))
    await h.settle()
    expect(h.discord.messages).toHaveLength(0)
    await h.post(closedByDiana())
    const [message] = await h.discord.waitForMessages(1)
    await h.settle()
    expect(h.discord.edits).toHaveLength(0)
    expect(JSON.stringify(message.body)).toContain('Problem report closed')
    const [closed] = (await h.admin('GET', '/api/deliveries')).json.deliveries
    const detail = (await h.admin('GET', `/api/deliveries/${closed.id}`)).json
    expect(detail.attempts[0].note).toMatch(/^Posted as a new message: the report's post has no message of its own/)
  })

  it('edits the thread’s first message in a forum channel', async () => {
    h = await startHarness({ discord: { perWebhookLimit: 50 } })
    await endpoint('edit', true)
    await h.post(sampleEvent('problem_report.created'))
    const [post] = await h.discord.waitForMessages(1)
    await h.settle()
    await h.post(closedByDiana())
    await waitFor(() => h.discord.edits.length === 1, 5000, 'the edit')
    expect(h.discord.edits[0]).toMatchObject({ messageId: post.id, query: { thread_id: post.threadId } })
    expect(h.discord.messages).toHaveLength(1)
  })

  it('keeps an edit behind its post: a post still retrying is edited only once it is out', async () => {
    h = await startHarness({ discord: { perWebhookLimit: 50 } })
    const { webhook } = await endpoint('edit')
    h.discord.script(webhook.id, { status: 503 })
    await h.post(sampleEvent('problem_report.created'))
    await h.post(closedByDiana())
    await waitFor(() => h.discord.requests.length === 1, 5000, 'the first try')
    await new Promise((r) => setTimeout(r, 100))
    // The edit waits behind the retrying post: nothing else was sent.
    expect(h.discord.requests).toHaveLength(1)
    h.advance(10_000)
    await waitFor(() => h.discord.edits.length === 1, 5000, 'the edit after the post')
    expect(h.discord.requests.map((r) => r.method)).toEqual(['POST', 'POST', 'PATCH'])
    expect(h.discord.edits[0].messageId).toBe(h.discord.messages[0].id)
  })
})
