// Several waiting events as one email: "[Flipfix] 5 notifications", then each event's card
// (HTML) and lines (text) exactly as its own mail shows them, in order. A digest mixes
// conversations, so it joins none: no In-Reply-To, and a Message-ID of its own that stays the
// same when the same deliveries are retried.
import { lateLine } from '../../text/lateNotice'
import { assertItems, digestLateLine, digestSummary, notificationCount } from '../digestText'
import { describeEvent, TEST_NOTICE, TEST_TITLE_PREFIX, viewSummary } from '../eventView'
import type { DigestFormat, DigestItem, PreparedRequest } from '../types'
import {
  escapeHtml,
  eventCardHtml,
  eventTextLines,
  eventTitle,
  htmlDocument,
  htmlSyntax,
  MACHINE_MAIL_HEADERS,
  textDocument,
  textSyntax,
  type EmailMessage,
  type EventParts,
} from './format'
import { digestMessageId, SUBJECT_PREFIX } from './threading'

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
    const textView = describeEvent(event, textSyntax)
    // Each event keeps how late it is (mail shows no event time otherwise); the why, and
    // TEST, are said once at the top.
    const parts: EventParts = {
      event,
      title: eventTitle(event, textView, ctx.test),
      test: false,
      ...(ctx.late && { late: lateLine(ctx.late, { withReason: false }) }),
    }
    cards.push(eventCardHtml(parts, describeEvent(event, htmlSyntax)))
    lines.push('', TEXT_RULE, '', ...eventTextLines(parts, textView))
  }

  const body: EmailMessage = {
    from: typeof first.ctx.settings.from === 'string' ? first.ctx.settings.from : null,
    to: Array.isArray(first.ctx.settings.to) ? first.ctx.settings.to.map(String) : [],
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
  const summary = digestSummary(batch.length, viewSummary(describeEvent(first.event, textSyntax), first.ctx.test))
  return { body, summary, included: batch.length }
}

export const emailDigest: DigestFormat = { maxItems: EMAIL_DIGEST_MAX, format: formatEmailDigest }
