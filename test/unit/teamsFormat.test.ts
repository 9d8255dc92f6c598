import { describe, expect, it } from 'vitest'
import { TEST_NOTICE } from '../../src/main/core/channels/eventView'
import { CardTooLargeError, fitCard, messageBytes, TEAMS_LIMITS } from '../../src/main/core/channels/teams/limits'
import { formatTeams, type TeamsMessage } from '../../src/main/core/channels/teams/message'
import type { EventType, KnockerEvent } from '../../src/shared/events'
import { SAMPLE_EVENTS } from '../../src/shared/samples'
import { formatCtx } from './formatContext'

const SITE = 'https://flipfix.theflip.museum'

function render(event: KnockerEvent, ctx = formatCtx(), budget?: number) {
  const prepared = formatTeams(event, ctx, budget)
  const message = prepared.body as TeamsMessage
  expect(message.attachments).toHaveLength(1)
  const card = message.attachments[0].content
  const texts = card.body.filter((b) => b.type === 'TextBlock') as Array<Record<string, any>>
  const factSet = card.body.find((b) => b.type === 'FactSet') as { facts: Array<{ title: string; value: string }> } | undefined
  return {
    prepared,
    message,
    card,
    title: texts[0],
    facts: factSet?.facts ?? [],
    description: card.body.find((b) => b.type === 'TextBlock' && b.wrap === true && !b.weight && !b.isSubtle)?.text as string | undefined,
    footer: texts.at(-1)!.text as string,
  }
}

const sample = (type: EventType) => structuredClone(SAMPLE_EVENTS[type])
const pairs = (facts: Array<{ title: string; value: string }>) => facts.map((f) => [f.title, f.value])

describe('formatTeams: the Workflows envelope', () => {
  it('is a message with one Adaptive Card 1.4 attachment, never a MessageCard', () => {
    const { message, card } = render(sample('problem_report.created'))
    expect(Object.keys(message)).toEqual(['type', 'summary', 'text', 'attachments'])
    expect(message.type).toBe('message')
    expect(message.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive')
    expect(message.attachments[0].contentUrl).toBeNull()
    expect(card.$schema).toBe('http://adaptivecards.io/schemas/adaptive-card.json')
    expect(card.type).toBe('AdaptiveCard')
    expect(card.version).toBe('1.4')
    expect(card.msteams).toEqual({ width: 'Full' })
    expect(JSON.stringify(message)).not.toMatch(/MessageCard|o365connector|themeColor/)
  })

  it('puts one preview line on the message (summary, text) and the card (fallbackText, speak)', () => {
    const { message, card, prepared } = render(sample('problem_report.created'))
    const preview = 'Eight Ball Deluxe: new problem report #412'
    expect([message.summary, message.text, card.fallbackText, card.speak, prepared.summary]).toEqual([preview, preview, preview, preview, preview])
  })
})

describe('formatTeams: every event type shows what Discord shows', () => {
  it('problem_report.created: attention title, location/type/reporter, description, link to the report', () => {
    const r = render(sample('problem_report.created'))
    expect(r.title).toEqual({
      type: 'TextBlock',
      text: 'Eight Ball Deluxe — New problem report',
      weight: 'bolder',
      size: 'medium',
      color: 'attention',
      wrap: true,
    })
    expect(pairs(r.facts)).toEqual([
      ['Location', 'Museum'],
      ['Problem type', 'Other'],
      ['Reported by', 'Anonymous'],
    ])
    expect(r.description).toBe('#1 drop target spring missing')
    expect(r.card.actions).toEqual([{ type: 'Action.OpenUrl', title: 'Open problem report', url: `${SITE}/problem-reports/412/` }])
    expect(r.footer).toBe('Flipfix · M0023 · {{DATE(2026-07-18T19:02:11Z, SHORT)}} {{TIME(2026-07-18T19:02:11Z)}}')
    expect(r.card.body.map((b) => b.type)).toEqual(['TextBlock', 'FactSet', 'TextBlock', 'TextBlock'])
  })

  it('problem_report.closed: good colour, who closed it', () => {
    const r = render(sample('problem_report.closed'))
    expect([r.title.text, r.title.color]).toEqual(['Eight Ball Deluxe — Problem report closed', 'good'])
    expect(pairs(r.facts)).toEqual([
      ['Problem type', 'Other'],
      ['Closed by', 'Diana'],
    ])
    expect(r.card.actions[0].url).toBe(`${SITE}/problem-reports/412/`)
    expect(r.message.summary).toBe('Eight Ball Deluxe: problem report #412 closed by Diana')
  })

  it('problem_report.reopened: warning colour, priority and who reopened it', () => {
    const r = render(sample('problem_report.reopened'))
    expect([r.title.text, r.title.color]).toEqual(['Twilight Zone — Problem report reopened', 'warning'])
    expect(pairs(r.facts)).toEqual([
      ['Problem type', 'Other'],
      ['Priority', 'Major'],
      ['Reopened by', 'ken'],
    ])
    expect(r.description).toBe('Ball lift stopped working again.')
    expect(r.message.summary).toBe('Twilight Zone: problem report #398 reopened by ken')
  })

  it('log_entry.created: accent colour, maintainers, work date, time, linked report, rendered links, two buttons', () => {
    const r = render(sample('log_entry.created'))
    expect([r.title.text, r.title.color]).toEqual(['Twilight Zone — Work logged', 'accent'])
    expect(pairs(r.facts)).toEqual([
      ['Maintainers', 'brian, reba'],
      ['Work date', '2026-07-21'],
      ['Time spent', '1 h 30 min'],
      ['Problem report', `[Problem #398](${SITE}/problem-reports/398/) (open)`],
    ])
    expect(r.description).toBe(
      "Machine was not starting up. Button worked, but S relay wasn't triggering. Sanded blades and adjusted alignment. " +
        `See [Problem #398](${SITE}/problem-reports/398/) and [Twilight Zone](${SITE}/machines/twilight-zone/).`,
    )
    expect(r.card.actions).toEqual([
      { type: 'Action.OpenUrl', title: 'Open log entry', url: `${SITE}/logs/4842/` },
      { type: 'Action.OpenUrl', title: 'Open problem report #398', url: `${SITE}/problem-reports/398/` },
    ])
    expect(r.message.summary).toBe('Twilight Zone: log entry #4842 by brian, reba')
  })

  it('machine.created: "New machine added", who, link to the machine, no auto-generated text', () => {
    const r = render(sample('machine.created'))
    expect([r.title.text, r.title.color]).toEqual(['Godzilla — New machine added', 'accent'])
    expect(pairs(r.facts)).toEqual([
      ['Location', 'Museum'],
      ['Added by', 'reba'],
    ])
    expect(r.description).toBeUndefined()
    expect(r.card.actions).toEqual([{ type: 'Action.OpenUrl', title: 'Open machine', url: `${SITE}/machines/godzilla-premium/` }])
  })

  it('machine.status_changed: "Status: Good → Broken" in attention colour', () => {
    const r = render(sample('machine.status_changed'))
    expect([r.title.text, r.title.color]).toEqual(['Roto Pool — Status: Good → Broken', 'attention'])
    expect(pairs(r.facts)).toEqual([
      ['Location', 'Museum'],
      ['Changed by', 'Diana'],
    ])
    expect(r.card.actions[0].url).toBe(`${SITE}/machines/roto-pool/`)
    expect(r.message.summary).toBe('Roto Pool: status Good → Broken')
  })

  it('machine.location_changed: "Location: Workshop → Museum", who moved it', () => {
    const r = render(sample('machine.location_changed'))
    expect([r.title.text, r.title.color]).toEqual(['Twilight Zone — Location: Workshop → Museum', 'accent'])
    expect(pairs(r.facts)).toEqual([['Moved by', 'Floor Terminal']])
    expect(r.message.summary).toBe('Twilight Zone: location Workshop → Museum')
  })

  it('a status change back to good is green, and a null location reads "No Location"', () => {
    const event = sample('machine.location_changed')
    if (event.event !== 'machine.location_changed') throw new Error('type')
    event.change = { field: 'location', from: 'workshop', from_label: 'Workshop', to: null, to_label: null }
    expect(render(event).title.text).toBe('Twilight Zone — Location: Workshop → No Location')
    const status = sample('machine.status_changed')
    if (status.event !== 'machine.status_changed') throw new Error('type')
    status.change = { field: 'operational_status', from: 'broken', from_label: 'Broken', to: 'good', to_label: 'Good' }
    expect(render(status).title.color).toBe('good')
  })
})

describe('formatTeams: test sends say TEST', () => {
  it('in the title, a notice right below it, every preview and the footer', () => {
    const r = render(sample('problem_report.created'), formatCtx({ test: true }))
    expect(r.title.text).toBe('[TEST] Eight Ball Deluxe — New problem report')
    expect(r.card.body[1]).toEqual({ type: 'TextBlock', text: TEST_NOTICE, weight: 'bolder', color: 'warning', wrap: true })
    const preview = 'TEST · Eight Ball Deluxe: new problem report #412'
    expect([r.message.summary, r.message.text, r.card.fallbackText, r.card.speak, r.prepared.summary]).toEqual([preview, preview, preview, preview, preview])
    expect(r.footer.endsWith(' · test message')).toBe(true)
  })

  it('a live send has neither', () => {
    const r = render(sample('problem_report.created'))
    expect(JSON.stringify(r.message)).not.toMatch(/TEST/)
  })
})

describe('formatTeams: text written by the public stays inert', () => {
  it('escapes Markdown in names; mentions and links typed as names do nothing', () => {
    const event = sample('problem_report.created')
    if (event.event !== 'problem_report.created') throw new Error('type')
    event.machine.short_name = '**Big** [win](https://evil.example)'
    event.problem_report.reporter = { display: '- <at>everyone</at> floor_1', username: null }
    const r = render(event)
    expect(r.title.text).toBe('\\*\\*Big\\*\\* \\[win\\](https://evil.example) — New problem report')
    expect(r.facts.find((f) => f.title === 'Reported by')!.value).toBe('\\- \\<at\\>everyone\\</at\\> floor\\_1')
    expect(r.message.summary).toBe('**Big** [win](https://evil.example): new problem report #412')
  })

  it('keeps the Markdown of descriptions but drops control characters', () => {
    const event = sample('problem_report.created')
    if (event.event !== 'problem_report.created') throw new Error('type')
    event.problem_report.description = 'Flipper **weak**\r\nsee [[problem:7]]\u0000\u001b'
    expect(render(event).description).toBe(`Flipper **weak**\nsee [Problem #7](${SITE}/problem-reports/7/)`)
  })

  it('keeps parentheses in link targets from ending the link', () => {
    const event = sample('log_entry.created')
    if (event.event !== 'log_entry.created') throw new Error('type')
    event.log_entry.problem_report = { id: 5, status: 'open', url: `${SITE}/problem-reports/5/(x)` }
    expect(render(event).facts.find((f) => f.title === 'Problem report')!.value).toBe(`[Problem #5](${SITE}/problem-reports/5/%28x%29) (open)`)
  })
})

describe('formatTeams: size', () => {
  function hugeEvent(): KnockerEvent {
    const event = sample('log_entry.created')
    if (event.event !== 'log_entry.created') throw new Error('type')
    event.machine.name = 'M'.repeat(200)
    event.machine.short_name = null
    event.log_entry.text = '漢'.repeat(100_000)
    event.log_entry.maintainer_names = 'n'.repeat(1000)
    event.log_entry.maintainers = Array.from({ length: 100 }, (_, i) => ({ username: `u${i}`, display_name: `Maintainer ${i} ${'x'.repeat(200)}` }))
    return event
  }

  it('huge input stays under 28,000 bytes with the title and facts whole', () => {
    const r = render(hugeEvent())
    const bytes = messageBytes(r.message)
    expect(bytes).toBeLessThanOrEqual(TEAMS_LIMITS.messageBytes)
    expect(r.title.text).toBe(`${'M'.repeat(200)} — Work logged`)
    expect(r.facts.map((f) => f.title)).toEqual(['Maintainers', 'Work date', 'Time spent', 'Problem report'])
    // The list names as many maintainers as fit the fact and counts the rest.
    expect(r.facts[0].value).toMatch(/^Maintainer 0 x+, Maintainer 1 x+, .* and \d+ more$/)
    expect(r.facts[0].value.length).toBeLessThanOrEqual(1000)
  })

  it('within a smaller budget the description is cut first, facts untouched', () => {
    const event = hugeEvent()
    const full = render(event)
    const budget = messageBytes(full.message) - 3000
    const r = render(event, formatCtx(), budget)
    const bytes = messageBytes(r.message)
    expect(bytes).toBeLessThanOrEqual(budget)
    expect(bytes).toBeGreaterThan(budget - 6) // the largest description that fits, not a rough cut
    expect(r.facts).toEqual(full.facts)
    expect(r.description!.endsWith('…')).toBe(true)
    expect(r.description!.length).toBeLessThan(full.description!.length - 900)
  })

  it('then the longest facts, then the rest of the description; a card that cannot fit throws', () => {
    const event = hugeEvent()
    const r = render(event, formatCtx(), 3000)
    expect(messageBytes(r.message)).toBeLessThanOrEqual(3000)
    expect(r.title.text).toContain('Work logged')
    expect(r.facts.find((f) => f.title === 'Time spent')!.value).toBe('1 h 30 min')
    expect(r.facts[0].value.length).toBeLessThanOrEqual(16)
    expect(() => formatTeams(event, formatCtx(), 300)).toThrow(CardTooLargeError)
  })
})

describe('fitCard: cut order with exact numbers', () => {
  // The built "message" is the parts themselves: every ASCII char is one byte, "…" three.
  const build = (p: object) => p
  const parts = () => ({
    title: 'Title',
    description: 'd'.repeat(1000),
    facts: [
      { title: 'a', value: 'v'.repeat(100) },
      { title: 'b', value: 'short' },
    ],
  })

  it('returns the same parts when they fit', () => {
    const p = parts()
    expect(fitCard(p, build, messageBytes(p))).toBe(p)
  })

  it('1. cuts only the description, to the largest length that fits', () => {
    const p = parts()
    const budget = messageBytes(p) - 300
    const fitted = fitCard(p, build, budget)
    expect(fitted.description).toBe('d'.repeat(697) + '…') // 697 + 3 bytes = 1000 − 300
    expect(fitted.facts).toEqual(p.facts)
    expect(messageBytes(fitted)).toBe(budget)
  })

  it('2. below the 500-char floor the facts are cut instead, longest first', () => {
    const p = parts()
    const atFloor = { ...p, description: 'd'.repeat(499) + '…' }
    const budget = messageBytes(atFloor) - 50
    const fitted = fitCard(p, build, budget)
    expect(fitted.description).toBe(atFloor.description)
    expect(fitted.facts).toEqual([
      { title: 'a', value: 'v'.repeat(47) + '…' }, // 50 bytes fewer
      { title: 'b', value: 'short' },
    ])
    expect(messageBytes(fitted)).toBe(budget)
  })

  it('3. then the description goes below its floor; 4. then the title; facts keep 16 chars', () => {
    const p = parts()
    const factsAtFloor = [
      { title: 'a', value: 'v'.repeat(15) + '…' },
      { title: 'b', value: 'short' },
    ]
    const base = { ...p, description: 'd'.repeat(499) + '…', facts: factsAtFloor }
    const fitted = fitCard(p, build, messageBytes(base) - 100)
    expect(fitted.facts).toEqual(factsAtFloor)
    expect(fitted.description).toBe('d'.repeat(399) + '…')
    expect(fitted.title).toBe('Title')

    const noDescription = { title: 'Title', facts: factsAtFloor }
    const tiny = fitCard(p, build, messageBytes(noDescription) - 2)
    expect(tiny.description).toBeUndefined()
    expect(tiny.title).toBe('T') // "Ti…" is as long as "Title" in bytes, "T…" saves only 1
  })

  it('throws rather than return anything over budget', () => {
    expect(() => fitCard(parts(), build, 10)).toThrow('larger than 10 bytes')
  })

  it('the real card layout measures what is sent', () => {
    const body = formatTeams(SAMPLE_EVENTS['machine.created'], formatCtx()).body as TeamsMessage
    expect(messageBytes(body)).toBe(Buffer.byteLength(JSON.stringify(body), 'utf8'))
  })
})
