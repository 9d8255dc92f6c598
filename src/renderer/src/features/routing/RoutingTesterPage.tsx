// "Who gets this?": a sample event, or one pasted as the museum app would send it, checked
// against the saved endpoints, their routing rules and the switches by the router intake uses.
// Nothing is sent or stored. Opened from a delivery's detail (#/routing?delivery=12), it checks
// that delivery's event.
import { useEffect, useState } from 'react'
import { Badge, Button, Card, Group, List, SegmentedControl, Select, Skeleton, Stack, Table, Text, Textarea, Title } from '@mantine/core'
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query'
import type { RoutingExplanation } from '../../../../shared/contracts'
import { EVENT_LABELS, EVENT_TYPES, machineDisplayName, type EventType } from '../../../../shared/events'
import { SAMPLE_EVENTS } from '../../../../shared/samples'
import type { PageProps } from '../../App'
import { useApi } from '../../auth'
import { ApiErrorAlert } from '../../ApiErrorAlert'
import { KindBadge } from '../../KindBadge'
import { queryKeys } from '../../queryKeys'

type Mode = 'sample' | 'paste'

/** "Twilight Zone · Workshop (workshop)": what a sample is about, so one can pick by place. */
function sampleLabel(type: EventType): string {
  const machine = SAMPLE_EVENTS[type].machine
  const place = machine.location ? `${machine.location.name} (${machine.location.zone})` : 'no location'
  return `${EVENT_LABELS[type]} — ${machineDisplayName(machine)}, ${place}`
}

const pretty = (type: EventType) => JSON.stringify(SAMPLE_EVENTS[type], null, 2)

export function RoutingTesterPage({ params }: PageProps) {
  const api = useApi()
  const deliveryId = Number(params.get('delivery')) || null
  const [mode, setMode] = useState<Mode>(deliveryId ? 'paste' : 'sample')
  const [sample, setSample] = useState<EventType>('problem_report.created')
  const [pasted, setPasted] = useState(deliveryId ? '' : pretty('problem_report.created'))
  const [jsonError, setJsonError] = useState<string | null>(null)

  // Under the endpoints' key: editing an endpoint or its rules asks again.
  const fromSample = useQuery({
    queryKey: [...queryKeys.endpoints, 'routing', sample],
    queryFn: () => api.explainRouting({ sample }),
    placeholderData: keepPreviousData,
    enabled: mode === 'sample',
  })
  const fromPaste = useMutation({ mutationFn: (event: unknown) => api.explainRouting({ event }) })

  // A delivery's event: shown as pasted, and checked once it is here.
  const delivery = useQuery({ queryKey: queryKeys.delivery(deliveryId ?? 0), queryFn: () => api.getDelivery({ id: deliveryId! }), enabled: deliveryId !== null })
  const deliveryPayload = delivery.data?.payload
  useEffect(() => {
    if (deliveryPayload === undefined) return
    setMode('paste')
    setPasted(JSON.stringify(deliveryPayload, null, 2))
    setJsonError(null)
    fromPaste.mutate(deliveryPayload)
    // Not on fromPaste (a new object each render): only a new delivery's payload asks again.
  }, [deliveryPayload])

  const check = () => {
    let event: unknown
    try {
      event = JSON.parse(pasted)
    } catch (error) {
      setJsonError(`Not JSON: ${(error as Error).message}`)
      fromPaste.reset()
      return
    }
    setJsonError(null)
    fromPaste.mutate(event)
  }

  const answer = mode === 'sample' ? fromSample.data : fromPaste.data
  const error = mode === 'sample' ? fromSample.error : fromPaste.error
  return (
    <Stack gap="lg" maw={1000}>
      <div>
        <Title order={2}>Who gets this?</Title>
        <Text c="dimmed" size="sm">
          Which endpoints an event would go to, and why: their event types, routing rules and switches, as intake decides
          them right now. Nothing is sent or stored.
        </Text>
      </div>
      <SegmentedControl
        aria-label="Event to check"
        data={[
          { value: 'sample', label: 'A sample event' },
          { value: 'paste', label: 'Paste an event' },
        ]}
        value={mode}
        onChange={(v) => setMode(v as Mode)}
        w="fit-content"
      />
      {mode === 'sample' ? (
        <Select
          label="Sample event"
          data={EVENT_TYPES.map((t) => ({ value: t, label: sampleLabel(t) }))}
          value={sample}
          onChange={(v) => v && setSample(v as EventType)}
          allowDeselect={false}
          maw={520}
        />
      ) : (
        <Stack gap="xs">
          <Textarea
            label="Event (JSON, as the museum app sends it)"
            description={
              delivery.data
                ? `The event of delivery #${delivery.data.id} (${delivery.data.summary}): change it and check again.`
                : "Starts from a sample: change the machine's location, the priority … and check again."
            }
            value={pasted}
            onChange={(e) => {
              setPasted(e.currentTarget.value)
              setJsonError(null)
            }}
            autosize
            minRows={8}
            maxRows={24}
            error={jsonError}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 12 } }}
          />
          <Group>
            <Button onClick={check} loading={fromPaste.isPending}>
              Check
            </Button>
            <Select
              aria-label="Start again from a sample"
              placeholder="Start again from a sample…"
              data={EVENT_TYPES.map((t) => ({ value: t, label: sampleLabel(t) }))}
              value={null}
              onChange={(v) => {
                if (!v) return
                setPasted(pretty(v as EventType))
                setJsonError(null)
                fromPaste.reset()
              }}
              w={420}
            />
          </Group>
        </Stack>
      )}
      {delivery.isError && <ApiErrorAlert error={delivery.error} title={`Could not load delivery ${deliveryId}`} />}
      {error && <ApiErrorAlert error={error} title="The event could not be checked" />}
      {mode === 'sample' && !answer && !error && <Skeleton height={160} radius="md" />}
      {answer && <Answer answer={answer} />}
    </Stack>
  )
}

const OUTCOME_BADGES: Record<RoutingExplanation['endpoints'][number]['outcome'], { label: string; color: string }> = {
  gets: { label: 'Gets it', color: 'teal' },
  suppressed: { label: 'Held back', color: 'yellow' },
  not_subscribed: { label: 'Not subscribed', color: 'gray' },
  no_rule_matched: { label: 'No rule matched', color: 'gray' },
}

function Answer({ answer }: { answer: RoutingExplanation }) {
  const getting = answer.endpoints.filter((e) => e.gets).length
  return (
    <Card withBorder component="section" aria-label="Who gets it">
      <Text size="sm" mb="sm" role="status">
        <strong>{answer.event.summary}</strong> ({EVENT_LABELS[answer.event.event]}):{' '}
        {answer.endpoints.length === 0
          ? 'there are no endpoints yet.'
          : getting === 0
            ? 'no endpoint would get it.'
            : `${getting} of ${answer.endpoints.length} endpoints would get it.`}
      </Text>
      {answer.endpoints.length > 0 && (
        <Table verticalSpacing="sm" data-testid="routing-answer">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Endpoint</Table.Th>
              <Table.Th>Outcome</Table.Th>
              <Table.Th>Why</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {answer.endpoints.map((e) => (
              <Table.Tr key={e.endpoint_id} data-testid={`routing-${e.endpoint_id}`}>
                <Table.Td>
                  <Group gap="xs" wrap="nowrap">
                    <KindBadge kind={e.endpoint_kind} />
                    <Text size="sm" fw={500}>
                      {e.endpoint_name}
                    </Text>
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Badge color={OUTCOME_BADGES[e.outcome].color} variant={e.gets ? 'filled' : 'light'}>
                    {OUTCOME_BADGES[e.outcome].label}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{e.outcome === 'no_rule_matched' ? 'Subscribed, but no rule matched: no delivery.' : e.reason}</Text>
                  {e.misses.length > 0 && (
                    <List size="xs" c="dimmed" mt={4}>
                      {e.misses.map((miss, i) => (
                        <List.Item key={i}>
                          Rule {i + 1} wants {miss}
                        </List.Item>
                      ))}
                    </List>
                  )}
                  {e.held && (
                    <Text size="xs" c="dimmed" mt={4}>
                      Right now it would be {e.held}
                    </Text>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  )
}
