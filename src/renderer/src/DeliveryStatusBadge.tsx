import { Badge, type MantineColor } from '@mantine/core'
import type { DeliveryStatus } from '../../shared/domain'

export const STATUS_COLORS: Record<DeliveryStatus, MantineColor> = {
  pending: 'gray',
  retrying: 'orange',
  sending: 'blue',
  delivered: 'teal',
  failed: 'red',
  suppressed: 'yellow',
}

export const STATUS_LABELS: Record<DeliveryStatus, string> = {
  pending: 'Pending',
  retrying: 'Retrying',
  sending: 'Sending',
  delivered: 'Delivered',
  failed: 'Failed',
  suppressed: 'Suppressed',
}

export function DeliveryStatusBadge({ status }: { status: DeliveryStatus }) {
  return (
    <Badge color={STATUS_COLORS[status]} variant="light" miw={92}>
      {STATUS_LABELS[status]}
    </Badge>
  )
}
