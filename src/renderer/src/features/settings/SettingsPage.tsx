// The switches. Off never loses anything: events are still recorded, as suppressed deliveries.
import { Alert, Card, Loader, Stack, Switch, Text, Title } from '@mantine/core'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type { AdminInput, Settings } from '../../../../shared/contracts'
import { EVENT_LABELS, EVENT_TYPES } from '../../../../shared/events'
import { useApi } from '../../auth'
import { queryKeys } from '../../queryKeys'
import { ApiErrorAlert } from '../../ApiErrorAlert'

function useUpdateSettings() {
  const api = useApi()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (patch: AdminInput<'updateSettings'>) => api.updateSettings(patch),
    onSuccess: (settings) => queryClient.setQueryData(queryKeys.settings, settings),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.settings })
      void queryClient.invalidateQueries({ queryKey: queryKeys.stats })
    },
  })
}

/** The settings as they will be once the pending change lands, so switches move at once. */
function withPending(settings: Settings, patch: AdminInput<'updateSettings'> | undefined): Settings {
  if (!patch) return settings
  return {
    delivery_enabled: patch.delivery_enabled ?? settings.delivery_enabled,
    allow_private_targets: patch.allow_private_targets ?? settings.allow_private_targets,
    retention_days: patch.retention_days ?? settings.retention_days,
    events: { ...settings.events, ...patch.events },
  }
}

export function SettingsPage() {
  const api = useApi()
  const settings = useQuery({ queryKey: queryKeys.settings, queryFn: () => api.getSettings({}) })
  const update = useUpdateSettings()

  if (settings.isPending) return <Loader aria-label="Loading settings" />
  if (settings.isError) return <ApiErrorAlert error={settings.error} title="Could not load settings" />
  const s = withPending(settings.data, update.isPending ? update.variables : undefined)

  return (
    <Stack gap="lg" maw={720}>
      <Title order={2}>Settings</Title>
      <ApiErrorAlert error={update.error} title="The change was not saved" />

      <Card withBorder>
        <Switch
          size="md"
          label="Deliver notifications"
          description="Master switch. When off, every event is still recorded, as a suppressed delivery, and nothing is sent."
          checked={s.delivery_enabled}
          onChange={(e) => update.mutate({ delivery_enabled: e.currentTarget.checked })}
        />
      </Card>

      <Card withBorder>
        <Title order={4}>Event types</Title>
        <Text size="sm" c="dimmed" mb="md">
          Turn off an event type to stop it for every endpoint. Endpoints also choose their own events.
        </Text>
        <Stack gap="sm">
          {EVENT_TYPES.map((type) => (
            <Switch
              key={type}
              label={EVENT_LABELS[type]}
              checked={s.events[type] ?? true}
              onChange={(e) => update.mutate({ events: { [type]: e.currentTarget.checked } })}
            />
          ))}
        </Stack>
      </Card>

      <Card withBorder>
        <Switch
          label="Allow private targets"
          description="Lets endpoints use http:// and addresses on this computer or the local network."
          checked={s.allow_private_targets}
          onChange={(e) => update.mutate({ allow_private_targets: e.currentTarget.checked })}
        />
        <Alert color="orange" variant="light" mt="md" title="Only for tests and trusted LAN receivers">
          With this on, anyone who can add an endpoint can make Knocker send requests to machines inside the
          museum's network, and webhook secrets may travel unencrypted over http://. Leave it off unless you need it.
        </Alert>
      </Card>
    </Stack>
  )
}
