// "What will it look like?": pick an endpoint (or a kind) and an event type or the morning
// report; the message is formatted by the real channel code, and nothing is sent.
import { Accordion, Card, Code, Group, Select, Skeleton, Stack, Text, Title } from '@mantine/core'
import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { ENDPOINT_KINDS, KIND_LABELS, type EndpointKind } from '../../../../shared/endpointKinds'
import type { PreviewEvent } from '../../../../shared/contracts'
import { EVENT_LABELS, EVENT_TYPES } from '../../../../shared/events'
import { MORNING_REPORT_TYPE } from '../../../../shared/morningReport'
import { useApi } from '../../auth'
import { queryKeys } from '../../queryKeys'
import { ApiErrorAlert } from '../../ApiErrorAlert'
import type { PageProps } from '../../App'
import { MessageView } from './MessageViews'

const KIND_PREFIX = 'kind:'
/** Every event type, then the morning report (made from what Knocker knows of the machines now). */
const PREVIEW_EVENTS: Array<{ value: PreviewEvent; label: string }> = [
  ...EVENT_TYPES.map((t) => ({ value: t, label: EVENT_LABELS[t] })),
  { value: MORNING_REPORT_TYPE, label: 'Morning report' },
]

function setParam(name: string, value: string, without?: string) {
  const [path, query = ''] = window.location.hash.split('?', 2)
  const params = new URLSearchParams(query)
  params.set(name, value)
  if (without) params.delete(without)
  window.location.hash = `${path}?${params}`
}

export function PreviewPage({ params }: PageProps) {
  const api = useApi()
  const endpoints = useQuery({ queryKey: queryKeys.endpoints, queryFn: () => api.listEndpoints({}) })
  const list = endpoints.data?.endpoints ?? []
  const source = params.get('endpoint') ?? (params.get('kind') ? `${KIND_PREFIX}${params.get('kind')}` : null) ?? (list[0]?.id ?? `${KIND_PREFIX}discord`)
  const event = PREVIEW_EVENTS.find((e) => e.value === params.get('event'))?.value ?? 'problem_report.created'

  const input = source.startsWith(KIND_PREFIX)
    ? { kind: source.slice(KIND_PREFIX.length) as EndpointKind, event }
    : { endpoint_id: source, event }
  const preview = useQuery({
    queryKey: queryKeys.preview(source, event),
    queryFn: () => api.previewMessage(input),
    placeholderData: keepPreviousData,
    enabled: !endpoints.isPending,
  })

  const sourceOptions = [
    ...(list.length > 0 ? [{ group: 'Your endpoints', items: list.map((e) => ({ value: e.id, label: `${e.name} (${KIND_LABELS[e.kind]})` })) }] : []),
    { group: 'Any endpoint of a kind', items: ENDPOINT_KINDS.map((k) => ({ value: `${KIND_PREFIX}${k}`, label: KIND_LABELS[k] })) },
  ]

  return (
    <Stack gap="lg" maw={900}>
      <div>
        <Title order={2}>Message preview</Title>
        <Text c="dimmed" size="sm">
          What a notification will look like, made by the same code that sends it, from sample museum data (the morning
          report from what Knocker knows of the machines now, or a sample while it knows none). Nothing is sent.
        </Text>
      </div>
      <Group align="flex-end">
        <Select
          label="Endpoint"
          data={sourceOptions}
          value={source}
          onChange={(v) => v && (v.startsWith(KIND_PREFIX) ? setParam('kind', v.slice(KIND_PREFIX.length), 'endpoint') : setParam('endpoint', v, 'kind'))}
          allowDeselect={false}
          w={320}
          searchable
        />
        <Select
          label="Event"
          data={PREVIEW_EVENTS}
          value={event}
          onChange={(v) => v && setParam('event', v)}
          allowDeselect={false}
          w={260}
        />
      </Group>
      {preview.isError && <ApiErrorAlert error={preview.error} title="Could not make the preview" />}
      {!preview.data && !preview.isError && <Skeleton height={320} radius="md" />}
      {preview.data && (
        <Card withBorder>
          <Text size="sm" c="dimmed" mb="sm">
            History line: <strong>{preview.data.summary}</strong>
          </Text>
          <MessageView preview={preview.data} />
          <Accordion mt="md" variant="contained">
            <Accordion.Item value="json">
              <Accordion.Control>Request body (JSON, as sent)</Accordion.Control>
              <Accordion.Panel>
                <Code block fz="xs" style={{ maxHeight: 400, overflow: 'auto' }}>
                  {JSON.stringify(preview.data.body, null, 2)}
                </Code>
              </Accordion.Panel>
            </Accordion.Item>
          </Accordion>
        </Card>
      )}
    </Stack>
  )
}
