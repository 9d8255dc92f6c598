// Health at a glance: is anything going out, what is stuck, which endpoints need a person.
import { Alert, Anchor, Card, Group, Loader, SimpleGrid, Stack, Text, Title } from '@mantine/core'
import { useQuery } from '@tanstack/react-query'
import { DELIVERY_STATUSES } from '../../../../shared/domain'
import type { EndpointView } from '../../../../shared/contracts'
import { useApi } from '../../auth'
import { queryKeys } from '../../queryKeys'
import { ApiErrorAlert } from '../../ApiErrorAlert'
import { DeliveryStatusBadge } from '../../DeliveryStatusBadge'
import { formatAgo, formatDateTime } from '../../time'

export function OverviewPage() {
  const api = useApi()
  const stats = useQuery({ queryKey: queryKeys.stats, queryFn: () => api.getStats({}), refetchInterval: 5_000 })
  const endpoints = useQuery({ queryKey: queryKeys.endpoints, queryFn: () => api.listEndpoints({}) })

  if (stats.isPending) return <Loader aria-label="Loading overview" />
  if (stats.isError) return <ApiErrorAlert error={stats.error} title="Could not load statistics" />
  const s = stats.data
  const attention = (endpoints.data?.endpoints ?? []).filter((e) => e.needs_attention)

  return (
    <Stack gap="lg">
      <Title order={2}>Overview</Title>

      {s.delivery_enabled ? (
        <Alert color="teal" variant="light" title="Delivering notifications">
          The master switch is on: new events are routed to their endpoints.
        </Alert>
      ) : (
        <Alert color="yellow" variant="filled" title="Delivery is paused">
          The master switch is off: every new event is recorded as suppressed and nothing is sent.{' '}
          <Anchor href="#/settings" c="inherit" fz="inherit" underline="always">
            Open settings
          </Anchor>
        </Alert>
      )}

      <SimpleGrid cols={{ base: 2, md: 4 }}>
        <StatCard label="Events, last 24 h" value={s.events.last_24h} hint={`${s.events.total} in total`} />
        <StatCard label="Delivered, last 24 h" value={s.delivered_last_24h} color="teal" />
        <StatCard label="Failed, last 24 h" value={s.failed_last_24h} color={s.failed_last_24h ? 'red' : undefined} />
        <StatCard
          label="Oldest waiting"
          value={s.oldest_pending_at ? formatAgo(s.oldest_pending_at) : 'none'}
          hint={s.oldest_pending_at ? formatDateTime(s.oldest_pending_at) : 'nothing is queued'}
        />
      </SimpleGrid>

      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Card withBorder>
          <Title order={4} mb="sm">
            Deliveries by status
          </Title>
          <Stack gap={6} aria-label="Deliveries by status">
            {DELIVERY_STATUSES.map((status) => (
              <Group key={status} justify="space-between">
                <DeliveryStatusBadge status={status} />
                <Text fw={600} data-testid={`count-${status}`}>
                  {s.deliveries[status] ?? 0}
                </Text>
              </Group>
            ))}
          </Stack>
        </Card>

        <Card withBorder>
          <Title order={4} mb="sm">
            Endpoints
          </Title>
          <Text size="sm" mb="sm">
            {s.endpoints.enabled} of {s.endpoints.total} enabled · {s.endpoints.needs_attention} need attention
          </Text>
          {endpoints.isError && <ApiErrorAlert error={endpoints.error} title="Could not load endpoints" />}
          {attention.length === 0 ? (
            <Text size="sm" c="dimmed">
              {s.endpoints.total === 0 ? (
                <>
                  No endpoints yet. <Anchor href="#/endpoints">Add one</Anchor>
                </>
              ) : (
                'No endpoint needs attention.'
              )}
            </Text>
          ) : (
            <Stack gap="xs">
              {attention.map((e) => (
                <AttentionItem key={e.id} endpoint={e} />
              ))}
            </Stack>
          )}
        </Card>
      </SimpleGrid>
    </Stack>
  )
}

function StatCard({ label, value, hint, color }: { label: string; value: number | string; hint?: string; color?: string }) {
  return (
    <Card withBorder>
      <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
        {label}
      </Text>
      <Text size="xl" fw={700} c={color}>
        {value}
      </Text>
      {hint && (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      )}
    </Card>
  )
}

function AttentionItem({ endpoint }: { endpoint: EndpointView }) {
  return (
    <Alert color="orange" variant="light" title={endpoint.name} p="xs">
      <Text size="sm">{endpoint.needs_attention}</Text>
      <Text size="xs" c="dimmed">
        {endpoint.needs_attention_at ? `since ${formatDateTime(endpoint.needs_attention_at)} · ` : ''}
        {endpoint.queue.pending} waiting · <Anchor href="#/endpoints">Open endpoints</Anchor>
      </Text>
    </Alert>
  )
}
