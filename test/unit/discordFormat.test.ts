import type { APIEmbed, RESTPostAPIWebhookWithTokenJSONBody } from 'discord-api-types/v10'
import { describe, expect, it } from 'vitest'
import { EMBED_LIMITS, embedTextLength, fitEmbed } from '../../src/main/core/channels/discord/limits'
import { formatDiscord } from '../../src/main/core/channels/discord/message'
import { TEST_NOTICE } from '../../src/main/core/channels/eventView'
import { EventSchema, type KnockerEvent } from '../../src/shared/events'
import { SAMPLE_EVENTS } from '../../src/shared/samples'
import { formatCtx } from './formatContext'

const ZW = '\u200b'
const live = formatCtx()

function render(event: KnockerEvent, ctx = live) {
  const prepared = formatDiscord(event, ctx)
  const body = prepared.body as RESTPostAPIWebhookWithTokenJSONBody
  expect(body.embeds).toHaveLength(1)
  return { prepared, body, embed: body.embeds![0] }
}

/** Field values by name, for readable assertions. */
function fieldsOf(embed: APIEmbed): Record<string, string> {
  return Object.fromEntries((embed.fields ?? []).map((f) => [f.name, f.value]))
}

function clone<T>(value: T): T {
  return structuredClone(value)
}

function assertWithinLimits(embed: APIEmbed) {
  expect(embedTextLength(embed)).toBeLessThanOrEqual(EMBED_LIMITS.total)
  expect((embed.title ?? '').length).toBeLessThanOrEqual(EMBED_LIMITS.title)
  expect((embed.description ?? '').length).toBeLessThanOrEqual(EMBED_LIMITS.description)
  expect((embed.fields ?? []).length).toBeLessThanOrEqual(EMBED_LIMITS.fields)
  for (const f of embed.fields ?? []) {
    expect(f.name.length).toBeGreaterThan(0)
    expect(f.name.length).toBeLessThanOrEqual(EMBED_LIMITS.fieldName)
    expect(f.value.length).toBeGreaterThan(0)
    expect(f.value.length).toBeLessThanOrEqual(EMBED_LIMITS.fieldValue)
  }
  expect((embed.footer?.text ?? '').length).toBeLessThanOrEqual(EMBED_LIMITS.footerText)
  expect((embed.author?.name ?? '').length).toBeLessThanOrEqual(EMBED_LIMITS.authorName)
  // no lone surrogate anywhere
  expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(JSON.stringify(embed))).toBe(false)
}

describe('formatDiscord: one embed per event type', () => {
  it('problem_report.created: title, link, red, location/type/reporter, linkified description', () => {
    const { prepared, body, embed } = render(SAMPLE_EVENTS['problem_report.created'])
    expect(embed.title).toBe('Eight Ball Deluxe — New problem report')
    expect(embed.url).toBe('https://flipfix.theflip.museum/problem-reports/412/')
    expect(embed.color).toBe(0xe74c3c)
    expect(embed.timestamp).toBe('2026-07-18T19:02:11.000Z')
    expect(embed.description).toBe('#1 drop target spring missing')
    expect(fieldsOf(embed)).toEqual({ Location: 'Museum', 'Problem type': 'Other', 'Reported by': 'Anonymous' })
    expect(embed.footer).toEqual({ text: 'Flipfix · M0023' })
    expect(body.allowed_mentions).toEqual({ parse: [] })
    expect(body.content).toBeUndefined()
    expect(body.username).toBeUndefined()
    expect(prepared.summary).toBe('Eight Ball Deluxe: new problem report #412')
  })

  it('problem_report.closed: green, who closed it', () => {
    const { prepared, embed } = render(SAMPLE_EVENTS['problem_report.closed'])
    expect(embed.title).toBe('Eight Ball Deluxe — Problem report closed')
    expect(embed.color).toBe(0x2ecc71)
    expect(embed.url).toBe('https://flipfix.theflip.museum/problem-reports/412/')
    expect(fieldsOf(embed)).toEqual({ 'Problem type': 'Other', 'Closed by': 'Diana' })
    expect(prepared.summary).toBe('Eight Ball Deluxe: problem report #412 closed by Diana')
  })

  it('problem_report.reopened: orange, priority and who reopened it', () => {
    const { embed } = render(SAMPLE_EVENTS['problem_report.reopened'])
    expect(embed.title).toBe('Twilight Zone — Problem report reopened')
    expect(embed.color).toBe(0xe67e22)
    expect(fieldsOf(embed)).toEqual({ 'Problem type': 'Other', Priority: 'Major', 'Reopened by': 'ken' })
    expect(embed.description).toBe('Ball lift stopped working again.')
  })

  it('log_entry.created: blue, maintainers, work date, time spent, linked report, links rendered', () => {
    const { prepared, embed } = render(SAMPLE_EVENTS['log_entry.created'])
    expect(embed.title).toBe('Twilight Zone — Work logged')
    expect(embed.url).toBe('https://flipfix.theflip.museum/logs/4842/')
    expect(embed.color).toBe(0x3498db)
    expect(embed.description).toBe(
      "Machine was not starting up. Button worked, but S relay wasn't triggering. Sanded blades and adjusted alignment. " +
        'See [Problem #398](https://flipfix.theflip.museum/problem-reports/398/) and ' +
        '[Twilight Zone](https://flipfix.theflip.museum/machines/twilight-zone/).',
    )
    const start = Date.parse('2026-07-21T14:00:00Z') / 1000
    expect(fieldsOf(embed)).toEqual({
      Maintainers: 'brian, reba',
      'Work date': `<t:${start}:D>`,
      'Time spent': '1 h 30 min',
      'Problem report': '[Problem #398](https://flipfix.theflip.museum/problem-reports/398/) (open)',
    })
    expect(prepared.summary).toBe('Twilight Zone: log entry #4842 by brian, reba')
  })

  it('machine.created: purple, location and who added it, links to the machine', () => {
    const { embed, prepared } = render(SAMPLE_EVENTS['machine.created'])
    expect(embed.title).toBe('Godzilla — New machine added')
    expect(embed.color).toBe(0x9b59b6)
    expect(embed.url).toBe('https://flipfix.theflip.museum/machines/godzilla-premium/')
    // the auto-generated log text only repeats the title
    expect(embed.description).toBeUndefined()
    expect(fieldsOf(embed)).toEqual({ Location: 'Museum', 'Added by': 'reba' })
    expect(embed.footer?.text).toBe('Flipfix · M0042')
    expect(prepared.summary).toBe('Godzilla: new machine added')
  })

  it('machine.status_changed: "Status: Good → Broken" in red, who changed it', () => {
    const { embed, prepared } = render(SAMPLE_EVENTS['machine.status_changed'])
    expect(embed.title).toBe('Roto Pool — Status: Good → Broken')
    expect(embed.color).toBe(0xe74c3c)
    expect(embed.url).toBe('https://flipfix.theflip.museum/machines/roto-pool/')
    expect(fieldsOf(embed)).toEqual({ Location: 'Museum', 'Changed by': 'Diana' })
    expect(prepared.summary).toBe('Roto Pool: status Good → Broken')
  })

  it('machine.location_changed: teal, shared terminal shown by its display name', () => {
    const { embed } = render(SAMPLE_EVENTS['machine.location_changed'])
    expect(embed.title).toBe('Twilight Zone — Location: Workshop → Museum')
    expect(embed.color).toBe(0x1abc9c)
    expect(fieldsOf(embed)).toEqual({ 'Moved by': 'Floor Terminal' })
  })
})

describe('formatDiscord: details', () => {
  it.each([
    ['good', 'Good', 0x2ecc71],
    ['fixing', 'Fixing', 0xf1c40f],
    ['broken', 'Broken', 0xe74c3c],
    ['unknown', 'Unknown', 0x95a5a6],
  ])('status change to %s (%s) is coloured %d', (to, label, color) => {
    const event = clone(SAMPLE_EVENTS['machine.status_changed']) as Extract<KnockerEvent, { event: 'machine.status_changed' }>
    event.change = { field: 'operational_status', from: 'broken', from_label: 'Broken', to, to_label: label }
    const { embed } = render(event)
    expect(embed.color).toBe(color)
    expect(embed.title).toBe(`Roto Pool — Status: Broken → ${label}`)
  })

  it('a null location side reads "No Location"', () => {
    const event = clone(SAMPLE_EVENTS['machine.location_changed']) as Extract<KnockerEvent, { event: 'machine.location_changed' }>
    event.change = { field: 'location', from: null, from_label: null, to: 'museum', to_label: 'Museum' }
    expect(render(event).embed.title).toBe('Twilight Zone — Location: No Location → Museum')
    event.machine.location = null
    event.change = { field: 'location', from: 'museum', from_label: 'Museum', to: null, to_label: null }
    expect(render(event).embed.title).toBe('Twilight Zone — Location: Museum → No Location')
  })

  it('a machine without a location shows "No Location" in the Location field', () => {
    const event = clone(SAMPLE_EVENTS['problem_report.created'])
    event.machine.location = null
    expect(fieldsOf(render(event).embed).Location).toBe('No Location')
  })

  it('names the reporter when there is one, and shows priority once triaged', () => {
    const event = clone(SAMPLE_EVENTS['problem_report.created']) as Extract<KnockerEvent, { event: 'problem_report.created' }>
    event.problem_report.reporter = { display: 'william', username: 'william' }
    event.problem_report.priority = 'unplayable'
    event.problem_report.priority_label = 'Unplayable'
    expect(fieldsOf(render(event).embed)).toEqual({
      Location: 'Museum',
      'Problem type': 'Other',
      Priority: 'Unplayable',
      'Reported by': 'william',
    })
  })

  it('says when the work date was backdated by more than a day', () => {
    const event = clone(SAMPLE_EVENTS['log_entry.created']) as Extract<KnockerEvent, { event: 'log_entry.created' }>
    event.log_entry.occurred_at = '2026-07-18T10:00:00Z'
    const work = Date.parse('2026-07-18T10:00:00Z') / 1000
    const logged = Date.parse(event.occurred_at) / 1000
    expect(fieldsOf(render(event).embed)['Work date']).toBe(`<t:${work}:D> (backdated; logged <t:${logged}:D>)`)
  })

  it('falls back to the free-text maintainer names, then to the actor', () => {
    const event = clone(SAMPLE_EVENTS['log_entry.created']) as Extract<KnockerEvent, { event: 'log_entry.created' }>
    event.log_entry.maintainers = []
    event.log_entry.maintainer_names = 'Bob from the league'
    expect(fieldsOf(render(event).embed).Maintainer).toBe('Bob from the league')
    event.log_entry.maintainer_names = ''
    expect(fieldsOf(render(event).embed)['Logged by']).toBe('brian')
  })

  it('neutralises mentions in public text and escapes Markdown in names', () => {
    const event = clone(SAMPLE_EVENTS['problem_report.created']) as Extract<KnockerEvent, { event: 'problem_report.created' }>
    event.problem_report.description = 'Flipper dead @everyone <@&123456789012345678> look'
    event.problem_report.reporter = { display: '**@here**', username: null }
    const { embed, body } = render(event)
    expect(embed.description).toBe(`Flipper dead @${ZW}everyone <${ZW}@&123456789012345678> look`)
    expect(fieldsOf(embed)['Reported by']).toBe(`\\*\\*@${ZW}here\\*\\*`)
    expect(body.allowed_mentions).toEqual({ parse: [] })
  })

  it('never carries a reporter contact, even if one slipped past the schema', () => {
    const event = clone(SAMPLE_EVENTS['problem_report.created']) as Extract<KnockerEvent, { event: 'problem_report.created' }>
    Object.assign(event.problem_report, { reported_by_contact: 'visitor@example.org' })
    Object.assign(event.problem_report.reporter!, { contact: '+1 555 0100' })
    const json = JSON.stringify(formatDiscord(event, live))
    expect(json).not.toContain('visitor@example.org')
    expect(json).not.toContain('555 0100')
  })

  it('cuts a long description at 200 words', () => {
    const event = clone(SAMPLE_EVENTS['problem_report.created']) as Extract<KnockerEvent, { event: 'problem_report.created' }>
    event.problem_report.description = Array.from({ length: 300 }, (_, i) => `word${i}`).join(' ')
    const { embed } = render(event)
    expect(embed.description!.split(' ')).toHaveLength(200)
    expect(embed.description!.endsWith('word199…')).toBe(true)
    expect(fieldsOf(embed)['Reported by']).toBe('Anonymous')
  })
})

describe('formatDiscord: test sends', () => {
  it('says TEST in the content, the title, the footer and the summary', () => {
    const { prepared, body, embed } = render(SAMPLE_EVENTS['problem_report.created'], formatCtx({ test: true }))
    expect(body.content).toBe(TEST_NOTICE)
    expect(body.content).toBe('🧪 TEST — sent from Knocker to check this channel; nothing happened at the museum.')
    expect(embed.title).toBe('[TEST] Eight Ball Deluxe — New problem report')
    expect(embed.footer?.text).toBe('Flipfix · M0023 · test message')
    expect(prepared.summary).toBe('TEST · Eight Ball Deluxe: new problem report #412')
    expect(body.allowed_mentions).toEqual({ parse: [] })
  })
})

describe('formatDiscord: huge inputs still fit every limit', () => {
  const longName = 'Ω'.repeat(200)

  it('100k-char description, 200-char machine name, 200-char reporter', () => {
    const event = clone(SAMPLE_EVENTS['problem_report.created']) as Extract<KnockerEvent, { event: 'problem_report.created' }>
    event.machine.name = longName
    event.machine.short_name = null
    event.problem_report.description = 'x'.repeat(100_000)
    event.problem_report.reporter = { display: 'R'.repeat(300), username: null }
    expect(EventSchema.safeParse(event).success).toBe(true)
    const { embed } = render(event)
    assertWithinLimits(embed)
    expect(embed.title).toBe(`${longName} — New problem report`)
    expect(embed.description!.length).toBe(3000)
    expect(fieldsOf(embed)['Reported by']).toBe('R'.repeat(300))
  })

  it('100 maintainers: the list says how many more, the work date survives', () => {
    const event = clone(SAMPLE_EVENTS['log_entry.created']) as Extract<KnockerEvent, { event: 'log_entry.created' }>
    event.machine.name = longName
    event.machine.short_name = null
    event.log_entry.maintainers = Array.from({ length: 100 }, (_, i) => ({
      username: `m${i}`,
      display_name: `Maintainer Number ${i} ${'z'.repeat(250)}`,
    }))
    event.log_entry.text = '😀 '.repeat(50_000)
    expect(EventSchema.safeParse(event).success).toBe(true)
    const { embed } = render(event)
    assertWithinLimits(embed)
    const fields = fieldsOf(embed)
    expect(fields.Maintainers).toMatch(/ and 9\d more$/)
    expect(fields['Work date']).toMatch(/^<t:\d+:D>$/)
    expect(embed.title!.endsWith(' — Work logged')).toBe(true)
  })

  it('a test send with a 200-char name keeps the [TEST] prefix and the event in the title', () => {
    const event = clone(SAMPLE_EVENTS['machine.status_changed'])
    event.machine.name = 'N'.repeat(200)
    const { embed } = render(event, formatCtx({ test: true }))
    expect(embed.title).toBe(`[TEST] ${'N'.repeat(200)} — Status: Good → Broken`)
    assertWithinLimits(embed)
  })
})

describe('fitEmbed (generic)', () => {
  it('applies each per-part limit with exact lengths', () => {
    const out = fitEmbed({
      title: 't'.repeat(1000),
      description: 'd'.repeat(100_000),
      fields: Array.from({ length: 40 }, (_, i) => ({ name: `f${i}`, value: 'v' })),
      footer: { text: 'f'.repeat(3000) },
      author: { name: 'a'.repeat(500) },
      color: 0x1ffffff,
    })
    expect(out.title).toHaveLength(256)
    expect(out.title!.endsWith('…')).toBe(true)
    expect(out.fields).toHaveLength(25)
    expect(out.fields![24]).toEqual({ name: 'f24', value: 'v' })
    expect(out.color).toBe(0xffffff)
    expect(out.author!.name).toHaveLength(256)
    expect(out.footer!.text).toHaveLength(2048)
    // names f0..f9 (2 chars) and f10..f24 (3 chars), 25 one-char values
    const fieldChars = 10 * 2 + 15 * 3 + 25
    expect(out.description).toHaveLength(6000 - 256 - fieldChars - 2048 - 256)
    expect(embedTextLength(out)).toBe(6000)
  })

  it('trims the description first and leaves fields whole when that is enough', () => {
    const fields = [
      { name: 'Reported by', value: 'Anonymous' },
      { name: 'Notes', value: 'n'.repeat(1024) },
      { name: 'More', value: 'm'.repeat(1024) },
    ]
    const out = fitEmbed({ title: 'T'.repeat(256), description: 'd'.repeat(4096), fields })
    expect(out.fields).toEqual(fields)
    expect(out.title).toBe('T'.repeat(256))
    expect(embedTextLength(out)).toBe(6000)
    expect(out.description).toHaveLength(6000 - 256 - (11 + 9 + 5 + 1024 + 4 + 1024))
  })

  it('shares the cut between long field values and keeps short attribution fields', () => {
    const fields = [
      { name: 'Reported by', value: 'Anonymous' },
      ...Array.from({ length: 24 }, (_, i) => ({ name: `Field ${i}`, value: 'v'.repeat(1024) })),
    ]
    const out = fitEmbed({ title: 'Title', description: 'd'.repeat(4096), fields })
    expect(embedTextLength(out)).toBeLessThanOrEqual(6000)
    expect(out.title).toBe('Title')
    expect(out.fields).toHaveLength(25)
    expect(out.fields![0]).toEqual({ name: 'Reported by', value: 'Anonymous' })
    // all long values were cut to one common length, the description to the same or less
    const lengths = new Set(out.fields!.slice(1).map((f) => f.value.length))
    expect(lengths.size).toBe(1)
    expect(out.description!.length).toBeLessThanOrEqual([...lengths][0])
  })

  it('fills empty field names and values so Discord accepts them', () => {
    const out = fitEmbed({ fields: [{ name: '', value: '  ' }] })
    expect(out.fields).toEqual([{ name: ZW, value: ZW }])
  })

  it('never splits an emoji at any cut', () => {
    const out = fitEmbed({ title: '😀'.repeat(300), description: '😀'.repeat(5000) })
    assertWithinLimits(out)
    expect(out.title).toHaveLength(255) // 127 emoji + '…'
  })

  it('fits a smaller budget, dropping fields from the end only as a last resort', () => {
    const out = fitEmbed(
      { title: 'Title', description: 'desc', fields: [{ name: 'Who', value: 'Diana' }], footer: { text: 'Flipfix · M0001' } },
      20,
    )
    expect(embedTextLength(out)).toBeLessThanOrEqual(20)
    expect(out.fields).toEqual([{ name: 'Who', value: 'Diana' }])
    expect(out.title!.length).toBeGreaterThan(0)
  })

  it('does not modify its input', () => {
    const input: APIEmbed = { description: 'd'.repeat(5000), fields: [{ name: 'n', value: 'v'.repeat(2000) }] }
    const copy = structuredClone(input)
    fitEmbed(input)
    expect(input).toEqual(copy)
  })
})
