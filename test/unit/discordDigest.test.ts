// Discord digests: up to 10 embeds within 6,000 characters, each the embed of the event's own message.
import type { APIEmbed, RESTPostAPIWebhookWithTokenJSONBody } from 'discord-api-types/v10'
import { describe, expect, it } from 'vitest'
import { discordChannel } from '../../src/main/core/channels/discord'
import { formatDiscord } from '../../src/main/core/channels/discord/message'
import type { DigestItem } from '../../src/main/core/channels/types'
import { digestItems, drain, HOSTILE, machineName, type DigestMessage } from './digestItems'

const ZW = '\u200b'
const digest = discordChannel.digest!
// Discord's documented limits, written out here rather than imported from the code under test.
const LIMITS = { embeds: 10, total: 6000, title: 256, description: 4096, fields: 25, fieldName: 256, fieldValue: 1024, footer: 2048, author: 256, content: 2000 }

const bodyOf = (message: DigestMessage) => message.body as RESTPostAPIWebhookWithTokenJSONBody
const embedsOf = (message: DigestMessage) => bodyOf(message).embeds ?? []

/** What Discord counts against the 6,000 total, counted independently of the code under test. */
function countedChars(embed: APIEmbed): number {
  const fields = (embed.fields ?? []).reduce((sum, f) => sum + f.name.length + f.value.length, 0)
  return (embed.title ?? '').length + (embed.description ?? '').length + fields + (embed.footer?.text ?? '').length + (embed.author?.name ?? '').length
}

function assertDiscordLimits(message: DigestMessage) {
  const body = bodyOf(message)
  const embeds = embedsOf(message)
  expect(embeds.length).toBeGreaterThanOrEqual(1)
  expect(embeds.length).toBeLessThanOrEqual(LIMITS.embeds)
  expect(embeds.length).toBe(message.included)
  expect(embeds.reduce((sum, e) => sum + countedChars(e), 0)).toBeLessThanOrEqual(LIMITS.total)
  for (const e of embeds) {
    expect((e.title ?? '').length).toBeLessThanOrEqual(LIMITS.title)
    expect((e.description ?? '').length).toBeLessThanOrEqual(LIMITS.description)
    expect((e.fields ?? []).length).toBeLessThanOrEqual(LIMITS.fields)
    for (const f of e.fields ?? []) {
      expect(f.name.length).toBeGreaterThan(0)
      expect(f.name.length).toBeLessThanOrEqual(LIMITS.fieldName)
      expect(f.value.length).toBeGreaterThan(0)
      expect(f.value.length).toBeLessThanOrEqual(LIMITS.fieldValue)
    }
    expect((e.footer?.text ?? '').length).toBeLessThanOrEqual(LIMITS.footer)
  }
  expect((body.content ?? '').length).toBeLessThanOrEqual(LIMITS.content)
  expect(body.allowed_mentions).toEqual({ parse: [] })
  expect(body.thread_name).toBeUndefined()
}

/** The embed the event's own message would carry (its late line aside). */
function singleEmbed(item: DigestItem): APIEmbed {
  return (formatDiscord(item.event, { ...item.ctx, late: null }).body as RESTPostAPIWebhookWithTokenJSONBody).embeds![0]
}

describe('Discord digest: counts', () => {
  it('takes up to 10 events per message', () => {
    expect(digest.maxItems).toBe(10)
  })

  it('1 event: one embed, the same as its own message, and a count line', () => {
    const items = digestItems(1)
    const message = digest.format(items)
    assertDiscordLimits(message)
    expect(message.included).toBe(1)
    expect(embedsOf(message)).toEqual([singleEmbed(items[0])])
    expect(bodyOf(message).content).toBe('1 notification')
    expect(message.summary).toBe('1 notification: Machine 1: new problem report #412')
  })

  it('3 events: three embeds in order', () => {
    const items = digestItems(3)
    const message = digest.format(items)
    assertDiscordLimits(message)
    expect(message.included).toBe(3)
    expect(embedsOf(message)).toEqual(items.map(singleEmbed))
    expect(bodyOf(message).content).toBe('3 notifications')
    expect(message.summary).toBe('3 notifications: Machine 1: new problem report #412 and 2 more')
  })

  it('10 events fill one message; an 11th waits for the next', () => {
    expect(digest.format(digestItems(10)).included).toBe(10)
    const eleven = digestItems(11)
    const first = digest.format(eleven)
    expect(first.included).toBe(10)
    expect(embedsOf(first).map((e) => e.title)).toEqual(eleven.slice(0, 10).map(singleEmbed).map((e) => e.title))
    const messages = drain(digest, eleven)
    expect(messages.map((m) => m.included)).toEqual([10, 1])
    expect(embedsOf(messages[1])[0].title).toContain(machineName(10))
  })
})

describe('Discord digest: many large events', () => {
  // Every third event has every text far beyond its limits; the others are ordinary.
  const large = digestItems(30, { large: true })
  const items = digestItems(30).map((item, i) => (i % 3 === 0 ? large[i] : item))
  const messages = drain(digest, items)

  it('every message holds every limit, the 6,000 total included', () => {
    for (const message of messages) assertDiscordLimits(message)
  })

  it('nothing is lost and the order is kept: every event once, in order, across messages', () => {
    const titles = messages.flatMap((m) => embedsOf(m).map((e) => e.title!))
    expect(titles).toHaveLength(items.length)
    titles.forEach((title, i) => expect(title.startsWith(`${machineName(i)} — `)).toBe(true))
  })

  it('each embed is the one its own message would show; a message takes as many as fit', () => {
    let next = 0
    for (const message of messages) {
      const embeds = embedsOf(message)
      embeds.forEach((embed) => expect(embed).toEqual(singleEmbed(items[next++])))
      // The next event's embed would have broken the 6,000 total (or the 10-embed limit).
      if (next < items.length && embeds.length < LIMITS.embeds) {
        const used = embeds.reduce((sum, e) => sum + countedChars(e), 0)
        expect(used + countedChars(singleEmbed(items[next]))).toBeGreaterThan(LIMITS.total)
      }
    }
    expect(messages.length).toBeGreaterThan(3)
  })

  it('large and small events mixed: small ones join a long one while the total allows', () => {
    const mixed = digestItems(5)
    const report = mixed[0].event as Extract<DigestItem['event'], { event: 'problem_report.created' }>
    report.problem_report.description = 'x'.repeat(100_000) // cut to 3,000 by the single format
    const message = digest.format(mixed)
    assertDiscordLimits(message)
    expect(message.included).toBe(5)
    // An embed that already uses the whole 6,000 goes alone.
    const full = [...digestItems(1, { large: true }), ...digestItems(4, { firstId: 500 })]
    expect(countedChars(singleEmbed(full[0]))).toBe(LIMITS.total)
    expect(drain(digest, full).map((m) => m.included)).toEqual([1, 4])
  })
})

describe('Discord digest: late, test and hostile text', () => {
  it('says once, in the content, how late the oldest event is; the embeds carry no late line', () => {
    const items = digestItems(5, { late: { ms: 2 * 3600_000 + 11 * 60_000, reason: 'the museum was offline' } })
    const message = digest.format(items)
    expect(bodyOf(message).content).toBe('5 notifications · ⏱ up to 2 h 11 min late — the museum was offline')
    expect(embedsOf(message)).toEqual(items.map(singleEmbed))
    expect(JSON.stringify(embedsOf(message))).not.toContain('⏱')
    const one = digest.format(items.slice(0, 1))
    expect(bodyOf(one).content).toBe('1 notification · ⏱ 2 h 11 min late — the museum was offline')
  })

  it('a test event puts the TEST notice in the content', () => {
    const items = digestItems(2).map((item) => ({ ...item, ctx: { ...item.ctx, test: true } }))
    const message = digest.format(items)
    expect(bodyOf(message).content).toMatch(/^🧪 TEST — .*\n2 notifications$/)
    expect(embedsOf(message)[0].title).toMatch(/^\[TEST\] /)
  })

  it('text written by the public cannot ping anyone', () => {
    const items = digestItems(6, { hostile: true, late: { ms: 600_000, reason: '@everyone offline' } })
    const message = digest.format(items)
    assertDiscordLimits(message)
    const json = JSON.stringify(bodyOf(message))
    expect(json).not.toMatch(/@everyone|@here|<@&\d/)
    expect(json).toContain(`@${ZW}everyone`)
    expect(bodyOf(message).content).toBe(`6 notifications · ⏱ up to 10 min late — @${ZW}everyone offline`)
    expect(embedsOf(message)[0].description).toContain(`@${ZW}everyone @${ZW}here <!channel>`)
    expect(HOSTILE).toContain('@everyone')
  })
})

describe('Discord digest: safe when misused', () => {
  it('a forum endpoint gets the first event alone, as its own message', () => {
    const items = digestItems(3).map((item) => ({ ...item, ctx: { ...item.ctx, options: { forum: true } } }))
    const message = digest.format(items)
    expect(message.included).toBe(1)
    expect(message.body).toEqual(formatDiscord(items[0].event, items[0].ctx).body)
    expect(bodyOf(message).thread_name).toBe('Machine 1: #1 drop target spring missing')
  })

  it('an empty digest is refused', () => {
    expect(() => digest.format([])).toThrow(/at least one/)
  })

  it('more items than maxItems: still at most 10 embeds', () => {
    const message = digest.format(digestItems(30))
    expect(message.included).toBe(10)
    assertDiscordLimits(message)
  })
})
