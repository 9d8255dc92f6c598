// Text written by the public (names, descriptions, log texts) reaches every destination
// harmless: no working mention, no markup, no template function, no control character.
// Every event type, hundreds of generated events full of hostile text, through the real
// formatters; the checks (test/hostile/inspect.ts) say which field carried what.
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDb } from '../../src/main/core/db/openDb'
import { buildMorningReport } from '../../src/main/core/morning/buildMorningReport'
import { MachineHealthProjection } from '../../src/main/core/morning/machineHealthProjection'
import { formatDiscord } from '../../src/main/core/channels/discord/message'
import { formatEmail } from '../../src/main/core/channels/email/message'
import { formatSlack } from '../../src/main/core/channels/slack/message'
import { formatTeams } from '../../src/main/core/channels/teams/message'
import { EVENT_TYPES } from '../../src/shared/events'
import { conversationKey } from '../../src/shared/conversation'
import { hostileEvent } from '../hostile/hostileEvents'
import { discordProblems, emailProblems, slackProblems, teamsProblems } from '../hostile/inspect'
import { createRng } from '../hostile/prng'
import { channels } from '../../src/main/core/channels/registry'
import { formatCtx } from './formatContext'

const ZW = '\u200b'
const SEED = 20260718
const PER_TYPE = 40

function* generated() {
  const rng = createRng(SEED)
  for (const type of EVENT_TYPES) {
    for (let i = 0; i < PER_TYPE; i++) {
      const event = hostileEvent(rng, type, `hostile:${type}:${i}`)
      for (const test of [false, true]) {
        yield { event, ctx: formatCtx({ test, conversation: conversationKey(event), options: { forum: i % 2 === 0 } }) }
      }
    }
  }
}

describe('hostile text in every field of every event type', () => {
  it('Discord: no working mention or control character, and allowed_mentions is empty', () => {
    for (const { event, ctx } of generated()) {
      expect(discordProblems(formatDiscord(event, ctx).body), event.event_id).toEqual([])
    }
  })

  it('Slack: nothing opens Slack syntax, no @channel/@here/@everyone, no control character', () => {
    for (const { event, ctx } of generated()) {
      expect(slackProblems(formatSlack(event, ctx).body), event.event_id).toEqual([])
    }
  })

  it('Teams: no tag, template function, non-web link or control character; previews without tags', () => {
    for (const { event, ctx } of generated()) {
      expect(teamsProblems(formatTeams(event, ctx).body), event.event_id).toEqual([])
    }
  })

  it('email: only our own tags and attributes, http(s) links, no control character, one-line subject', () => {
    for (const { event, ctx } of generated()) {
      const mail = formatEmail(event, ctx).body as Parameters<typeof emailProblems>[0]
      expect(emailProblems(mail), event.event_id).toEqual([])
    }
  })
})

describe('hostile text in late messages and digests', () => {
  const late = { ms: 7_860_000, reason: 'the museum was offline' }
  const items = () => {
    const rng = createRng(SEED + 1)
    return EVENT_TYPES.flatMap((type, t) =>
      Array.from({ length: 3 }, (_, i) => {
        const event = hostileEvent(rng, type, `digest:${type}:${i}`)
        return { event, ctx: formatCtx({ late, conversation: conversationKey(event), delivery: { id: t * 10 + i, eventId: event.event_id, endpointId: 'ep_test', createdAt: 0 } }) }
      }),
    )
  }
  const checks = { discord: discordProblems, slack: slackProblems, teams: teamsProblems, email: (body: unknown) => emailProblems(body as any) }

  for (const kind of ['discord', 'slack', 'teams', 'email'] as const) {
    it(`${kind}: a late message and every digest of hostile events stay harmless`, () => {
      const all = items()
      for (const { event, ctx } of all) expect(checks[kind](channels[kind].format(event, ctx).body), event.event_id).toEqual([])
      const digest = channels[kind].digest
      expect(digest).toBeDefined()
      for (let start = 0; start < all.length; ) {
        const message = digest!.format(all.slice(start, start + digest!.maxItems))
        expect(checks[kind](message.body), `digest from item ${start}`).toEqual([])
        start += message.included
      }
    })
  }
})

describe('the checks themselves catch what they look for', () => {
  it('each one flags the raw injection', () => {
    expect(discordProblems({ allowed_mentions: { parse: [] }, content: 'hi @everyone' })).toHaveLength(1)
    expect(discordProblems({ allowed_mentions: { parse: ['everyone'] }, embeds: [{ description: '<@&123>' }] })).toHaveLength(2)
    expect(slackProblems({ text: 'x <!here> y' })).toHaveLength(1)
    expect(slackProblems({ text: `x @${ZW}here <https://a.example|a> <!date^1^{date}|d>` })).toEqual([])
    const teams = (text: string, summary = 'ok') => ({ summary, text: summary, attachments: [{ content: { body: [{ type: 'TextBlock', text }] } }] })
    expect(teamsProblems(teams('<at>x</at>'))).toHaveLength(1)
    expect(teamsProblems(teams('{{DATE(2026-01-01T00:00:00Z, SHORT)}} in typed text'))).toHaveLength(1)
    expect(teamsProblems(teams('[x](javascript:alert(1))'))).toHaveLength(1)
    expect(teamsProblems(teams('fine \\<at\\>', 'a <b>'))).toHaveLength(2)
    expect(emailProblems({ subject: 'x\r\nBcc: y', html: '<p onclick="x">a</p><script>' })).toHaveLength(3)
    expect(emailProblems({ html: '<a href="javascript:alert(1)">x</a>', text: 'nul\u0000' })).toHaveLength(2)
  })
})

describe('the fixes, one by one', () => {
  const base = () => hostileEvent(createRng(1), 'problem_report.created', 'fixes:1') as any

  it('Discord: a name starting like a heading, quote or list item is escaped; the footer is neutral too', () => {
    const event = base()
    event.machine.asset_id = '<@&123> @everyone'
    event.machine.location = { name: '# Big', slug: 'x', zone: 'front' }
    event.problem_report.reporter = { display: '1. first', username: null }
    event.problem_report.problem_type_label = '-# small'
    const embed = (formatDiscord(event, formatCtx()).body as any).embeds[0]
    const field = (name: string) => embed.fields.find((f: any) => f.name === name).value
    expect(field('Location')).toBe('\\# Big')
    expect(field('Reported by')).toBe('1\\. first')
    expect(field('Problem type')).toBe('\\-# small')
    expect(embed.footer.text).toBe(`Flipfix · <${ZW}@&123> @${ZW}everyone`)
  })

  it('every destination drops control and bidi characters from names and free text', () => {
    const event = base()
    event.machine.name = 'Gor\u0000gar\u202e'
    event.machine.short_name = null
    event.problem_report.description = 'line\u0007 one\nline\u001b two\u2066'
    const discord = (formatDiscord(event, formatCtx()).body as any).embeds[0]
    expect(discord.title).toBe('Gorgar — New problem report')
    expect(discord.description).toBe('line one\nline two')
    const mail = formatEmail(event, formatCtx()).body as any
    expect(mail.text).toContain('line one\nline two')
    expect(mail.subject).not.toMatch(/[\u0000\u202e]/)
  })

  it('Slack: typed <url|label> stays text; a bare URL stops at "|"', () => {
    const event = base()
    event.problem_report.description = 'see https://evil.example/a|Click here> now'
    const body = formatSlack(event, formatCtx()).body as any
    const description = body.blocks.find((b: any) => b.block_id === 'description').text.text
    expect(description).toBe('see <https://evil.example/a>|Click here&gt; now')
  })

  it('Teams: free text keeps Markdown but loses tags, template functions and non-web links', () => {
    const event = base()
    event.problem_report.description = '**weak** <at>Boss</at> {{DATE(2026-01-01T00:00:00Z)}} [x](javascript:alert(1)) [ok](https://ipdb.org/)'
    event.machine.short_name = '{{TIME(2026-01-01T00:00:00Z)}} <b>'
    const message = formatTeams(event, formatCtx()).body as any
    const card = message.attachments[0].content
    expect(card.body.find((b: any) => b.type === 'TextBlock' && b.wrap && !b.weight && !b.isSubtle).text).toBe(
      `**weak** \\<at\\>Boss\\</at\\> {${ZW}{DATE(2026-01-01T00:00:00Z)}} \\[x\\](javascript:alert(1)) [ok](https://ipdb.org/)`,
    )
    expect(card.body[0].text.startsWith(`{${ZW}{TIME(2026-01-01T00:00:00Z)}} \\<b\\>`)).toBe(true)
    expect(message.summary.startsWith('{{TIME(2026-01-01T00:00:00Z)}} ‹b›')).toBe(true)
  })
})

describe('hostile text in the morning report', () => {
  // Machines, reports and reporters as hostile events named them, kept by the real projection.
  const reports = () => {
    const db = openDb(':memory:', resolve(__dirname, '../../resources/migrations'))
    try {
      const projection = new MachineHealthProjection(db)
      const rng = createRng(SEED + 2)
      EVENT_TYPES.forEach((type) => {
        for (let i = 0; i < 12; i++) projection.apply(hostileEvent(rng, type, `morning:${type}:${i}`))
      })
      const now = Date.parse('2026-07-22T07:00:00Z')
      return [false, true].map((onDemand) =>
        buildMorningReport({ machines: projection.machines(), openReports: projection.openReports(), workOn: (d) => projection.workOn(d), now, onDemand }),
      )
    } finally {
      db.$client.close()
    }
  }
  const checks = { discord: discordProblems, slack: slackProblems, teams: teamsProblems, email: (body: unknown) => emailProblems(body as any) }

  for (const kind of ['discord', 'slack', 'teams', 'email'] as const) {
    it(`${kind}: the report (and a late one) stays harmless`, () => {
      for (const report of reports()) {
        expect(report.open_reports.length).toBeGreaterThan(0)
        for (const late of [null, { ms: 7_860_000, reason: 'Knocker was not running at its time' }]) {
          expect(checks[kind](channels[kind].formatMorning(report, formatCtx({ late })).body)).toEqual([])
        }
      }
    })
  }
})
