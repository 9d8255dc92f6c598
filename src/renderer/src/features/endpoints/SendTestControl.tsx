// "Send test": sends one sample event to one endpoint now and says how it went, inline.
import { useState } from 'react'
import { Button, Group, Select, Stack, Text, VisuallyHidden } from '@mantine/core'
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
      {/* Always in the page, so a screen reader hears each result as it replaces the last. */}
      <div role="status" aria-live="polite">
        <TestOutcome test={test} endpointName={endpoint.name} />
      </div>
    </Stack>
  )
}

function TestOutcome({ test, endpointName }: { test: ReturnType<typeof useTestEndpoint>; endpointName: string }) {
  if (test.isIdle) return null
  if (test.isPending) {
    return (
      <Text size="xs" c="dimmed">
        <VisuallyHidden>Test to {endpointName}: </VisuallyHidden>sending…
      </Text>
    )
  }
  if (test.isError) {
    return (
      <Text size="xs" c="red">
        <VisuallyHidden>Test to {endpointName}: </VisuallyHidden>✗ {test.error.message}
      </Text>
    )
  }
  const r = test.data
  if (r.ok) {
    return (
      <Text size="xs" c="teal">
        <VisuallyHidden>Test to {endpointName}: </VisuallyHidden>✓ delivered in {r.duration_ms} ms
      </Text>
    )
  }
  const detail = r.error ?? `status ${r.status}`
  return (
    <Text size="xs" c="red">
      <VisuallyHidden>Test to {endpointName}: </VisuallyHidden>
      ✗ {r.status_code ? `HTTP ${r.status_code}: ` : ''}
      {detail}
    </Text>
  )
}
