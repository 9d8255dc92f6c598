// Several waiting events as one Slack message: a "5 notifications" header, the late line once,
// then per event a divider and one compact section (linked title, key fields on one line, the
// text, who and when). As many events as fit 50 blocks and the blocks' total length; texts
// are shortened before an event is left for the next message.
import type { KnownBlock } from '@slack/types'
import { machineDisplayName } from '../../../../shared/events'
import { largestFitting } from '../../text/largestFitting'
import { oneLine } from '../../text/cleanText'
import { truncateChars } from '../../text/truncate'
import { fitDigest } from '../digestFit'
import { assertItems, digestLateLine, digestSummary, notificationCount } from '../digestText'
import { describeEvent, TEST_NOTICE, TEST_TITLE_PREFIX, viewSummary } from '../eventView'
import type { DigestFormat, DigestItem, PreparedRequest } from '../types'
import { contextLine, TONE_EMOJI, type SlackMessageBody } from './format'
import { BLOCK_LIMITS, BLOCKS_JSON_BUDGET, blocksJsonLength, cutMrkdwn, repairCut } from './limits'
import { escapeEntities, escapeName, neutralizeSlack, slackSyntax, slackUrl } from './syntax'

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
  const view = describeEvent(event, slackSyntax)
  const name = truncateChars(oneLine(machineDisplayName(event.machine)), MACHINE_NAME_MAX)
  const label = escapeName(`${ctx.test ? TEST_TITLE_PREFIX : ''}${name} — ${oneLine(view.what)}`).replace(/\|/g, '¦')
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

const mrkdwn = (text: string) => ({ type: 'mrkdwn' as const, text, verbatim: true })

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
