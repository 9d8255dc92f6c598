// Every Slack message Knocker sends, each one Block Kit body (SlackMessageBody): the blocks,
// the `text` fallback Slack shows in notifications, and link previews turned off.
// - An event (formatSlack): the same content as the Discord embed: a header (machine + what
//   happened), fields, description, a who/when context line and a link to the record.
//   Limits: fitParts.
// - A digest (slackDigest): several waiting events as one message: a "5 notifications"
//   header, the late line once, then per event a divider and one compact section (linked
//   title, key fields on one line, the text, who and when). As many events as fit 50 blocks
//   and the blocks' total length; texts are shortened before an event is left for the next
//   message.
// - An attention alert (formatSlackAlert): a header with the headline, the reason, what is
//   waiting and where to fix it. The endpoint's name and the reason are made inert like report
//   text (entities, broken @-mentions, fenced styles).
// - A relayed Discord message (formatSlackRelay): its content and embeds translated into
//   blocks (relayView.ts says what it shows), within the same limits.
// - A morning report: morningMessage.ts.
import type { KnownBlock } from '@slack/types'
import type { AttentionAlert } from '../../../../shared/attentionAlert'
import { machineDisplayName, type KnockerEvent } from '../../../../shared/events'
import type { RelayedMessage } from '../../../../shared/relay'
import { oneLine } from '../../text/cleanText'
import { largestFitting } from '../../text/largestFitting'
import { lateLine, type LateLineOptions } from '../../text/lateNotice'
import { truncateChars } from '../../text/truncate'
import { ALERT_ACTION, alertHeadline, alertReason, alertSummary, alertText, waitingLine } from '../alertText'
import { fitDigest } from '../digestFit'
import { assertItems, digestLateLine, digestSummary, notificationCount } from '../digestText'
import { describeEvent, TEST_NOTICE, TEST_TITLE_PREFIX, viewSummary, type EventView, type Tone } from '../eventView'
import { describeRelay, type RelayView } from '../relayView'
import type { DigestFormat, DigestItem, FormatContext, LateNotice, PreparedRequest } from '../types'
import { BLOCK_LIMITS, BLOCKS_JSON_BUDGET, blocksJsonLength, cutMrkdwn, fitParts, repairCut, toBlocks } from './limits'
import { escapeEntities, escapeName, neutralizeSlack, plainTextWithin, slackDate, slackLink, slackSyntax, slackUrl } from './syntax'

/** Block Kit has no colour bar outside legacy attachments: the tone leads the header instead. */
const TONE_EMOJI: Record<Tone, string> = { bad: '🔴', warning: '🟠', good: '🟢', info: '🔵' }

export interface SlackMessageBody {
  text: string
  blocks: ReturnType<typeof toBlocks>
  unfurl_links: false
  unfurl_media: false
}

/** A mrkdwn text object; verbatim: Slack makes no link of a bare URL, channel name or mention in it. */
export const mrkdwn = (text: string) => ({ type: 'mrkdwn' as const, text, verbatim: true })

// ───────────────────────────────────────── event ─────────────────────────────────────────

/** "🔴 Eight Ball Deluxe — New problem report", shortening the machine name, never the event. */
function headerFor(machineName: string, view: EventView, test: boolean): string {
  const prefix = `${test ? TEST_TITLE_PREFIX : ''}${TONE_EMOJI[view.tone]} `
  // The endpoint's own title, when it has one (plain text: a header styles and pings nothing).
  if (view.title !== undefined) return plainTextWithin(prefix + view.title, BLOCK_LIMITS.headerText)
  const suffix = ` — ${view.what}`
  const room = BLOCK_LIMITS.headerText - prefix.length - Math.min(suffix.length, BLOCK_LIMITS.headerText / 2)
  const title = prefix + truncateChars(oneLine(machineName), Math.max(room, 1)) + suffix
  return plainTextWithin(title, BLOCK_LIMITS.headerText)
}

/** Who did it: the person acting, or the reporter of a new report. */
function whoOf(event: KnockerEvent): string {
  const actor = oneLine(event.actor?.display_name || event.actor?.username || '')
  if (actor) return actor
  if (event.event === 'problem_report.created') {
    const reporter = event.problem_report.reporter
    return oneLine(reporter?.display || reporter?.username || '') || 'Anonymous'
  }
  return ''
}

function linkLabel(event: KnockerEvent): string {
  switch (event.event) {
    case 'problem_report.created':
    case 'problem_report.closed':
    case 'problem_report.reopened':
      return `Open problem report #${event.problem_report.id} in Flipfix`
    case 'log_entry.created':
      return `Open log entry #${event.log_entry.id} in Flipfix`
    default:
      return 'Open the machine in Flipfix'
  }
}

/** Who and when, under an event: its own message's context block, its digest section's last line. */
function contextLine(event: KnockerEvent, test: boolean): string {
  const who = whoOf(event)
  return [
    who && escapeName(who),
    slackDate(event.occurred_at, '{date_short_pretty} at {time}'),
    `Flipfix · ${escapeName(oneLine(event.machine.asset_id))}`,
    test && 'test message',
  ]
    .filter(Boolean)
    .join(' · ')
}

/** The late notice in mrkdwn: Knocker's own words, still made inert. */
function slackLateLine(late: LateNotice, options?: LateLineOptions): string {
  return escapeName(lateLine(late, options))
}

export function formatSlack(event: KnockerEvent, ctx: FormatContext): PreparedRequest {
  const view = describeEvent(event, slackSyntax, ctx.options)
  // The link is a mrkdwn link, not a button: a URL button still sends an interaction to the
  // webhook's app, and apps without interactivity show every clicker a warning icon.
  const parts = fitParts({
    header: headerFor(machineDisplayName(event.machine), view, ctx.test),
    ...(ctx.late && { late: slackLateLine(ctx.late) }),
    ...(ctx.test && { notice: escapeEntities(TEST_NOTICE) }),
    fields: view.fields.map((f) => ({ name: escapeEntities(f.name), value: f.value })),
    // eventView cuts at ~200 words and 3000 characters, possibly inside a <url|label>.
    ...(view.description && { description: repairCut(view.description) }),
    context: [contextLine(event, ctx.test)],
    link: `*${slackLink(linkLabel(event), view.url)}*`,
  })
  const summary = viewSummary(view, ctx.test)
  const body: SlackMessageBody = {
    // The notification preview (and what screen readers and old clients show): always sent.
    text: neutralizeSlack(ctx.late ? `${summary} (${lateLine(ctx.late)})` : summary),
    blocks: toBlocks(parts),
    // Link previews of the museum's pages only clutter the channel.
    unfurl_links: false,
    unfurl_media: false,
  }
  return { body, summary }
}

// ──────────────────────────────────────── digest ────────────────────────────────────────

/** header + late line + test notice + 20 × (divider + section) = 43 blocks of the 50 allowed. */
const SLACK_DIGEST_MAX = 20
/** Each event's text keeps at least this much before an event is left for the next message. */
const TEXT_FLOOR = 300
/** Field values on the one facts line ("Maintainers: a, b and 12 more" stays whole). */
const FACT_MAX = 200
const MACHINE_NAME_MAX = 100
/** A longer record URL is left off the title rather than crowd out the events. */
const URL_MAX = 1000

/** One event, in mrkdwn, before its text is cut. */
interface CompactEvent {
  title: string
  facts: string
  text: string
  context: string
}

function compactEvent({ event, ctx }: DigestItem): CompactEvent & { summary: string } {
  const view = describeEvent(event, slackSyntax, ctx.options)
  const name = truncateChars(oneLine(machineDisplayName(event.machine)), MACHINE_NAME_MAX)
  const title = view.title !== undefined ? truncateChars(view.title, MACHINE_NAME_MAX * 2) : `${name} — ${oneLine(view.what)}`
  const label = escapeName(`${ctx.test ? TEST_TITLE_PREFIX : ''}${title}`).replace(/\|/g, '¦')
  const url = slackUrl(view.url)
  return {
    title: `${TONE_EMOJI[view.tone]} *${url.length <= URL_MAX ? `<${url}|${label}>` : label}*`,
    facts: view.fields.map((f) => `*${escapeEntities(f.name)}:* ${cutMrkdwn(oneLine(f.value), FACT_MAX)}`).join(' · '),
    // eventView cuts at ~200 words and 3000 characters, possibly inside a <url|label>.
    text: view.description ? repairCut(view.description) : '',
    context: contextLine(event, ctx.test),
    summary: viewSummary(view, ctx.test),
  }
}

/** The event's section text: its own text cut to `cap`, the whole within `max` (3,000). */
function sectionText(event: CompactEvent, cap: number, max: number = BLOCK_LIMITS.sectionText): string {
  const fixed = [event.title, event.facts, event.context].filter(Boolean)
  const room = max - fixed.join('\n').length - 1
  const text = room > 0 ? cutMrkdwn(event.text, Math.min(cap, room)) : ''
  const lines = [event.title, event.facts, text, event.context].filter((line) => line.trim())
  return cutMrkdwn(lines.join('\n'), max)
}

interface DigestHead {
  late: string | null
  test: boolean
}

function digestBlocks(head: DigestHead, events: CompactEvent[], cap: number, max?: number): KnownBlock[] {
  const blocks: KnownBlock[] = [
    { type: 'header', block_id: 'header', text: { type: 'plain_text', text: notificationCount(events.length), emoji: true } },
  ]
  if (head.late) blocks.push({ type: 'context', block_id: 'late', elements: [mrkdwn(escapeName(head.late))] })
  if (head.test) blocks.push({ type: 'section', block_id: 'notice', text: mrkdwn(escapeEntities(TEST_NOTICE)) })
  events.forEach((event, i) => {
    // block_ids must be unique within a message.
    blocks.push({ type: 'divider', block_id: `divider-${i + 1}` })
    blocks.push({ type: 'section', block_id: `event-${i + 1}`, text: mrkdwn(sectionText(event, cap, max)) })
  })
  return blocks
}

function withinLimits(blocks: KnownBlock[]): boolean {
  return blocks.length <= BLOCK_LIMITS.blocks && blocksJsonLength(blocks) <= BLOCKS_JSON_BUDGET
}

function formatSlackDigest(items: DigestItem[]): PreparedRequest & { included: number } {
  assertItems(items)
  const events = items.slice(0, SLACK_DIGEST_MAX).map(compactEvent)
  const headFor = (count: number): DigestHead => ({
    late: digestLateLine(items.slice(0, count)),
    test: items.slice(0, count).some((item) => item.ctx.test),
  })
  const build = (count: number, cap: number, max?: number) => digestBlocks(headFor(count), events.slice(0, count), cap, max)

  const longest = Math.max(...events.map((e) => e.text.length))
  const fit = fitDigest(events.length, TEXT_FLOOR, longest, (count, cap) => withinLimits(build(count, cap)))
  let blocks: KnownBlock[]
  if (fit) {
    blocks = build(fit.included, fit.cap)
  } else {
    // Not even the first event fits with its text at the floor (absurdly long names or
    // links): less of its text, then less of the whole section, until it does.
    const cap = largestFitting(0, TEXT_FLOOR, (c) => withinLimits(build(1, c)))
    const max = cap === undefined ? largestFitting(1, BLOCK_LIMITS.sectionText, (m) => withinLimits(build(1, 0, m))) : undefined
    if (cap === undefined && max === undefined) throw new Error('the Slack digest cannot fit even one event')
    blocks = build(1, cap ?? 0, max)
  }

  const included = blocks.filter((b) => b.type === 'section' && b.block_id?.startsWith('event-')).length
  const summary = digestSummary(included, events[0].summary)
  const late = headFor(included).late
  const body: SlackMessageBody = {
    // The notification preview: short, whatever the message holds.
    text: neutralizeSlack(late ? `${summary} (${late})` : summary),
    blocks,
    unfurl_links: false,
    unfurl_media: false,
  }
  return { body, summary, included }
}

export const slackDigest: DigestFormat = { maxItems: SLACK_DIGEST_MAX, format: formatSlackDigest }

// ──────────────────────────────────── attention alert ────────────────────────────────────

export function formatSlackAlert(alert: AttentionAlert, _ctx: FormatContext): PreparedRequest {
  const blocks: KnownBlock[] = [
    {
      type: 'header',
      block_id: 'header',
      text: { type: 'plain_text', text: plainTextWithin(`⚠️ ${alertHeadline(alert)}`, BLOCK_LIMITS.headerText), emoji: true },
    },
    { type: 'section', block_id: 'reason', text: mrkdwn(cutMrkdwn(`${escapeName(alertReason(alert))}.`, BLOCK_LIMITS.sectionText)) },
    { type: 'section', block_id: 'waiting', text: mrkdwn(`${waitingLine(alert.waiting)}\n*${escapeEntities(ALERT_ACTION)}*`) },
    { type: 'context', block_id: 'context', elements: [mrkdwn(`Knocker · ${slackDate(alert.at, '{date_short_pretty} at {time}')}`)] },
  ]
  const body: SlackMessageBody = {
    text: neutralizeSlack(alertText(alert)),
    blocks,
    unfurl_links: false,
    unfurl_media: false,
  }
  return { body, summary: alertSummary(alert) }
}


// ───────────────────────────── relayed messages ─────────────────────────────

/** Texts of a relayed message keep at least this much before embeds are left off the end. */
const RELAY_TEXT_FLOOR = 200
const RELAY_LIMITS = { description: BLOCK_LIMITS.sectionText, fieldValue: 1000, line: 140 }

function relayBlocks(view: RelayView, late: string | null, cap: number, cards: number): KnownBlock[] {
  const cut = (text: string, max: number) => cutMrkdwn(text, Math.min(cap, max))
  const blocks: KnownBlock[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: plainTextWithin(`${TONE_EMOJI[view.cards[0]?.tone ?? 'info']} ${view.headline}`, BLOCK_LIMITS.headerText), emoji: true },
    },
  ]
  const mrkdwn = (text: string) => ({ type: 'mrkdwn' as const, text, verbatim: true })
  if (late) blocks.push({ type: 'context', elements: [mrkdwn(late)] })
  if (view.content) blocks.push({ type: 'section', text: mrkdwn(cut(view.content, BLOCK_LIMITS.sectionText)) })
  view.cards.slice(0, cards).forEach((card, i) => {
    if (i > 0 || view.content) blocks.push({ type: 'divider' })
    const title = card.title ? (card.url ? `*<${slackUrl(card.url)}|${card.title.replace(/\|/g, '¦')}>*` : `*${card.title}*`) : ''
    const author = card.author ? (card.authorUrl ? `<${slackUrl(card.authorUrl)}|${card.author.replace(/\|/g, '¦')}>` : card.author) : ''
    const head = [author, title].filter(Boolean).join('\n')
    const text = [head, card.description ? cut(card.description, BLOCK_LIMITS.sectionText - head.length - 2) : ''].filter(Boolean).join('\n')
    if (text) blocks.push({ type: 'section', text: mrkdwn(cutMrkdwn(text, BLOCK_LIMITS.sectionText)) })
    const fields = card.fields.slice(0, BLOCK_LIMITS.fields).map((f) => mrkdwn(cut(`*${f.name}*\n${f.value}`, BLOCK_LIMITS.fieldText)))
    if (fields.length) blocks.push({ type: 'section', fields })
    const image = card.image ?? card.thumbnail
    if (image && image.length <= 3000) blocks.push({ type: 'image', image_url: image, alt_text: truncateChars(card.title ?? 'image', 2000) })
    const foot = [card.footer, card.timestamp && slackDate(card.timestamp, '{date_short_pretty} at {time}')].filter(Boolean).join(' · ')
    if (foot) blocks.push({ type: 'context', elements: [mrkdwn(foot)] })
  })
  const left = view.cards.length - cards
  const origin = escapeName(view.origin) + (left > 0 ? ` · ${left} more embed${left === 1 ? '' : 's'} not shown` : '')
  blocks.push({ type: 'context', elements: [mrkdwn(origin)] })
  return blocks
}

/** A message relayed from a Discord-compatible source, translated: header, content, then per
 * embed its author, linked title, description, fields, image and footer, within Block Kit's
 * limits (texts shortened first, then embeds left off the end, saying so). */
export function formatSlackRelay(message: RelayedMessage, ctx: FormatContext): PreparedRequest {
  const view = describeRelay(message, slackSyntax, RELAY_LIMITS)
  const late = ctx.late ? slackLateLine(ctx.late) : null
  const fits = (blocks: KnownBlock[]) => blocks.length <= BLOCK_LIMITS.blocks && blocksJsonLength(blocks) <= BLOCKS_JSON_BUDGET
  let blocks: KnownBlock[] | null = null
  for (let cards = view.cards.length; cards >= 0 && !blocks; cards -= 1) {
    if (fits(relayBlocks(view, late, BLOCK_LIMITS.sectionText, cards))) blocks = relayBlocks(view, late, BLOCK_LIMITS.sectionText, cards)
    else {
      const cap = largestFitting(RELAY_TEXT_FLOOR, BLOCK_LIMITS.sectionText, (c) => fits(relayBlocks(view, late, c, cards)))
      if (cap !== undefined) blocks = relayBlocks(view, late, cap, cards)
    }
  }
  blocks ??= relayBlocks(view, late, 0, 0)
  const summary = view.summary
  const body: SlackMessageBody = {
    text: neutralizeSlack(ctx.late ? `${summary} (${lateLine(ctx.late)})` : summary),
    blocks,
    unfurl_links: false,
    unfurl_media: false,
  }
  return { body, summary }
}
