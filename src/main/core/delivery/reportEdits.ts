// Posts that follow their report: a problem report's first post at an endpoint is remembered
// (its delivery, then the message id the service answered with); when the report is closed or
// reopened, an endpoint with `report_updates: edit | edit_and_post` gets an edit delivery that
// references that post. The edit is a delivery row of its own, so it is queued behind the post,
// paced, retried and recorded like any other. Only Discord can edit through its webhook.
import type { Statement } from 'better-sqlite3'
import { and, eq } from 'drizzle-orm'
import { conversationKey } from '../../../shared/conversation'
import { REPORT_UPDATES, type ReportUpdates } from '../../../shared/endpointKinds'
import type { KnockerEvent } from '../../../shared/events'
import type { EndpointRecord } from '../db/endpointsRepo'
import type { Db } from '../db/openDb'
import { reportPosts } from '../db/schema'
import type { Hold } from '../routing/quietHours'
import type { RoutedDelivery } from '../routing/router'
import type { Outbox } from './outbox'

/** The kinds whose webhooks can edit a message they posted. */
const EDITABLE_KINDS = new Set(['discord'])
const UPDATES = new Set(['problem_report.closed', 'problem_report.reopened'])

/** The endpoint's choice for a report's closed/reopened ("post" for kinds that can't edit). */
export function reportUpdatesOf(endpoint: Pick<EndpointRecord, 'kind' | 'options'> | undefined): ReportUpdates {
  if (!endpoint || !EDITABLE_KINDS.has(endpoint.kind)) return 'post'
  const value = endpoint.options.report_updates
  return (REPORT_UPDATES as readonly unknown[]).includes(value) ? (value as ReportUpdates) : 'post'
}

/** "edited: report closed", for the history. */
export function editReason(eventType: string): string {
  return `edited: report ${eventType === 'problem_report.reopened' ? 'reopened' : 'closed'}`
}

export interface WrittenDelivery {
  id: number
  endpoint_id: string
  status: 'pending' | 'suppressed'
}

export class ReportEdits {
  // Prepared once and run by better-sqlite3 directly: every new problem report writes a post
  // at intake and marks it at delivery, and drizzle's query building cost more than the insert.
  private readonly insertPost: Statement<[string, string, number, number]>
  private readonly markPosted: Statement<[string, number]>

  constructor(
    private readonly db: Db,
    private readonly outbox: Outbox,
  ) {
    this.insertPost = db.$client.prepare(
      `insert into report_posts (endpoint_id, conversation, delivery_id, created_at) values (?, ?, ?, ?) on conflict do nothing`,
    )
    this.markPosted = db.$client.prepare(`update report_posts set message_id = ? where delivery_id = ?`)
  }

  /** Writes one routed delivery of an event: as it is, or (a report's update at an endpoint
   * that edits) as an edit of the report's post, with or without a new message. A report whose
   * post this endpoint never got is updated with a new message. `hold`: quiet hours. */
  write(event: KnockerEvent, seq: number, route: RoutedDelivery, endpoint: EndpointRecord | undefined, now: number, hold: Hold | null = null): WrittenDelivery[] {
    const conversation = conversationKey(event)
    const plain = () => {
      const id = this.outbox.add(seq, route.endpointId, route.status, route.reason ?? null, now, hold, route.matched ?? null)
      return { id, endpoint_id: route.endpointId, status: route.status }
    }
    if (route.status !== 'pending' || !conversation || !endpoint || !EDITABLE_KINDS.has(endpoint.kind)) return [plain()]
    if (event.event === 'problem_report.created') {
      const written = plain()
      this.insertPost.run(endpoint.id, conversation, written.id, now)
      return [written]
    }
    const mode = reportUpdatesOf(endpoint)
    if (!UPDATES.has(event.event) || mode === 'post') return [plain()]
    const post = this.postOf(endpoint.id, conversation)
    if (!post) return [plain()]
    const edit = { id: this.outbox.addEdit(seq, endpoint.id, post.deliveryId, now, hold, route.matched ?? null), endpoint_id: endpoint.id, status: 'pending' as const }
    return mode === 'edit_and_post' ? [edit, plain()] : [edit]
  }

  /** The message id of a post, once it was delivered as a message of its own. */
  messageOf(postDeliveryId: number): string | null {
    return this.db.select({ messageId: reportPosts.messageId }).from(reportPosts).where(eq(reportPosts.deliveryId, postDeliveryId)).get()?.messageId ?? null
  }

  /** A report's post went out alone as this message. */
  posted(deliveryId: number, messageId: string): void {
    this.markPosted.run(messageId, deliveryId)
  }

  private postOf(endpointId: string, conversation: string) {
    return this.db
      .select()
      .from(reportPosts)
      .where(and(eq(reportPosts.endpointId, endpointId), eq(reportPosts.conversation, conversation)))
      .get()
  }
}
