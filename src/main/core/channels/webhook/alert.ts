// An attention alert as a signed webhook: the same envelope as an event ({"type", "timestamp",
// "data"}), with type "knocker.endpoint_attention" and the alert's payload as data, and the same
// stable webhook-id. Receivers that only know the host app's types can ignore it by its type.
import { ATTENTION_ALERT_TYPE, type AttentionAlert } from '../../../../shared/attentionAlert'
import { alertSummary } from '../alertText'
import type { FormatContext, PreparedRequest } from '../types'
import { webhookId } from './signing'

export interface AlertEnvelope {
  type: typeof ATTENTION_ALERT_TYPE
  /** ISO time Knocker queued this alert (the same on every retry). */
  timestamp: string
  data: AttentionAlert
}

export function formatWebhookAlert(alert: AttentionAlert, ctx: FormatContext): PreparedRequest {
  const envelope: AlertEnvelope = {
    type: ATTENTION_ALERT_TYPE,
    timestamp: new Date(ctx.delivery.createdAt).toISOString(),
    data: alert,
  }
  return { body: envelope, summary: alertSummary(alert), headers: { 'webhook-id': webhookId(ctx.delivery) } }
}
