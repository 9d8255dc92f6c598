// Endpoint health: flags (pauses) an endpoint on an unmistakable error, or after several
// refused messages in a row; a successful send by a person clears the flag. Network trouble
// never counts. A new flag alerts the endpoint's fallback, unless what failed was itself an
// alert (no chains).
import type { Outcome } from '../channels/types'
import type { EndpointRecord } from '../db/endpointsRepo'
import { redactText } from '../log/redact'
import type { FlagResult } from './attentionAlerts'
import type { Trigger } from './handoffs'

/** Consecutive refused messages (each a permanent error) that pause an endpoint. */
const PERMANENT_FAILURES_TO_PAUSE = 3

export interface HealthPorts {
  /** Whether the endpoint is flagged now (it may have changed since the attempt began). */
  isFlagged(endpointId: string): boolean
  clearFlag(endpointId: string): void
  disable(endpointId: string, now: number): void
  flag(endpointId: string, reason: string, now: number, options: { alertFallback: boolean }): FlagResult
  /** A new flag: the desktop shell shows a notification. */
  onAttention?: (endpoint: { id: string; name: string; reason: string }) => void
  /** An alert was queued at the fallback endpoint. */
  onAlertQueued(): void
  warn(fields: Record<string, unknown>, message: string): void
}

export class EndpointHealth {
  /** Consecutive refused messages per endpoint, reset by a delivered one. */
  private readonly refusals = new Map<string, number>()

  constructor(private readonly o: HealthPorts) {}

  after(endpoint: Pick<EndpointRecord, 'id' | 'name'>, outcome: Outcome, trigger: Trigger, now: number, wasAlert: boolean): void {
    if (outcome.result === 'delivered') {
      this.refusals.delete(endpoint.id)
      // A person tested or retried and it worked: the destination is fixed, resume its queue.
      if (trigger !== 'scheduled' && this.o.isFlagged(endpoint.id)) this.o.clearFlag(endpoint.id)
      return
    }
    if (outcome.result !== 'permanent') return
    if (outcome.disableEndpoint) this.o.disable(endpoint.id, now)
    // A test's sample message says nothing about the real ones, unless the endpoint itself is gone.
    const streak = (this.refusals.get(endpoint.id) ?? 0) + (trigger === 'test' ? 0 : 1)
    this.refusals.set(endpoint.id, streak)
    const reason =
      outcome.flagEndpoint || outcome.disableEndpoint
        ? outcome.message
        : streak >= PERMANENT_FAILURES_TO_PAUSE
          ? `${streak} messages in a row were refused; the last: ${outcome.message}`
          : null
    if (!reason) return
    this.refusals.delete(endpoint.id)
    const flagged = this.o.flag(endpoint.id, reason, now, { alertFallback: !wasAlert })
    this.o.warn({ endpointId: endpoint.id, reason }, 'endpoint needs attention')
    if (flagged.newlyFlagged) this.o.onAttention?.({ id: endpoint.id, name: endpoint.name, reason: redactText(reason) })
    if (flagged.alertDeliveryId !== null) this.o.onAlertQueued()
  }
}
