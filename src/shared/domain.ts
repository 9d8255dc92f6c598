// Domain enums shared by the core, the admin contracts and the renderer.
import { z } from 'zod'

export { ENDPOINT_KINDS, type EndpointKind } from './endpointKinds'

/** pending: waiting for its first attempt · retrying: a transient failure, next attempt scheduled ·
 * sending: claimed under a lease · delivered · failed: permanent or retries exhausted ·
 * suppressed: a switch was off when the event arrived, never sent. */
export const DELIVERY_STATUSES = ['pending', 'retrying', 'sending', 'delivered', 'failed', 'suppressed'] as const
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number]
export const DeliveryStatusSchema = z.enum(DELIVERY_STATUSES)

/** Why an attempt did not deliver. internal: an error in Knocker's own code (a formatter
 * crash), not the destination's and not the network's. */
export const ERROR_CLASSES = ['network', 'timeout', 'rate_limited', 'server_error', 'rejected', 'expired', 'internal'] as const
export type ErrorClass = (typeof ERROR_CLASSES)[number]
