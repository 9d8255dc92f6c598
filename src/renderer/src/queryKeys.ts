// TanStack Query keys, one place, so mutations invalidate exactly what they change.
import type { DeliveryStatus } from '../../shared/domain'
import type { DeliveryEventType } from '../../shared/attentionAlert'

export interface DeliveryFilters {
  status?: DeliveryStatus
  endpoint_id?: string
  event?: DeliveryEventType
  since?: number
  until?: number
  q?: string
}

export const queryKeys = {
  stats: ['stats'] as const,
  endpoints: ['endpoints'] as const,
  settings: ['settings'] as const,
  intake: ['intake'] as const,
  relaySources: ['relay-sources'] as const,
  system: ['system'] as const,
  preview: (source: string, event: string) => ['preview', source, event] as const,
  /** The message an endpoint form's unsaved options would send. */
  draftPreview: (endpointId: string, event: string, options: string) => ['preview', 'draft', endpointId, event, options] as const,
  deliveries: ['deliveries'] as const,
  deliveryList: (filters: DeliveryFilters) => ['deliveries', 'list', filters] as const,
  delivery: (id: number) => ['deliveries', 'detail', id] as const,
}
