// Late notices: the shared wording, and where each channel's single message says it.
import type { APIEmbed, RESTPostAPIWebhookWithTokenJSONBody } from 'discord-api-types/v10'
import { afterAll, describe, expect, it } from 'vitest'
import { formatDiscord } from '../../src/main/core/channels/discord/message'
import { EMBED_LIMITS, embedTextLength } from '../../src/main/core/channels/discord/limits'
import type { EmailMessage } from '../../src/main/core/channels/email/message'
import { formatEmail } from '../../src/main/core/channels/email/message'
import { formatSlack, type SlackMessageBody } from '../../src/main/core/channels/slack/message'
import { BLOCKS_JSON_BUDGET } from '../../src/main/core/channels/slack/limits'
import { messageBytes, TEAMS_LIMITS } from '../../src/main/core/channels/teams/limits'
import { formatTeams, type TeamsMessage } from '../../src/main/core/channels/teams/message'
import type { FormatContext, LateNotice } from '../../src/main/core/channels/types'
import { webhookChannel } from '../../src/main/core/channels/webhook'
import { byteLength, MAX_BODY_BYTES } from '../../src/main/core/channels/webhook/payloadLimit'
import { lateLine } from '../../src/main/core/text/lateNotice'
import { conversationKey } from '../../src/shared/conversation'
import { EVENT_TYPES, type EventType, type KnockerEvent } from '../../src/shared/events'
import { SAMPLE_EVENTS } from '../../src/shared/samples'
import { blocksProblem } from '../mocks/slackMock'
import { formatCtx } from './formatContext'

const MIN = 60_000
const HOUR = 60 * MIN
const DAY = 24 * HOUR
const ZW = '\u200b'
const offline: LateNotice = { ms: 2 * HOUR + 11 * MIN, reason: 'the museum was offline' }
const LINE = '⏱ 2 h 11 min late — the museum was offline'
const late = (patch: Partial<FormatContext> = {}) => formatCtx({ late: offline, ...patch })

function sample<T extends EventType>(type: T): Extract<KnockerEvent, { event: T }> {
  return structuredClone(SAMPLE_EVENTS[type]) as Extract<KnockerEvent, { event: T }>
}

/** A report with every text far beyond its limit (more than any message may hold). */
function hugeReport() {
  const event = sample('problem_report.created')
  event.machine.name = 'Ω'.repeat(200)
  event.machine.short_name = null
  event.machine.location = { name: 'L'.repeat(2000), slug: 'l', zone: 'front' }
  event.problem_report.description = 'x'.repeat(100_000)
  event.problem_report.problem_type_label = 'T'.repeat(2000)
  event.problem_report.priority = 'major'
  event.problem_report.priority_label = 'P'.repeat(2000)
  event.problem_report.reporter = { display: 'R'.repeat(300), username: null }
  return event
}

describe('lateLine reads the delay', () => {
  it.each([
    [7 * MIN, '7 min'],
    [2 * HOUR + 11 * MIN, '2 h 11 min'],
    [3 * DAY + 4 * HOUR + 50 * MIN, '3 days 4 h'],
    [DAY, '1 day'],
    [DAY + 59 * MIN, '1 day'],
    [2 * HOUR, '2 h'],
    [60 * MIN, '1 h'],
    [59 * MIN + 40_000, '1 h'], // rounded to the minute first
    [90_000, '2 min'],
    [20_000, '1 min'], // never "0 min"
    [0, '1 min'],
    [-5 * MIN, '1 min'],
    [Number.NaN, '1 min'],
  ])('%d ms reads "%s"', (ms, text) => {
    expect(lateLine({ ms, reason: 'the museum was offline' }, { withReason: false })).toBe(`⏱ ${text} late`)
  })
})

describe('lateLine', () => {
  it('says how late and why, in one line', () => {
    expect(lateLine(offline)).toBe(LINE)
    expect(lateLine({ ms: 7 * MIN, reason: 'Discord was\nnot accepting messages' })).toBe(
      '⏱ 7 min late — Discord was not accepting messages',
    )
  })

  it('can leave out the reason, or say "up to" for the longest of several', () => {
    expect(lateLine(offline, { withReason: false })).toBe('⏱ 2 h 11 min late')
    expect(lateLine(offline, { upTo: true })).toBe('⏱ up to 2 h 11 min late — the museum was offline')
    expect(lateLine({ ms: 7 * MIN, reason: '  ' })).toBe('⏱ 7 min late')
  })

  it('keeps a long reason to a bounded line', () => {
    const line = lateLine({ ms: 7 * MIN, reason: 'r'.repeat(5000) })
    expect(line.length).toBeLessThanOrEqual(140)
    expect(line.endsWith('r…')).toBe(true)
  })
})

describe('every channel: no late notice, no change', () => {
  it.each(['discord', 'slack', 'teams', 'email', 'webhook'] as const)('%s: late null or absent formats identically', (kind) => {
    const format = {
      discord: formatDiscord,
      slack: formatSlack,
      teams: (e: KnockerEvent, c: FormatContext) => formatTeams(e, c),
      email: formatEmail,
      webhook: webhookChannel.format,
    }[kind]
    for (const type of EVENT_TYPES) {
      const event = SAMPLE_EVENTS[type]
      const absent = JSON.stringify(format(event, formatCtx()))
      expect(JSON.stringify(format(event, formatCtx({ late: null })))).toBe(absent)
      expect(JSON.stringify(format(event, late()))).not.toBe(absent)
    }
  })
})

describe('Discord: first line of the embed description', () => {
  const embedOf = (event: KnockerEvent, ctx: FormatContext): APIEmbed =>
    (formatDiscord(event, ctx).body as RESTPostAPIWebhookWithTokenJSONBody).embeds![0]

  it('goes above the report text; nothing else changes', () => {
    const event = sample('problem_report.created')
    const plain = embedOf(event, formatCtx())
    const embed = embedOf(event, late())
    expect(embed.description).toBe(`${LINE}\n\n#1 drop target spring missing`)
    expect({ ...embed, description: plain.description }).toEqual(plain)
    expect(formatDiscord(event, late()).summary).toBe('Eight Ball Deluxe: new problem report #412')
  })

  it('is the whole description when the event has no text', () => {
    expect(embedOf(sample('machine.created'), late()).description).toBe(LINE)
  })

  it('is never cut by the length cap: a huge report still fits every limit', () => {
    // Without the line the cap already bites: the text is cut to make room for the fields.
    expect(embedTextLength(embedOf(hugeReport(), formatCtx()))).toBe(EMBED_LIMITS.total)
    const embed = embedOf(hugeReport(), late())
    expect(embed.description!.startsWith(`${LINE}\n\nxxx`)).toBe(true)
    expect(embed.description!.length).toBeLessThanOrEqual(EMBED_LIMITS.description)
    expect(embedTextLength(embed)).toBeLessThanOrEqual(EMBED_LIMITS.total)
    expect(embed.fields!.find((f) => f.name === 'Reported by')!.value).toBe('R'.repeat(300))
  })

  it('is inert: a reason cannot ping or restyle', () => {
    const embed = embedOf(sample('machine.created'), late({ late: { ms: 7 * MIN, reason: '@everyone *look*' } }))
    expect(embed.description).toBe(`⏱ 7 min late — @${ZW}everyone \\*look\\*`)
  })

  it('keeps forum threads working', () => {
    const prepared = formatDiscord(sample('problem_report.closed'), late({ options: { forum: true }, threadId: '99' }))
    expect(prepared.query).toEqual({ thread_id: '99' })
  })
})

describe('Slack: a context line under the header and in the fallback text', () => {
  const bodyOf = (event: KnockerEvent, ctx: FormatContext) => formatSlack(event, ctx).body as SlackMessageBody

  it('comes right after the header', () => {
    const body = bodyOf(sample('problem_report.created'), late())
    expect(body.blocks.map((b) => b.block_id)).toEqual(['header', 'late', 'fields', 'description', 'context', 'link'])
    expect(body.blocks[1]).toEqual({ type: 'context', block_id: 'late', elements: [{ type: 'mrkdwn', text: LINE, verbatim: true }] })
    expect(body.text).toBe(`Eight Ball Deluxe: new problem report #412 (${LINE})`)
    expect(formatSlack(sample('problem_report.created'), late()).summary).toBe('Eight Ball Deluxe: new problem report #412')
  })

  it('is inert in both places', () => {
    const body = bodyOf(sample('machine.created'), late({ late: { ms: 7 * MIN, reason: '<!channel> @here *x*' } }))
    const text = (body.blocks[1] as any).elements[0].text as string
    expect(text).toBe(`⏱ 7 min late — &lt;!channel&gt; @${ZW}here ${ZW}*${ZW}x${ZW}*${ZW}`)
    expect(body.text).toContain(`&lt;!channel&gt; @${ZW}here`)
  })

  it('a huge report with the line still passes every Block Kit check', () => {
    const body = bodyOf(hugeReport(), late())
    expect(blocksProblem(body.blocks, BLOCKS_JSON_BUDGET)).toBeNull()
    expect((body.blocks[1] as any).elements[0].text).toBe(LINE)
  })
})

describe('Teams: a subtle line under the title and in every preview', () => {
  const render = (event: KnockerEvent, ctx: FormatContext) => {
    const prepared = formatTeams(event, ctx)
    const message = prepared.body as TeamsMessage
    return { prepared, message, card: message.attachments[0].content }
  }

  it('is the second TextBlock, small and subtle; previews carry it, the history summary does not', () => {
    const { prepared, message, card } = render(sample('problem_report.created'), late())
    expect(card.body[0].text).toBe('Eight Ball Deluxe — New problem report')
    expect(card.body[1]).toEqual({ type: 'TextBlock', text: LINE, isSubtle: true, size: 'small', wrap: true, spacing: 'none' })
    const preview = `Eight Ball Deluxe: new problem report #412 (${LINE})`
    expect([message.summary, message.text, card.fallbackText, card.speak]).toEqual([preview, preview, preview, preview])
    expect(prepared.summary).toBe('Eight Ball Deluxe: new problem report #412')
  })

  it('escapes Markdown in the reason', () => {
    const { card } = render(sample('machine.created'), late({ late: { ms: 7 * MIN, reason: '**bold** <at>x</at>' } }))
    expect(card.body[1].text).toBe('⏱ 7 min late — \\*\\*bold\\*\\* \\<at\\>x\\</at\\>')
  })

  it('a huge report with the line stays under 28,000 bytes and keeps the line', () => {
    const { message, card } = render(hugeReport(), late())
    expect(messageBytes(message)).toBeLessThanOrEqual(TEAMS_LIMITS.messageBytes)
    expect(card.body[1].text).toBe(LINE)
  })
})

describe('email: a line at the top of both parts; subject and threading unchanged', () => {
  const mailOf = (event: KnockerEvent, ctx: FormatContext) => formatEmail(event, ctx).body as EmailMessage

  it('opens the text part and the HTML card', () => {
    const event = sample('problem_report.closed')
    const ctx = { conversation: conversationKey(event) }
    const plain = mailOf(event, formatCtx(ctx))
    const mail = mailOf(event, late(ctx))
    expect(mail.text.startsWith(`${LINE}\n\nEight Ball Deluxe — Problem report closed\n`)).toBe(true)
    expect(mail.text).toBe(`${LINE}\n\n${plain.text}`)
    const lineAt = mail.html.indexOf(`>${LINE}</p>`)
    expect(lineAt).toBeGreaterThan(mail.html.indexOf('<body'))
    expect(lineAt).toBeLessThan(mail.html.indexOf('<h1'))
    expect(mail.subject).toBe('Re: [Flipfix] Eight Ball Deluxe: new problem report #412')
    expect(mail.subject).toBe(plain.subject)
    expect(mail.headers).toEqual(plain.headers)
  })

  it('escapes the reason in HTML', () => {
    const mail = mailOf(sample('machine.created'), late({ late: { ms: 7 * MIN, reason: '<b>offline</b>' } }))
    expect(mail.html).toContain('⏱ 7 min late — &lt;b&gt;offline&lt;/b&gt;</p>')
    expect(mail.html).not.toContain('<b>offline')
    expect(mail.text.startsWith('⏱ 7 min late — <b>offline</b>\n')).toBe(true)
  })
})

describe('webhook: "late" in the envelope', () => {
  afterAll(() => webhookChannel.dispose?.())

  it('sits beside test and data: {ms, reason}', () => {
    const body = webhookChannel.format(SAMPLE_EVENTS['problem_report.created'], late()).body as Record<string, unknown>
    expect(Object.keys(body)).toEqual(['type', 'timestamp', 'late', 'data'])
    expect(body.late).toEqual({ ms: 2 * HOUR + 11 * MIN, reason: 'the museum was offline' })
    const test = webhookChannel.format(SAMPLE_EVENTS['problem_report.created'], late({ test: true })).body as Record<string, unknown>
    expect(Object.keys(test)).toEqual(['type', 'timestamp', 'test', 'late', 'data'])
  })

  it('is whole milliseconds, and the body still fits 20,000 bytes', () => {
    const event = sample('log_entry.created')
    event.log_entry.text = 'Waxed playfield. '.repeat(3000)
    const body = webhookChannel.format(event, late({ late: { ms: 1234.6, reason: 'r' } })).body as Record<string, any>
    expect(body.late).toEqual({ ms: 1235, reason: 'r' })
    expect(byteLength(body)).toBeLessThanOrEqual(MAX_BODY_BYTES)
    expect(body.truncated).toEqual(['log_entry.text'])
  })
})
