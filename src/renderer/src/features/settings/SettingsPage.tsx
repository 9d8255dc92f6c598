// Settings: how long history is kept, where the data lives, the private-targets switch and, in
// the desktop app, start at login and close to tray.
// (The master switch and the event switches are on Events & sources.)
import { useEffect, useState } from 'react'
import { Alert, Button, Card, Code, Group, NumberInput, Skeleton, Stack, Switch, Table, Text, Title } from '@mantine/core'
import { useQuery } from '@tanstack/react-query'
import { useApi } from '../../auth'
import { queryKeys } from '../../queryKeys'
import { ApiErrorAlert } from '../../ApiErrorAlert'
import { formatDateTime } from '../../time'
import { useUpdateSettings, withPending } from '../sources/settingsMutations'
import { electronBridge } from '../../api'
import { DesktopCard } from './DesktopCard'

export function SettingsPage() {
  const api = useApi()
  const bridge = electronBridge()
  const settings = useQuery({ queryKey: queryKeys.settings, queryFn: () => api.getSettings({}) })
  const update = useUpdateSettings()

  return (
    <Stack gap="lg" maw={760}>
      <Title order={2}>Settings</Title>
      {settings.isError && <ApiErrorAlert error={settings.error} title="Could not load settings" />}
      <ApiErrorAlert error={update.error} title="The change was not saved" />
      {!settings.data && !settings.isError && <Skeleton height={360} radius="md" />}
      {settings.data && (
        <>
          <RetentionCard days={settings.data.retention_days} />
          <Card withBorder>
            <Switch
              label="Allow private targets"
              description="Lets endpoints use http:// and addresses on this computer or the local network."
              checked={withPending(settings.data, update.isPending ? update.variables : undefined).allow_private_targets}
              onChange={(e) => update.mutate({ allow_private_targets: e.currentTarget.checked })}
            />
            <Alert color="orange" variant="light" mt="md" title="Only for tests and trusted LAN receivers">
              With this on, anyone who can add an endpoint can make Knocker send requests to machines inside the
              museum's network, and webhook secrets may travel unencrypted over http://. Leave it off unless you need it.
            </Alert>
          </Card>
        </>
      )}
      {bridge && <DesktopCard bridge={bridge} />}
      <SystemCard />
    </Stack>
  )
}

function RetentionCard({ days }: { days: number }) {
  const update = useUpdateSettings()
  const [value, setValue] = useState<number | string>(days)
  useEffect(() => setValue(days), [days])
  const changed = Number(value) !== days
  return (
    <Card withBorder>
      <Title order={4}>History</Title>
      <Text size="sm" c="dimmed" mb="sm">
        Delivered and suppressed notifications older than this are deleted, with their attempts, once an hour. Failed ones
        stay until you retry them or delete their endpoint.
      </Text>
      <form
        onSubmit={(e) => {
          e.preventDefault()
          update.mutate({ retention_days: Number(value) })
        }}
      >
        <Group align="flex-end">
          <NumberInput
            label="Keep history for (days)"
            min={1}
            max={3650}
            value={value}
            onChange={setValue}
            w={200}
            allowDecimal={false}
            error={update.error?.message}
          />
          <Button type="submit" disabled={!changed} loading={update.isPending}>
            Save
          </Button>
          {update.isSuccess && !changed && (
            <Text size="sm" c="teal" role="status">
              Saved
            </Text>
          )}
        </Group>
      </form>
    </Card>
  )
}

function SystemCard() {
  const api = useApi()
  const system = useQuery({ queryKey: queryKeys.system, queryFn: () => api.getSystemInfo({}), refetchInterval: 60_000 })
  return (
    <Card withBorder>
      <Title order={4} mb="sm">
        This installation
      </Title>
      {system.isError && <ApiErrorAlert error={system.error} title="Could not load the installation details" />}
      {!system.data && !system.isError && <Skeleton height={120} />}
      {system.data && (
        <Table variant="vertical" withTableBorder={false} aria-label="Installation">
          <Table.Tbody>
            <Table.Tr>
              <Table.Th w={180}>Data folder</Table.Th>
              <Table.Td>
                <Code>{system.data.data_dir}</Code>
                <Text size="xs" c="dimmed">
                  The database, the secret key and the tokens. Back it up with Knocker stopped.
                </Text>
              </Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>Log</Table.Th>
              <Table.Td>
                <Code>{system.data.log_location}</Code>
              </Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>Database size</Table.Th>
              <Table.Td>{system.data.database_bytes === null ? 'in memory' : formatBytes(system.data.database_bytes)}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>Version</Table.Th>
              <Table.Td>{system.data.version}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>Running since</Table.Th>
              <Table.Td>{formatDateTime(system.data.started_at)}</Table.Td>
            </Table.Tr>
          </Table.Tbody>
        </Table>
      )}
    </Card>
  )
}

function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.ceil(bytes / 1024)} KB`
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`
}
