// The pollers, for a museum app that can't push: Knocker reads its machine list (and its event
// feed, if it has one) on a schedule. One card per poller: on/off, the app's address, the API
// key (write-only: only its last 4 characters come back), how often, and what the last poll
// did, in plain words. Self-contained: its own query key, mounted by the Events & sources page.
import { useState, type FormEvent } from 'react'
import { Alert, Badge, Button, Card, Group, NumberInput, PasswordInput, Skeleton, Stack, Switch, Text, TextInput, Title } from '@mantine/core'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type { PollerView } from '../../../../shared/pollers'
import { POLL_INTERVAL_LIMITS } from '../../../../shared/pollers'
import { useApi } from '../../auth'
import { ApiErrorAlert } from '../../ApiErrorAlert'
import { formatAgo, formatDateTime, formatDuration } from '../../time'
import { count } from '../../wording'
import { errorFor, fieldErrors } from '../endpoints/targetForms/fieldErrors'

export const POLLERS_QUERY_KEY = ['pollers'] as const

const STATE_BADGES: Record<PollerView['status']['state'], { label: string; color: string }> = {
  off: { label: 'Off', color: 'gray' },
  not_configured: { label: 'Not set up', color: 'yellow' },
  waiting: { label: 'Not polled yet', color: 'blue' },
  ok: { label: 'Working', color: 'teal' },
  backing_off: { label: 'Backing off', color: 'orange' },
}

export function PollerSettings() {
  const api = useApi()
  // Status changes on its own (each poll): refresh while the page is open.
  const pollers = useQuery({ queryKey: POLLERS_QUERY_KEY, queryFn: () => api.getPollers({}), refetchInterval: 10_000 })

  if (pollers.isError) return <ApiErrorAlert error={pollers.error} title="Could not load the pollers" />
  if (!pollers.data) return <Skeleton height={360} radius="md" aria-label="Loading the pollers" />
  return (
    <Stack gap="md">
      {pollers.data.pollers.map((poller) => (
        <PollerCard key={poller.id} poller={poller} />
      ))}
    </Stack>
  )
}

/** Writes that return the poller's new view: it replaces the cached one at once. */
function usePollerMutation<I>(call: (input: I) => Promise<PollerView>) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: call,
    onSuccess: (updated) =>
      queryClient.setQueryData(POLLERS_QUERY_KEY, (old: { pollers: PollerView[] } | undefined) =>
        old ? { pollers: old.pollers.map((p) => (p.id === updated.id ? updated : p)) } : old,
      ),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: POLLERS_QUERY_KEY }),
  })
}

function PollerCard({ poller }: { poller: PollerView }) {
  const api = useApi()
  const [baseUrl, setBaseUrl] = useState(poller.base_url ?? '')
  const [apiKey, setApiKey] = useState('')
  const [interval, setIntervalSeconds] = useState<string | number>(poller.interval_seconds)
  const save = usePollerMutation((input: Parameters<typeof api.updatePoller>[0]) => api.updatePoller(input))
  const toggle = usePollerMutation((enabled: boolean) => api.updatePoller({ id: poller.id, enabled }))
  const pollNow = usePollerMutation(() => api.pollNow({ id: poller.id }))
  const errors = fieldErrors(save.error)

  const changed =
    baseUrl.trim() !== (poller.base_url ?? '') || apiKey.trim() !== '' || Number(interval) !== poller.interval_seconds
  const submit = (e: FormEvent) => {
    e.preventDefault()
    save.mutate(
      {
        id: poller.id,
        ...(baseUrl.trim() !== (poller.base_url ?? '') && { base_url: baseUrl.trim() }),
        ...(apiKey.trim() !== '' && { api_key: apiKey.trim() }),
        ...(Number(interval) !== poller.interval_seconds && { interval_seconds: Number(interval) }),
      },
      {
        onSuccess: (updated) => {
          setApiKey('') // the key is never shown again, only its last 4 characters
          setBaseUrl(updated.base_url ?? '')
          setIntervalSeconds(updated.interval_seconds)
        },
      },
    )
  }
  const enabled = toggle.isPending ? (toggle.variables ?? poller.enabled) : poller.enabled
  const badge = STATE_BADGES[poller.status.state]

  return (
    <Card withBorder aria-label={poller.name}>
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <div>
          <Group gap="xs">
            <Title order={4}>{poller.name}</Title>
            <Badge color={badge.color} variant="light">
              {badge.label}
            </Badge>
          </Group>
          <Text size="sm" c="dimmed" mt={4}>
            {poller.description}
          </Text>
        </div>
        <Switch
          size="md"
          aria-label={`Poll: ${poller.name}`}
          checked={enabled}
          onChange={(e) => toggle.mutate(e.currentTarget.checked)}
        />
      </Group>
      <ApiErrorAlert error={toggle.error} title="The poller was not switched" />

      <form onSubmit={submit}>
        <Stack gap="sm" mt="md">
          <TextInput
            label="Address of the museum app"
            description="Its site URL, e.g. https://flipfix.theflip.museum"
            placeholder="https://flipfix.theflip.museum"
            value={baseUrl}
            onChange={(e) => setBaseUrl(e.currentTarget.value)}
            error={errorFor(errors, 'base_url')}
          />
          <PasswordInput
            label="API key"
            description={
              poller.api_key
                ? `A key ending in ${poller.api_key.replace('…', '')} is stored. Type a new one to replace it.`
                : "The museum app's API key (Flipfix: Admin → API keys)."
            }
            placeholder={poller.api_key ? `Stored (${poller.api_key})` : 'Paste the API key'}
            autoComplete="off"
            value={apiKey}
            onChange={(e) => setApiKey(e.currentTarget.value)}
            error={errorFor(errors, 'api_key')}
          />
          <NumberInput
            label="Poll every (seconds)"
            description={`Between ${POLL_INTERVAL_LIMITS.min} seconds and a day. After failures, polls are spaced out (up to an hour).`}
            min={POLL_INTERVAL_LIMITS.min}
            max={POLL_INTERVAL_LIMITS.max}
            allowDecimal={false}
            value={interval}
            onChange={setIntervalSeconds}
            w={260}
            error={errorFor(errors, 'interval_seconds')}
          />
          {save.error && !Object.keys(errors).length && <ApiErrorAlert error={save.error} title="The settings were not saved" />}
          <Group>
            <Button type="submit" disabled={!changed} loading={save.isPending}>
              Save
            </Button>
            <Button variant="default" disabled={!enabled || pollNow.isPending} loading={pollNow.isPending} onClick={() => pollNow.mutate(undefined)}>
              Poll now
            </Button>
            {save.isSuccess && !changed && (
              <Text size="sm" c="teal" role="status">
                Saved
              </Text>
            )}
          </Group>
          <ApiErrorAlert error={pollNow.error} title="Could not poll" />
        </Stack>
      </form>

      <PollerStatus poller={poller} />
    </Card>
  )
}

function When({ at }: { at: number | null }) {
  if (at === null) return <>never</>
  return <span title={formatDateTime(at)}>{formatAgo(at)}</span>
}

function PollerStatus({ poller }: { poller: PollerView }) {
  const s = poller.status
  return (
    <Stack gap={4} mt="md" aria-label={`Status of ${poller.name}`}>
      {s.last_error && (
        <Alert color={s.state === 'backing_off' ? 'orange' : 'red'} variant="light" title="The last poll failed" role="status">
          <Text size="sm">{s.last_error}</Text>
          {s.consecutive_failures > 1 && (
            <Text size="xs" c="dimmed" mt={4}>
              {s.consecutive_failures} failures in a row.
            </Text>
          )}
        </Alert>
      )}
      <Text size="sm">
        Last poll: <When at={s.last_poll_at} />
        {s.last_success_at !== null && s.last_success_at !== s.last_poll_at && (
          <>
            {' '}
            · last good one: <When at={s.last_success_at} />
          </>
        )}
      </Text>
      {s.backing_off_until !== null ? (
        <Text size="sm" c="orange">
          Backing off: next try <When at={s.backing_off_until} /> (every {formatDuration(poller.interval_seconds * 1000)} when it works)
        </Text>
      ) : (
        s.next_poll_at !== null && (
          <Text size="sm">
            Next poll: <When at={s.next_poll_at} />
          </Text>
        )
      )}
      <Text size="sm" c="dimmed">
        {s.events_emitted} new event{s.events_emitted === 1 ? '' : 's'} so far
        {poller.id === 'machines' &&
          (s.machines_known === null ? ' · the first poll records the machines as they are' : ` · ${count(s.machines_known, 'machine')} known`)}
        {poller.id === 'event_feed' && (s.has_cursor ? ' · continues where the last read stopped' : ' · reads the feed from its start')}
      </Text>
    </Stack>
  )
}
