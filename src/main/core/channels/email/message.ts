// Every email Knocker sends, each one EmailMessage: subject, headers, an HTML and a
// plain-text part. In the HTML part all text from the event or the alert is escaped; links
// are absolute http(s) URLs only. The message is stored with the attempt: no secrets in it.
// - An event (formatEmail): the same content as every other destination (describeEvent),
//   in its problem report's conversation (threading.ts).
// - A digest (emailDigest): "[Flipfix] 5 notifications", then each event's card (HTML) and
//   lines (text) exactly as its own mail shows them, in order. A digest mixes conversations,
//   so it joins none: no In-Reply-To, and a Message-ID of its own that stays the same when
//   the same deliveries are retried.
// - An attention alert (formatEmailAlert): subject "Knocker: Workshop channel needs
//   attention", the headline, the reason, what is waiting and where to fix it. Its Message-ID
//   comes from the delivery, so a retried alert is recognisably the same mail.
// - A relayed Discord message (formatEmailRelay): its content and a card per embed
//   (relayView.ts says what it shows), HTML-escaped like everything else.
// - A morning report: morningMessage.ts.
import { createHash } from 'node:crypto'
import { ATTENTION_ALERT_TYPE, type AttentionAlert } from '../../../../shared/attentionAlert'
import { machineDisplayName, type KnockerEvent } from '../../../../shared/events'
import { relayEventType, type RelayedMessage } from '../../../../shared/relay'
import { oneLine } from '../../text/cleanText'
import { lateLine } from '../../text/lateNotice'
import { truncateChars } from '../../text/truncate'
import { ALERT_ACTION, ALERT_COLOR, alertEndpointName, alertHeadline, alertReason, alertSummary, waitingLine } from '../alertText'
import { assertItems, digestLateLine, digestSummary, notificationCount } from '../digestText'
import { describeEvent, TEST_NOTICE, TEST_TITLE_PREFIX, viewSummary, type EventView, type MessageSyntax } from '../eventView'
import { describeRelay, type RelayCard } from '../relayView'
import type { DigestFormat, DigestItem, FormatContext, PreparedRequest } from '../types'
import { deliveryMessageId, digestMessageId, SUBJECT_PREFIX, subjectFor, threadingFor, type Threading } from './threading'

/** The message as stored with the attempt. `from`/`to` are the endpoint's, filled in at send time. */
export interface EmailMessage {
  from: string | null
  to: string[]
  subject: string
  /** Message-ID, In-Reply-To, References and the auto-generated markers. */
  headers: Record<string, string>
  text: string
  html: string
}

/** Field values longer than this are shortened (lists end in "and N more"). */
const MAX_FIELD_CHARS = 1000
const OPEN_LABEL = 'Open in Flipfix'
const FOOTER = 'Automatic notification from Flipfix, sent by Knocker.'

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c])
}

function isWebUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url)
    return protocol === 'https:' || protocol === 'http:'
  } catch {
    return false
  }
}

// Made on the first email: the first Intl formatter loads ICU's locale data, ~7 MB of resident
// memory that a museum sending no email never needs.
let dateFormat: Intl.DateTimeFormat | undefined

/** "Jul 21, 2026" in the Knocker machine's time zone (the museum's). */
function formatDate(iso: string): string {
  const time = Date.parse(iso)
  if (!Number.isFinite(time)) return iso
  dateFormat ??= new Intl.DateTimeFormat('en-US', { dateStyle: 'medium' })
  return dateFormat.format(time)
}

const htmlSyntax: MessageSyntax = {
  escape: escapeHtml,
  escapeText: escapeHtml,
  link: (label, url) =>
    isWebUrl(url) ? `<a href="${escapeHtml(url)}">${escapeHtml(oneLine(label))}</a>` : escapeHtml(oneLine(label)),
  date: formatDate,
  maxFieldChars: MAX_FIELD_CHARS,
}

const textSyntax: MessageSyntax = {
  escape: (text) => text,
  link: (label, url) => `${oneLine(label)} <${url}>`,
  date: formatDate,
  maxFieldChars: MAX_FIELD_CHARS,
}

export function colorHex(color: number): string {
  return `#${(color & 0xffffff).toString(16).padStart(6, '0')}`
}

/** One event's part of a mail: the single mail has one, a digest one per event. */
interface EventParts {
  event: KnockerEvent
  title: string
  test: boolean
  /** "⏱ 2 h 11 min late — …" (plain text), when the mail is late. */
  late?: string
}

/** The event's card: everything between the page's background and its footer. */
function eventCardHtml({ event, title, test, late }: EventParts, view: EventView): string {
  const accent = colorHex(view.color)
  const cell = 'padding:6px 12px 6px 0;vertical-align:top;font-size:14px;line-height:1.4'
  const rows = view.fields
    .map(
      (f) =>
        `<tr><th align="left" style="${cell};color:#555;font-weight:600;white-space:nowrap">${escapeHtml(f.name)}</th>` +
        `<td style="${cell};color:#111">${f.value}</td></tr>`,
    )
    .join('\n')
  const description = view.description
    ? `<div style="margin:16px 0 0;padding:12px 14px;background:#f6f6f7;border-radius:6px;font-size:14px;line-height:1.5;color:#111">${view.description.replace(/\r?\n/g, '<br>\n')}</div>`
    : ''
  const lateNotice = late ? `<p style="margin:0 0 12px;font-size:13px;color:#555">${escapeHtml(late)}</p>\n` : ''
  const banner = test
    ? `<p style="margin:0 0 16px;padding:10px 14px;background:#fff4ce;border:1px solid #e0c36b;border-radius:6px;font-size:14px;color:#5c4400"><strong>${escapeHtml(TEST_NOTICE)}</strong></p>`
    : ''
  const open = isWebUrl(view.url)
    ? `<p style="margin:20px 0 0"><a href="${escapeHtml(view.url)}" style="display:inline-block;padding:10px 16px;background:${accent};color:#ffffff;text-decoration:none;border-radius:6px;font-weight:600;font-size:14px">${OPEN_LABEL}</a></p>` +
      `<p style="margin:8px 0 0;font-size:12px;color:#777">${escapeHtml(view.url)}</p>`
    : ''
  return `<div style="max-width:600px;margin:0 auto;background:#ffffff;border-radius:8px;border-top:6px solid ${accent};padding:20px 24px">
${lateNotice}${banner}<p style="margin:0;font-size:12px;color:#777;text-transform:uppercase;letter-spacing:.04em">Flipfix · ${escapeHtml(oneLine(event.machine.asset_id))}</p>
<h1 style="margin:4px 0 16px;font-size:20px;line-height:1.3;color:#111">${escapeHtml(title)}</h1>
<table role="presentation" cellpadding="0" cellspacing="0" style="border-collapse:collapse">
${rows}
</table>
${description}
${open}
</div>`
}

/** The page around one or more cards (already HTML), with the footer. */
export function htmlDocument(subject: string, cards: string, footer: string = FOOTER): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(subject)}</title>
</head>
<body style="margin:0;padding:24px;background:#ececef;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif">
${cards}
<p style="max-width:600px;margin:12px auto 0;font-size:12px;color:#777;text-align:center">${escapeHtml(footer)}</p>
</body>
</html>
`
}

/** The event's lines of the plain-text part, up to its link. */
function eventTextLines({ event, title, test, late }: EventParts, view: EventView): string[] {
  const lines: string[] = []
  if (late) lines.push(late, '')
  if (test) lines.push(TEST_NOTICE, '')
  lines.push(title, `Flipfix · ${oneLine(event.machine.asset_id)}`, '')
  for (const f of view.fields) lines.push(`${f.name}: ${f.value}`)
  if (view.description) lines.push('', view.description)
  lines.push('', `${OPEN_LABEL}: ${view.url}`)
  return lines
}

/** The plain-text part around some lines, with the signature-style footer. */
export function textDocument(lines: string[], footer: string = FOOTER): string {
  return [...lines, '', '-- ', footer, ''].join('\n')
}

/** "Eight Ball Deluxe — New problem report" (with "TEST: " on test sends). */
function eventTitle(event: KnockerEvent, view: EventView, test: boolean): string {
  return `${test ? 'TEST: ' : ''}${view.title ?? `${oneLine(machineDisplayName(event.machine))} — ${view.what}`}`
}

// RFC 3834: no vacation replies or bounces-to-autoresponders for machine mail.
export const MACHINE_MAIL_HEADERS = { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' } as const

/** Sender and recipients are the endpoint's (non-secret) settings: shown in the stored attempt. */
export function addressesOf(ctx: FormatContext): Pick<EmailMessage, 'from' | 'to'> {
  return {
    from: typeof ctx.settings.from === 'string' ? ctx.settings.from : null,
    to: Array.isArray(ctx.settings.to) ? ctx.settings.to.map(String) : [],
  }
}

// ───────────────────────────────────────── event ─────────────────────────────────────────

function headersFor(event: KnockerEvent, threading: Threading): Record<string, string> {
  return {
    'Message-ID': threading.messageId,
    ...(threading.inReplyTo && { 'In-Reply-To': threading.inReplyTo }),
    ...(threading.references && { References: threading.references.join(' ') }),
    ...MACHINE_MAIL_HEADERS,
    'X-Knocker-Event': event.event,
  }
}

export function formatEmail(event: KnockerEvent, ctx: FormatContext): PreparedRequest {
  const htmlView = describeEvent(event, htmlSyntax, ctx.options)
  const textView = describeEvent(event, textSyntax, ctx.options)
  const threading = threadingFor(event, ctx)
  // The subject stays the conversation's even when late, so the mail still joins its thread.
  const subject = subjectFor(event, textView.summary, ctx, threading)
  const parts: EventParts = {
    event,
    title: eventTitle(event, textView, ctx.test),
    test: ctx.test,
    ...(ctx.late && { late: lateLine(ctx.late) }),
  }
  const body: EmailMessage = {
    ...addressesOf(ctx),
    subject,
    headers: headersFor(event, threading),
    text: textDocument(eventTextLines(parts, textView)),
    html: htmlDocument(subject, eventCardHtml(parts, htmlView)),
  }
  return { body, summary: viewSummary(textView, ctx.test) }
}

// ──────────────────────────────────────── digest ────────────────────────────────────────

/** A mail has no size limit worth the name here; 50 events is still a mail one reads. */
const EMAIL_DIGEST_MAX = 50

const CARD_GAP = '\n<div style="height:16px;line-height:16px;font-size:1px">&nbsp;</div>\n'
const TEXT_RULE = '-'.repeat(40)

interface DigestHead {
  title: string
  late: string | null
  test: boolean
}

function headHtml({ title, late, test }: DigestHead): string {
  const lateLineHtml = late ? `\n<p style="margin:4px 0 0;font-size:13px;color:#555">${escapeHtml(late)}</p>` : ''
  const banner = test
    ? `\n<p style="margin:12px 0 0;padding:10px 14px;background:#fff4ce;border:1px solid #e0c36b;border-radius:6px;font-size:14px;color:#5c4400"><strong>${escapeHtml(TEST_NOTICE)}</strong></p>`
    : ''
  return `<div style="max-width:600px;margin:0 auto">
<h1 style="margin:0;font-size:20px;line-height:1.3;color:#111">${escapeHtml(title)}</h1>${lateLineHtml}${banner}
</div>`
}

function headLines({ title, late, test }: DigestHead): string[] {
  return [title, ...(late ? [late] : []), ...(test ? ['', TEST_NOTICE] : [])]
}

function formatEmailDigest(items: DigestItem[]): PreparedRequest & { included: number } {
  assertItems(items)
  const batch = items.slice(0, EMAIL_DIGEST_MAX)
  const [first] = batch
  const test = batch.some((item) => item.ctx.test)
  const head: DigestHead = { title: `${notificationCount(batch.length)} from Flipfix`, late: digestLateLine(batch), test }
  const subject = `${test ? TEST_TITLE_PREFIX : ''}${SUBJECT_PREFIX}${notificationCount(batch.length)}`

  const cards: string[] = []
  const lines: string[] = [...headLines(head)]
  for (const { event, ctx } of batch) {
    const textView = describeEvent(event, textSyntax, ctx.options)
    // Each event keeps how late it is (mail shows no event time otherwise); the why, and
    // TEST, are said once at the top.
    const parts: EventParts = {
      event,
      title: eventTitle(event, textView, ctx.test),
      test: false,
      ...(ctx.late && { late: lateLine(ctx.late, { withReason: false }) }),
    }
    cards.push(eventCardHtml(parts, describeEvent(event, htmlSyntax, ctx.options)))
    lines.push('', TEXT_RULE, '', ...eventTextLines(parts, textView))
  }

  const body: EmailMessage = {
    ...addressesOf(first.ctx),
    subject,
    headers: {
      'Message-ID': digestMessageId(
        batch.map((item) => item.ctx.delivery),
        first.event.site_url,
      ),
      ...MACHINE_MAIL_HEADERS,
      'X-Knocker-Event': 'digest',
    },
    text: textDocument(lines),
    html: htmlDocument(subject, [headHtml(head), ...cards].join(CARD_GAP)),
  }
  const summary = digestSummary(batch.length, viewSummary(describeEvent(first.event, textSyntax, first.ctx.options), first.ctx.test))
  return { body, summary, included: batch.length }
}

export const emailDigest: DigestFormat = { maxItems: EMAIL_DIGEST_MAX, format: formatEmailDigest }

// ──────────────────────────────────── attention alert ────────────────────────────────────

const SUBJECT_MAX_CHARS = 180
export const ALERT_FOOTER = 'Automatic message from Knocker, the museum’s notification relay.'

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
  const accent = colorHex(ALERT_COLOR)
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
    ...addressesOf(ctx),
    subject,
    headers: { 'Message-ID': alertMessageId(ctx), ...MACHINE_MAIL_HEADERS, 'X-Knocker-Event': ATTENTION_ALERT_TYPE },
    text: textDocument([`${alertHeadline(alert)}.`, '', `${alertReason(alert)}.`, '', waitingLine(alert.waiting), '', ALERT_ACTION], ALERT_FOOTER),
    html: htmlDocument(subject, alertCardHtml(alert), ALERT_FOOTER),
  }
  return { body, summary: alertSummary(alert) }
}


// ───────────────────────────── relayed messages ─────────────────────────────

const RELAY_LIMITS = { description: 4096, fieldValue: 1024, line: 256 }

/** Discord Markdown's links and bold in a relayed text as HTML; everything else escaped. */
function relayMarkdownHtml(text: string): string {
  const bold = (html: string) => html.replace(/\*\*(?=\S)([^*\n]+?)\*\*/g, '<strong>$1</strong>')
  let out = ''
  let last = 0
  for (const match of text.matchAll(/\[([^\]\n]{1,300})\]\((https?:\/\/[^)\s]{1,2000})\)/g)) {
    out += bold(escapeHtml(text.slice(last, match.index)))
    out += `<a href="${escapeHtml(match[2])}">${bold(escapeHtml(match[1]))}</a>`
    last = match.index + match[0].length
  }
  return out + bold(escapeHtml(text.slice(last)))
}

const relayHtmlSyntax: MessageSyntax = { ...htmlSyntax, escapeText: relayMarkdownHtml }

function relayCardHtml(card: RelayCard): string {
  const accent = colorHex(card.color)
  const cell = 'padding:6px 12px 6px 0;vertical-align:top;font-size:14px;line-height:1.4'
  const link = (text: string, url: string | undefined) => (url ? `<a href="${escapeHtml(url)}" style="color:#111">${text}</a>` : text)
  const rows = card.fields
    .map(
      (f) =>
        `<tr><th align="left" style="${cell};color:#555;font-weight:600">${f.name}</th>` +
        `<td style="${cell};color:#111">${f.value.replace(/\r?\n/g, '<br>\n')}</td></tr>`,
    )
    .join('\n')
  const parts = [
    card.author ? `<p style="margin:0 0 4px;font-size:13px;color:#555">${link(card.author, card.authorUrl)}</p>` : '',
    card.title ? `<h1 style="margin:0 0 12px;font-size:18px;line-height:1.3;color:#111">${link(card.title, card.url)}</h1>` : '',
    card.description ? `<div style="margin:0 0 12px;font-size:14px;line-height:1.5;color:#111">${card.description.replace(/\r?\n/g, '<br>\n')}</div>` : '',
    rows ? `<table role="presentation" cellpadding="0" cellspacing="0" style="border-collapse:collapse">\n${rows}\n</table>` : '',
    card.image ?? card.thumbnail
      ? `<p style="margin:12px 0 0"><img src="${escapeHtml((card.image ?? card.thumbnail)!)}" alt="${card.title ?? 'image'}" style="max-width:100%;border-radius:4px"></p>`
      : '',
    card.footer || card.timestamp
      ? `<p style="margin:12px 0 0;font-size:12px;color:#777">${[card.footer, card.timestamp && escapeHtml(formatDate(card.timestamp))].filter(Boolean).join(' · ')}</p>`
      : '',
  ]
  return `<div style="margin:12px 0 0;padding:12px 14px;border-left:4px solid ${accent};background:#f6f6f7;border-radius:4px">\n${parts.filter(Boolean).join('\n')}\n</div>`
}

function relayCardText(card: RelayCard): string[] {
  const lines: string[] = ['']
  if (card.author) lines.push(card.authorUrl ? `${card.author} <${card.authorUrl}>` : card.author)
  if (card.title) lines.push(card.title)
  if (card.url) lines.push(card.url)
  if (card.description) lines.push('', card.description)
  if (card.fields.length) lines.push('', ...card.fields.map((f) => `${f.name}: ${f.value}`))
  if (card.image ?? card.thumbnail) lines.push(`Image: ${card.image ?? card.thumbnail}`)
  const foot = [card.footer, card.timestamp && formatDate(card.timestamp)].filter(Boolean).join(' · ')
  if (foot) lines.push(foot)
  return lines
}

/** A message relayed from a Discord-compatible source, as one mail: its content, then per
 * embed a card with author, linked title, description, fields, image and footer. All of it
 * HTML-escaped; links are http(s) only. */
export function formatEmailRelay(message: RelayedMessage, ctx: FormatContext): PreparedRequest {
  const html = describeRelay(message, relayHtmlSyntax, RELAY_LIMITS)
  const text = describeRelay(message, textSyntax, RELAY_LIMITS)
  const subject = truncateChars(`[${oneLine(message.source_name)}] ${text.headline}`, 180)
  const late = ctx.late ? lateLine(ctx.late) : null
  const lateHtml = late ? `<p style="margin:0 0 12px;font-size:13px;color:#555">${escapeHtml(late)}</p>\n` : ''
  const content = html.content ? `<div style="font-size:15px;line-height:1.5;color:#111">${html.content.replace(/\r?\n/g, '<br>\n')}</div>\n` : ''
  const accent = colorHex(html.cards[0]?.color ?? 0x95a5a6)
  const card = `<div style="max-width:600px;margin:0 auto;background:#ffffff;border-radius:8px;border-top:6px solid ${accent};padding:20px 24px">
${lateHtml}<p style="margin:0 0 12px;font-size:12px;color:#777">${escapeHtml(text.origin)}</p>
${content}${html.cards.map(relayCardHtml).join('\n')}
</div>`
  const lines: string[] = []
  if (late) lines.push(late, '')
  lines.push(text.origin)
  if (text.content) lines.push('', text.content)
  for (const c of text.cards) lines.push(...relayCardText(c))
  const footer = `Relayed by Knocker from “${oneLine(message.source_name)}”.`
  const body: EmailMessage = {
    from: typeof ctx.settings.from === 'string' ? ctx.settings.from : null,
    to: Array.isArray(ctx.settings.to) ? ctx.settings.to.map(String) : [],
    subject,
    headers: { 'Message-ID': deliveryMessageId(ctx, RELAY_MESSAGE_ID_SITE), ...MACHINE_MAIL_HEADERS, 'X-Knocker-Event': relayEventType(message.label) },
    text: textDocument(lines, footer),
    html: htmlDocument(subject, card, footer),
  }
  return { body, summary: text.summary }
}

/** Relayed mail has no host app site: its Message-IDs name Knocker's relay instead. */
const RELAY_MESSAGE_ID_SITE = 'https://relay.knocker.invalid'
