// Every destination: where it points (redacted), what it receives, whether it is healthy.
import { Badge, Button, Card, Code, Group, Loader, Stack, Switch, Table, Text, Title, Tooltip } from '@mantine/core'
import { useDisclosure } from '@mantine/hooks'
import { useQuery } from '@tanstack/react-query'
import type { EndpointView } from '../../../../shared/contracts'
import { EVENT_LABELS, EVENT_TYPES } from '../../../../shared/events'
import { useApi } from '../../auth'
import { queryKeys } from '../../queryKeys'
import { ApiErrorAlert } from '../../ApiErrorAlert'
import { formatDateTime } from '../../time'
import { AddEndpointModal } from './AddEndpointModal'
import { SendTestControl } from './SendTestControl'
import { useUpdateEndpoint } from './endpointMutations'

export function EndpointsPage() {
  const api = useApi()
  const [adding, addModal] = useDisclosure(false)
  const endpoints = useQuery({
    queryKey: queryKeys.endpoints,
    queryFn: () => api.listEndpoints({}),
    refetchInterval: 5_000,
  })

  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={2}>Endpoints</Title>
        <Button onClick={addModal.open}>Add endpoint</Button>
      </Group>
      <AddEndpointModal opened={adding} onClose={addModal.close} />

      {endpoints.isPending && <Loader aria-label="Loading endpoints" />}
      {endpoints.isError && <ApiErrorAlert error={endpoints.error} title="Could not load endpoints" />}
      {endpoints.data && endpoints.data.endpoints.length === 0 && (
        <Card withBorder p="xl">
          <Text ta="center" c="dimmed">
            No endpoints yet. Add a Discord webhook to start receiving notifications.
          </Text>
        </Card>
      )}
      {endpoints.data && endpoints.data.endpoints.length > 0 && (
        <Card withBorder p={0}>
          <Table.ScrollContainer minWidth={960}>
            <Table verticalSpacing="sm" horizontalSpacing="md" highlightOnHover aria-label="Endpoints">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Target</Table.Th>
                  <Table.Th>Events</Table.Th>
                  <Table.Th>Health</Table.Th>
                  <Table.Th>Enabled</Table.Th>
                  <Table.Th>Test</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {endpoints.data.endpoints.map((e) => (
                  <EndpointRow key={e.id} endpoint={e} />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Card>
      )}
    </Stack>
  )
}

function EndpointRow({ endpoint }: { endpoint: EndpointView }) {
  const update = useUpdateEndpoint()
  // Show the switch where the user put it while the change is on its way.
  const enabled = update.isPending && update.variables.enabled !== undefined ? update.variables.enabled : endpoint.enabled

  return (
    <>
      <Table.Tr data-endpoint-id={endpoint.id}>
        <Table.Td>
          <Text fw={600}>{endpoint.name}</Text>
          <Badge size="xs" variant="outline" color="gray">
            {endpoint.kind}
          </Badge>
        </Table.Td>
        <Table.Td>
          <Code data-testid="endpoint-target" style={{ whiteSpace: 'nowrap' }}>{endpoint.target}</Code>
        </Table.Td>
        <Table.Td miw={200} maw={280}>
          <Subscriptions events={endpoint.events} />
        </Table.Td>
        <Table.Td>
          <Health endpoint={endpoint} onClear={() => update.mutate({ id: endpoint.id, clear_attention: true })} />
        </Table.Td>
        <Table.Td>
          <Switch
            aria-label={`${endpoint.name} enabled`}
            checked={enabled}
            onChange={(e) => update.mutate({ id: endpoint.id, enabled: e.currentTarget.checked })}
          />
        </Table.Td>
        <Table.Td>
          <SendTestControl endpoint={endpoint} />
        </Table.Td>
      </Table.Tr>
      {update.isError && (
        <Table.Tr>
          <Table.Td colSpan={6}>
            <ApiErrorAlert error={update.error} title={`Could not update ${endpoint.name}`} />
          </Table.Td>
        </Table.Tr>
      )}
    </>
  )
}

function Subscriptions({ events }: { events: EndpointView['events'] }) {
  if (events.length === EVENT_TYPES.length) return <Badge variant="light">All events</Badge>
  if (events.length === 0) return <Badge color="gray" variant="light">No events</Badge>
  return (
    <Group gap={4}>
      {events.map((e) => (
        <Badge key={e} size="sm" variant="light" tt="none" maw="100%">
          {EVENT_LABELS[e]}
        </Badge>
      ))}
    </Group>
  )
}

function Health({ endpoint, onClear }: { endpoint: EndpointView; onClear: () => void }) {
  const queue = `${endpoint.queue.pending} waiting · ${endpoint.queue.failed} failed`
  if (!endpoint.needs_attention) {
    return (
      <Stack gap={2}>
        <Badge color="teal" variant="light">
          OK
        </Badge>
        <Text size="xs" c="dimmed">
          {queue}
        </Text>
      </Stack>
    )
  }
  return (
    <Stack gap={4} maw={260}>
      <Tooltip
        label={endpoint.needs_attention_at ? `since ${formatDateTime(endpoint.needs_attention_at)}` : 'needs attention'}
      >
        <Badge color="orange" variant="filled">
          Needs attention
        </Badge>
      </Tooltip>
      <Text size="xs">{endpoint.needs_attention}</Text>
      <Text size="xs" c="dimmed">
        {queue}
      </Text>
      <Button size="compact-xs" variant="light" color="orange" onClick={onClear}>
        Mark fixed, resume
      </Button>
    </Stack>
  )
}
