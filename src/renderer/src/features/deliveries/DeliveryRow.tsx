// One line of the history, GitHub "Recent deliveries" style; the whole line opens the detail.
import { Badge, Group, Stack, Text, UnstyledButton } from '@mantine/core'
import type { DeliveryView } from '../../../../shared/contracts'
import { KIND_LABELS } from '../../../../shared/endpointKinds'
import { DELIVERY_EVENT_LABELS } from '../../../../shared/attentionAlert'
import { KIND_COLORS, KindIcon } from '../../KindBadge'
import { DeliveryStatusBadge } from '../../DeliveryStatusBadge'
import { formatAgo, formatDateTime, formatDuration } from '../../time'
import classes from './DeliveryRow.module.css'

export function DeliveryRow({ delivery: d, onOpen }: { delivery: DeliveryView; onOpen: () => void }) {
  return (
    <li data-testid="delivery-row" data-status={d.status} data-event-id={d.event_id} className={classes.item}>
      <UnstyledButton
        onClick={onOpen}
        aria-haspopup="dialog"
        w="100%"
        px="md"
        py="sm"
        className={classes.row}
      >
        <Group wrap="nowrap" gap="md" align="flex-start">
          <DeliveryStatusBadge status={d.status} />
          <Stack gap={2} style={{ flex: 1, minWidth: 0 }}>
            <Group gap="xs" wrap="nowrap">
              <Text fw={600} size="sm" truncate>
                {d.summary}
              </Text>
              {d.is_test && (
                <Badge size="xs" color="grape" variant="light">
                  test
                </Badge>
              )}
            </Group>
            <Text size="xs" c="dimmed" truncate>
              <Text
                span
                c={KIND_COLORS[d.endpoint_kind]}
                title={KIND_LABELS[d.endpoint_kind]}
                data-testid="delivery-kind"
                mr={4}
              >
                <KindIcon kind={d.endpoint_kind} size={13} labelled />
              </Text>
              {d.endpoint_name} · {DELIVERY_EVENT_LABELS[d.event]} · <span style={{ fontFamily: 'monospace' }}>{d.event_id}</span>
            </Text>
            {d.why && (
              // Why it waits or what it changes: "edited: report closed", "held: quiet hours until 07:00".
              <Text size="xs" c="dimmed" truncate data-testid="delivery-why">
                {d.why}
              </Text>
            )}
            <Detail delivery={d} />
          </Stack>
          <Stack gap={2} align="flex-end" style={{ flexShrink: 0 }}>
            <Text size="xs" title={formatDateTime(d.created_at)}>
              {formatAgo(d.created_at)}
            </Text>
            <Text size="xs" c="dimmed">
              {d.attempt_count} {d.attempt_count === 1 ? 'attempt' : 'attempts'}
            </Text>
          </Stack>
        </Group>
      </UnstyledButton>
    </li>
  )
}

/** The one extra fact that matters for this status. */
function Detail({ delivery: d }: { delivery: DeliveryView }) {
  // Knocker's own delay, from arrival: an event can arrive long after it happened (sample data,
  // a backfill), and "delivered 127 days after the event" would blame the wrong party.
  const took = d.delivered_at !== null ? d.delivered_at - d.created_at : null
  if (d.status === 'delivered' && took !== null && took > 60_000) {
    return (
      <Text size="xs" c="orange">
        delivered {formatDuration(took)} after it arrived
      </Text>
    )
  }
  if ((d.status === 'retrying' || d.status === 'pending') && d.next_attempt_at) {
    // A due time in the past means it waits its turn (or its endpoint is paused), not "ago".
    const when = d.next_attempt_at > Date.now() ? `next attempt ${formatAgo(d.next_attempt_at)}` : 'waiting to be sent'
    return (
      <Text size="xs" c="dimmed" truncate>
        {when}
        {d.last_error ? ` · last error: ${d.last_error}` : ''}
      </Text>
    )
  }
  if (d.status === 'suppressed' && d.last_error) {
    return (
      <Text size="xs" c="dimmed" truncate>
        {d.last_error}
      </Text>
    )
  }
  if (d.status === 'failed' && d.last_error) {
    return (
      <Text size="xs" c="red" truncate>
        {d.last_status_code ? `HTTP ${d.last_status_code} · ` : ''}
        {d.last_error}
      </Text>
    )
  }
  return null
}
