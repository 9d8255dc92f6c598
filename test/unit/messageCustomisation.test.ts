// An endpoint's message customisation on every destination: its fields in its order, its
// title and summary, values made inert for each destination (Markdown, mentions, Slack
// syntax, Adaptive Card text, HTML) and every limit still held after templating.
import type { APIEmbed } from 'discord-api-types/v10'
import { describe, expect, it } from 'vitest'
import { EMBED_LIMITS, embedTextLength } from '../../src/main/core/channels/discord/limits'
import { channels } from '../../src/main/core/channels/registry'
import { BLOCK_LIMITS } from '../../src/main/core/channels/slack/limits'
import { TEAMS_LIMITS } from '../../src/main/core/channels/teams/limits'
import { EVENT_TYPES, type EventType, type KnockerEvent } from '../../src/shared/events'
import { FIELDS_BY_EVENT, MessageTemplatesSchema, PLACEHOLDERS, type MessageTemplates } from '../../src/shared/messageTemplates'
import { SAMPLE_EVENTS } from '../../src/shared/samples'
import { hostileEvent } from '../hostile/hostileEvents'
import { discordProblems, emailProblems, slackProblems, teamsProblems } from '../hostile/inspect'
import { createRng } from '../hostile/prng'
import { digestItems } from './digestItems'
import { formatCtx } from './formatContext'

type Json = Record<string, any>
const created = SAMPLE_EVENTS['problem_report.created']

function options(messages: MessageTemplates) {
  // Only a customisation the admin API would accept is worth testing.
  return { messages: MessageTemplatesSchema.parse(messages) }
}

const HIDE_REPORTER = options({
  'problem_report.created': {
    fields: ['priority', 'location', 'problem_type'],
    title: '{machine.display_name}: {problem_report.priority_label} problem',
    summary: 'Report #{problem_report.id} on {machine.asset_id}',
  },
})

describe('a customised message, destination by destination', () => {
  it('Discord: the fields in order (reporter hidden, priority shown), no text, the title and summary', () => {
    const prepared = channels.discord.format(created, formatCtx({ options: HIDE_REPORTER }))
    const embed = (prepared.body as Json).embeds[0] as APIEmbed
    expect(embed.fields!.map((f) => [f.name, f.value])).toEqual([['Priority', 'Untriaged'], ['Location', 'Museum'], ['Problem type', 'Other']])
    expect(embed.description).toBeUndefined()
    expect(embed.title).toBe('Eight Ball Deluxe: Untriaged problem')
    expect(prepared.summary).toBe('Report #412 on M0023')
    expect(JSON.stringify(prepared.body)).not.toContain('Anonymous')
  })

  it('Slack: header, facts and the notification text', () => {
    const prepared = channels.slack.format(created, formatCtx({ options: HIDE_REPORTER, test: true }))
    const body = prepared.body as Json
    expect(body.blocks[0].text.text).toBe('[TEST] 🔴 Eight Ball Deluxe: Untriaged problem')
    expect(body.text).toBe('TEST · Report #412 on M0023')
    expect(JSON.stringify(body.blocks)).not.toContain('Reported by')
    expect(JSON.stringify(body.blocks).indexOf('Priority')).toBeLessThan(JSON.stringify(body.blocks).indexOf('Location'))
  })

  it('Teams: the card title and facts', () => {
    const body = channels.teams.format(created, formatCtx({ options: HIDE_REPORTER })).body as Json
    const card = body.attachments[0].content
    const text = JSON.stringify(card.body)
    expect(text).toContain('Eight Ball Deluxe: Untriaged problem')
    expect(text).not.toContain('Reported by')
    expect(body.summary).toContain('Report #412 on M0023')
  })

  it('email: the card title; the subject of a report keeps its thread', () => {
    const mail = channels.email.format(created, formatCtx({ options: HIDE_REPORTER })).body as Json
    expect(mail.html).toContain('<h1 style="margin:4px 0 16px;font-size:20px;line-height:1.3;color:#111">Eight Ball Deluxe: Untriaged problem</h1>')
    expect(mail.text).toContain('Priority: Untriaged\nLocation: Museum\nProblem type: Other')
    expect(mail.text).not.toContain('Reported by')
    const status = SAMPLE_EVENTS['machine.status_changed']
    const custom = options({ 'machine.status_changed': { summary: '{machine.display_name} is now {change.to_label}' } })
    expect((channels.email.format(status, formatCtx({ options: custom })).body as Json).subject).toBe('[Flipfix] Roto Pool is now Broken')
  })

  it('webhook: the body is the event as is; only the summary changes', () => {
    const plain = channels.webhook.format(created, formatCtx())
    const custom = channels.webhook.format(created, formatCtx({ options: HIDE_REPORTER }))
    expect(custom.body).toEqual(plain.body)
    expect(custom.summary).toBe('Report #412 on M0023')
  })

  it('values are made inert where each destination styles titles; the admin’s own text is kept', () => {
    const styled = { ...created, machine: { ...created.machine, short_name: '**bold** _x_ <@123456789012345678> @everyone' } }
    const custom = options({ 'problem_report.created': { title: '**{machine.short_name}**' } })
    const ctx = formatCtx({ options: custom })
    const discord = (channels.discord.format(styled, ctx).body as Json).embeds[0].title
    expect(discord).toBe('**\\*\\*bold\\*\\* \\_x\\_ <\u200b@123456789012345678> @\u200beveryone**')
    const slack = (channels.slack.format(styled, ctx).body as Json).blocks[0].text.text
    expect(slack).toBe('🔴 ****bold** _x_ <\u200b@123456789012345678> @\u200beveryone**')
    // Teams titles are escaped whole, like the usual one: Markdown in them is never rendered.
    const teams = (channels.teams.format(styled, ctx).body as Json).attachments[0].content.body[0].text
    expect(teams).toBe('\\*\\*\\*\\*bold\\*\\* \\_x\\_ \\<@123456789012345678\\> @everyone\\*\\*')
    const mail = channels.email.format(styled, ctx).body as Json
    expect(mail.html).toContain('**bold** _x_ &lt;@123456789012345678&gt; @everyone**</h1>')
  })

  it('a title whose placeholders are all empty for this event keeps the usual one', () => {
    const twilight = SAMPLE_EVENTS['problem_report.reopened']
    const custom = options({ 'problem_report.reopened': { title: '{machine.short_name}' } })
    const embed = (channels.discord.format(twilight, formatCtx({ options: custom })).body as Json).embeds[0]
    expect(embed.title).toBe('Twilight Zone — Problem report reopened')
  })

  it('digests use each endpoint’s customisation too', () => {
    const items = digestItems(3).map((item) => ({ ...item, ctx: { ...item.ctx, options: options({ 'problem_report.created': { title: 'NEW {problem_report.id}' } }) } }))
    for (const kind of ['discord', 'slack', 'teams', 'email'] as const) {
      expect(JSON.stringify(channels[kind].digest!.format(items).body), kind).toContain('NEW 412')
    }
  })

  it('Discord edits of a report post keep the customisation', () => {
    const custom = options({ 'problem_report.closed': { title: 'Fixed: {machine.display_name}' } })
    const body = channels.discord.formatEdit!(SAMPLE_EVENTS['problem_report.closed'], formatCtx({ options: custom })).body as Json
    expect(body.embeds[0].title).toBe('Fixed: Eight Ball Deluxe')
  })
})

// ─────────────────────────────── hostile values ───────────────────────────────

/** Admin text that tries the same, around every free-text placeholder of the event type. */
const LITERAL = '@everyone <!channel> <script>x</script> 🎱 Ünï\u202ecødé'

function hostileTemplates(type: EventType): MessageTemplates {
  const texts = PLACEHOLDERS[type].filter((p) => /name|label|description|text|display|short_name|zone|slug$/.test(p))
  const half = Math.ceil(texts.length / 2)
  const join = (list: string[]) => list.map((p) => `{${p}}`).join(' ')
  return {
    [type]: {
      fields: [...FIELDS_BY_EVENT[type]].reverse(),
      title: `TPL ${LITERAL} ${join(texts.slice(0, half))}`.slice(0, 300),
      summary: `SUM ${join(texts.slice(half))} ${LITERAL}`.slice(0, 300),
    },
  }
}

function huge(event: KnockerEvent): KnockerEvent {
  const copy = structuredClone(event)
  copy.machine.name = `**${'N'.repeat(190)}**`
  copy.machine.short_name = `<@123456789012345678> ${'S'.repeat(5)}`
  copy.machine.location = { name: `[x](javascript:alert(1)) ${'L'.repeat(190)}`, slug: 'l', zone: 'front' }
  if (copy.problem_report) copy.problem_report.description = `<!here> ${'d'.repeat(100_000 - 10)}`
  if (copy.log_entry) copy.log_entry.text = `@here ${'w '.repeat(49_000)}`
  return copy
}

function* hostileCases() {
  const rng = createRng(20261202)
  for (const type of EVENT_TYPES) {
    const opts = options(hostileTemplates(type))
    for (let i = 0; i < 10; i++) {
      const event = i === 0 ? huge(SAMPLE_EVENTS[type]) : hostileEvent(rng, type, `hostile:${type}:${i}`)
      for (const test of [false, true]) yield { event, ctx: formatCtx({ test, options: opts }), type }
    }
  }
}

describe('hostile values in templates, on every destination', () => {
  it('Discord: nothing pings, the title is the template (values escaped), every limit holds', () => {
    for (const { event, ctx } of hostileCases()) {
      const body = channels.discord.format(event, ctx).body as Json
      expect(discordProblems(body), event.event_id).toEqual([])
      const embed = body.embeds[0] as APIEmbed
      expect(embed.title, event.event_id).toMatch(/^(\[TEST\] )?TPL @\u200beveryone/)
      expect(embed.title).not.toMatch(/(?<!\\)\*\*N/)
      expect(embed.title!.length).toBeLessThanOrEqual(EMBED_LIMITS.title)
      expect(embedTextLength(embed)).toBeLessThanOrEqual(EMBED_LIMITS.total)
      for (const f of embed.fields ?? []) expect(f.value.length).toBeLessThanOrEqual(EMBED_LIMITS.fieldValue)
    }
  })

  it('Slack: nothing opens Slack syntax or mentions anyone; header within 150', () => {
    for (const { event, ctx } of hostileCases()) {
      const body = channels.slack.format(event, ctx).body as Json
      expect(slackProblems(body), event.event_id).toEqual([])
      expect(body.blocks[0].text.text).toContain('TPL')
      expect(body.blocks[0].text.text.length).toBeLessThanOrEqual(BLOCK_LIMITS.headerText)
      expect(body.blocks.length).toBeLessThanOrEqual(BLOCK_LIMITS.blocks)
      expect(body.text).toContain('SUM')
    }
  })

  it('Teams: no tag, template function or link in the card; within the message size', () => {
    for (const { event, ctx } of hostileCases()) {
      const body = channels.teams.format(event, ctx).body as Json
      expect(teamsProblems(body), event.event_id).toEqual([])
      expect(JSON.stringify(body.attachments[0].content.body)).toContain('TPL')
      expect(Buffer.byteLength(JSON.stringify(body))).toBeLessThanOrEqual(TEAMS_LIMITS.messageBytes)
    }
  })

  it('email: only our own tags, one-line subject within its limit', () => {
    for (const { event, ctx } of hostileCases()) {
      const mail = channels.email.format(event, ctx).body as Json
      expect(emailProblems(mail), event.event_id).toEqual([])
      expect(mail.html).toContain('TPL @everyone &lt;!channel&gt; &lt;script&gt;')
      expect(mail.subject.length).toBeLessThanOrEqual(180)
    }
  })

  it('webhook: the summary within 200 characters, on one line', () => {
    for (const { event, ctx } of hostileCases()) {
      const { summary } = channels.webhook.format(event, ctx)
      expect(summary.startsWith(ctx.test ? 'TEST · SUM' : 'SUM')).toBe(true)
      expect(summary.length).toBeLessThanOrEqual(200)
      expect(summary).not.toMatch(/[\n\r\u202e]/)
    }
  })
})
