// The delivery history: newest first, live (change notices from the core), filterable, paged with a cursor.
import { useEffect, useMemo, useState } from 'react'
import { Alert, Button, Card, Center, Group, Select, Stack, Text, TextInput, Title } from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { keepPreviousData, useInfiniteQuery, useMutation, useQuery } from '@tanstack/react-query'
import { DELIVERY_STATUSES, type DeliveryStatus } from '../../../../shared/domain'
import { DELIVERY_EVENT_LABELS, DELIVERY_EVENT_TYPES, type DeliveryEventType } from '../../../../shared/attentionAlert'
import type { DeliveryView } from '../../../../shared/contracts'
import { useApi } from '../../auth'
import { queryKeys, type DeliveryFilters } from '../../queryKeys'
import { ApiErrorAlert } from '../../ApiErrorAlert'
import { STATUS_LABELS } from '../../DeliveryStatusBadge'
import { DeliveryRow } from './DeliveryRow'
import { DeliveryDrawer } from './DeliveryDrawer'
import { DeliveryAnnouncer } from './DeliveryAnnouncer'
import { useRetryFailed } from './deliveryMutations'
import type { PageProps } from '../../App'
import { TableSkeleton } from '../../Skeletons'
import { count } from '../../wording'

const PAGE_SIZE = 50

export function DeliveriesPage({ params }: PageProps) {
  const api = useApi()
  const [filters, setFilters] = useState<DeliveryFilters>(() => ({ endpoint_id: params.get('endpoint') ?? undefined }))
  const [openId, setOpenId] = useState<number | null>(null)
  // A link from another page (#/deliveries?endpoint=…) filters the list it opens.
  const linkedEndpoint = params.get('endpoint') ?? undefined
  useEffect(() => {
    if (linkedEndpoint) setFilters((f) => ({ ...f, endpoint_id: linkedEndpoint }))
  }, [linkedEndpoint])

  const list = useInfiniteQuery({
    queryKey: queryKeys.deliveryList(filters),
    queryFn: ({ pageParam }) => api.listDeliveries({ ...filters, limit: PAGE_SIZE, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    refetchInterval: 15_000, // a safety net: live updates refresh it the moment something changes
    placeholderData: keepPreviousData,
  })
  const deliveries = useMemo(() => uniqueById(list.data?.pages.flatMap((p) => p.deliveries) ?? []), [list.data])

  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={2}>Deliveries</Title>
        <Group align="flex-start" gap="sm">
          <ExportCsv filters={filters} />
          <RetryAllFailed endpointId={filters.endpoint_id} />
        </Group>
      </Group>

      <Filters filters={filters} onChange={setFilters} />
      <DeliveryAnnouncer key={JSON.stringify(filters)} deliveries={list.isSuccess && !list.isPlaceholderData ? deliveries : null} />

      {list.isError && <ApiErrorAlert error={list.error} title="Could not load deliveries" />}
      {list.isPending && <TableSkeleton label="Loading deliveries" rows={8} />}
      {list.isSuccess && deliveries.length === 0 && (
        <Card withBorder p="xl">
          <Text ta="center" c="dimmed">
            {Object.values(filters).some((v) => v !== undefined && v !== '')
              ? 'No delivery matches these filters.'
              : 'No deliveries yet. They appear here the moment events arrive, or when you send a test from Endpoints.'}
          </Text>
        </Card>
      )}
      {deliveries.length > 0 && (
        <Card withBorder p={0}>
          <ul aria-label="Deliveries" style={{ margin: 0, padding: 0 }}>
            {deliveries.map((d) => (
              <DeliveryRow key={d.id} delivery={d} onOpen={() => setOpenId(d.id)} />
            ))}
          </ul>
        </Card>
      )}
      {list.hasNextPage && (
        <Center>
          <Button variant="default" onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
            Load more
          </Button>
        </Center>
      )}

      <DeliveryDrawer id={openId} onClose={() => setOpenId(null)} />
    </Stack>
  )
}

function uniqueById(rows: DeliveryView[]): DeliveryView[] {
  const seen = new Set<number>()
  return rows.filter((r) => (seen.has(r.id) ? false : (seen.add(r.id), true)))
}

const RANGES = [
  { value: '1h', label: 'Last hour', ms: 3600_000 },
  { value: '24h', label: 'Last 24 hours', ms: 24 * 3600_000 },
  { value: '7d', label: 'Last 7 days', ms: 7 * 24 * 3600_000 },
  { value: '30d', label: 'Last 30 days', ms: 30 * 24 * 3600_000 },
]

function Filters({ filters, onChange }: { filters: DeliveryFilters; onChange: (f: DeliveryFilters) => void }) {
  const api = useApi()
  const endpoints = useQuery({ queryKey: queryKeys.endpoints, queryFn: () => api.listEndpoints({}) })
  const set = (patch: DeliveryFilters) => onChange({ ...filters, ...patch })
  const [range, setRange] = useState<string | null>(null)
  const [search, setSearch] = useState(filters.q ?? '')
  const [debounced] = useDebouncedValue(search.trim(), 300)
  useEffect(() => {
    if ((filters.q ?? '') !== debounced) onChange({ ...filters, q: debounced || undefined })
    // Only a new search text should change the filters here.
  }, [debounced])

  return (
    <Group align="flex-end" gap="sm">
      <Select
        label="Status"
        placeholder="Any status"
        data={DELIVERY_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s] }))}
        value={filters.status ?? null}
        onChange={(v) => set({ status: (v as DeliveryStatus | null) ?? undefined })}
        clearable
        w={170}
      />
      <Select
        label="Endpoint"
        placeholder="Any endpoint"
        data={(endpoints.data?.endpoints ?? []).map((e) => ({ value: e.id, label: e.name }))}
        value={filters.endpoint_id ?? null}
        onChange={(v) => set({ endpoint_id: v ?? undefined })}
        clearable
        w={220}
      />
      <Select
        label="Event"
        placeholder="Any event"
        data={DELIVERY_EVENT_TYPES.map((t) => ({ value: t, label: DELIVERY_EVENT_LABELS[t] }))}
        value={filters.event ?? null}
        onChange={(v) => set({ event: (v as DeliveryEventType | null) ?? undefined })}
        clearable
        w={250}
      />
      <Select
        label="Time"
        placeholder="Any time"
        data={RANGES.map(({ value, label }) => ({ value, label }))}
        value={range}
        onChange={(v) => {
          setRange(v)
          const ms = RANGES.find((r) => r.value === v)?.ms
          set({ since: ms ? Date.now() - ms : undefined })
        }}
        clearable
        w={170}
      />
      <TextInput
        label="Search"
        placeholder="Machine, report text…"
        value={search}
        onChange={(e) => setSearch(e.currentTarget.value)}
        w={240}
        type="search"
      />
    </Group>
  )
}

/** Downloads what the filters show (up to 50,000 rows) as a CSV file. */
function ExportCsv({ filters }: { filters: DeliveryFilters }) {
  const api = useApi()
  const exportCsv = useMutation({
    mutationFn: () => api.exportDeliveries(filters),
    onSuccess: ({ filename, csv }) => {
      const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }))
      const a = document.createElement('a')
      a.href = url
      a.download = filename
      a.click()
      setTimeout(() => URL.revokeObjectURL(url), 10_000)
    },
  })
  return (
    <Stack gap={4} align="flex-end">
      <Button variant="default" loading={exportCsv.isPending} onClick={() => exportCsv.mutate()}>
        Export CSV
      </Button>
      <div role="status">
        {exportCsv.data && (
          <Text size="xs" c="dimmed">
            {count(exportCsv.data.rows, 'row')} exported{exportCsv.data.truncated ? ' (the newest 50,000: narrow the filters for the rest)' : ''}.
          </Text>
        )}
      </div>
      {exportCsv.isError && (
        <Alert color="red" variant="light" p="xs" role="alert">
          {exportCsv.error.message}
        </Alert>
      )}
    </Stack>
  )
}

function RetryAllFailed({ endpointId }: { endpointId?: string }) {
  const retry = useRetryFailed()
  return (
    <Stack gap={4} align="flex-end">
      <Button
        variant="light"
        color="orange"
        loading={retry.isPending}
        onClick={() => retry.mutate(endpointId ? { endpoint_id: endpointId } : {})}
      >
        {endpointId ? 'Retry all failed for this endpoint' : 'Retry all failed'}
      </Button>
      {retry.isSuccess && (
        <Text size="xs" c="dimmed" role="status">
          {retry.data.retried === 0
            ? 'Nothing to retry.'
            : `${retry.data.retried} failed ${retry.data.retried === 1 ? 'delivery' : 'deliveries'} queued again.`}
        </Text>
      )}
      {retry.isError && (
        <Alert color="red" variant="light" p="xs" role="alert">
          {retry.error.message}
        </Alert>
      )}
    </Stack>
  )
}
