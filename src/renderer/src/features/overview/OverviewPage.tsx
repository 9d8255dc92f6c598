// Health at a glance: is anything going out, what is stuck, which endpoints need a person.
import { Alert, Anchor, Badge, Card, Group, SimpleGrid, Stack, Switch, Table, Text, Title, Tooltip } from '@mantine/core'
import { useQuery } from '@tanstack/react-query'
import type { AdminOutput, EndpointView } from '../../../../shared/contracts'
import { useApi } from '../../auth'
import { queryKeys } from '../../queryKeys'
import { ApiErrorAlert } from '../../ApiErrorAlert'
import { KIND_COLORS, KindIcon } from '../../KindBadge'
import { CardsSkeleton } from '../../Skeletons'
import { useUpdateSettings } from '../sources/settingsMutations'
import { formatAgo, formatDateTime, formatDuration } from '../../time'
import { count } from '../../wording'
import { DeliveriesChart } from './DeliveriesChart'

type Stats = AdminOutput<'getStats'>

export function OverviewPage() {
  const api = useApi()
  const stats = useQuery({ queryKey: queryKeys.stats, queryFn: () => api.getStats({}), refetchInterval: 5_000 })
  const endpoints = useQuery({ queryKey: queryKeys.endpoints, queryFn: () => api.listEndpoints({}), refetchInterval: 5_000 })
  const attention = (endpoints.data?.endpoints ?? []).filter((e) => e.needs_attention)

  return (
    <Stack gap="lg">
      <Title order={2}>Overview</Title>
      {stats.isError && <ApiErrorAlert error={stats.error} title="Could not load statistics" />}
      {stats.isPending && <CardsSkeleton label="Loading overview" count={1} height={88} />}
      {stats.data && <EngineState stats={stats.data} />}

      {attention.map((e) => (
        <AttentionBanner key={e.id} endpoint={e} />
      ))}

      {stats.isPending ? (
        <CardsSkeleton label="Loading counts" />
      ) : (
        stats.data && (
          <SimpleGrid cols={{ base: 2, md: 4 }}>
            <StatCard label="Waiting to go out" value={stats.data.queue_depth} testId="queue-depth" />
            <StatCard label="Delivered, last 24 h" value={stats.data.delivered_last_24h} color="teal" testId="delivered-24h" />
            <StatCard
              label="Failed, last 24 h"
              value={stats.data.failed_last_24h}
              color={stats.data.failed_last_24h ? 'red' : undefined}
              testId="failed-24h"
            />
            <StatCard
              label="Oldest waiting"
              value={stats.data.oldest_pending_at ? formatAgo(stats.data.oldest_pending_at) : 'none'}
              hint={stats.data.oldest_pending_at ? formatDateTime(stats.data.oldest_pending_at) : 'nothing is queued'}
            />
          </SimpleGrid>
        )
      )}

      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <Card withBorder>
          <Title order={4}>Deliveries, last 24 hours</Title>
          <Text size="xs" c="dimmed" mb="sm">
            Per hour; tests included
          </Text>
          <DeliveriesChart timeline={stats.data?.timeline ?? null} />
        </Card>
        <Card withBorder>
          <Title order={4} mb="sm">
            Endpoints
          </Title>
          {endpoints.isError && <ApiErrorAlert error={endpoints.error} title="Could not load endpoints" />}
          <EndpointHealthTable endpoints={endpoints.data?.endpoints ?? null} />
        </Card>
      </SimpleGrid>
    </Stack>
  )
}

/** Running, paused or offline, with the master switch right there. */
function EngineState({ stats }: { stats: Stats }) {
  const update = useUpdateSettings()
  const on = update.isPending && update.variables.delivery_enabled !== undefined ? update.variables.delivery_enabled : stats.delivery_enabled
  const { color, title, text } = describeState(stats)
  return (
    <Alert color={color} variant="light" title={title} data-testid="engine-state" data-state={stats.state}>
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="sm">
        <Text size="sm" maw={640}>
          {text}
        </Text>
        <Switch
          label="Deliver notifications"
          checked={on}
          onChange={(e) => update.mutate({ delivery_enabled: e.currentTarget.checked })}
        />
      </Group>
      <ApiErrorAlert error={update.error} title="The switch did not change" />
    </Alert>
  )
}

function describeState(stats: Stats): { color: string; title: string; text: string } {
  if (stats.state === 'paused') {
    return {
      color: 'yellow',
      title: 'Delivery is paused',
      text: 'The master switch is off: every new event is recorded as suppressed and nothing is sent. Suppressed events can still be sent later from the history.',
    }
  }
  if (stats.state === 'offline') {
    const since = stats.offline_since
    return {
      color: 'gray',
      title: since ? `Offline since ${new Date(since).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}` : 'Offline',
      text: `No destination can be reached${since ? ` for ${formatDuration(Date.now() - since)}` : ''}. ${stats.queue_depth} ${
        stats.queue_depth === 1 ? 'notification is' : 'notifications are'
      } kept on disk and will go out, in order, as soon as the network is back. Nothing is lost and no endpoint is blamed.`,
    }
  }
  return {
    color: 'teal',
    title: 'Delivering notifications',
    text: 'The master switch is on: new events are routed to their endpoints the moment they arrive.',
  }
}

function AttentionBanner({ endpoint }: { endpoint: EndpointView }) {
  return (
    <Alert color="orange" variant="filled" title={`${endpoint.name} needs attention`} role="alert">
      <Text size="sm">{endpoint.needs_attention}</Text>
      <Text size="xs">
        {endpoint.needs_attention_at ? `Since ${formatDateTime(endpoint.needs_attention_at)}. ` : ''}
        {heldUntilFixed(endpoint.queue.pending)}{' '}
        <Anchor href="#/endpoints" c="inherit" fz="inherit" underline="always">
          Open endpoints
        </Anchor>
      </Text>
    </Alert>
  )
}

/** What waits for an endpoint that needs attention, said right when nothing waits. */
function heldUntilFixed(pending: number): string {
  if (pending === 0) return 'Nothing is waiting for it yet; new notifications for it are held until it is fixed.'
  return `Its ${count(pending, 'waiting notification')} ${pending === 1 ? 'is' : 'are'} held until it is fixed.`
}

function StatCard({
  label,
  value,
  hint,
  color,
  testId,
}: {
  label: string
  value: number | string
  hint?: string
  color?: string
  testId?: string
}) {
  return (
    <Card withBorder>
      <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
        {label}
      </Text>
      <Text size="xl" fw={700} c={color} data-testid={testId}>
        {value}
      </Text>
      <Text size="xs" c="dimmed">
        {hint ?? '\u00a0'}
      </Text>
    </Card>
  )
}

function EndpointHealthTable({ endpoints }: { endpoints: EndpointView[] | null }) {
  if (endpoints === null) return <Text c="dimmed">Loading…</Text>
  if (endpoints.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        No endpoints yet — <Anchor href="#/endpoints">add your Discord channel</Anchor>.
      </Text>
    )
  }
  return (
    <Table.ScrollContainer minWidth={460}>
      <Table aria-label="Endpoint health" verticalSpacing={6}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Endpoint</Table.Th>
            <Table.Th>Last success</Table.Th>
            <Table.Th>Last failure</Table.Th>
            <Table.Th>Success</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {endpoints.map((e) => (
            <Table.Tr key={e.id}>
              <Table.Td>
                {/* The badges wrap under a long name rather than shrink to "ATTENTI…". */}
                <Group gap={6} wrap="wrap">
                  <Group gap={6} wrap="nowrap">
                    <Text c={KIND_COLORS[e.kind]} lh={0} component="span">
                      <KindIcon kind={e.kind} labelled />
                    </Text>
                    <Text size="sm" fw={500}>
                      {e.name}
                    </Text>
                  </Group>
                  {!e.enabled && (
                    <Badge size="xs" color="gray" variant="light" style={{ flexShrink: 0 }}>
                      off
                    </Badge>
                  )}
                  {e.needs_attention && (
                    <Badge size="xs" color="orange" style={{ flexShrink: 0 }}>
                      needs attention
                    </Badge>
                  )}
                </Group>
              </Table.Td>
              <Table.Td>
                <When at={e.health.last_success_at} />
              </Table.Td>
              <Table.Td>
                <When at={e.health.last_failure_at} />
              </Table.Td>
              <Table.Td>
                <Text size="sm" c={rateColor(e.health.success_rate)}>
                  {e.health.success_rate === null ? '—' : `${Math.round(e.health.success_rate * 100)}%`}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  )
}

function When({ at }: { at: number | null }) {
  if (at === null) return <Text size="sm" c="dimmed">never</Text>
  return (
    <Tooltip label={formatDateTime(at)}>
      <Text size="sm" tabIndex={0} style={{ width: 'fit-content' }}>
        {formatAgo(at)}
      </Text>
    </Tooltip>
  )
}

const rateColor = (rate: number | null) => (rate === null ? 'dimmed' : rate >= 0.99 ? 'teal' : rate >= 0.9 ? 'yellow' : 'red')
