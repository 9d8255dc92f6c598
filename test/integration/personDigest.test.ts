// Per-person digests end to end (real SQLite, the Discord mock, a clock the test moves): a
// maintainer's burst arrives as one message grouped by machine once they've been quiet for 5
// minutes; a visitor's report goes at once; a report's "closed" never lands before its "created".
import { afterEach, describe, expect, it } from 'vitest'
import type { KnockerEvent } from '../../src/shared/events'
import { sampleEvent, startHarness, type Harness } from './harness'

let h: Harness
afterEach(async () => h?.close())

const MIN = 60_000
const person = (username: string) => ({ username, display_name: username[0].toUpperCase() + username.slice(1), is_shared_account: false })
const by = (username: string, event: KnockerEvent) => ({ ...event, actor: person(username) }) as KnockerEvent

async function endpoint() {
  const webhook = h.discord.addWebhook()
  const res = await h.admin('POST', '/api/endpoints', { name: 'Digests', kind: 'discord', url: webhook.url, options: { person_digests: true } })
  expect(res.status).toBe(201)
}

const titles = (message: { body: Record<string, unknown> }) => (message.body.embeds as any[]).map((e) => e.title as string)

describe('per-person digests', () => {
  it('a maintainer’s burst goes as one message, grouped by machine, after 5 quiet minutes; a visitor report at once', async () => {
    h = await startHarness({ discord: { perWebhookLimit: 50 } })
    await endpoint()
    const log = sampleEvent('log_entry.created') // Twilight Zone
    const moved = sampleEvent('machine.location_changed') // Twilight Zone
    const status = sampleEvent('machine.status_changed') // Roto Pool
    await h.post(by('ken', log))
    await h.post(by('ken', status))
    h.advance(3 * MIN)
    await h.post(by('ken', moved))
    await h.post(sampleEvent('problem_report.created', { actor: null })) // a visitor, Eight Ball Deluxe
    const [visitor] = await h.discord.waitForMessages(1)
    expect(titles(visitor)).toEqual(['Eight Ball Deluxe — New problem report'])
    const waiting = (await h.admin('GET', '/api/deliveries?status=pending')).json.deliveries
    expect(waiting.map((d: any) => d.why)).toEqual(Array(3).fill(expect.stringMatching(/^held: waiting for Ken to finish \(until \d\d:\d\d\)$/)))

    h.advance(4 * MIN) // 4 minutes after Ken's last: still waiting
    await new Promise((r) => setTimeout(r, 150))
    expect(h.discord.messages).toHaveLength(1)
    h.advance(MIN + 1000)
    const [, digest] = await h.discord.waitForMessages(2)
    expect(titles(digest)).toEqual(['Twilight Zone — Work logged', 'Twilight Zone — Location: Workshop → Museum', 'Roto Pool — Status: Good → Broken'])
    expect(digest.body.content).toBe('3 notifications')
    await h.settle()
    expect(h.discord.messages).toHaveLength(2)
  })

  it('a report’s “closed” never lands before its “created”, whoever wrote them', async () => {
    h = await startHarness({ discord: { perWebhookLimit: 50 } })
    await endpoint()
    await h.post(by('ken', sampleEvent('problem_report.created'))) // Ken files a report on Eight Ball Deluxe
    h.advance(MIN)
    await h.post(by('diana', sampleEvent('problem_report.closed'))) // Diana closes it at once
    h.advance(3 * MIN)
    await h.post(by('ken', sampleEvent('log_entry.created'))) // Ken keeps working elsewhere
    h.advance(3 * MIN)
    await h.post(by('ken', sampleEvent('machine.location_changed')))
    // Diana has been quiet for 6 minutes, but her "closed" waits with Ken's "created".
    await new Promise((r) => setTimeout(r, 150))
    expect(h.discord.messages).toHaveLength(0)
    h.advance(5 * MIN + 1000)
    await h.discord.waitForMessages(1)
    await h.settle()
    const all = h.discord.messages.flatMap(titles)
    expect(all).toHaveLength(4)
    expect(all.indexOf('Eight Ball Deluxe — New problem report')).toBeLessThan(all.indexOf('Eight Ball Deluxe — Problem report closed'))
  })

  it('a visitor’s report about a machine with held events goes right after them', async () => {
    h = await startHarness({ discord: { perWebhookLimit: 50 } })
    await endpoint()
    const sameMachine = { ...sampleEvent('log_entry.created'), machine: sampleEvent('problem_report.created').machine } as KnockerEvent
    await h.post(by('ken', sameMachine))
    await h.post(sampleEvent('problem_report.created', { actor: null }))
    const [first, second] = await h.discord.waitForMessages(2)
    expect(titles(first)).toEqual(['Eight Ball Deluxe — Work logged'])
    expect(titles(second)).toEqual(['Eight Ball Deluxe — New problem report'])
  })
})
