// Discord-compatible sources: a URL shaped like a Discord webhook that any app (Flipfix, Uptime
// Kuma, Grafana, scripts) can post to instead of Discord. Create, name, copy the URL (shown
// once), choose who gets its messages, rotate the token, delete.
import { useState } from 'react'
import {
  Alert,
  Badge,
  Button,
  Card,
  Checkbox,
  Code,
  CopyButton,
  Group,
  Modal,
  MultiSelect,
  Skeleton,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type { EndpointView } from '../../../../shared/contracts'
import { KIND_LABELS } from '../../../../shared/endpointKinds'
import { RELAY_LABEL_NAMES, RELAY_LABELS, type RelayLabel, type RelayRoute, type RelaySourceView } from '../../../../shared/relay'
import { useApi } from '../../auth'
import { ApiErrorAlert } from '../../ApiErrorAlert'
import { queryKeys } from '../../queryKeys'
import { formatAgo } from '../../time'

const LABEL_OPTIONS = RELAY_LABELS.map((label) => ({ value: label, label: RELAY_LABEL_NAMES[label] }))

function useSourceMutation<I, O>(fn: (input: I) => Promise<O>) {
  const queryClient = useQueryClient()
  return useMutation({ mutationFn: fn, onSettled: () => void queryClient.invalidateQueries({ queryKey: queryKeys.relaySources }) })
}

export function DiscordSources() {
  const api = useApi()
  const sources = useQuery({ queryKey: queryKeys.relaySources, queryFn: () => api.listRelaySources({}) })
  const endpoints = useQuery({ queryKey: queryKeys.endpoints, queryFn: () => api.listEndpoints({}) })
  const [name, setName] = useState('')
  const [shown, setShown] = useState<{ name: string; url: string | null; rotated: boolean } | null>(null)
  const [editing, setEditing] = useState<RelaySourceView | null>(null)
  const [deleting, setDeleting] = useState<RelaySourceView | null>(null)
  const create = useSourceMutation((input: { name: string; routes: RelayRoute[] }) => api.createRelaySource(input))
  const rotate = useSourceMutation((id: string) => api.rotateRelaySourceToken({ id }))
  const remove = useSourceMutation((id: string) => api.deleteRelaySource({ id }))
  const allEndpoints = endpoints.data?.endpoints ?? []

  return (
    <Card withBorder>
      <Title order={4}>Discord-compatible sources</Title>
      <Text size="sm" c="dimmed" mb="md">
        Any app that posts to a Discord webhook (Flipfix's <Code fz="xs">DISCORD_WEBHOOK_URL</Code>, Uptime Kuma, Grafana,
        scripts) can post to one of these URLs instead, unchanged. Knocker answers like Discord, keeps each message on disk and
        delivers it to the endpoints you choose: Discord as sent, the others translated.
      </Text>
      <ApiErrorAlert error={create.error ?? rotate.error ?? remove.error} title="The change was not saved" />
      {sources.isError && <ApiErrorAlert error={sources.error} title="Could not load the sources" />}
      {!sources.data && !sources.isError && <Skeleton height={120} aria-label="Loading the sources" />}
      {sources.data && (
        <Stack gap="sm">
          {sources.data.sources.length === 0 && (
            <Text size="sm" c="dimmed">
              No source yet.
            </Text>
          )}
          {sources.data.sources.map((source) => (
            <Card key={source.id} withBorder padding="sm" data-testid="relay-source">
              <Group justify="space-between" wrap="nowrap" align="flex-start">
                <Stack gap={4} style={{ minWidth: 0 }}>
                  <Text fw={600}>{source.name}</Text>
                  <Code fz="xs" style={{ overflowWrap: 'anywhere' }}>
                    {source.url ?? `…/api/webhooks/${source.id}/[redacted]…${source.token_hint}`}
                  </Code>
                  <Text size="xs" c="dimmed">
                    {source.messages_received} message{source.messages_received === 1 ? '' : 's'} received
                    {source.last_message_at ? `, the last ${formatAgo(source.last_message_at)}` : ''} ·{' '}
                    {describeRoutes(source.routes, allEndpoints)}
                  </Text>
                </Stack>
                <Group gap="xs" wrap="nowrap">
                  <Button size="compact-sm" variant="default" onClick={() => setEditing(source)}>
                    Edit
                  </Button>
                  <Button
                    size="compact-sm"
                    variant="default"
                    loading={rotate.isPending && rotate.variables === source.id}
                    onClick={() =>
                      rotate.mutate(source.id, { onSuccess: (s) => setShown({ name: s.name, url: s.full_url, rotated: true }) })
                    }
                    aria-label={`Rotate the token of ${source.name}`}
                  >
                    Rotate token
                  </Button>
                  <Button size="compact-sm" variant="light" color="red" onClick={() => setDeleting(source)} aria-label={`Delete ${source.name}`}>
                    Delete
                  </Button>
                </Group>
              </Group>
            </Card>
          ))}
          <form
            onSubmit={(e) => {
              e.preventDefault()
              if (!name.trim()) return
              // A new source sends to every endpoint, all kinds of message; narrow it with Edit.
              const routes = allEndpoints.map((endpoint) => ({ endpoint_id: endpoint.id, labels: [...RELAY_LABELS] }))
              create.mutate(
                { name: name.trim(), routes },
                {
                  onSuccess: (s) => {
                    setName('')
                    setShown({ name: s.name, url: s.full_url, rotated: false })
                  },
                },
              )
            }}
          >
            <Group align="flex-end">
              <TextInput
                label="New source"
                placeholder="Flipfix"
                description="A name for the app that will post here."
                value={name}
                onChange={(e) => setName(e.currentTarget.value)}
                style={{ flex: 1 }}
                maxLength={80}
              />
              <Button type="submit" loading={create.isPending} disabled={!name.trim()}>
                Create URL
              </Button>
            </Group>
          </form>
        </Stack>
      )}
      <ShownUrlModal shown={shown} onClose={() => setShown(null)} />
      {editing && <EditSourceModal source={editing} endpoints={allEndpoints} onClose={() => setEditing(null)} />}
      <Modal opened={deleting !== null} onClose={() => setDeleting(null)} title="Delete this source?">
        <Text size="sm">
          Apps posting to the URL of <strong>{deleting?.name}</strong> will get Discord's “Unknown Webhook” error. What it
          already sent stays in the history.
        </Text>
        <Group justify="flex-end" mt="md">
          <Button variant="default" onClick={() => setDeleting(null)}>
            Cancel
          </Button>
          <Button
            color="red"
            loading={remove.isPending}
            onClick={() => deleting && remove.mutate(deleting.id, { onSuccess: () => setDeleting(null) })}
          >
            Delete source
          </Button>
        </Group>
      </Modal>
    </Card>
  )
}

function describeRoutes(routes: RelayRoute[], endpoints: EndpointView[]): string {
  if (routes.length === 0) return 'delivered to no endpoint yet'
  const names = routes.map((r) => endpoints.find((e) => e.id === r.endpoint_id)?.name ?? r.endpoint_id)
  return `delivered to ${names.join(', ')}`
}

/** The full URL, shown once: after creating a source or rotating its token. */
function ShownUrlModal({ shown, onClose }: { shown: { name: string; url: string | null; rotated: boolean } | null; onClose: () => void }) {
  return (
    <Modal opened={shown !== null} onClose={onClose} title={shown?.rotated ? 'New URL' : 'Source created'} size="lg">
      {shown && (
        <Stack gap="sm">
          <Text size="sm">
            Paste this URL where <strong>{shown.name}</strong> expects a Discord webhook URL. It is shown only now; afterwards
            its token is hidden. {shown.rotated && 'The old URL stopped working.'}
          </Text>
          <Code block fz="xs" style={{ overflowWrap: 'anywhere', whiteSpace: 'pre-wrap' }} data-testid="relay-source-url">
            {shown.url ?? 'Knocker is not listening yet: reopen this page once it is.'}
          </Code>
          <Group justify="flex-end">
            {shown.url && (
              <CopyButton value={shown.url}>
                {({ copied, copy }) => (
                  <Button variant={copied ? 'filled' : 'default'} color={copied ? 'teal' : undefined} onClick={copy}>
                    {copied ? 'Copied' : 'Copy URL'}
                  </Button>
                )}
              </CopyButton>
            )}
            <Button onClick={onClose}>Done</Button>
          </Group>
        </Stack>
      )}
    </Modal>
  )
}

/** Rename a source and choose which endpoints get which of its messages. */
function EditSourceModal({ source, endpoints, onClose }: { source: RelaySourceView; endpoints: EndpointView[]; onClose: () => void }) {
  const api = useApi()
  const [name, setName] = useState(source.name)
  const [routes, setRoutes] = useState<Record<string, RelayLabel[]>>(
    Object.fromEntries(source.routes.map((r) => [r.endpoint_id, r.labels])),
  )
  const update = useSourceMutation((input: { id: string; name: string; routes: RelayRoute[] }) => api.updateRelaySource(input))

  return (
    <Modal opened onClose={onClose} title={`Edit ${source.name}`} size="lg">
      <Stack gap="md">
        <ApiErrorAlert error={update.error} title="The change was not saved" />
        <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} maxLength={80} />
        <div>
          <Text fw={500} size="sm">
            Delivered to
          </Text>
          <Text size="xs" c="dimmed" mb="xs">
            Flipfix's own messages are recognised (problem reports, log entries, its digest, the nightly report); anything else
            is a relayed message. Each endpoint can take only some of them.
          </Text>
          {endpoints.length === 0 && (
            <Alert variant="light" color="yellow">
              Add an endpoint first: this source has nowhere to deliver to.
            </Alert>
          )}
          <Stack gap="xs" role="group" aria-label="Endpoints that get this source's messages">
            {endpoints.map((endpoint) => {
              const labels = routes[endpoint.id]
              return (
                <Group key={endpoint.id} align="flex-start" wrap="nowrap">
                  <Checkbox
                    mt={6}
                    label={
                      <>
                        {endpoint.name} <Badge size="xs" variant="light">{KIND_LABELS[endpoint.kind]}</Badge>
                      </>
                    }
                    checked={labels !== undefined}
                    onChange={(e) => {
                      const on = e.currentTarget.checked
                      setRoutes((r) => {
                        const next = { ...r }
                        if (on) next[endpoint.id] = [...RELAY_LABELS]
                        else delete next[endpoint.id]
                        return next
                      })
                    }}
                    style={{ flex: 1 }}
                  />
                  {labels !== undefined && (
                    <MultiSelect
                      aria-label={`Messages ${endpoint.name} gets`}
                      data={LABEL_OPTIONS}
                      value={labels}
                      onChange={(value) => setRoutes((r) => ({ ...r, [endpoint.id]: value as RelayLabel[] }))}
                      style={{ flex: 2 }}
                      size="xs"
                      error={labels.length === 0 ? 'Pick at least one' : undefined}
                    />
                  )}
                </Group>
              )
            })}
          </Stack>
        </div>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button
            loading={update.isPending}
            disabled={!name.trim() || Object.values(routes).some((labels) => labels.length === 0)}
            onClick={() =>
              update.mutate(
                { id: source.id, name: name.trim(), routes: Object.entries(routes).map(([endpoint_id, labels]) => ({ endpoint_id, labels })) },
                { onSuccess: onClose },
              )
            }
          >
            Save
          </Button>
        </Group>
      </Stack>
    </Modal>
  )
}
