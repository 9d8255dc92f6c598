// The morning report at Discord: the headline (and late line) as the message's content, then
// one embed per section. Lists are cut to the largest length for which every description
// stays within 4,096 characters and the embeds within 6,000 together ("…and 12 more").
import type { APIEmbed, RESTPostAPIWebhookWithTokenJSONBody } from 'discord-api-types/v10'
import type { MorningReport } from '../../../../shared/morningReport'
import { oneLine } from '../../text/cleanText'
import { lateLine } from '../../text/lateNotice'
import { largestFitting } from '../../text/largestFitting'
import { truncateChars } from '../../text/truncate'
import { MORNING_COLOR, MORNING_MAX_CAP, morningHeadline, morningSections, morningSummary, type MorningSyntax } from '../morningText'
import type { FormatContext, PreparedRequest } from '../types'
import { EMBED_LIMITS, embedTextLength, fitEmbed } from './limits'
import { FORUM_THREAD_NAME_MAX, inert, SUPPRESS_NOTIFICATIONS } from './message'

const syntax: MorningSyntax = {
  escape: inert,
  link: (label, url) => `[${inert(oneLine(label))}](${url.replace(/\)/g, '%29')})`,
  strong: (text) => `**${text}**`,
}

function embedsAt(report: MorningReport, cap: number, timestamp: string): APIEmbed[] {
  return morningSections(report, syntax, cap).map((section) => ({
    title: inert(section.title),
    description: section.lines.join('\n'),
    color: MORNING_COLOR,
    ...(section.title === "Yesterday's work" && { timestamp, footer: { text: 'Knocker' } }),
  }))
}

const fits = (embeds: APIEmbed[]) =>
  embeds.every((e) => (e.description ?? '').length <= EMBED_LIMITS.description) && embeds.reduce((n, e) => n + embedTextLength(e), 0) <= EMBED_LIMITS.total

export function formatDiscordMorning(report: MorningReport, ctx: FormatContext): PreparedRequest {
  const cap = largestFitting(1, MORNING_MAX_CAP, (c) => fits(embedsAt(report, c, report.generated_at))) ?? 1
  const embeds = embedsAt(report, cap, report.generated_at).map((e) => fitEmbed(e))
  const content = [`**${inert(morningHeadline(report))}**`, ...(ctx.late ? [inert(lateLine(ctx.late))] : [])].join('\n')
  const body: RESTPostAPIWebhookWithTokenJSONBody = { content, embeds, allowed_mentions: { parse: [] } }
  if (ctx.silent) body.flags = SUPPRESS_NOTIFICATIONS
  // A forum channel takes no message without a thread of its own: each report opens one.
  if (ctx.options.forum === true) body.thread_name = truncateChars(morningHeadline(report), FORUM_THREAD_NAME_MAX)
  return { body, summary: morningSummary(report) }
}
