// The morning report by email: subject "Knocker: morning report, Wednesday 2 December", an
// HTML card per section and the same text as plain text. Mail has no hard size limit; each
// list still ends after MORNING_MAX_CAP items ("…and 12 more"), so a museum of a thousand
// machines gets a readable mail.
import { createHash } from 'node:crypto'
import { MORNING_REPORT_TYPE, type MorningReport } from '../../../../shared/morningReport'
import { lateLine } from '../../text/lateNotice'
import { dayLabel, MORNING_COLOR, MORNING_MAX_CAP, morningHeadline, morningPlainText, morningSections, morningSummary, type MorningSyntax } from '../morningText'
import type { FormatContext, PreparedRequest } from '../types'
import { addressesOf, ALERT_FOOTER, colorHex, escapeHtml, htmlDocument, MACHINE_MAIL_HEADERS, textDocument, type EmailMessage } from './message'

const html: MorningSyntax = {
  escape: escapeHtml,
  link: (label, url) => `<a href="${escapeHtml(url)}" style="color:#1a5fb4">${escapeHtml(label)}</a>`,
  strong: (text) => `<strong>${text}</strong>`,
}

/** `<morning-12.3f9a…@knocker>`: the same on every retry of this delivery. */
function morningMessageId(ctx: FormatContext): string {
  const { id, eventId, endpointId } = ctx.delivery
  const hash = createHash('sha256').update(`${eventId}\n${endpointId}`).digest('hex').slice(0, 16)
  return `<morning-${id}.${hash}@knocker>`
}

function cardHtml(report: MorningReport, late: string | null): string {
  const line = 'margin:0 0 6px;font-size:14px;line-height:1.5;color:#111'
  const sections = morningSections(report, html, MORNING_MAX_CAP)
    .map((section) => {
      const lines = section.lines
        .map((l) => (l.startsWith('  ') ? `<p style="${line};margin-left:20px">${l.trim()}</p>` : `<p style="${line}">${l}</p>`))
        .join('\n')
      return `<h2 style="margin:18px 0 8px;font-size:16px;color:#111">${escapeHtml(section.title)}</h2>\n${lines}`
    })
    .join('\n')
  return `<div style="max-width:600px;margin:0 auto;background:#ffffff;border-radius:8px;border-top:6px solid ${colorHex(MORNING_COLOR)};padding:20px 24px">
<p style="margin:0;font-size:12px;color:#777;text-transform:uppercase;letter-spacing:.04em">Knocker</p>
<h1 style="margin:4px 0 8px;font-size:20px;line-height:1.3;color:#111">${escapeHtml(morningHeadline(report))}</h1>
${late ? `<p style="margin:0 0 8px;font-size:13px;color:#a04000">${escapeHtml(late)}</p>\n` : ''}${sections}
</div>`
}

export function formatEmailMorning(report: MorningReport, ctx: FormatContext): PreparedRequest {
  const subject = `Knocker: morning report, ${dayLabel(report.date)}${report.on_demand ? ' (on request)' : ''}`
  const late = ctx.late ? lateLine(ctx.late) : null
  const body: EmailMessage = {
    ...addressesOf(ctx),
    subject,
    headers: { 'Message-ID': morningMessageId(ctx), ...MACHINE_MAIL_HEADERS, 'X-Knocker-Event': MORNING_REPORT_TYPE },
    text: textDocument([morningPlainText(report, MORNING_MAX_CAP, late)], ALERT_FOOTER),
    html: htmlDocument(subject, cardHtml(report, late), ALERT_FOOTER),
  }
  return { body, summary: morningSummary(report) }
}
