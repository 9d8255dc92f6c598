// One delivery in full: what was sent, each attempt with its answer, and a Retry button.
import { Accordion, Alert, Anchor, Badge, Button, Code, Drawer, Group, Loader, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core'
import { useQuery } from '@tanstack/react-query'
import type { AttemptView } from '../../../../shared/contracts'
import { DELIVERY_EVENT_LABELS } from '../../../../shared/attentionAlert'
import { EVENT_TYPES } from '../../../../shared/events'
import { KindBadge } from '../../KindBadge'
import { useApi } from '../../auth'
import { queryKeys } from '../../queryKeys'
import { ApiErrorAlert } from '../../ApiErrorAlert'
import { DeliveryStatusBadge } from '../../DeliveryStatusBadge'
import { formatDateTime, formatDuration } from '../../time'
import { useRetryDelivery } from './deliveryMutations'

const SETTLED = new Set(['delivered', 'failed', 'suppressed'])

export function DeliveryDrawer({ id, onClose }: { id: number | null; onClose: () => void }) {
  return (
    <Drawer opened={id !== null} onClose={onClose} position="right" size="xl" title="Delivery">
      {id !== null && <DeliveryDetail id={id} />}
    </Drawer>
  )
}

function DeliveryDetail({ id }: { id: number }) {
  const api = useApi()
  const retry = useRetryDelivery()
  const detail = useQuery({
    queryKey: queryKeys.delivery(id),
    queryFn: () => api.getDelivery({ id }),
    // Keep watching until it settles, so a retry is seen through.
    refetchInterval: (q) => (q.state.data && SETTLED.has(q.state.data.status) ? false : 2_000),
  })

  if (detail.isPending) return <Loader aria-label="Loading delivery" />
  if (detail.isError) return <ApiErrorAlert error={detail.error} title="Could not load the delivery" />
  const d = detail.data
  const canRetry = d.status === 'failed' || d.status === 'suppressed'
  // An event from the museum app (not a test, a relayed message or Knocker's own alert).
  const routable = !d.is_test && (EVENT_TYPES as readonly string[]).includes(d.event)

  return (
    <Stack gap="md">
      <div>
        <Group gap="xs" mb={4}>
          <DeliveryStatusBadge status={d.status} />
          {d.is_test && (
            <Badge color="grape" variant="light">
              test
            </Badge>
          )}
        </Group>
        <Title order={4}>{d.summary}</Title>
        {d.why && (
          <Text size="sm" c="dimmed" data-testid="delivery-detail-why">
            {d.why}
          </Text>
        )}
        {routable && (
          <Anchor href={`#/routing?delivery=${d.id}`} size="sm">
            Who gets this event, and why?
          </Anchor>
        )}
      </div>

      <Group>
        {canRetry && (
          <Button onClick={() => retry.mutate(d.id)} loading={retry.isPending}>
            Retry
          </Button>
        )}
        <div role="status">
          {retry.isSuccess && (
            <Text size="sm" c="teal">
              Queued again.
            </Text>
          )}
        </div>
      </Group>
      <ApiErrorAlert error={retry.error} title="Retry failed" />

      <SimpleGrid cols={2} spacing="xs" verticalSpacing={6}>
        <Fact label="Endpoint">
          <Group gap={6} wrap="wrap">
            <span>{d.endpoint_name}</span>
            <KindBadge kind={d.endpoint_kind} size="xs" />
          </Group>
        </Fact>
        <Fact label="Event">{DELIVERY_EVENT_LABELS[d.event]}</Fact>
        <Fact label="Event ID">
          <Code>{d.event_id}</Code>
        </Fact>
        <Fact label="Occurred">{formatDateTime(Date.parse(d.occurred_at))}</Fact>
        <Fact label="Received">{formatDateTime(d.created_at)}</Fact>
        <Fact label="Delivered">{d.delivered_at ? formatDateTime(d.delivered_at) : '—'}</Fact>
        {d.delivered_at !== null && <Fact label="Delivery took">{formatDuration(d.delivered_at - d.created_at)}</Fact>}
        {d.next_attempt_at !== null && <Fact label="Next attempt">{formatDateTime(d.next_attempt_at)}</Fact>}
        {d.remote_id && (
          <Fact label="Remote message ID">
            <Code>{d.remote_id}</Code>
          </Fact>
        )}
      </SimpleGrid>

      {d.last_error && d.status === 'suppressed' && (
        <Alert color="yellow" variant="light" title="Held back">
          {d.last_error}
        </Alert>
      )}
      {d.last_error && d.status !== 'delivered' && d.status !== 'suppressed' && (
        <Alert color="red" variant="light" title={d.last_error_class ? `Last error: ${d.last_error_class}` : 'Last error'}>
          {d.last_error}
        </Alert>
      )}

      <Title order={5}>
        Attempts ({d.attempts.length})
      </Title>
      {d.attempts.length === 0 && (
        <Text size="sm" c="dimmed">
          {d.status === 'suppressed' ? 'Never sent: a switch was off when the event arrived.' : 'No attempt yet.'}
        </Text>
      )}
      <Stack gap="sm" aria-label="Attempts">
        {d.attempts.map((a) => (
          <AttemptCard key={a.id} attempt={a} />
        ))}
      </Stack>

      <Accordion variant="contained">
        <Accordion.Item value="payload">
          <Accordion.Control>Event payload</Accordion.Control>
          <Accordion.Panel>
            <CodeBlock text={JSON.stringify(d.payload, null, 2)} />
          </Accordion.Panel>
        </Accordion.Item>
      </Accordion>
    </Stack>
  )
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" component="div">
        {children}
      </Text>
    </div>
  )
}

const OUTCOME_COLORS = { delivered: 'teal', retry: 'orange', failed: 'red' } as const

function AttemptCard({ attempt: a }: { attempt: AttemptView }) {
  const headers = a.response_headers ? Object.entries(a.response_headers).map(([k, v]) => `${k}: ${v}`).join('\n') : null
  return (
    <Paper withBorder p="sm" data-testid="attempt">
      <Group justify="space-between" mb={4}>
        <Group gap="xs">
          <Text fw={600} size="sm">
            Attempt #{a.attempt_no}
          </Text>
          <Badge size="sm" variant="light" color={OUTCOME_COLORS[a.outcome]}>
            {a.outcome}
          </Badge>
          <Badge size="sm" variant="outline" color="gray">
            {a.trigger}
          </Badge>
          <Badge size="sm" variant="filled" color={a.status_code && a.status_code < 300 ? 'teal' : 'gray'}>
            {a.status_code !== null ? `HTTP ${a.status_code}` : 'no response'}
          </Badge>
        </Group>
        <Text size="xs" c="dimmed">
          {formatDateTime(a.started_at)} · {a.duration_ms} ms
        </Text>
      </Group>
      {(a.error_class || a.error_message) && (
        <Text size="sm" c="red">
          {a.error_class && <strong>{a.error_class}: </strong>}
          {a.error_message}
        </Text>
      )}
      {a.note && (
        <Alert
          color={a.outcome === 'delivered' ? 'yellow' : 'gray'}
          variant="light"
          p="xs"
          mt={4}
          title="Note"
          data-testid="attempt-note"
          styles={{ title: { marginBottom: 2 } }}
        >
          <Text size="sm" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
            {a.note}
          </Text>
        </Alert>
      )}
      <Accordion variant="separated" multiple mt="xs" chevronPosition="left">
        <Accordion.Item value="request">
          <Accordion.Control>Request body</Accordion.Control>
          <Accordion.Panel>
            <CodeBlock text={a.request_body} />
          </Accordion.Panel>
        </Accordion.Item>
        <Accordion.Item value="response">
          <Accordion.Control>Response body</Accordion.Control>
          <Accordion.Panel>
            {headers && <CodeBlock text={headers} />}
            <CodeBlock text={a.response_body} />
          </Accordion.Panel>
        </Accordion.Item>
      </Accordion>
    </Paper>
  )
}

/** Pretty-prints JSON bodies; anything else is shown as it came. */
function CodeBlock({ text }: { text: string | null }) {
  if (text === null || text === '') {
    return (
      <Text size="xs" c="dimmed">
        (empty)
      </Text>
    )
  }
  let shown = text
  try {
    shown = JSON.stringify(JSON.parse(text), null, 2)
  } catch {
    // not JSON: show verbatim
  }
  return (
    <Code block mah={320} style={{ overflow: 'auto', whiteSpace: 'pre-wrap', wordBreak: 'break-word' }} mb="xs">
      {shown}
    </Code>
  )
}
