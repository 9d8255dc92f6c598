// Every Discord message Knocker sends, each one webhook body of embeds that may ping no one
// (allowed_mentions: none). Limits are enforced last by fitEmbed.
// - An event (formatDiscord): one embed. What each event shows follows the host app's
//   "message shows" table. In a forum channel a problem report's first message opens a
//   thread and everything later about that report goes into it.
// - A digest (discordDigest): several waiting events as one message: one embed per event,
//   exactly the embed its own message would carry (minus the late line: the content line says
//   it once for all), as many as fit Discord's 10 embeds and 6,000 characters across them.
// - An edit of a report's post (formatDiscordEdit), when the report is closed or reopened: the
//   post's embed rebuilt from the update (which carries the whole report), in the update's
//   colour, under a first line "✅ Closed by Diana · 14:02" (the time in each reader's zone).
// - An attention alert (formatDiscordAlert): one orange embed: the headline as its title,
//   then the reason, what is waiting and where to fix it. The endpoint's name and the reason
//   are made inert like report text; nothing in them may ping anyone.
// - A relayed Discord message (formatDiscordRelay): as sent, mentions off (see below).
// - A morning report: morningMessage.ts.
import type { APIEmbed, RESTPostAPIWebhookWithTokenJSONBody } from 'discord-api-types/v10'
import type { AttentionAlert } from '../../../../shared/attentionAlert'
import { machineDisplayName, type KnockerEvent } from '../../../../shared/events'
import type { RelayedMessage } from '../../../../shared/relay'
import { oneLine } from '../../text/cleanText'
import { lateLine, type LateLineOptions } from '../../text/lateNotice'
import { truncateChars } from '../../text/truncate'
import { ALERT_ACTION, ALERT_COLOR, alertEndpointName, alertHeadline, alertReason, alertSummary, waitingLine } from '../alertText'
import { assertItems, digestLateLine, digestSummary, notificationCount } from '../digestText'
import { actorName, describeEvent, TEST_NOTICE, TEST_TITLE_PREFIX, viewSummary, type EventView, type MessageSyntax } from '../eventView'
import { describeRelay } from '../relayView'
import type { DigestFormat, DigestItem, FormatContext, LateNotice, PreparedRequest } from '../types'
import { EMBED_LIMITS, embedTextLength, fitEmbed, fitEmbedUnderLine, MESSAGE_LIMITS } from './limits'
import { neutralizeDiscordMentions } from './mentions'

// At the start of a line Discord reads these as a heading, subtext, quote or list item.
const BLOCK_START = /^(\s*)(#{1,3}|-#|>{1,3}|[-*+]|\d+[.)])(?=\s|$)/

/** Escape the Markdown that would restyle a name or turn it into a link (or a heading). */
function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\*_~`|[\]]/g, '\\$&')
    // A backslash only escapes punctuation: "1." becomes "1\.", "#" becomes "\#".
    .replace(BLOCK_START, (_m, space: string, marker: string) =>
      /^\d/.test(marker) ? `${space}${marker.slice(0, -1)}\\${marker.slice(-1)}` : `${space}\\${marker}`,
    )
}

/** Discord Markdown; dates as <t:…>, which Discord renders in each reader's own time zone. */
const discordSyntax: MessageSyntax = {
  escape: escapeMarkdown,
  link: (label, url) => `[${escapeMarkdown(oneLine(label))}](${url.replace(/\)/g, '%29')})`,
  date: (iso) => `<t:${Math.floor(Date.parse(iso) / 1000)}:D>`,
  maxFieldChars: EMBED_LIMITS.fieldValue,
  titleValue: escapeMarkdown,
}

/** Message flag: posted without a push or desktop notification (quiet hours, silent mode). */
export const SUPPRESS_NOTIFICATIONS = 1 << 12

/** Discord allows a thread name of 100 characters. */
export const FORUM_THREAD_NAME_MAX = 100

// ───────────────────────────────────────── event ─────────────────────────────────────────

/** "Eight Ball Deluxe — New problem report", shortening the machine name, never the event. */
function titleFor(machineName: string, what: string, test: boolean): string {
  const prefix = test ? TEST_TITLE_PREFIX : ''
  const suffix = ` — ${what}`
  const room = EMBED_LIMITS.title - prefix.length - Math.min(suffix.length, EMBED_LIMITS.title / 2)
  return prefix + truncateChars(oneLine(machineName), Math.max(room, 1)) + suffix
}

/** The endpoint's own title when it has one, else "machine — what"; within the limit either way. */
function embedTitle(event: KnockerEvent, view: EventView, test: boolean): string {
  if (view.title === undefined) return titleFor(machineDisplayName(event.machine), view.what, test)
  return truncateChars(`${test ? TEST_TITLE_PREFIX : ''}${view.title}`, EMBED_LIMITS.title)
}

/** The event's embed before any limit is applied; the single message and the digest share it. */
function eventEmbed(event: KnockerEvent, view: EventView, test: boolean): APIEmbed {
  const embed: APIEmbed = {
    title: embedTitle(event, view, test),
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
  const view = describeEvent(event, discordSyntax, ctx.options)
  const embed = eventEmbed(event, view, ctx.test)
  const body: RESTPostAPIWebhookWithTokenJSONBody = {
    // A late message says so on the embed's first line, which the length cap never cuts.
    embeds: [ctx.late ? fitEmbedUnderLine(embed, discordLateLine(ctx.late)) : fitEmbed(embed)],
    // Report text is written by the public: never let anything in it ping anyone.
    allowed_mentions: { parse: [] },
  }
  if (ctx.test) body.content = TEST_NOTICE
  if (ctx.silent) body.flags = SUPPRESS_NOTIFICATIONS
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

// ───────────────────────────────────────── edit ─────────────────────────────────────────

/** "✅ Closed by Diana · 14:02" (a Discord timestamp: each reader sees their own time). */
export function reportStateLine(update: KnockerEvent): string {
  const closed = update.event === 'problem_report.closed'
  const at = `<t:${Math.floor(Date.parse(update.occurred_at) / 1000)}:t>`
  const who = neutralizeDiscordMentions(escapeMarkdown(actorName(update)))
  return `${closed ? '✅ Closed' : '🔁 Reopened'} by ${who} · ${at}`
}

/** The report's post as it now reads: its embed rebuilt from the update, in the update's colour,
 * under the state line. Only the embeds change (a PATCH leaves the rest of the message). */
export function formatDiscordEdit(update: KnockerEvent, ctx: FormatContext): PreparedRequest {
  const asPosted = { ...update, event: 'problem_report.created' } as KnockerEvent
  const now = describeEvent(update, discordSyntax, ctx.options)
  const embed = eventEmbed(asPosted, describeEvent(asPosted, discordSyntax, ctx.options), ctx.test)
  embed.title = neutralizeDiscordMentions(embedTitle(update, now, ctx.test))
  embed.color = now.color
  const body: RESTPostAPIWebhookWithTokenJSONBody = { embeds: [fitEmbedUnderLine(embed, reportStateLine(update))], allowed_mentions: { parse: [] } }
  const summary = `${viewSummary(now, ctx.test)} (post edited)`
  return ctx.options.forum === true && ctx.threadId ? { body, summary, query: { thread_id: ctx.threadId } } : { body, summary }
}

// ──────────────────────────────────────── digest ────────────────────────────────────────

/** "5 notifications · ⏱ up to 2 h 11 min late — the museum was offline", above the embeds. */
function contentLine(count: number, items: DigestItem[]): string {
  const late = digestLateLine(items)
  const line = late ? `${notificationCount(count)} · ${escapeMarkdown(late)}` : notificationCount(count)
  const test = items.some((item) => item.ctx.test) ? `${TEST_NOTICE}\n` : ''
  return truncateChars(neutralizeDiscordMentions(test + line), MESSAGE_LIMITS.content)
}

function formatDiscordDigest(items: DigestItem[]): PreparedRequest & { included: number } {
  assertItems(items)
  const [first] = items
  // Forum channels open a thread per message, so they get no digests; if asked anyway, the
  // first event goes alone, as its own message would (thread name or thread id included).
  if (first.ctx.options.forum === true) return { ...formatDiscord(first.event, first.ctx), included: 1 }

  const embeds: APIEmbed[] = []
  let total = 0
  let firstSummary = ''
  for (const { event, ctx } of items.slice(0, MESSAGE_LIMITS.embeds)) {
    const view = describeEvent(event, discordSyntax, ctx.options)
    // fitEmbed alone keeps any embed within 6,000, so the first one always fits.
    const embed = fitEmbed(eventEmbed(event, view, ctx.test))
    const length = embedTextLength(embed)
    if (embeds.length > 0 && total + length > EMBED_LIMITS.total) break
    if (embeds.length === 0) firstSummary = viewSummary(view, ctx.test)
    embeds.push(embed)
    total += length
  }
  const body: RESTPostAPIWebhookWithTokenJSONBody = {
    content: contentLine(embeds.length, items.slice(0, embeds.length)),
    embeds,
    // Report text is written by the public: never let anything in it ping anyone.
    allowed_mentions: { parse: [] },
  }
  if (items.slice(0, embeds.length).every((item) => item.ctx.silent)) body.flags = SUPPRESS_NOTIFICATIONS
  return { body, summary: digestSummary(embeds.length, firstSummary), included: embeds.length }
}

export const discordDigest: DigestFormat = { maxItems: MESSAGE_LIMITS.embeds, format: formatDiscordDigest }

// ──────────────────────────────────── attention alert ────────────────────────────────────

/** Knocker's own text or a name, made unable to restyle the message or ping anyone. */
export const inert = (text: string) => neutralizeDiscordMentions(escapeMarkdown(text))

export function formatDiscordAlert(alert: AttentionAlert, ctx: FormatContext): PreparedRequest {
  const embed: APIEmbed = {
    title: `⚠️ ${alertHeadline(alert, inert)}`,
    description: [`${inert(alertReason(alert))}.`, waitingLine(alert.waiting), `**${ALERT_ACTION}**`].join('\n\n'),
    color: ALERT_COLOR,
    timestamp: alert.at,
    footer: { text: 'Knocker' },
  }
  const body: RESTPostAPIWebhookWithTokenJSONBody = {
    embeds: [fitEmbed(embed)],
    allowed_mentions: { parse: [] },
  }
  // A forum channel takes no message without a thread of its own: the alert opens one.
  if (ctx.options.forum === true) {
    body.thread_name = truncateChars(neutralizeDiscordMentions(`Knocker: ${alertEndpointName(alert)} needs attention`), FORUM_THREAD_NAME_MAX)
  }
  return { body, summary: alertSummary(alert) }
}


// ───────────────────────────── relayed messages ─────────────────────────────

/** Every string of a value with Discord's mention syntax made inert. */
function inertStrings<T>(value: T): T {
  if (typeof value === 'string') return neutralizeDiscordMentions(value) as T
  if (Array.isArray(value)) return value.map(inertStrings) as T
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, inertStrings(v)])) as T
  return value
}

/** The embeds within Discord's limits again (inert mentions add a character each). */
function fitEmbeds(embeds: APIEmbed[]): APIEmbed[] {
  const lengths = embeds.map((e) => embedTextLength(fitEmbed(e)))
  const total = lengths.reduce((a, b) => a + b, 0)
  if (total <= EMBED_LIMITS.total) return embeds.map((e) => fitEmbed(e))
  return embeds.map((e, i) => fitEmbed(e, Math.floor((EMBED_LIMITS.total * lengths[i]) / total)))
}

/**
 * A message relayed from a Discord-compatible source, as it was sent: content, embeds, flags,
 * and the sender's name and avatar unless the endpoint's `relay_identity` option is false.
 * Mentions are never widened: Knocker's Discord endpoints allow none, so allowed_mentions is
 * {"parse": []} whatever the sender asked for, and mention syntax is made inert besides. A late
 * message says so on the content's first line. Forum channels get a thread name; other
 * channels never (Discord refuses thread_name there).
 */
export function formatDiscordRelay(message: RelayedMessage, ctx: FormatContext): PreparedRequest {
  const sent = message.body
  const body: RESTPostAPIWebhookWithTokenJSONBody = {}
  const late = ctx.late ? discordLateLine(ctx.late) : ''
  const content = inertStrings(sent.content ?? '')
  if (late || content) {
    body.content = late
      ? truncateChars(content ? `${late}\n${content}` : late, MESSAGE_LIMITS.content)
      : truncateChars(content, MESSAGE_LIMITS.content)
  }
  if (sent.embeds?.length) body.embeds = fitEmbeds(inertStrings(sent.embeds.slice(0, MESSAGE_LIMITS.embeds)))
  if (ctx.options.relay_identity !== false) {
    if (sent.username) body.username = truncateChars(sent.username, MESSAGE_LIMITS.username)
    if (sent.avatar_url) body.avatar_url = sent.avatar_url
  }
  if (sent.flags) body.flags = sent.flags
  body.allowed_mentions = { parse: [] }
  const view = describeRelay(message, discordSyntax, RELAY_LIMITS)
  if (ctx.options.forum === true) {
    body.thread_name = truncateChars(neutralizeDiscordMentions(oneLine(sent.thread_name ?? view.headline)), FORUM_THREAD_NAME_MAX)
  }
  return { body, summary: view.summary }
}

const RELAY_LIMITS = { description: EMBED_LIMITS.description, fieldValue: EMBED_LIMITS.fieldValue, line: EMBED_LIMITS.title }
