// Edits of a report's post in the stages: what is sent (PATCH of the known message, or the
// update as a new message, or nothing), what Discord's 10008 means, and that edits and the
// posts they follow never join a digest.
import { describe, expect, it } from 'vitest'
import { discordChannel } from '../../../src/main/core/channels/discord'
import { formatDiscordEdit, reportStateLine } from '../../../src/main/core/channels/discord/message'
import type { PreparedRequest, SendContext } from '../../../src/main/core/channels/types'
import { attempt, editFallback } from '../../../src/main/core/delivery/attempt'
import { reportUpdatesOf } from '../../../src/main/core/delivery/reportEdits'
import { SAMPLE_EVENTS } from '../../../src/shared/samples'
import { formatCtx } from '../formatContext'
import { answered, FakeClock, fakeChannel, item, row, run } from './fakes'

const sendCtx = (clock: FakeClock): SendContext => ({ dispatcher: undefined as never, timeoutMs: 1000, allowPrivate: false, now: clock.now })
const closed = { ...SAMPLE_EVENTS['problem_report.closed'], actor: { username: 'diana', display_name: 'Diana', is_shared_account: false }, occurred_at: '2026-07-18T14:02:00Z' }

function editRun(messageId: string | null, reportUpdates = 'edit') {
  const ctx = formatCtx({ options: { report_updates: reportUpdates } })
  return run({ items: [item(row({ id: 2, editOf: 1 }), { eventType: closed.event, event: closed, ctx, edit: { messageId } })] })
}

function recordingChannel() {
  const sent: PreparedRequest[] = []
  const channel = fakeChannel(async () => answered(200), () => ({ result: 'delivered', remoteId: '99' }))
  channel.formatEdit = (event) => ({ body: { edit: event.event }, summary: 'edit' })
  const send = channel.send
  channel.send = (target, request, ctx) => (sent.push(request), send(target, request, ctx))
  return { channel, sent }
}

describe('report edits', () => {
  it('an edit with a known message goes as an edit of that message', async () => {
    const { channel, sent } = recordingChannel()
    await attempt(channel, editRun('1234'), sendCtx(new FakeClock()))
    expect(sent).toEqual([{ body: { edit: 'problem_report.closed' }, summary: 'edit', edit: { messageId: '1234' } }])
  })

  it('without a message to edit: posted as a new message (edit), or nothing sent (edit_and_post)', async () => {
    const alone = recordingChannel()
    const posted = await attempt(alone.channel, editRun(null, 'edit'), sendCtx(new FakeClock()))
    expect(alone.sent).toEqual([{ body: { text: 'problem_report.closed' }, summary: 'summary' }])
    expect(posted.outcome).toMatchObject({ result: 'delivered', note: expect.stringMatching(/^Posted as a new message/) })

    const both = recordingChannel()
    const skipped = await attempt(both.channel, editRun(null, 'edit_and_post'), sendCtx(new FakeClock()))
    expect(both.sent).toEqual([])
    expect(skipped.outcome).toMatchObject({ result: 'delivered', note: expect.stringMatching(/^Not edited: .* posted as a new message$/) })
    expect(skipped.result).toMatchObject({ ok: false, errorClass: 'internal' })
    expect(editFallback(run())).toBeNull()
  })

  it('Discord: the post rebuilt from the update, its state on the first line, the thread for forums', () => {
    expect(reportStateLine(closed)).toBe(`✅ Closed by Diana · <t:${Date.parse('2026-07-18T14:02:00Z') / 1000}:t>`)
    const flat = formatDiscordEdit(closed, formatCtx())
    const [embed] = (flat.body as any).embeds
    expect(embed.color).toBe(0x2ecc71)
    expect(embed.description.split('\n')[0]).toBe(reportStateLine(closed))
    expect(embed.fields.map((f: any) => f.name)).toEqual(['Location', 'Problem type', 'Reported by'])
    expect(flat.query).toBeUndefined()
    const forum = formatDiscordEdit(closed, formatCtx({ options: { forum: true }, threadId: '555' }))
    expect(forum.query).toEqual({ thread_id: '555' })
    const sneaky = { ...closed, actor: { username: 'x', display_name: '@everyone **bold**', is_shared_account: false } }
    expect(reportStateLine(sneaky)).not.toMatch(/@everyone|\*\*bold/)
  })

  it('Discord: editing a deleted message (10008) is noted, never a fault of the endpoint', () => {
    const outcome = discordChannel.classify(answered(404, JSON.stringify({ message: 'Unknown Message', code: 10008 })), 0)
    expect(outcome).toEqual({ result: 'delivered', note: 'Not edited: the message was deleted in Discord (Unknown Message (10008))' })
    // An unknown webhook is still what it was.
    expect(discordChannel.classify(answered(404, JSON.stringify({ message: 'Unknown Webhook', code: 10015 })), 0)).toMatchObject({ result: 'permanent', flagEndpoint: true })
  })

  it('only Discord endpoints edit, and only with the option', () => {
    expect(reportUpdatesOf({ kind: 'discord', options: {} })).toBe('post')
    expect(reportUpdatesOf({ kind: 'discord', options: { report_updates: 'edit' } })).toBe('edit')
    expect(reportUpdatesOf({ kind: 'slack', options: { report_updates: 'edit' } })).toBe('post')
    expect(reportUpdatesOf(undefined)).toBe('post')
  })
})
