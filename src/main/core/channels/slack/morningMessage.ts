// The morning report at Slack: a header with the headline, the late line (if late), then one
// section per part of the report. Lists are cut to the largest length for which every section
// stays within 3,000 characters and the blocks within the message's budget ("…and 12 more").
import type { KnownBlock } from '@slack/types'
import type { MorningReport } from '../../../../shared/morningReport'
import { lateLine } from '../../text/lateNotice'
import { largestFitting } from '../../text/largestFitting'
import { MORNING_MAX_CAP, morningHeadline, morningSections, morningSummary, type MorningSyntax } from '../morningText'
import type { FormatContext, PreparedRequest } from '../types'
import { BLOCK_LIMITS, BLOCKS_JSON_BUDGET, blocksJsonLength, cutMrkdwn } from './limits'
import { mrkdwn, type SlackMessageBody } from './message'
import { escapeEntities, escapeName, neutralizeSlack, plainTextWithin, slackLink } from './syntax'

const syntax: MorningSyntax = { escape: escapeName, link: slackLink, strong: (text) => `*${text}*` }

function blocksAt(report: MorningReport, cap: number, late: string | null): KnownBlock[] {
  const blocks: KnownBlock[] = [
    { type: 'header', block_id: 'header', text: { type: 'plain_text', text: plainTextWithin(morningHeadline(report), BLOCK_LIMITS.headerText), emoji: true } },
  ]
  if (late) blocks.push({ type: 'context', block_id: 'late', elements: [mrkdwn(escapeEntities(late))] })
  morningSections(report, syntax, cap).forEach((section, i) => {
    // Slack trims leading spaces: nested lines are indented with an em space.
    const lines = section.lines.map((l) => (l.startsWith('  ') ? `\u2003${l.trimStart()}` : l))
    blocks.push({ type: 'section', block_id: `part${i}`, text: mrkdwn(`*${escapeEntities(section.title)}*\n${lines.join('\n')}`) })
  })
  return blocks
}

const fits = (blocks: KnownBlock[]) =>
  blocksJsonLength(blocks) <= BLOCKS_JSON_BUDGET &&
  blocks.every((b) => b.type !== 'section' || !b.text || b.text.text.length <= BLOCK_LIMITS.sectionText)

export function formatSlackMorning(report: MorningReport, ctx: FormatContext): PreparedRequest {
  const late = ctx.late ? lateLine(ctx.late) : null
  const cap = largestFitting(1, MORNING_MAX_CAP, (c) => fits(blocksAt(report, c, late)))
  // Not even one item of each list fits (names at their longest): each section is cut instead.
  const blocks = blocksAt(report, cap ?? 1, late).map((b) =>
    b.type === 'section' && b.text ? { ...b, text: mrkdwn(cutMrkdwn(b.text.text, BLOCK_LIMITS.sectionText)) } : b,
  )
  const body: SlackMessageBody = {
    text: neutralizeSlack(morningHeadline(report)),
    blocks,
    unfurl_links: false,
    unfurl_media: false,
  }
  return { body, summary: morningSummary(report) }
}
