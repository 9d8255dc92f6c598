// An attention alert as one email: subject "Knocker: Workshop channel needs attention", an
// HTML part (everything escaped) and a plain-text part. Its Message-ID comes from the delivery,
// so a retried alert is recognisably the same mail.
import { createHash } from 'node:crypto'
import { ATTENTION_ALERT_TYPE, type AttentionAlert } from '../../../../shared/attentionAlert'
import { truncateChars } from '../../text/truncate'
import { ALERT_ACTION, ALERT_COLOR, alertEndpointName, alertHeadline, alertReason, alertSummary, waitingLine } from '../alertText'
import type { FormatContext, PreparedRequest } from '../types'
import { escapeHtml, htmlDocument, MACHINE_MAIL_HEADERS, textDocument, type EmailMessage } from './format'

const SUBJECT_MAX_CHARS = 180
const FOOTER = 'Automatic message from Knocker, the museum’s notification relay.'

/** `<alert-12.3f9a…@knocker>`: the same on every retry of this delivery. */
function alertMessageId(ctx: FormatContext): string {
  const { id, eventId, endpointId } = ctx.delivery
  const hash = createHash('sha256').update(`${eventId}\n${endpointId}`).digest('hex').slice(0, 16)
  return `<alert-${id}.${hash}@knocker>`
}

function alertSubject(alert: AttentionAlert): string {
  return truncateChars(`Knocker: ${alertEndpointName(alert)} needs attention`, SUBJECT_MAX_CHARS)
}

function alertCardHtml(alert: AttentionAlert): string {
  const accent = `#${ALERT_COLOR.toString(16).padStart(6, '0')}`
  const paragraph = 'margin:0 0 12px;font-size:14px;line-height:1.5;color:#111'
  return `<div style="max-width:600px;margin:0 auto;background:#ffffff;border-radius:8px;border-top:6px solid ${accent};padding:20px 24px">
<p style="margin:0;font-size:12px;color:#777;text-transform:uppercase;letter-spacing:.04em">Knocker</p>
<h1 style="margin:4px 0 16px;font-size:20px;line-height:1.3;color:#111">${escapeHtml(alertHeadline(alert))}</h1>
<p style="${paragraph}">${escapeHtml(alertReason(alert))}.</p>
<p style="${paragraph}">${escapeHtml(waitingLine(alert.waiting))}</p>
<p style="${paragraph}"><strong>${escapeHtml(ALERT_ACTION)}</strong></p>
</div>`
}

export function formatEmailAlert(alert: AttentionAlert, ctx: FormatContext): PreparedRequest {
  const subject = alertSubject(alert)
  const body: EmailMessage = {
    from: typeof ctx.settings.from === 'string' ? ctx.settings.from : null,
    to: Array.isArray(ctx.settings.to) ? ctx.settings.to.map(String) : [],
    subject,
    headers: { 'Message-ID': alertMessageId(ctx), ...MACHINE_MAIL_HEADERS, 'X-Knocker-Event': ATTENTION_ALERT_TYPE },
    text: textDocument([`${alertHeadline(alert)}.`, '', `${alertReason(alert)}.`, '', waitingLine(alert.waiting), '', ALERT_ACTION], FOOTER),
    html: htmlDocument(subject, alertCardHtml(alert), FOOTER),
  }
  return { body, summary: alertSummary(alert) }
}
