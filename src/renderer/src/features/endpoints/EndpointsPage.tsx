// Every destination: its kind, where it points (redacted target plus non-secret settings), what
// it receives, whether it is healthy; and the dialogs to add, edit and rotate a signing secret.
import { useEffect, useRef, useState } from 'react'
import { ActionIcon, Badge, Button, Card, Code, Group, Menu, Stack, Switch, Table, Text, Title, Tooltip } from '@mantine/core'
import { useDisclosure } from '@mantine/hooks'
import { useQuery } from '@tanstack/react-query'
import type { EndpointView } from '../../../../shared/contracts'
import { EVENT_LABELS, EVENT_TYPES } from '../../../../shared/events'
import { useApi } from '../../auth'
import { queryKeys } from '../../queryKeys'
import { ApiErrorAlert } from '../../ApiErrorAlert'
import { KindBadge } from '../../KindBadge'
import { formatAgo, formatDateTime } from '../../time'
import { TableSkeleton } from '../../Skeletons'
import { AddEndpointModal } from './AddEndpointModal'
import { DeleteEndpointModal } from './DeleteEndpointModal'
import { EditEndpointModal } from './EditEndpointModal'
import { RotateSecretModal } from './RotateSecretModal'
import { SendTestControl } from './SendTestControl'
import { SigningSecretModal, type RevealedSecret } from './SigningSecretModal'
import { emailSettings, settingsDetails, settingsSummary } from './endpointSettings'
import { useUpdateEndpoint } from './endpointMutations'

interface RowActions {
  onEdit: (endpoint: EndpointView) => void
  onRotate: (endpoint: EndpointView) => void
  onDelete: (endpoint: EndpointView) => void
}

export function EndpointsPage() {
  const api = useApi()
  const [adding, addModal] = useDisclosure(false)
  // Snapshots taken when a dialog opens, so the 5 s refetch doesn't change a form under the user.
  const [editing, setEditing] = useState<EndpointView | null>(null)
  const [rotating, setRotating] = useState<EndpointView | null>(null)
  const [deleting, setDeleting] = useState<EndpointView | null>(null)
  const [revealed, setRevealed] = useState<RevealedSecret | null>(null)
  // A dialog opened from a row's menu gives focus back to that menu's button when it closes
  // (Mantine would return it to the menu item, which is gone by then).
  const returnFocusTo = useRef<HTMLElement | null>(null)
  const dialogOpen = editing !== null || rotating !== null || deleting !== null || revealed !== null
  useEffect(() => {
    if (dialogOpen || !returnFocusTo.current) return
    const target = returnFocusTo.current
    returnFocusTo.current = null
    // After the closing transition (200 ms), when the dialog no longer traps focus.
    const timer = setTimeout(() => target.isConnected && target.focus(), 250)
    return () => clearTimeout(timer)
  }, [dialogOpen])
  const fromMenu =
    (open: (endpoint: EndpointView) => void) =>
    (endpoint: EndpointView) => {
      returnFocusTo.current = document.querySelector<HTMLElement>(`[data-endpoint-id="${CSS.escape(endpoint.id)}"] [aria-haspopup="menu"]`)
      open(endpoint)
    }
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
      <AddEndpointModal
        opened={adding}
        onClose={addModal.close}
        onCreated={(created) => {
          if (created.signing_secret) {
            setRevealed({ endpointName: created.name, secret: created.signing_secret, reason: 'created' })
          }
        }}
      />
      <EditEndpointModal endpoint={editing} onClose={() => setEditing(null)} />
      <RotateSecretModal
        endpoint={rotating}
        onClose={() => setRotating(null)}
        onRotated={(result, graceHours) => {
          setRotating(null)
          if (result.signing_secret) {
            setRevealed({ endpointName: result.name, secret: result.signing_secret, reason: 'rotated', graceHours })
          }
        }}
      />
      <SigningSecretModal revealed={revealed} onClose={() => setRevealed(null)} />
      <DeleteEndpointModal endpoint={deleting} onClose={() => setDeleting(null)} />

      {endpoints.isPending && <TableSkeleton label="Loading endpoints" />}
      {endpoints.isError && <ApiErrorAlert error={endpoints.error} title="Could not load endpoints" />}
      {endpoints.data && endpoints.data.endpoints.length === 0 && (
        <Card withBorder p="xl">
          <Stack align="center" gap="sm">
            <Text fw={600}>No endpoints yet — add your Discord channel</Text>
            <Text ta="center" c="dimmed" maw={520}>
              An endpoint is where notifications go: a Discord channel, Slack, Microsoft Teams, an email address or
              your own signed webhook. Paste its URL and Knocker recognises which it is.
            </Text>
            <Button onClick={addModal.open}>Add your first endpoint</Button>
          </Stack>
        </Card>
      )}
      {endpoints.data && endpoints.data.endpoints.length > 0 && (
        <Card withBorder p={0}>
          <Table.ScrollContainer minWidth={1000}>
            <Table verticalSpacing="sm" horizontalSpacing="sm" highlightOnHover aria-label="Endpoints">
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
                  <EndpointRow
                    key={e.id}
                    endpoint={e}
                    onEdit={fromMenu(setEditing)}
                    onRotate={fromMenu(setRotating)}
                    onDelete={fromMenu(setDeleting)}
                  />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Card>
      )}
    </Stack>
  )
}

function EndpointRow({ endpoint, onEdit, onRotate, onDelete }: { endpoint: EndpointView } & RowActions) {
  const update = useUpdateEndpoint()
  // Show the switch where the user put it while the change is on its way.
  const enabled = update.isPending && update.variables.enabled !== undefined ? update.variables.enabled : endpoint.enabled

  return (
    <>
      <Table.Tr data-endpoint-id={endpoint.id}>
        <Table.Td>
          <Group gap="xs" wrap="nowrap" align="flex-start" justify="space-between" miw={190}>
            <Stack gap={4} align="flex-start">
              <Text fw={600} lh={1.3}>
                {endpoint.name}
              </Text>
              <KindBadge kind={endpoint.kind} size="xs" />
            </Stack>
            <RowMenu endpoint={endpoint} onEdit={onEdit} onRotate={onRotate} onDelete={onDelete} />
          </Group>
        </Table.Td>
        <Table.Td maw={300}>
          <Code data-testid="endpoint-target" style={{ overflowWrap: 'anywhere' }}>
            {endpoint.target}
          </Code>
          <SettingsLine endpoint={endpoint} />
        </Table.Td>
        <Table.Td miw={160} maw={240}>
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

/** The non-secret settings in one line, all of them in the tooltip. */
function SettingsLine({ endpoint }: { endpoint: EndpointView }) {
  const summary = settingsSummary(endpoint)
  if (!summary) return null
  const details = settingsDetails(endpoint)
  const recipients = endpoint.kind === 'email' ? emailSettings(endpoint.settings).to.length : null
  return (
    <Tooltip
      multiline
      maw={360}
      withArrow
      label={
        <Stack gap={2}>
          {details.map(([label, value]) => (
            <Text key={label} size="xs">
              <strong>{label}:</strong> {value}
            </Text>
          ))}
        </Stack>
      }
    >
      <Text size="xs" c="dimmed" mt={4} lineClamp={2} tabIndex={0} data-testid="endpoint-settings" data-recipients={recipients ?? undefined}>
        {summary}
      </Text>
    </Tooltip>
  )
}

function RowMenu({ endpoint, onEdit, onRotate, onDelete }: { endpoint: EndpointView } & RowActions) {
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${endpoint.name}`}>
          <svg width={18} height={18} viewBox="0 0 24 24" fill="currentColor" aria-hidden>
            <circle cx="5" cy="12" r="2" />
            <circle cx="12" cy="12" r="2" />
            <circle cx="19" cy="12" r="2" />
          </svg>
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Item onClick={() => onEdit(endpoint)}>Edit</Menu.Item>
        <Menu.Item component="a" href={`#/preview?endpoint=${encodeURIComponent(endpoint.id)}`}>
          Preview message
        </Menu.Item>
        <Menu.Item component="a" href={`#/deliveries?endpoint=${encodeURIComponent(endpoint.id)}`}>
          Show deliveries
        </Menu.Item>
        {endpoint.kind === 'webhook' && <Menu.Item onClick={() => onRotate(endpoint)}>Rotate signing secret</Menu.Item>}
        <Menu.Divider />
        <Menu.Item color="red" onClick={() => onDelete(endpoint)}>
          Delete…
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
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
  const { last_success_at, last_failure_at, success_rate } = endpoint.health
  const history = (
    <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }} data-testid="endpoint-health">
      {success_rate === null ? 'nothing sent yet' : `${Math.round(success_rate * 100)}% delivered`}
      {last_success_at && (
        <>
          {' · '}
          <Tooltip label={`Last delivered ${formatDateTime(last_success_at)}`}>
            <span tabIndex={0}>ok {formatAgo(last_success_at)}</span>
          </Tooltip>
        </>
      )}
      {last_failure_at && (
        <>
          {' · '}
          <Tooltip label={`Last failure ${formatDateTime(last_failure_at)}`}>
            <span tabIndex={0}>failed {formatAgo(last_failure_at)}</span>
          </Tooltip>
        </>
      )}
    </Text>
  )
  if (!endpoint.needs_attention) {
    return (
      <Stack gap={2}>
        <Badge color={endpoint.queue.failed > 0 ? 'yellow' : 'teal'} variant="light">
          {endpoint.queue.failed > 0 ? 'Some failed' : 'OK'}
        </Badge>
        {history}
        <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
          {queue}
        </Text>
      </Stack>
    )
  }
  return (
    <Stack gap={4} maw={240}>
      <Tooltip
        label={endpoint.needs_attention_at ? `since ${formatDateTime(endpoint.needs_attention_at)}` : 'needs attention'}
      >
        <Badge color="orange" variant="filled" tabIndex={0}>
          Needs attention
        </Badge>
      </Tooltip>
      <Text size="xs">{endpoint.needs_attention}</Text>
      {history}
      <Text size="xs" c="dimmed">
        {queue}
      </Text>
      <Button size="compact-xs" variant="light" color="orange" onClick={onClear}>
        Mark fixed, resume
      </Button>
    </Stack>
  )
}
