// The morning report at Teams: one Adaptive Card with the headline, the late line (if late),
// then a Container per part of the report (its heading and one TextBlock per line). Lists are
// cut to the largest length for which the message stays within Teams' ~28 KB ("…and 12 more").
import type { MorningReport } from '../../../../shared/morningReport'
import { lateLine } from '../../text/lateNotice'
import { largestFitting } from '../../text/largestFitting'
import { MORNING_MAX_CAP, morningHeadline, morningSections, morningSummary, type MorningSyntax } from '../morningText'
import type { FormatContext, PreparedRequest } from '../types'
import { CardTooLargeError, messageBytes, TEAMS_LIMITS } from './limits'
import { cardMessage, localizedTime, previewText, teamsSyntax } from './message'

const syntax: MorningSyntax = { escape: teamsSyntax.escape, link: teamsSyntax.link, strong: (text) => `**${text}**` }

function messageAt(report: MorningReport, cap: number, late: string | null) {
  const body: Array<Record<string, unknown>> = [
    { type: 'TextBlock', text: teamsSyntax.escape(morningHeadline(report)), weight: 'bolder', size: 'medium', wrap: true },
  ]
  if (late) body.push({ type: 'TextBlock', text: teamsSyntax.escape(late), isSubtle: true, size: 'small', wrap: true, spacing: 'none' })
  for (const section of morningSections(report, syntax, cap)) {
    const items: Array<Record<string, unknown>> = [{ type: 'TextBlock', text: teamsSyntax.escape(section.title), weight: 'bolder', wrap: true }]
    for (const line of section.lines) {
      const nested = line.startsWith('  ')
      items.push({ type: 'TextBlock', text: nested ? line.trimStart() : line, wrap: true, spacing: 'none', ...(nested && { size: 'small' }) })
    }
    body.push({ type: 'Container', separator: true, items })
  }
  body.push({ type: 'TextBlock', text: `Knocker${localizedTime(report.generated_at)}`, isSubtle: true, size: 'small', wrap: true, spacing: 'medium' })
  return cardMessage(previewText(morningHeadline(report)), body, [])
}

export function formatTeamsMorning(report: MorningReport, ctx: FormatContext, budget: number = TEAMS_LIMITS.messageBytes): PreparedRequest {
  const late = ctx.late ? lateLine(ctx.late) : null
  const cap = largestFitting(1, MORNING_MAX_CAP, (c) => messageBytes(messageAt(report, c, late)) <= budget)
  if (cap === undefined) throw new CardTooLargeError(`the morning report does not fit Teams' ${budget} bytes even with one item per list`)
  return { body: messageAt(report, cap, late), summary: morningSummary(report) }
}
