// KnockerEvent → one Slack Block Kit message with the same content as the Discord embed:
// header (machine + what happened), fields, description, a who/when context line and a link
// to the record, plus the `text` fallback Slack shows in notifications. Limits: fitParts.
import { machineDisplayName, type KnockerEvent } from '../../../../shared/events'
import { oneLine } from '../../text/cleanText'
import { truncateChars } from '../../text/truncate'
import { describeEvent, TEST_NOTICE, TEST_TITLE_PREFIX, viewSummary, type EventView, type Tone } from '../eventView'
import { lateLine, type LateLineOptions } from '../../text/lateNotice'
import type { FormatContext, LateNotice, PreparedRequest } from '../types'
import type { KnownBlock } from '@slack/types'
import type { RelayedMessage } from '../../../../shared/relay'
import { largestFitting } from '../../text/largestFitting'
import { describeRelay, type RelayView } from '../relayView'
import { BLOCK_LIMITS, BLOCKS_JSON_BUDGET, blocksJsonLength, cutMrkdwn, fitParts, repairCut, toBlocks } from './limits'
import { escapeEntities, escapeName, neutralizeSlack, plainTextWithin, slackDate, slackLink, slackSyntax, slackUrl } from './syntax'

export { TEST_NOTICE, TEST_TITLE_PREFIX }

/** Block Kit has no colour bar outside legacy attachments: the tone leads the header instead. */
export const TONE_EMOJI: Record<Tone, string> = { bad: '🔴', warning: '🟠', good: '🟢', info: '🔵' }

export interface SlackMessageBody {
  text: string
  blocks: ReturnType<typeof toBlocks>
  unfurl_links: false
  unfurl_media: false
}

/** "🔴 Eight Ball Deluxe — New problem report", shortening the machine name, never the event. */
function headerFor(machineName: string, view: EventView, test: boolean): string {
  const prefix = `${test ? TEST_TITLE_PREFIX : ''}${TONE_EMOJI[view.tone]} `
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

export function contextLine(event: KnockerEvent, test: boolean): string {
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
  const view = describeEvent(event, slackSyntax)
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
