// "Send test": sends one sample event to one endpoint now and says how it went, inline.
import { useState } from 'react'
import { Button, Group, Select, Stack, Text } from '@mantine/core'
import type { EndpointView } from '../../../../shared/contracts'
import { EVENT_LABELS, EVENT_TYPES, type EventType } from '../../../../shared/events'
import { useTestEndpoint } from './endpointMutations'

const EVENT_OPTIONS = EVENT_TYPES.map((t) => ({ value: t, label: EVENT_LABELS[t] }))

export function SendTestControl({ endpoint }: { endpoint: EndpointView }) {
  const test = useTestEndpoint()
  const [event, setEvent] = useState<EventType>('problem_report.created')

  return (
    <Stack gap={4} maw={340}>
      <Group gap="xs" wrap="nowrap">
        <Select
          aria-label={`Test event for ${endpoint.name}`}
          data={EVENT_OPTIONS}
          value={event}
          onChange={(v) => v && setEvent(v as EventType)}
          allowDeselect={false}
          size="xs"
          w={190}
        />
        <Button
          size="xs"
          variant="light"
          loading={test.isPending}
          onClick={() => test.mutate({ id: endpoint.id, event })}
        >
          Send test
        </Button>
      </Group>
      <TestOutcome test={test} />
    </Stack>
  )
}

function TestOutcome({ test }: { test: ReturnType<typeof useTestEndpoint> }) {
  if (test.isIdle || test.isPending) return null
  if (test.isError) {
    return (
      <Text size="xs" c="red" role="status">
        ✗ {test.error.message}
      </Text>
    )
  }
  const r = test.data
  if (r.ok) {
    return (
      <Text size="xs" c="teal" role="status">
        ✓ delivered in {r.duration_ms} ms
      </Text>
    )
  }
  const detail = r.error ?? `status ${r.status}`
  return (
    <Text size="xs" c="red" role="status">
      ✗ {r.status_code ? `HTTP ${r.status_code}: ` : ''}
      {detail}
    </Text>
  )
}
