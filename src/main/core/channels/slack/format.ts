// KnockerEvent → one Slack Block Kit message with the same content as the Discord embed:
// header (machine + what happened), fields, description, a who/when context line and a link
// to the record, plus the `text` fallback Slack shows in notifications. Limits: fitParts.
import { machineDisplayName, type KnockerEvent } from '../../../../shared/events'
import { oneLine } from '../../text/cleanText'
import { truncateChars } from '../../text/truncate'
import { describeEvent, TEST_NOTICE, TEST_TITLE_PREFIX, viewSummary, type EventView, type Tone } from '../eventView'
import { lateLine, type LateLineOptions } from '../../text/lateNotice'
import type { FormatContext, LateNotice, PreparedRequest } from '../types'
import { BLOCK_LIMITS, fitParts, repairCut, toBlocks } from './limits'
import { escapeEntities, escapeName, neutralizeSlack, plainTextWithin, slackDate, slackLink, slackSyntax } from './syntax'

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
