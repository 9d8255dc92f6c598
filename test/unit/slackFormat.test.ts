import { describe, expect, it } from 'vitest'
import { TEST_NOTICE } from '../../src/main/core/channels/eventView'
import { formatSlack, type SlackMessageBody } from '../../src/main/core/channels/slack/message'
import { BLOCK_LIMITS, BLOCKS_JSON_BUDGET, cutMrkdwn, fitParts, toBlocks } from '../../src/main/core/channels/slack/limits'
import { escapeName, slackDate, slackLink } from '../../src/main/core/channels/slack/syntax'
import type { KnockerEvent } from '../../src/shared/events'
import { SAMPLE_EVENTS } from '../../src/shared/samples'
import { blocksProblem } from '../mocks/slackMock'
import { formatCtx } from './formatContext'

const ZW = '\u200b'
const live = formatCtx()

function render(event: KnockerEvent, ctx = live) {
  const prepared = formatSlack(event, ctx)
  const body = prepared.body as SlackMessageBody
  const block = (id: string) => body.blocks.find((b) => b.block_id === id) as any
  return {
    prepared,
    body,
    ids: body.blocks.map((b) => b.block_id),
    header: block('header')?.text.text as string,
    description: block('description')?.text.text as string | undefined,
    context: (block('context')?.elements ?? []).map((e: any) => e.text) as string[],
    link: block('link')?.text.text as string,
    notice: block('notice')?.text.text as string | undefined,
    fields: fieldsOf(block('fields')),
  }
}

/** "*Name*\nvalue" fields as { Name: value }. */
function fieldsOf(block: any): Record<string, string> {
  const entries = (block?.fields ?? []).map((f: any) => {
    const [, name, value] = /^\*([^*]+)\*\n([\s\S]*)$/.exec(f.text)!
    return [name, value]
  })
  return Object.fromEntries(entries)
}

const clone = <T>(value: T): T => structuredClone(value)
const date = (iso: string, format = '{date_short_pretty} at {time}') => slackDate(iso, format)

describe('formatSlack: one Block Kit message per event type', () => {
  it('problem_report.created: header, location/type/reporter, description, who/when, link', () => {
    const r = render(SAMPLE_EVENTS['problem_report.created'])
    expect(r.ids).toEqual(['header', 'fields', 'description', 'context', 'link'])
    expect(r.header).toBe('🔴 Eight Ball Deluxe — New problem report')
    expect(r.fields).toEqual({ Location: 'Museum', 'Problem type': 'Other', 'Reported by': 'Anonymous' })
    expect(r.description).toBe('#1 drop target spring missing')
    expect(r.context).toEqual([
      'Anonymous · <!date^1784401331^{date_short_pretty} at {time}|2026-07-18 19:02 UTC> · Flipfix · M0023',
    ])
    expect(r.link).toBe('*<https://flipfix.theflip.museum/problem-reports/412/|Open problem report #412 in Flipfix>*')
    expect(r.body.text).toBe('Eight Ball Deluxe: new problem report #412')
    expect(r.body.unfurl_links).toBe(false)
    expect(r.body.unfurl_media).toBe(false)
    expect(r.prepared.summary).toBe('Eight Ball Deluxe: new problem report #412')
    expect(r.notice).toBeUndefined()
  })

  it('problem_report.closed: who closed it', () => {
    const r = render(SAMPLE_EVENTS['problem_report.closed'])
    expect(r.header).toBe('🟢 Eight Ball Deluxe — Problem report closed')
    expect(r.fields).toEqual({ 'Problem type': 'Other', 'Closed by': 'Diana' })
    expect(r.context[0]).toMatch(/^Diana · <!date\^1784655600\^/)
    expect(r.link).toContain('<https://flipfix.theflip.museum/problem-reports/412/|')
    expect(r.body.text).toBe('Eight Ball Deluxe: problem report #412 closed by Diana')
  })

  it('problem_report.reopened: priority and who reopened it', () => {
    const r = render(SAMPLE_EVENTS['problem_report.reopened'])
    expect(r.header).toBe('🟠 Twilight Zone — Problem report reopened')
    expect(r.fields).toEqual({ 'Problem type': 'Other', Priority: 'Major', 'Reopened by': 'ken' })
    expect(r.description).toBe('Ball lift stopped working again.')
    expect(r.link).toBe('*<https://flipfix.theflip.museum/problem-reports/398/|Open problem report #398 in Flipfix>*')
    expect(r.body.text).toBe('Twilight Zone: problem report #398 reopened by ken')
  })

  it('log_entry.created: maintainers, work date, time spent, linked report, [[links]] rendered', () => {
    const r = render(SAMPLE_EVENTS['log_entry.created'])
    expect(r.header).toBe('🔵 Twilight Zone — Work logged')
    expect(r.fields).toEqual({
      Maintainers: 'brian, reba',
      'Work date': '<!date^1784642400^{date_short_pretty}|2026-07-21>',
      'Time spent': '1 h 30 min',
      'Problem report': '<https://flipfix.theflip.museum/problem-reports/398/|Problem #398> (open)',
    })
    expect(r.description).toBe(
      "Machine was not starting up. Button worked, but S relay wasn't triggering. Sanded blades and adjusted alignment. " +
        'See <https://flipfix.theflip.museum/problem-reports/398/|Problem #398> and ' +
        '<https://flipfix.theflip.museum/machines/twilight-zone/|Twilight Zone>.',
    )
    expect(r.link).toBe('*<https://flipfix.theflip.museum/logs/4842/|Open log entry #4842 in Flipfix>*')
    expect(r.context[0]).toBe(`brian · ${date('2026-07-21T16:55:00Z')} · Flipfix · M0031`)
    expect(r.body.text).toBe('Twilight Zone: log entry #4842 by brian, reba')
  })

  it('machine.created: location and who added it, links to the machine', () => {
    const r = render(SAMPLE_EVENTS['machine.created'])
    expect(r.header).toBe('🔵 Godzilla — New machine added')
    expect(r.fields).toEqual({ Location: 'Museum', 'Added by': 'reba' })
    // the auto-generated log text only repeats the header
    expect(r.description).toBeUndefined()
    expect(r.ids).toEqual(['header', 'fields', 'context', 'link'])
    expect(r.link).toBe('*<https://flipfix.theflip.museum/machines/godzilla-premium/|Open the machine in Flipfix>*')
    expect(r.body.text).toBe('Godzilla: new machine added')
  })

  it('machine.status_changed: "Status: Good → Broken", who changed it', () => {
    const r = render(SAMPLE_EVENTS['machine.status_changed'])
    expect(r.header).toBe('🔴 Roto Pool — Status: Good → Broken')
    expect(r.fields).toEqual({ Location: 'Museum', 'Changed by': 'Diana' })
    expect(r.link).toBe('*<https://flipfix.theflip.museum/machines/roto-pool/|Open the machine in Flipfix>*')
    expect(r.body.text).toBe('Roto Pool: status Good → Broken')
  })

  it('machine.location_changed: "Location: Workshop → Museum", shared terminal by its display name', () => {
    const r = render(SAMPLE_EVENTS['machine.location_changed'])
    expect(r.header).toBe('🔵 Twilight Zone — Location: Workshop → Museum')
    expect(r.fields).toEqual({ 'Moved by': 'Floor Terminal' })
    expect(r.context[0]).toMatch(/^Floor Terminal · /)
    expect(r.body.text).toBe('Twilight Zone: location Workshop → Museum')
  })

  it('every sample passes the mock\'s Block Kit checks', () => {
    for (const event of Object.values(SAMPLE_EVENTS)) {
      for (const test of [false, true]) expect(blocksProblem(render(event, formatCtx({ test })).body.blocks)).toBeNull()
    }
  })
})

describe('formatSlack: test sends', () => {
  it('say TEST in the header, the notification text, a notice block and the context line', () => {
    const r = render(SAMPLE_EVENTS['problem_report.created'], formatCtx({ test: true }))
    expect(r.header).toBe('[TEST] 🔴 Eight Ball Deluxe — New problem report')
    expect(r.body.text).toBe('TEST · Eight Ball Deluxe: new problem report #412')
    expect(r.notice).toBe(TEST_NOTICE)
    expect(r.ids).toEqual(['header', 'notice', 'fields', 'description', 'context', 'link'])
    expect(r.context[0]).toMatch(/ · test message$/)
    expect(r.prepared.summary).toBe('TEST · Eight Ball Deluxe: new problem report #412')
  })
})

describe('formatSlack: text written by the public', () => {
  const MENTIONS = ['<!channel>', '<!here>', '<!everyone>', '<@U024BE7LH>', '<#C024BE7LR>', '<!subteam^SAZ94GDB8>']

  it('neutralises every Slack mention in a description (entities, as Slack documents)', () => {
    const event = clone(SAMPLE_EVENTS['problem_report.created']) as Extract<KnockerEvent, { event: 'problem_report.created' }>
    event.problem_report.description = `Flipper dead ${MENTIONS.join(' ')} @channel & <b>`
    const r = render(event)
    expect(r.description).toBe(
      'Flipper dead &lt;!channel&gt; &lt;!here&gt; &lt;!everyone&gt; &lt;@U024BE7LH&gt; &lt;#C024BE7LR&gt; ' +
        `&lt;!subteam^SAZ94GDB8&gt; @${ZW}channel &amp; &lt;b&gt;`,
    )
    const json = JSON.stringify(r.body)
    for (const mention of MENTIONS) expect(json).not.toContain(mention)
  })

  it('neutralises mentions in names: fields, header, context and the text fallback', () => {
    const event = clone(SAMPLE_EVENTS['problem_report.closed'])
    event.machine.short_name = '<!channel> *Gorgar*'
    event.actor = { username: 'x', display_name: '<!here> @everyone _x_', is_shared_account: false }
    const r = render(event)
    expect(r.header).toBe(`🟢 <${ZW}!channel> *Gorgar* — Problem report closed`)
    expect(r.fields['Closed by']).toBe(`&lt;!here&gt; @${ZW}everyone ${ZW}_${ZW}x${ZW}_${ZW}`)
    expect(r.context[0].startsWith(`&lt;!here&gt; @${ZW}everyone `)).toBe(true)
    expect(r.body.text).toBe(`&lt;!channel&gt; *Gorgar*: problem report #412 closed by &lt;!here&gt; @${ZW}everyone _x_`)
    const json = JSON.stringify(r.body)
    for (const mention of ['<!channel>', '<!here>', '@everyone']) expect(json).not.toContain(mention)
  })

  it('keeps formatting: Markdown links and bare URLs become Slack links, **bold** becomes *bold*', () => {
    // A report's description is text written by the public, sent as the description block.
    const described = (description: string) => {
      const event = clone(SAMPLE_EVENTS['problem_report.created']) as Extract<KnockerEvent, { event: 'problem_report.created' }>
      event.problem_report.description = description
      return render(event).description
    }
    expect(described('See [the manual](https://ipdb.org/x?a=1&b=2) and https://example.org/y. **Now**!')).toBe(
      'See <https://ipdb.org/x?a=1&amp;b=2|the manual> and <https://example.org/y>. *Now*!',
    )
    expect(described('# Heading\n~~old~~ <script>')).toBe('*Heading*\n~old~ &lt;script&gt;')
    // a label cannot smuggle in a mention, and a URL cannot end the link early
    expect(slackLink('<!channel>|x', 'https://a.example/p?q=1|2>3')).toBe('<https://a.example/p?q=1%7C2%3E3|&lt;!channel&gt;¦x>')
  })

  it('escapes names so they cannot restyle the message or start a quote', () => {
    expect(escapeName('> *Big* Bang')).toBe(`${ZW}&gt; ${ZW}*${ZW}Big${ZW}*${ZW} Bang`)
  })

  it('never carries a reporter contact, even if one slipped past the schema', () => {
    const event = clone(SAMPLE_EVENTS['problem_report.created']) as Extract<KnockerEvent, { event: 'problem_report.created' }>
    Object.assign(event.problem_report, { reported_by_contact: 'visitor@example.org' })
    Object.assign(event.problem_report.reporter!, { contact: '+1 555 0100' })
    const json = JSON.stringify(formatSlack(event, live))
    expect(json).not.toContain('visitor@example.org')
    expect(json).not.toContain('555 0100')
  })
})

describe('formatSlack: Block Kit limits', () => {
  function hugeLog() {
    const event = clone(SAMPLE_EVENTS['log_entry.created']) as Extract<KnockerEvent, { event: 'log_entry.created' }>
    event.machine.name = 'M'.repeat(200)
    event.machine.short_name = null
    event.log_entry.text = 'word & <!channel> '.repeat(6000)
    event.log_entry.maintainer_names = 'n'.repeat(1000)
    event.log_entry.maintainers = Array.from({ length: 100 }, (_, i) => ({
      username: `u${i}`,
      display_name: `Maintainer ${i} ${'x'.repeat(200)}`,
    }))
    return event
  }

  function assertWithinLimits(body: SlackMessageBody) {
    expect(blocksProblem(body.blocks)).toBeNull()
    expect(JSON.stringify(body.blocks).length).toBeLessThanOrEqual(BLOCKS_JSON_BUDGET)
    expect(body.blocks.length).toBeLessThanOrEqual(50)
    for (const block of body.blocks as any[]) {
      expect(block.block_id.length).toBeLessThanOrEqual(255)
      if (block.type === 'header') expect(block.text.text.length).toBeLessThanOrEqual(150)
      if (block.type === 'section' && block.text) expect(block.text.text.length).toBeLessThanOrEqual(3000)
      if (block.type === 'section' && block.fields) {
        expect(block.fields.length).toBeLessThanOrEqual(10)
        for (const f of block.fields) expect(f.text.length).toBeLessThanOrEqual(2000)
      }
      if (block.type === 'context') expect(block.elements.length).toBeLessThanOrEqual(10)
    }
    expect(body.text.length).toBeGreaterThan(0)
    // no lone surrogate, no half entity, no unclosed link anywhere
    const json = JSON.stringify(body)
    expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(json)).toBe(false)
    expect(json).not.toMatch(/&(?!amp;|lt;|gt;)/)
  }

  it('fits a 100k-character description, 200-character names and 100 maintainers', () => {
    const report = clone(SAMPLE_EVENTS['problem_report.created']) as Extract<KnockerEvent, { event: 'problem_report.created' }>
    report.machine.name = 'N'.repeat(200)
    report.machine.short_name = null
    report.problem_report.description = '<!channel> ' + 'ö'.repeat(100_000)
    report.problem_report.reporter = { display: 'R'.repeat(300), username: null }
    report.machine.location = { name: 'L'.repeat(200), slug: 'l', zone: 'front' }
    const r = render(report)
    assertWithinLimits(r.body)
    // the machine name is shortened, the event never
    expect(r.header).toHaveLength(150)
    expect(r.header.endsWith('… — New problem report')).toBe(true)
    expect(r.description!.length).toBeLessThanOrEqual(3000)
    expect(r.description!.startsWith('&lt;!channel&gt; ööö')).toBe(true)
    expect(r.fields['Reported by']).toBe('R'.repeat(300))
    expect(r.link).toContain('problem-reports/412/')

    const log = render(hugeLog())
    assertWithinLimits(log.body)
    expect(log.fields.Maintainers).toMatch(/^Maintainer 0 x+, Maintainer 1 x+, .* and \d+ more$/)
    expect(log.fields.Maintainers.length).toBeLessThanOrEqual(1000)
    expect(log.fields['Work date']).toBe('<!date^1784642400^{date_short_pretty}|2026-07-21>')
  })

  it('never leaves half a link when the description is cut inside one', () => {
    const event = clone(SAMPLE_EVENTS['problem_report.created']) as Extract<KnockerEvent, { event: 'problem_report.created' }>
    event.problem_report.description = `${'a'.repeat(2950)} [label](https://example.org/${'p'.repeat(200)}) tail`
    const r = render(event)
    expect(r.description).toBe(`${'a'.repeat(2950)}…`)
  })

  it('cutMrkdwn drops a half entity or half link at the cut', () => {
    expect(cutMrkdwn('ab &amp; cd', 6)).toBe('ab…')
    expect(cutMrkdwn('see <https://x.example/long|label> ok', 12)).toBe('see…')
    expect(cutMrkdwn('short', 10)).toBe('short')
  })

  it('fitParts cuts the description first, then the longest field values, within the budget', () => {
    const parts = {
      header: 'H',
      fields: [
        { name: 'Short', value: 'Diana' },
        { name: 'Long', value: 'v'.repeat(1900) },
      ],
      description: 'd'.repeat(3000),
      context: ['c'],
      link: '<https://x.example|x>',
    }
    const roomy = fitParts(parts, 100_000)
    expect(roomy.description).toHaveLength(3000)
    const mid = fitParts(parts, 4000)
    expect(JSON.stringify(toBlocks(mid)).length).toBeLessThanOrEqual(4000)
    expect(mid.description!.length).toBeLessThan(3000)
    expect(mid.description!.length).toBeGreaterThanOrEqual(1000)
    expect(mid.fields[1].value).toHaveLength(1900)
    const tight = fitParts(parts, 1500)
    expect(JSON.stringify(toBlocks(tight)).length).toBeLessThanOrEqual(1500)
    expect(tight.fields[0].value).toBe('Diana')
    expect(tight.fields[1].value.length).toBeLessThan(1900)
    expect(tight.description!.length).toBe(tight.fields[1].value.length)
  })

  it('keeps at most 10 fields and 10 context elements', () => {
    const parts = fitParts({
      header: 'H',
      fields: Array.from({ length: 12 }, (_, i) => ({ name: `F${i}`, value: 'v' })),
      context: Array.from({ length: 12 }, () => 'c'),
      link: 'l',
    })
    expect(parts.fields).toHaveLength(BLOCK_LIMITS.fields)
    expect(parts.context).toHaveLength(BLOCK_LIMITS.contextElements)
  })
})

describe('slackDate', () => {
  it('renders in the reader\'s time zone with a UTC fallback', () => {
    expect(slackDate('2026-07-21T14:00:00Z')).toBe('<!date^1784642400^{date_short_pretty}|2026-07-21>')
    expect(slackDate('2026-07-21T14:00:00Z', '{date_short_pretty} at {time}')).toBe(
      '<!date^1784642400^{date_short_pretty} at {time}|2026-07-21 14:00 UTC>',
    )
    expect(slackDate('not a date <x>')).toBe('not a date &lt;x&gt;')
  })
})
