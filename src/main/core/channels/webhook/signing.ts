// Standard Webhooks signing: webhook-id (the receiver's dedup key, the same on every retry),
// webhook-timestamp (this attempt, unix seconds) and webhook-signature over
// "{id}.{timestamp}.{raw body}", one v1 signature per valid secret, space-separated.
import { createHash } from 'node:crypto'
import { Webhook } from 'standardwebhooks'
import type { FormatContext } from '../types'

/** msg_ + 128 bits of sha256(event, endpoint, delivery): stable across retries and restarts. */
export function webhookId(delivery: Pick<FormatContext['delivery'], 'id' | 'eventId' | 'endpointId'>): string {
  const digest = createHash('sha256').update(`${delivery.eventId}\n${delivery.endpointId}\n${delivery.id}`).digest('hex')
  return `msg_${digest.slice(0, 32)}`
}

function signatureHeader(secrets: readonly string[], msgId: string, timestampSeconds: number, rawBody: string): string {
  const at = new Date(timestampSeconds * 1000)
  return secrets.map((secret) => new Webhook(secret).sign(msgId, at, rawBody)).join(' ')
}

export function signingHeaders(secrets: readonly string[], msgId: string, nowMs: number, rawBody: string): Record<string, string> {
  if (secrets.length === 0) throw new Error('the endpoint has no valid signing secret; rotate it')
  const timestamp = Math.floor(nowMs / 1000)
  return {
    'webhook-id': msgId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signatureHeader(secrets, msgId, timestamp, rawBody),
  }
}
