// Threading: every mail about one problem report is one conversation in the reader's mail
// client. The report's "created" mail is the root (a Message-ID derived from the report id);
// every later mail about it replies to that root and keeps the root's subject with "Re: ".
// Message-IDs come from the delivery, so a retried delivery reuses its Message-ID and a
// receiver that sees both copies can tell they are one message.
import { createHash } from 'node:crypto'
import { machineDisplayName, type KnockerEvent } from '../../../../shared/events'
import { oneLine } from '../../text/cleanText'
import { truncateChars } from '../../text/truncate'
import { TEST_TITLE_PREFIX } from '../eventView'
import type { FormatContext } from '../types'

export interface Threading {
  messageId: string
  /** Set on follow-ups: the conversation's root Message-ID. */
  inReplyTo?: string
  references?: string[]
}

export const SUBJECT_PREFIX = '[Flipfix] '
const SUBJECT_MAX_CHARS = 180
/** Machine names are cut the same way in the root and every reply, so subjects stay identical. */
const SUBJECT_NAME_MAX_CHARS = 80
const CONVERSATION = /^problem:(\d{1,18})$/

/** The host part of the site URL, safe for a Message-ID ("flipfix.theflip.museum"). */
function siteHost(siteUrl: string): string {
  try {
    const host = new URL(siteUrl).hostname.toLowerCase().replace(/[^a-z0-9.-]/g, '')
    return host || 'flipfix'
  } catch {
    return 'flipfix'
  }
}

/** The report a conversation key ("problem:412") is about, or null. */
function conversationReportId(conversation: string | null): number | null {
  const match = conversation ? CONVERSATION.exec(conversation) : null
  return match ? Number(match[1]) : null
}

/** `<problem-412.flipfix.theflip.museum@knocker>`: the root of report 412's conversation. */
function conversationRootId(reportId: number, siteUrl: string): string {
  return `<problem-${reportId}.${siteHost(siteUrl)}@knocker>`
}

/** Stable for one delivery (all its retries), different for every other delivery. */
export function deliveryMessageId(ctx: FormatContext, siteUrl: string): string {
  const { id, eventId, endpointId } = ctx.delivery
  // The hash keeps ids unique even if delivery ids restart (a new database).
  const hash = createHash('sha256').update(`${eventId}\n${endpointId}`).digest('hex').slice(0, 16)
  return `<delivery-${id}.${hash}.${siteHost(siteUrl)}@knocker>`
}

/** A digest's: stable for the same deliveries (a retry), different for any other set of them. */
export function digestMessageId(deliveries: Array<FormatContext['delivery']>, siteUrl: string): string {
  const key = deliveries.map(({ id, eventId, endpointId }) => `${id}\n${eventId}\n${endpointId}`).join('\n\n')
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 16)
  return `<digest-${deliveries[0].id}.${hash}.${siteHost(siteUrl)}@knocker>`
}

/** Message-ID, In-Reply-To and References of this delivery. Test sends never join a thread. */
export function threadingFor(event: KnockerEvent, ctx: FormatContext): Threading {
  const reportId = conversationReportId(ctx.conversation)
  if (ctx.test || reportId === null) return { messageId: deliveryMessageId(ctx, event.site_url) }
  const root = conversationRootId(reportId, event.site_url)
  if (event.event === 'problem_report.created' && event.problem_report.id === reportId) return { messageId: root }
  return { messageId: deliveryMessageId(ctx, event.site_url), inReplyTo: root, references: [root] }
}

/**
 * "[Flipfix] Eight Ball Deluxe: new problem report #412" for a report's conversation (with
 * "Re: " on follow-ups: the status is in the body), "[Flipfix] <summary>" for anything else.
 */
export function subjectFor(event: KnockerEvent, summary: string, ctx: FormatContext, threading: Threading): string {
  const reportId = conversationReportId(ctx.conversation)
  const name = truncateChars(oneLine(machineDisplayName(event.machine)), SUBJECT_NAME_MAX_CHARS)
  const base =
    reportId !== null && !ctx.test
      ? `${SUBJECT_PREFIX}${name}: new problem report #${reportId}`
      : `${SUBJECT_PREFIX}${oneLine(summary)}`
  const subject = `${ctx.test ? TEST_TITLE_PREFIX : ''}${threading.inReplyTo ? 'Re: ' : ''}${base}`
  return truncateChars(subject, SUBJECT_MAX_CHARS)
}
