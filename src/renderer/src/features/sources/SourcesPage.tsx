// What comes in and how: the master switch, one switch per event type, how the museum app
// pushes its events here (URL, token, ready-to-paste snippets), and the pollers.
import { useState } from 'react'
import {
  ActionIcon,
  Alert,
  Button,
  Card,
  Code,
  CopyButton,
  Group,
  Skeleton,
  Stack,
  Switch,
  Tabs,
  Text,
  TextInput,
  Title,
  Tooltip,
} from '@mantine/core'
import { useQuery } from '@tanstack/react-query'
import { EVENT_DESCRIPTIONS, EVENT_LABELS, EVENT_TYPES } from '../../../../shared/events'
import { useApi } from '../../auth'
import { queryKeys } from '../../queryKeys'
import { ApiErrorAlert } from '../../ApiErrorAlert'
import { useUpdateSettings, withPending } from './settingsMutations'
import { curlSnippet, djangoPackageSnippet } from './pushSnippets'
import { PollerSettings } from './PollerSettings'
import { DiscordSources } from './DiscordSources'

export function SourcesPage() {
  return (
    <Stack gap="lg" maw={860}>
      <Title order={2}>Events & sources</Title>
      <EventSwitches />
      <PushSetup />
      <DiscordSources />
      <div>
        <Title order={3}>Poll the museum app</Title>
        <Text size="sm" c="dimmed">
          For a museum app that can't push: Knocker reads its machine list (and its event feed, if it has one) on a
          schedule, and turns what changed into the same events.
        </Text>
      </div>
      <PollerSettings />
    </Stack>
  )
}

function EventSwitches() {
  const api = useApi()
  const settings = useQuery({ queryKey: queryKeys.settings, queryFn: () => api.getSettings({}) })
  const update = useUpdateSettings()

  if (settings.isError) return <ApiErrorAlert error={settings.error} title="Could not load the switches" />
  if (!settings.data) return <Skeleton height={420} radius="md" aria-label="Loading the switches" />
  const s = withPending(settings.data, update.isPending ? update.variables : undefined)

  return (
    <Card withBorder>
      <ApiErrorAlert error={update.error} title="The change was not saved" />
      <Switch
        size="md"
        label="Deliver notifications"
        description="Master switch. When off, every event is still recorded, as a suppressed delivery, and nothing is sent."
        checked={s.delivery_enabled}
        onChange={(e) => update.mutate({ delivery_enabled: e.currentTarget.checked })}
      />
      <Title order={4} mt="lg">
        Event types
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        Turn off an event type to stop it for every endpoint. Each endpoint also chooses its own events.
      </Text>
      <Stack gap="sm" role="group" aria-label="Event types">
        {EVENT_TYPES.map((type) => (
          <Switch
            key={type}
            label={EVENT_LABELS[type]}
            description={
              <>
                {EVENT_DESCRIPTIONS[type]} <Code fz="xs">{type}</Code>
              </>
            }
            checked={s.events[type] ?? true}
            disabled={!s.delivery_enabled}
            onChange={(e) => update.mutate({ events: { [type]: e.currentTarget.checked } })}
          />
        ))}
      </Stack>
    </Card>
  )
}

/** The intake URL and token, and how the museum app sends an event. */
function PushSetup() {
  const api = useApi()
  const intake = useQuery({ queryKey: queryKeys.intake, queryFn: () => api.getIntakeInfo({}) })
  const [revealed, setRevealed] = useState(false)

  return (
    <Card withBorder>
      <Title order={4}>Push from the museum app</Title>
      <Text size="sm" c="dimmed" mb="md">
        The museum app sends each event as JSON to this URL, with the ingest token. Knocker answers 202 once the event is
        safely on disk (200 if it already had it), and delivers it from there.
      </Text>
      {intake.isError && <ApiErrorAlert error={intake.error} title="Could not load the intake settings" />}
      {!intake.data && !intake.isError && <Skeleton height={300} />}
      {intake.data && (
        <Stack gap="sm">
          <TextInput
            label="Intake URL"
            value={intake.data.url ?? 'not listening yet'}
            readOnly
            rightSection={intake.data.url ? <Copy value={intake.data.url} what="intake URL" /> : null}
          />
          <TextInput
            label="Ingest token"
            description="Only for the museum app. Anyone with it can send events; the admin token is a different one."
            value={revealed ? intake.data.token : '•'.repeat(24)}
            readOnly
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
            rightSectionWidth={76}
            rightSection={
              <Group gap={2} wrap="nowrap">
                <Tooltip label={revealed ? 'Hide' : 'Show'}>
                  <ActionIcon variant="subtle" color="gray" onClick={() => setRevealed((r) => !r)} aria-label={revealed ? 'Hide the ingest token' : 'Show the ingest token'}>
                    <EyeIcon open={!revealed} />
                  </ActionIcon>
                </Tooltip>
                <Copy value={intake.data.token} what="ingest token" />
              </Group>
            }
          />
          {intake.data.url && (
            <Tabs defaultValue="curl" mt="sm">
              <Tabs.List>
                <Tabs.Tab value="curl">curl</Tabs.Tab>
                <Tabs.Tab value="python">Python (Django)</Tabs.Tab>
              </Tabs.List>
              <Tabs.Panel value="curl" pt="sm">
                <Snippet code={curlSnippet(intake.data.url, revealed ? intake.data.token : null)} full={curlSnippet(intake.data.url, intake.data.token)} />
              </Tabs.Panel>
              <Tabs.Panel value="python" pt="sm">
                <Snippet code={djangoPackageSnippet(intake.data.url)} full={djangoPackageSnippet(intake.data.url)} />
                <Text size="xs" c="dimmed" mt={4}>
                  Knocker's Django package (<Code fz="xs">integrations/django</Code>) stores each event in the same
                  transaction as the change and pushes it with <Code fz="xs">knocker_push</Code>; nothing is lost while
                  Knocker is away. Set <Code fz="xs">KNOCKER_INGEST_TOKEN</Code> to the token above. If Knocker can't be
                  reached from the museum app, include <Code fz="xs">knocker_outbox.urls</Code> under{' '}
                  <Code fz="xs">api/v1/</Code> instead and switch on the <strong>Event feed</strong> poller below.
                </Text>
              </Tabs.Panel>
            </Tabs>
          )}
          <Alert variant="light" color="blue" title="Polling instead">
            If the museum app can't push, Knocker can poll it: see <strong>Poll the museum app</strong> below.
          </Alert>
        </Stack>
      )}
    </Card>
  )
}

/** A code block with a copy button. The copy holds the real token even while it is hidden. */
function Snippet({ code, full }: { code: string; full: string }) {
  return (
    <div style={{ position: 'relative' }}>
      <Code block fz="xs" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
        {code}
      </Code>
      <div style={{ position: 'absolute', top: 6, right: 6 }}>
        <CopyButton value={full}>
          {({ copied, copy }) => (
            <Button size="compact-xs" variant={copied ? 'filled' : 'default'} color={copied ? 'teal' : undefined} onClick={copy}>
              {copied ? 'Copied' : 'Copy'}
            </Button>
          )}
        </CopyButton>
      </div>
    </div>
  )
}

function Copy({ value, what }: { value: string; what: string }) {
  return (
    <CopyButton value={value} timeout={1500}>
      {({ copied, copy }) => (
        <Tooltip label={copied ? 'Copied' : `Copy the ${what}`}>
          <ActionIcon variant="subtle" color={copied ? 'teal' : 'gray'} onClick={copy} aria-label={`Copy the ${what}`}>
            {copied ? '✓' : <CopyIcon />}
          </ActionIcon>
        </Tooltip>
      )}
    </CopyButton>
  )
}

function CopyIcon() {
  return (
    <svg width={16} height={16} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2} aria-hidden>
      <rect x="9" y="9" width="12" height="12" rx="2" />
      <path d="M5 15H4a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1h10a1 1 0 0 1 1 1v1" />
    </svg>
  )
}

function EyeIcon({ open }: { open: boolean }) {
  return (
    <svg width={16} height={16} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2} aria-hidden>
      <path d="M2 12s3.5-7 10-7 10 7 10 7-3.5 7-10 7S2 12 2 12z" />
      <circle cx="12" cy="12" r="3" />
      {!open && <path d="M3 3l18 18" />}
    </svg>
  )
}
