// Slack digests: a header, then a divider and one compact section per event, within Block Kit's limits.
import { describe, expect, it } from 'vitest'
import { slackChannel } from '../../src/main/core/channels/slack'
import type { SlackMessageBody } from '../../src/main/core/channels/slack/message'
import { blocksProblem } from '../mocks/slackMock'
import { digestItems, drain, type DigestMessage } from './digestItems'

const ZW = '\u200b'
const digest = slackChannel.digest!
// Block Kit's documented limits, and the total Knocker keeps under (Slack's undocumented ~13k).
const LIMITS = { blocks: 50, header: 150, section: 3000, blocksJson: 10_000 }

const bodyOf = (message: DigestMessage) => message.body as SlackMessageBody
const sections = (message: DigestMessage) =>
  bodyOf(message)
    .blocks.filter((b) => b.block_id?.startsWith('event-'))
    .map((b) => (b as { text: { text: string } }).text.text)

function assertSlackLimits(message: DigestMessage) {
  const body = bodyOf(message)
  // The mock's checks: every per-block limit, unique block_ids, and the total.
  expect(blocksProblem(body.blocks, LIMITS.blocksJson)).toBeNull()
  expect(body.blocks.length).toBeLessThanOrEqual(LIMITS.blocks)
  expect(JSON.stringify(body.blocks).length).toBeLessThanOrEqual(LIMITS.blocksJson)
  expect(sections(message)).toHaveLength(message.included)
  for (const text of sections(message)) expect(text.length).toBeLessThanOrEqual(LIMITS.section)
  const header = body.blocks[0] as { type: string; text: { text: string } }
  expect(header.type).toBe('header')
  expect(header.text.text).toBe(`${message.included} ${message.included === 1 ? 'notification' : 'notifications'}`)
  // The fallback text stays a short summary, whatever the message holds.
  expect(body.text.length).toBeGreaterThan(0)
  expect(body.text.length).toBeLessThanOrEqual(400)
  expect([body.unfurl_links, body.unfurl_media]).toEqual([false, false])
}

/** Which event each section is about, by its machine name ("Machine 7 — …"). */
function machinesIn(message: DigestMessage): number[] {
  return sections(message).map((text) => Number(/\|Machine (\d+) — /.exec(text)?.[1] ?? NaN) - 1)
}

describe('Slack digest: counts', () => {
  it('takes up to 20 events per message, which fit in 50 blocks', () => {
    expect(digest.maxItems).toBe(20)
    expect(3 + 2 * digest.maxItems).toBeLessThanOrEqual(LIMITS.blocks)
  })

  it('1 event: header, divider, one section with linked title, facts, text, who and when', () => {
    const message = digest.format(digestItems(1))
    assertSlackLimits(message)
    expect(message.included).toBe(1)
    expect(bodyOf(message).blocks.map((b) => b.block_id)).toEqual(['header', 'divider-1', 'event-1'])
    expect(sections(message)[0]).toBe(
      '🔴 *<https://flipfix.theflip.museum/problem-reports/412/|Machine 1 — New problem report>*\n' +
        '*Location:* Museum · *Problem type:* Other · *Reported by:* Anonymous\n' +
        '#1 drop target spring missing\n' +
        'Anonymous · <!date^1784401331^{date_short_pretty} at {time}|2026-07-18 19:02 UTC> · Flipfix · M0023',
    )
    expect(bodyOf(message).text).toBe('1 notification: Machine 1: new problem report #412')
    expect(message.summary).toBe('1 notification: Machine 1: new problem report #412')
  })

  it('3 events, in order', () => {
    const message = digest.format(digestItems(3))
    assertSlackLimits(message)
    expect(machinesIn(message)).toEqual([0, 1, 2])
    expect(bodyOf(message).text).toBe('3 notifications: Machine 1: new problem report #412 and 2 more')
  })

  it('10 and 11 ordinary events fit one message; 21 need two', () => {
    for (const count of [10, 11, 20]) {
      const message = digest.format(digestItems(count))
      assertSlackLimits(message)
      expect(message.included).toBe(count)
    }
    const messages = drain(digest, digestItems(21))
    expect(messages.map((m) => m.included)).toEqual([20, 1])
    expect(machinesIn(messages[1])).toEqual([20])
    expect(sections(messages[1])[0]).toContain('|Machine 21 — ')
  })
})

describe('Slack digest: many large events', () => {
  const large = digestItems(40, { large: true })
  const items = digestItems(40).map((item, i) => (i % 2 === 0 ? large[i] : item))
  const messages = drain(digest, items)

  it('every message holds every limit', () => {
    for (const message of messages) assertSlackLimits(message)
    expect(messages.length).toBeGreaterThan(2)
  })

  it('nothing is lost and the order is kept', () => {
    expect(messages.flatMap(machinesIn)).toEqual(items.map((_, i) => i))
  })

  it('texts are shortened (never below 300 characters) before an event waits for the next message', () => {
    for (const text of messages.flatMap(sections)) {
      const long = /x{50,}…?|(?:word ){50,}[^\n]*/.exec(text)?.[0]
      if (long) expect(long.length).toBeGreaterThanOrEqual(300)
    }
  })

  it('two large events alone get more of their text than the floor', () => {
    const message = digest.format(digestItems(2, { large: true }))
    assertSlackLimits(message)
    expect(message.included).toBe(2)
    const xs = /x+…/.exec(sections(message)[0])![0]
    expect(xs.length).toBeGreaterThan(1000)
  })

  it('a first event that cannot fit even with little text is cut further, and still goes', () => {
    const [item] = digestItems(1)
    // Half surrogate pairs are 6 JSON characters each ("\ud800"): this section would be ~18,000
    // characters of JSON. (Intake refuses them, and every channel drops control characters, the
    // other 6-character escape; the digest must still cope.)
    item.event.machine.asset_id = '\ud800'.repeat(3000)
    const message = digest.format([item, ...digestItems(2, { firstId: 300 })])
    assertSlackLimits(message)
    expect(message.included).toBe(1)
    expect(sections(message)[0]).toContain('|Machine 1 — New problem report>')
  })
})

describe('Slack digest: late, test and hostile text', () => {
  it('says once, under the header, how late the oldest event is', () => {
    const items = digestItems(4, { late: { ms: 2 * 3600_000 + 11 * 60_000, reason: 'the museum was offline' } })
    const message = digest.format(items)
    const body = bodyOf(message)
    expect(body.blocks.map((b) => b.block_id).slice(0, 3)).toEqual(['header', 'late', 'divider-1'])
    expect((body.blocks[1] as any).elements[0].text).toBe('⏱ up to 2 h 11 min late — the museum was offline')
    expect(body.text).toBe('4 notifications: Machine 1: new problem report #412 and 3 more (⏱ up to 2 h 11 min late — the museum was offline)')
    for (const text of sections(message)) expect(text).not.toContain('⏱')
  })

  it('test events carry the TEST notice and [TEST] titles', () => {
    const items = digestItems(2).map((item) => ({ ...item, ctx: { ...item.ctx, test: true } }))
    const message = digest.format(items)
    expect(bodyOf(message).blocks.map((b) => b.block_id)).toContain('notice')
    expect(sections(message)[0]).toContain('|[TEST] Machine 1 — New problem report>')
  })

  it('text written by the public cannot mention, link or inject', () => {
    const items = digestItems(6, { hostile: true, late: { ms: 600_000, reason: '<!channel> offline' } })
    const message = digest.format(items)
    assertSlackLimits(message)
    const json = JSON.stringify(bodyOf(message))
    expect(json).not.toMatch(/<!channel>|<!here>|<@U123>|<@&|<script/)
    expect(json).not.toMatch(/(?<!\u200b)@(everyone|here)\b(?!\u200b)/)
    expect(json).toContain('&lt;!channel&gt;')
    expect(json).toContain(`@${ZW}everyone`)
    expect(sections(message)[0]).toContain('&lt;script&gt;')
  })

  it('a machine name cannot break the title link or restyle it', () => {
    const [item] = digestItems(1)
    item.event.machine.name = 'Star*Trek|<evil>'
    const title = sections(digest.format([item]))[0].split('\n')[0]
    expect(title).toBe(`🔴 *<https://flipfix.theflip.museum/problem-reports/412/|Star${ZW}*${ZW}Trek¦&lt;evil&gt; — New problem report>*`)
  })

  it('an empty digest is refused', () => {
    expect(() => digest.format([])).toThrow(/at least one/)
  })
})
