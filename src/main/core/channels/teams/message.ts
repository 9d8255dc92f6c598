// Every Teams message Knocker sends, each one Adaptive Card 1.4 in the message envelope a
// Teams Workflow expects (cardMessage), with one preview line for notifications.
// - An event (formatTeams): the content is describeEvent's (the same as Discord's), laid out
//   as title, optional TEST notice, FactSet, description, footer, "Open …" buttons. Size is
//   enforced last by fitCard.
// - A digest (teamsDigest): several waiting events as one card with a "5 notifications"
//   heading, the late line once, then a Container per event holding what its own card shows
//   (title, facts, text, footer, its "Open …" buttons). As many events as fit the ~28 KB the
//   card is measured against; texts are shortened before an event waits for the next message.
// - An attention alert (formatTeamsAlert): the headline in the warning colour, the reason,
//   what is waiting and where to fix it. The endpoint's name and the reason are escaped like
//   any name, so they cannot restyle the card or mention anyone.
// - A relayed Discord message (formatTeamsRelay): its content and embeds as one card
//   (relayView.ts says what it shows), shortened until it fits.
// - A morning report: morningMessage.ts.
import type { AttentionAlert } from '../../../../shared/attentionAlert'
import { machineDisplayName, type KnockerEvent } from '../../../../shared/events'
import { oneLine } from '../../text/cleanText'
import { lateLine } from '../../text/lateNotice'
import type { RelayedMessage } from '../../../../shared/relay'
import { largestFitting } from '../../text/largestFitting'
import { truncateChars } from '../../text/truncate'
import { ALERT_ACTION, alertHeadline, alertReason, alertSummary, alertText, waitingLine } from '../alertText'
import { fitDigest } from '../digestFit'
import { assertItems, digestLateLine, digestSummary, notificationCount } from '../digestText'
import { describeEvent, TEST_NOTICE, TEST_TITLE_PREFIX, viewSummary, type MessageSyntax, type Tone } from '../eventView'
import { describeRelay, type RelayView } from '../relayView'
import type { DigestFormat, DigestItem, FormatContext, PreparedRequest } from '../types'
import { CardTooLargeError, fitCard, messageBytes, TEAMS_LIMITS } from './limits'

const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive'
const ADAPTIVE_CARD_SCHEMA = 'http://adaptivecards.io/schemas/adaptive-card.json'

/** Adaptive Cards have a fixed palette; the event's tone picks from it. */
const TONE_COLORS: Record<Tone, 'attention' | 'good' | 'warning' | 'accent'> = {
  bad: 'attention',
  good: 'good',
  warning: 'warning',
  info: 'accent',
}

const MAX_FACT_CHARS = 1000
const MAX_MACHINE_NAME_CHARS = 200

// Adaptive Card text is a CommonMark subset (bold, italic, lists, links). A backslash makes
// any of these characters literal; < and > keep "<at>…</at>" from looking like a mention.
const MARKDOWN_SPECIAL = /[\\*_[\]`~<>]/g
// A name that starts like a list item or heading would be restyled as one.
const BLOCK_START = /^(\s*)([-+#]|\d+[.)])(?=\s|$)/

// Teams evaluates {{DATE(…)}} and {{TIME(…)}} in any TextBlock: typed text must not call them
// (our own footer adds its date after escaping). A zero-width space splits the braces.
const FUNCTION_OPEN = /\{\{/g
const ZWSP = '\u200b'

function escapeMarkdown(text: string): string {
  return text
    .replace(MARKDOWN_SPECIAL, '\\$&')
    .replace(BLOCK_START, (_m, space: string, marker: string) => `${space}\\${marker}`)
    .replace(FUNCTION_OPEN, `{${ZWSP}{`)
}

// Control characters render as boxes (or break the flow's JSON handling); tabs and newlines stay.
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g
// A Markdown link whose target isn't a web page (javascript:, file:, data: …) loses its syntax.
const NON_WEB_LINK = /\[([^\]\n]*)\]\((?!https?:\/\/|mailto:)/gi

/** Free text (report descriptions, log texts) keeps its Markdown: Teams renders the same subset.
 * What it can't keep: tags (<at>…</at> looks like a mention, HTML to some clients), template
 * functions and links to anything but web pages and mail. */
function cleanFreeText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(CONTROL_CHARS, '')
    .replace(/[<>]/g, '\\$&')
    .replace(FUNCTION_OPEN, `{${ZWSP}{`)
    .replace(NON_WEB_LINK, (_m, label: string) => `\\[${label}\\](`)
}

/** The one-line preview travels outside the card (message text, notifications), where a flow
 * may treat it as HTML: angle brackets become look-alikes that open no tag. */
export function previewText(text: string): string {
  return text.replace(/</g, '‹').replace(/>/g, '›')
}

/** The work date as the event wrote it (the host app's own date when it sends a local
 * offset), not shifted into UTC, which would move evening work to the next day. */
function plainDate(iso: string): string {
  const written = /^\d{4}-\d{2}-\d{2}/.exec(iso)?.[0]
  if (written) return written
  const parsed = new Date(iso)
  return Number.isNaN(parsed.getTime()) ? oneLine(iso) : parsed.toISOString().slice(0, 10)
}

/** A parenthesis or space would end the Markdown link early; encodeURIComponent leaves ( ) alone. */
function percentEncode(char: string): string {
  return char === '(' ? '%28' : char === ')' ? '%29' : encodeURIComponent(char)
}

export const teamsSyntax: MessageSyntax = {
  escape: (text) => escapeMarkdown(text.replace(CONTROL_CHARS, '')),
  escapeText: cleanFreeText,
  link: (label, url) => `[${escapeMarkdown(oneLine(label))}](${url.replace(/[()\s]/g, percentEncode)})`,
  // DATE() is documented for TextBlocks only; a fact gets the plain date.
  date: plainDate,
  maxFieldChars: MAX_FACT_CHARS,
}

interface TeamsFact {
  title: string
  value: string
}

interface TeamsAction {
  title: string
  url: string
}

/** Everything a card shows, before layout. */
interface CardParts {
  title: string
  tone: Tone
  test: boolean
  /** "⏱ 2 h 11 min late — …" (Markdown-escaped), when the message is late. */
  late?: string
  /** The same in plain text, added to every preview. */
  latePlain?: string
  facts: TeamsFact[]
  description?: string
  footer: string
  actions: TeamsAction[]
  /** One plain line for notification previews and screen readers. */
  preview: string
}

/** The JSON posted to the Workflow. */
export interface TeamsMessage {
  type: 'message'
  summary: string
  text: string
  attachments: Array<{
    contentType: typeof ADAPTIVE_CARD_CONTENT_TYPE
    contentUrl: null
    content: AdaptiveCard
  }>
}

interface AdaptiveCard {
  $schema: typeof ADAPTIVE_CARD_SCHEMA
  type: 'AdaptiveCard'
  version: string
  fallbackText: string
  speak: string
  msteams: { width: 'Full' }
  body: Array<Record<string, unknown>>
  actions: Array<{ type: 'Action.OpenUrl'; title: string; url: string }>
}

/** The card elements of one event: title, late line, TEST notice, facts, text, footer. */
function eventElements(parts: CardParts): Array<Record<string, unknown>> {
  const body: Array<Record<string, unknown>> = [
    // The title comes first: a client that previews a card by its first text shows it.
    { type: 'TextBlock', text: parts.title, weight: 'bolder', size: 'medium', color: TONE_COLORS[parts.tone], wrap: true },
  ]
  if (parts.late) body.push({ type: 'TextBlock', text: parts.late, isSubtle: true, size: 'small', wrap: true, spacing: 'none' })
  if (parts.test) body.push({ type: 'TextBlock', text: TEST_NOTICE, weight: 'bolder', color: 'warning', wrap: true })
  if (parts.facts.length > 0) body.push({ type: 'FactSet', facts: parts.facts })
  if (parts.description) body.push({ type: 'TextBlock', text: parts.description, wrap: true })
  body.push({ type: 'TextBlock', text: parts.footer, isSubtle: true, size: 'small', wrap: true, spacing: 'medium' })
  return body
}

function openUrlActions(actions: TeamsAction[]): AdaptiveCard['actions'] {
  return actions.map((a) => ({ type: 'Action.OpenUrl', title: a.title, url: a.url }))
}

/**
 * An Adaptive Card inside the Workflows message envelope, with one preview line.
 * Phones otherwise say only "Workflows sent a card". Which text a Teams client previews
 * depends on the flow and the client, so the same short line goes everywhere one is read:
 * - the message's `summary` (Bot Framework's notification/preview text) and `text`, which a
 *   flow that posts the message itself, or reads triggerBody()?['text'], picks up;
 * - the card's `fallbackText` (shown by clients that can't render the card) and `speak`
 *   (screen readers). The "Post to a channel when a webhook request is received" template
 *   posts only the card, so these are what travel with it.
 */
export function cardMessage(preview: string, body: AdaptiveCard['body'], actions: AdaptiveCard['actions']): TeamsMessage {
  return {
    type: 'message',
    summary: preview,
    text: preview,
    attachments: [
      {
        contentType: ADAPTIVE_CARD_CONTENT_TYPE,
        contentUrl: null,
        content: {
          $schema: ADAPTIVE_CARD_SCHEMA,
          type: 'AdaptiveCard',
          version: TEAMS_LIMITS.cardVersion,
          fallbackText: preview,
          // speak may be read as SSML: keep markup characters out.
          speak: preview.replace(/[<>&]/g, ' '),
          msteams: { width: 'Full' },
          body,
          actions,
        },
      },
    ],
  }
}

/** Teams renders DATE()/TIME() in each reader's own time zone (strict RFC 3339, no milliseconds). */
export function localizedTime(iso: string): string {
  const parsed = new Date(iso)
  if (Number.isNaN(parsed.getTime())) return ''
  const stamp = parsed.toISOString().replace(/\.\d{3}Z$/, 'Z')
  return ` · {{DATE(${stamp}, SHORT)}} {{TIME(${stamp})}}`
}

// ───────────────────────────────────────── event ─────────────────────────────────────────

/** Lay the parts out as an Adaptive Card inside the Workflows message envelope. */
function buildMessage(parts: CardParts): TeamsMessage {
  const preview = parts.latePlain ? `${parts.preview} (${parts.latePlain})` : parts.preview
  return cardMessage(preview, eventElements(parts), openUrlActions(parts.actions))
}

/** "Open problem report" for the record the event is about, plus the linked report of a log entry. */
function actionsFor(event: KnockerEvent, url: string): TeamsAction[] {
  switch (event.event) {
    case 'problem_report.created':
    case 'problem_report.closed':
    case 'problem_report.reopened':
      return [{ title: 'Open problem report', url }]
    case 'log_entry.created': {
      const report = event.log_entry.problem_report
      const actions = [{ title: 'Open log entry', url }]
      if (report) actions.push({ title: `Open problem report #${report.id}`, url: report.url })
      return actions
    }
    default:
      return [{ title: 'Open machine', url }]
  }
}

/** The card's parts for an event, before any size limit is applied. */
function cardParts(event: KnockerEvent, ctx: FormatContext): CardParts {
  const view = describeEvent(event, teamsSyntax, ctx.options)
  const name = truncateChars(oneLine(machineDisplayName(event.machine)), MAX_MACHINE_NAME_CHARS)
  // The endpoint's own title, when it has one, is escaped whole like the default one.
  const title = view.title !== undefined ? teamsSyntax.escape(view.title) : `${teamsSyntax.escape(name)} — ${teamsSyntax.escape(view.what)}`
  const parts: CardParts = {
    // "[TEST] " is literal text in Markdown: brackets without a "(url)" are no link.
    title: `${ctx.test ? TEST_TITLE_PREFIX : ''}${title}`,
    tone: view.tone,
    test: ctx.test,
    facts: view.fields.map((f) => ({ title: f.name, value: f.value })),
    footer: `Flipfix · ${teamsSyntax.escape(oneLine(event.machine.asset_id))}${localizedTime(event.occurred_at)}${ctx.test ? ' · test message' : ''}`,
    actions: actionsFor(event, view.url),
    preview: previewText(viewSummary(view, ctx.test)),
  }
  if (view.description) parts.description = view.description
  if (ctx.late) {
    parts.latePlain = lateLine(ctx.late)
    parts.late = teamsSyntax.escape(parts.latePlain)
  }
  return parts
}

export function formatTeams(event: KnockerEvent, ctx: FormatContext, budget: number = TEAMS_LIMITS.messageBytes): PreparedRequest {
  const parts = fitCard(cardParts(event, ctx), buildMessage, budget)
  return { body: buildMessage(parts), summary: parts.preview }
}

// ──────────────────────────────────────── digest ────────────────────────────────────────

/** A typical event is ~1 KB of card; 15 keep a digest readable on a phone. */
const TEAMS_DIGEST_MAX = 15
/** Each event's text keeps at least this much before an event is left for the next message. */
const TEXT_FLOOR = 300

function eventContainer(parts: CardParts): Record<string, unknown> {
  // The digest says TEST and late once, at the top; each event keeps its [TEST] title.
  const items = eventElements({ ...parts, test: false, late: undefined })
  if (parts.actions.length > 0) items.push({ type: 'ActionSet', actions: openUrlActions(parts.actions) })
  return { type: 'Container', separator: true, spacing: 'large', items }
}

function digestMessage(items: DigestItem[], events: CardParts[]): TeamsMessage {
  const late = digestLateLine(items)
  const test = items.some((item) => item.ctx.test)
  const body: Array<Record<string, unknown>> = [
    { type: 'TextBlock', text: notificationCount(events.length), weight: 'bolder', size: 'medium', wrap: true },
  ]
  if (late) body.push({ type: 'TextBlock', text: teamsSyntax.escape(late), isSubtle: true, size: 'small', wrap: true, spacing: 'none' })
  if (test) body.push({ type: 'TextBlock', text: TEST_NOTICE, weight: 'bolder', color: 'warning', wrap: true })
  body.push(...events.map(eventContainer))
  const summary = digestSummary(events.length, events[0].preview)
  return cardMessage(late ? `${summary} (${late})` : summary, body, [])
}

const withTextCap = (parts: CardParts, cap: number): CardParts =>
  parts.description && parts.description.length > cap ? { ...parts, description: truncateChars(parts.description, cap) } : parts

export function formatTeamsDigest(items: DigestItem[], budget: number = TEAMS_LIMITS.messageBytes): PreparedRequest & { included: number } {
  assertItems(items)
  const events = items.slice(0, TEAMS_DIGEST_MAX).map((item) => cardParts(item.event, item.ctx))
  const build = (count: number, cap: number) => digestMessage(items.slice(0, count), events.slice(0, count).map((e) => withTextCap(e, cap)))

  const longest = Math.max(0, ...events.map((e) => e.description?.length ?? 0))
  const fit = fitDigest(events.length, TEXT_FLOOR, longest, (count, cap) => messageBytes(build(count, cap)) <= budget)
  // Not even the first event fits with its text at the floor: cut it the way its own card
  // is cut (facts, then the title); CardTooLargeError if even that cannot fit.
  const message = fit
    ? build(fit.included, fit.cap)
    : digestMessage(items.slice(0, 1), [fitCard(events[0], (parts) => digestMessage(items.slice(0, 1), [parts]), budget)])
  const included = fit?.included ?? 1
  return { body: message, summary: digestSummary(included, events[0].preview), included }
}

export const teamsDigest: DigestFormat = { maxItems: TEAMS_DIGEST_MAX, format: (items) => formatTeamsDigest(items) }

// ──────────────────────────────────── attention alert ────────────────────────────────────

export function formatTeamsAlert(alert: AttentionAlert, _ctx: FormatContext): PreparedRequest {
  const body: Array<Record<string, unknown>> = [
    { type: 'TextBlock', text: `⚠️ ${alertHeadline(alert, teamsSyntax.escape)}`, weight: 'bolder', size: 'medium', color: 'warning', wrap: true },
    { type: 'TextBlock', text: `${teamsSyntax.escape(alertReason(alert))}.`, wrap: true },
    { type: 'TextBlock', text: waitingLine(alert.waiting), wrap: true },
    { type: 'TextBlock', text: ALERT_ACTION, weight: 'bolder', wrap: true },
    { type: 'TextBlock', text: `Knocker${localizedTime(alert.at)}`, isSubtle: true, size: 'small', wrap: true, spacing: 'medium' },
  ]
  return { body: cardMessage(previewText(alertText(alert)), body, []), summary: alertSummary(alert) }
}

// ───────────────────────────── relayed messages ─────────────────────────────

/** A web link around already-escaped Markdown text. */
function markdownLink(escapedLabel: string, url: string): string {
  return `[${escapedLabel}](${url.replace(/[()\s]/g, percentEncode)})`
}

function relayElements(view: RelayView, late: string | null): Array<Record<string, unknown>> {
  const body: Array<Record<string, unknown>> = [
    { type: 'TextBlock', text: teamsSyntax.escape(view.headline), weight: 'bolder', size: 'medium', color: TONE_COLORS[view.cards[0]?.tone ?? 'info'], wrap: true },
  ]
  if (late) body.push({ type: 'TextBlock', text: late, isSubtle: true, size: 'small', wrap: true, spacing: 'none' })
  if (view.content) body.push({ type: 'TextBlock', text: view.content, wrap: true })
  for (const card of view.cards) {
    const items: Array<Record<string, unknown>> = []
    if (card.author) items.push({ type: 'TextBlock', text: card.authorUrl ? markdownLink(card.author, card.authorUrl) : card.author, size: 'small', wrap: true })
    if (card.title) {
      const title = card.url ? markdownLink(card.title, card.url) : card.title
      items.push({ type: 'TextBlock', text: title, weight: 'bolder', color: TONE_COLORS[card.tone], wrap: true })
    }
    if (card.description) items.push({ type: 'TextBlock', text: card.description, wrap: true })
    if (card.fields.length) items.push({ type: 'FactSet', facts: card.fields.map((f) => ({ title: f.name, value: f.value })) })
    const image = card.image ?? card.thumbnail
    if (image) items.push({ type: 'Image', url: image, altText: card.title ?? 'image', size: card.image ? 'stretch' : 'medium' })
    // Our own date functions end the footer, as on every card ("… · {{DATE(…)}} {{TIME(…)}}").
    const foot = card.timestamp ? `${card.footer ?? 'Sent'}${localizedTime(card.timestamp)}` : (card.footer ?? '')
    if (foot) items.push({ type: 'TextBlock', text: foot, isSubtle: true, size: 'small', wrap: true })
    if (items.length) body.push({ type: 'Container', separator: true, items })
  }
  body.push({ type: 'TextBlock', text: teamsSyntax.escape(view.origin), isSubtle: true, size: 'small', wrap: true, spacing: 'medium' })
  return body
}

/** A message relayed from a Discord-compatible source, translated into one card: content, then
 * per embed author, linked title, description, facts, image and footer; texts shortened until
 * the message fits Teams' size. */
export function formatTeamsRelay(message: RelayedMessage, ctx: FormatContext, budget: number = TEAMS_LIMITS.messageBytes): PreparedRequest {
  const latePlain = ctx.late ? lateLine(ctx.late) : null
  const late = latePlain ? teamsSyntax.escape(latePlain) : null
  const build = (cap: number) => {
    const view = describeRelay(message, teamsSyntax, { description: cap, fieldValue: Math.min(cap, MAX_FACT_CHARS), line: 256 })
    const preview = previewText(latePlain ? `${view.summary} (${latePlain})` : view.summary)
    const actions = view.cards.flatMap((c) => (c.url ? [{ title: 'Open link', url: c.url }] : []))
    return { view, message: cardMessage(preview, relayElements(view, late), openUrlActions(dedupeActions(actions).slice(0, 3))) }
  }
  const fits = (cap: number) => messageBytes(build(cap).message) <= budget
  const cap = fits(4096) ? 4096 : largestFitting(0, 4096, fits)
  if (cap === undefined) throw new CardTooLargeError('the relayed message cannot be made to fit a Teams card')
  const { view, message: body } = build(cap)
  return { body, summary: view.summary }
}

function dedupeActions(actions: TeamsAction[]): TeamsAction[] {
  const seen = new Set<string>()
  return actions.filter((a) => !seen.has(a.url) && seen.add(a.url))
}
