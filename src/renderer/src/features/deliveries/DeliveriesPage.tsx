// The delivery history: newest first, live (refetched every 2 s), filterable, paged with a cursor.
import { useState } from 'react'
import { Alert, Button, Card, Center, Group, Loader, Select, Stack, Text, Title } from '@mantine/core'
import { useInfiniteQuery, useQuery } from '@tanstack/react-query'
import { DELIVERY_STATUSES, type DeliveryStatus } from '../../../../shared/domain'
import { EVENT_LABELS, EVENT_TYPES, type EventType } from '../../../../shared/events'
import type { DeliveryView } from '../../../../shared/contracts'
import { useApi } from '../../auth'
import { queryKeys, type DeliveryFilters } from '../../queryKeys'
import { ApiErrorAlert } from '../../ApiErrorAlert'
import { STATUS_LABELS } from '../../DeliveryStatusBadge'
import { DeliveryRow } from './DeliveryRow'
import { DeliveryDrawer } from './DeliveryDrawer'
import { useRetryFailed } from './deliveryMutations'

const PAGE_SIZE = 50

export function DeliveriesPage() {
  const api = useApi()
  const [filters, setFilters] = useState<DeliveryFilters>({})
  const [openId, setOpenId] = useState<number | null>(null)

  const list = useInfiniteQuery({
    queryKey: queryKeys.deliveryList(filters),
    queryFn: ({ pageParam }) => api.listDeliveries({ ...filters, limit: PAGE_SIZE, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    refetchInterval: 2_000,
  })
  const deliveries = uniqueById(list.data?.pages.flatMap((p) => p.deliveries) ?? [])

  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={2}>Deliveries</Title>
        <RetryAllFailed endpointId={filters.endpoint_id} />
      </Group>

      <Filters filters={filters} onChange={setFilters} />

      {list.isError && <ApiErrorAlert error={list.error} title="Could not load deliveries" />}
      {list.isPending && <Loader aria-label="Loading deliveries" />}
      {list.isSuccess && deliveries.length === 0 && (
        <Card withBorder p="xl">
          <Text ta="center" c="dimmed">
            {Object.values(filters).some(Boolean)
              ? 'No delivery matches these filters.'
              : 'No deliveries yet. They appear here as events arrive, or when you send a test from Endpoints.'}
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

function Filters({ filters, onChange }: { filters: DeliveryFilters; onChange: (f: DeliveryFilters) => void }) {
  const api = useApi()
  const endpoints = useQuery({ queryKey: queryKeys.endpoints, queryFn: () => api.listEndpoints({}) })
  const set = (patch: DeliveryFilters) => onChange({ ...filters, ...patch })

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
        data={EVENT_TYPES.map((t) => ({ value: t, label: EVENT_LABELS[t] }))}
        value={filters.event ?? null}
        onChange={(v) => set({ event: (v as EventType | null) ?? undefined })}
        clearable
        w={250}
      />
    </Group>
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
