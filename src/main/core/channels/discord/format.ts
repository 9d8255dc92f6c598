// KnockerEvent → one Discord embed. What each event shows follows the host app's
// "message shows" table; limits are enforced last by fitEmbed.
import type { APIEmbed, RESTPostAPIWebhookWithTokenJSONBody } from 'discord-api-types/v10'
import { machineDisplayName, type KnockerEvent } from '../../../../shared/events'
import { neutralizeDiscordMentions } from './mentions'
import { oneLine } from '../../text/cleanText'
import { truncateChars } from '../../text/truncate'
import {
  COLORS,
  describeEvent,
  TEST_NOTICE,
  TEST_TITLE_PREFIX,
  viewSummary,
  type EventView,
  type MessageSyntax,
} from '../eventView'
import { lateLine, type LateLineOptions } from '../../text/lateNotice'
import type { FormatContext, LateNotice, PreparedRequest } from '../types'
import { EMBED_LIMITS, fitEmbed, fitEmbedUnderLine } from './limits'

export { COLORS, TEST_NOTICE, TEST_TITLE_PREFIX }

// At the start of a line Discord reads these as a heading, subtext, quote or list item.
const BLOCK_START = /^(\s*)(#{1,3}|-#|>{1,3}|[-*+]|\d+[.)])(?=\s|$)/

/** Escape the Markdown that would restyle a name or turn it into a link (or a heading). */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\*_~`|[\]]/g, '\\$&')
    // A backslash only escapes punctuation: "1." becomes "1\.", "#" becomes "\#".
    .replace(BLOCK_START, (_m, space: string, marker: string) =>
      /^\d/.test(marker) ? `${space}${marker.slice(0, -1)}\\${marker.slice(-1)}` : `${space}\\${marker}`,
    )
}

/** Discord Markdown; dates as <t:…>, which Discord renders in each reader's own time zone. */
export const discordSyntax: MessageSyntax = {
  escape: escapeMarkdown,
  link: (label, url) => `[${escapeMarkdown(oneLine(label))}](${url.replace(/\)/g, '%29')})`,
  date: (iso) => `<t:${Math.floor(Date.parse(iso) / 1000)}:D>`,
  maxFieldChars: EMBED_LIMITS.fieldValue,
}

/** "Eight Ball Deluxe — New problem report", shortening the machine name, never the event. */
function titleFor(machineName: string, what: string, test: boolean): string {
  const prefix = test ? TEST_TITLE_PREFIX : ''
  const suffix = ` — ${what}`
  const room = EMBED_LIMITS.title - prefix.length - Math.min(suffix.length, EMBED_LIMITS.title / 2)
  return prefix + truncateChars(oneLine(machineName), Math.max(room, 1)) + suffix
}

/** The event's embed before any limit is applied; the single message and the digest share it. */
export function eventEmbed(event: KnockerEvent, view: EventView, test: boolean): APIEmbed {
  const embed: APIEmbed = {
    title: titleFor(machineDisplayName(event.machine), view.what, test),
    url: view.url,
    color: view.color,
    timestamp: new Date(event.occurred_at).toISOString(),
    footer: { text: neutralizeDiscordMentions(`Flipfix · ${oneLine(event.machine.asset_id)}${test ? ' · test message' : ''}`) },
  }
  if (view.description) embed.description = neutralizeDiscordMentions(view.description)
  embed.fields = view.fields.map((f) => ({ ...f, value: neutralizeDiscordMentions(f.value) }))
  embed.title = neutralizeDiscordMentions(embed.title!)
  return embed
}

/** The late notice, as a Discord line: Knocker's own words, still made inert. */
function discordLateLine(late: LateNotice, options?: LateLineOptions): string {
  return neutralizeDiscordMentions(escapeMarkdown(lateLine(late, options)))
}

export function formatDiscord(event: KnockerEvent, ctx: FormatContext): PreparedRequest {
  const view = describeEvent(event, discordSyntax)
  const embed = eventEmbed(event, view, ctx.test)
  const body: RESTPostAPIWebhookWithTokenJSONBody = {
    // A late message says so on the embed's first line, which the length cap never cuts.
    embeds: [ctx.late ? fitEmbedUnderLine(embed, discordLateLine(ctx.late)) : fitEmbed(embed)],
    // Report text is written by the public: never let anything in it ping anyone.
    allowed_mentions: { parse: [] },
  }
  if (ctx.test) body.content = TEST_NOTICE
  const summary = viewSummary(view, ctx.test)
  if (ctx.options.forum === true) {
    // Forum channels: a problem report's first message opens a thread; everything later
    // about that report goes into it.
    if (ctx.threadId) return { body, summary, query: { thread_id: ctx.threadId } }
    body.thread_name = forumThreadName(event, ctx.test)
  }
  return { body, summary }
}

/** "Eight Ball Deluxe: #1 drop target spring missing" (Discord allows 100 characters). */
function forumThreadName(event: KnockerEvent, test: boolean): string {
  const machine = machineDisplayName(event.machine)
  const report = event.problem_report
  const topic = report
    ? report.description.trim() || `${report.problem_type_label} (#${report.id})`
    : describeEvent(event, discordSyntax).what
  const name = `${test ? TEST_TITLE_PREFIX : ''}${oneLine(machine)}: ${oneLine(topic)}`
  return truncateChars(neutralizeDiscordMentions(name), FORUM_THREAD_NAME_MAX)
}

export const FORUM_THREAD_NAME_MAX = 100
