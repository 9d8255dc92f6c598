// An attention alert as one Adaptive Card in the Workflows envelope (cardMessage): the headline
// in the warning colour, the reason, what is waiting and where to fix it. The endpoint's name
// and the reason are escaped like any name, so they cannot restyle the card or mention anyone.
import type { AttentionAlert } from '../../../../shared/attentionAlert'
import { ALERT_ACTION, alertHeadline, alertReason, alertSummary, alertText, waitingLine } from '../alertText'
import type { FormatContext, PreparedRequest } from '../types'
import { cardMessage, localizedTime, previewText, teamsSyntax } from './card'

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
