// Teams digests: one Adaptive Card 1.4 with a Container per event, under ~28 KB.
import { describe, expect, it } from 'vitest'
import { teamsChannel } from '../../src/main/core/channels/teams'
import { formatTeams, formatTeamsDigest, type TeamsMessage } from '../../src/main/core/channels/teams/message'
import type { DigestItem } from '../../src/main/core/channels/types'
import { digestItems, drain, type DigestMessage } from './digestItems'

const digest = teamsChannel.digest!
// The size Teams takes (~28 KB, read as 1000-byte KB to be safe) and the card version the flow renders.
const MAX_BYTES = 28_000
const ELEMENTS_1_4 = new Set(['TextBlock', 'FactSet', 'Container', 'ActionSet', 'ColumnSet', 'Image'])

const messageOf = (message: DigestMessage) => message.body as TeamsMessage
const cardOf = (message: DigestMessage) => messageOf(message).attachments[0].content
const containers = (message: DigestMessage) =>
  cardOf(message).body.filter((b) => b.type === 'Container') as Array<{ items: Array<Record<string, any>> }>
const titles = (message: DigestMessage) => containers(message).map((c) => c.items[0].text as string)

function assertTeamsLimits(message: DigestMessage, maxBytes = MAX_BYTES) {
  const sent = messageOf(message)
  expect(Buffer.byteLength(JSON.stringify(sent), 'utf8')).toBeLessThanOrEqual(maxBytes)
  expect(sent.type).toBe('message')
  expect(sent.attachments).toHaveLength(1)
  expect(sent.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive')
  const card = cardOf(message)
  expect(card.version).toBe('1.4')
  const walk = (elements: Array<Record<string, any>>) => {
    for (const el of elements) {
      expect(ELEMENTS_1_4.has(el.type)).toBe(true)
      if (el.type === 'Container') walk(el.items)
      if (el.type === 'ActionSet') for (const a of el.actions) expect(a.url).toMatch(/^https:\/\//)
    }
  }
  walk(card.body)
  expect(containers(message)).toHaveLength(message.included)
  expect(card.body[0].text).toBe(`${message.included} ${message.included === 1 ? 'notification' : 'notifications'}`)
  // One short preview line everywhere a client may read one.
  expect(sent.summary.length).toBeLessThanOrEqual(400)
  expect([sent.text, card.fallbackText]).toEqual([sent.summary, sent.summary])
}

/** What the event's own card shows: its body and its buttons. */
function singleCard(item: DigestItem) {
  const card = (formatTeams(item.event, { ...item.ctx, late: null }).body as TeamsMessage).attachments[0].content
  return { body: card.body, actions: card.actions }
}

describe('Teams digest: counts', () => {
  it('takes up to 15 events per message', () => {
    expect(digest.maxItems).toBe(15)
  })

  it('1 event: a heading and one Container with what its own card shows, and its buttons', () => {
    const items = digestItems(1)
    const message = digest.format(items)
    assertTeamsLimits(message)
    expect(message.included).toBe(1)
    const [container] = containers(message)
    const single = singleCard(items[0])
    expect(container.items.slice(0, -1)).toEqual(single.body)
    expect(container.items.at(-1)).toEqual({ type: 'ActionSet', actions: single.actions })
    expect(messageOf(message).summary).toBe('1 notification: Machine 1: new problem report #412')
    expect(message.summary).toBe('1 notification: Machine 1: new problem report #412')
    expect(cardOf(message).actions).toEqual([])
  })

  it('3 events in order, each separated from the one before', () => {
    const message = digest.format(digestItems(3))
    assertTeamsLimits(message)
    expect(titles(message)).toEqual(['Machine 1 — New problem report', 'Machine 2 — Problem report closed', 'Machine 3 — Problem report reopened'])
    for (const c of containers(message)) expect(c).toMatchObject({ separator: true, spacing: 'large' })
  })

  it('10 and 11 ordinary events fit one message; 16 need two', () => {
    for (const count of [10, 11, 15]) {
      const message = digest.format(digestItems(count))
      assertTeamsLimits(message)
      expect(message.included).toBe(count)
    }
    const messages = drain(digest, digestItems(16))
    expect(messages.map((m) => m.included)).toEqual([15, 1])
    expect(titles(messages[1])[0]).toMatch(/^Machine 16 — /)
  })
})

describe('Teams digest: many large events', () => {
  const large = digestItems(30, { large: true })
  const items = digestItems(30).map((item, i) => (i % 2 === 0 ? large[i] : item))
  const messages = drain(digest, items)

  it('every message stays under 28,000 bytes', () => {
    for (const message of messages) assertTeamsLimits(message)
    expect(messages.length).toBeGreaterThan(2)
  })

  it('nothing is lost and the order is kept', () => {
    const all = messages.flatMap(titles)
    expect(all).toHaveLength(items.length)
    all.forEach((title, i) => expect(title.startsWith(`Machine ${i + 1} — `)).toBe(true))
  })

  it('texts keep at least 300 characters; with room, more', () => {
    for (const c of messages.flatMap(containers)) {
      const text = c.items.find((el) => el.type === 'TextBlock' && el.wrap && !el.weight && !el.isSubtle)?.text as string | undefined
      if (text && /^(x|word )/.test(text)) expect(text.length).toBeGreaterThanOrEqual(300)
    }
    const two = digest.format(digestItems(2, { large: true }))
    const text = containers(two)[0].items.find((el) => typeof el.text === 'string' && el.text.startsWith('xxx'))!.text as string
    expect(text.length).toBeGreaterThan(1000)
  })

  it('a smaller budget carries fewer events, each message within it', () => {
    const small = drain({ maxItems: 15, format: (batch) => formatTeamsDigest(batch, 8_000) }, items)
    for (const message of small) assertTeamsLimits(message, 8_000)
    expect(small.length).toBeGreaterThan(messages.length)
    expect(small.flatMap(titles)).toHaveLength(items.length)
  })

  it('a first event too large even with little text is cut like its own card, and still goes', () => {
    const [item] = digestItems(1)
    item.event.machine.location = { name: 'L'.repeat(40_000), slug: 'l', zone: 'front' }
    const message = digest.format([item, ...digestItems(2, { firstId: 300 })])
    assertTeamsLimits(message)
    expect(message.included).toBe(1)
    expect(titles(message)).toEqual(['Machine 1 — New problem report'])
  })
})

describe('Teams digest: late, test and hostile text', () => {
  it('says once, under the heading and in the previews, how late the oldest event is', () => {
    const items = digestItems(3, { late: { ms: 2 * 3600_000 + 11 * 60_000, reason: 'the museum was offline' } })
    const message = digest.format(items)
    const card = cardOf(message)
    expect(card.body[1]).toEqual({
      type: 'TextBlock',
      text: '⏱ up to 2 h 11 min late — the museum was offline',
      isSubtle: true,
      size: 'small',
      wrap: true,
      spacing: 'none',
    })
    expect(messageOf(message).summary).toBe('3 notifications: Machine 1: new problem report #412 and 2 more (⏱ up to 2 h 11 min late — the museum was offline)')
    expect(message.summary).toBe('3 notifications: Machine 1: new problem report #412 and 2 more')
    expect(JSON.stringify(containers(message))).not.toContain('⏱')
  })

  it('test events: the TEST notice once at the top, [TEST] titles', () => {
    const items = digestItems(2).map((item) => ({ ...item, ctx: { ...item.ctx, test: true } }))
    const message = digest.format(items)
    const json = JSON.stringify(cardOf(message).body)
    expect(json.split('🧪 TEST').length - 1).toBe(1)
    expect(titles(message)[0]).toBe('[TEST] Machine 1 — New problem report')
  })

  it('names cannot restyle or mention; the late reason is escaped too', () => {
    const items = digestItems(4, { hostile: true, late: { ms: 600_000, reason: '<at>all</at>' } })
    items[0].event.machine.name = '**Big** <at>Team</at>'
    const message = digest.format(items)
    assertTeamsLimits(message)
    expect(titles(message)[0]).toBe('\\*\\*Big\\*\\* \\<at\\>Team\\</at\\> — New problem report')
    expect(cardOf(message).body[1].text).toBe('⏱ up to 10 min late — \\<at\\>all\\</at\\>')
    const facts = containers(message)[0].items.find((el) => el.type === 'FactSet')!.facts as Array<{ title: string; value: string }>
    expect(facts.find((f) => f.title === 'Reported by')!.value).toContain('\\<script\\>')
  })

  it('an empty digest is refused', () => {
    expect(() => digest.format([])).toThrow(/at least one/)
  })
})
