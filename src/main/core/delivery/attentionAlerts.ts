// Flags an endpoint "needs attention" and, when the flag is new and the endpoint names a
// fallback endpoint, queues one alert there: an event row of Knocker's own type plus one
// delivery, sent by the normal queue (retried, recorded, never digested). The flag and the
// alert are one transaction and the alert's event_id is derived from the flag, so one flag
// is never zero alerts nor two, whenever the process stops.
import { ATTENTION_ALERT_TYPE, attentionAlertEventId, type AttentionAlert } from '../../../shared/attentionAlert'
import { ALERT_REASON_MAX_CHARS, alertSummary } from '../channels/alertText'
import type { EndpointRecord, EndpointsRepo } from '../db/endpointsRepo'
import type { Db } from '../db/openDb'
import type { SettingsRepo } from '../db/settingsRepo'
import type { Logger } from '../log/logger'
import { redactText } from '../log/redact'
import { truncateChars } from '../text/truncate'
import type { Outbox } from './outbox'
import { queueOwnMessage } from './ownMessages'
import type { QueueView } from './queueView'

export interface FlagResult {
  /** The endpoint was not flagged before: the desktop notification and the alert are due. */
  newlyFlagged: boolean
  /** The alert queued at the fallback endpoint (pending or suppressed), if any. */
  alertDeliveryId: number | null
}

export class AttentionAlerts {
  constructor(
    private readonly o: { db: Db; outbox: Outbox; queue: QueueView; endpoints: EndpointsRepo; settings: SettingsRepo; logger: Logger },
  ) {}

  /**
   * Flags the endpoint with the reason (a re-flag only updates the reason). A new flag alerts
   * the fallback endpoint unless `alertFallback` is false: a failed alert flags the endpoint
   * it was sent to, but never alerts onwards, so alerts cannot chain or bounce back.
   */
  flag(endpointId: string, reason: string, now: number, options: { alertFallback: boolean }): FlagResult {
    return this.o.db.transaction(() => {
      const endpoint = this.o.endpoints.get(endpointId)
      if (!endpoint) return { newlyFlagged: false, alertDeliveryId: null } // deleted meanwhile
      const newlyFlagged = endpoint.needsAttention === null
      this.o.endpoints.flag(endpointId, reason, now)
      const alertDeliveryId = newlyFlagged && options.alertFallback ? this.queueAlert(endpoint, reason, now) : null
      return { newlyFlagged, alertDeliveryId }
    })
  }

  private queueAlert(flagged: EndpointRecord, reason: string, flaggedAt: number): number | null {
    const fallbackId = flagged.options.fallback_endpoint_id
    if (typeof fallbackId !== 'string') return null
    const fallback = this.o.endpoints.get(fallbackId)
    if (!fallback || fallback.id === flagged.id) {
      // Deleting an endpoint clears it from others' options; this is only a guard.
      this.o.logger.warn({ endpointId: flagged.id, fallbackId }, 'the fallback endpoint no longer exists; no alert sent')
      return null
    }
    const alert: AttentionAlert = {
      endpoint_id: flagged.id,
      endpoint_name: flagged.name,
      endpoint_kind: flagged.kind,
      reason: truncateChars(redactText(reason), ALERT_REASON_MAX_CHARS),
      waiting: this.o.queue.waitingCount(flagged.id),
      at: new Date(flaggedAt).toISOString(),
    }
    const message = {
      eventId: attentionAlertEventId(flagged.id, flaggedAt),
      eventType: ATTENTION_ALERT_TYPE,
      occurredAt: alert.at,
      receivedAt: flaggedAt,
      payload: alert,
      summary: alertSummary(alert),
    }
    const queued = queueOwnMessage({ db: this.o.db, outbox: this.o.outbox, settings: this.o.settings.get() }, fallback, message, flaggedAt)
    if (!queued) return null // this flag's alert was queued already
    const { deliveryId, route } = queued
    this.o.logger.info(
      { endpointId: flagged.id, fallbackId: fallback.id, deliveryId, status: route.status },
      route.status === 'pending' ? 'alert queued at the fallback endpoint' : 'alert to the fallback endpoint suppressed',
    )
    return deliveryId
  }
}
