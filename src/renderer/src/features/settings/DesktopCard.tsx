// Desktop-only settings (shown inside the Electron app): start at login, close to tray, and a
// warning when this computer cannot encrypt Knocker's secrets properly.
import { Alert, Button, Card, Code, Group, Skeleton, Stack, Switch, Text, Title } from '@mantine/core'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type { DesktopPreferences, KnockerBridge } from '../../../../shared/bridge'
import { ApiErrorAlert } from '../../ApiErrorAlert'

const DESKTOP_KEY = ['desktop'] as const

export function DesktopCard({ bridge }: { bridge: KnockerBridge }) {
  const queryClient = useQueryClient()
  const prefs = useQuery({ queryKey: DESKTOP_KEY, queryFn: () => bridge.desktop.getPreferences({}) })
  const update = useMutation({
    mutationFn: (patch: Partial<DesktopPreferences>) => bridge.desktop.setPreferences(patch),
    onSuccess: (view) => queryClient.setQueryData(DESKTOP_KEY, view),
  })
  const openLogFolder = useMutation({ mutationFn: () => bridge.desktop.openLogFolder({}) })
  if (prefs.isError) return <ApiErrorAlert error={prefs.error} title="Could not load the desktop settings" />
  if (!prefs.data) return <Skeleton height={160} radius="md" />
  const p = { ...prefs.data, ...(update.isPending ? update.variables : {}) }
  return (
    <Card withBorder>
      <Title order={4} mb="sm">
        This computer
      </Title>
      <ApiErrorAlert error={update.error} title="The change was not saved" />
      <Stack gap="md">
        <Switch
          label="Start Knocker when I log in"
          description={
            p.openAtLoginAvailable
              ? 'Starts hidden in the tray, so notifications go out without anyone opening the window.'
              : 'Not available in a development run of the app.'
          }
          checked={p.openAtLogin}
          disabled={!p.openAtLoginAvailable}
          onChange={(e) => update.mutate({ openAtLogin: e.currentTarget.checked })}
        />
        <Switch
          label="Closing the window keeps Knocker running in the tray"
          description={
            p.trayAvailable
              ? 'Off: closing the window quits Knocker, and nothing is delivered until it is started again.'
              : 'This desktop shows no tray icons, so closing the window quits Knocker. On GNOME, install the AppIndicator extension (gnome-shell-extension-appindicator) and restart Knocker.'
          }
          checked={p.trayAvailable && p.closeToTray}
          disabled={!p.trayAvailable}
          onChange={(e) => update.mutate({ closeToTray: e.currentTarget.checked })}
        />
        <div>
          <Text size="sm" fw={500}>
            Log files
          </Text>
          <Text size="xs" c="dimmed" mb={6}>
            What Knocker did and why something failed. Attach them when you ask for help.
          </Text>
          <Group gap="sm">
            <Code>{p.logFolder}</Code>
            <Button size="xs" variant="default" onClick={() => openLogFolder.mutate()} loading={openLogFolder.isPending}>
              Open log folder
            </Button>
          </Group>
          <ApiErrorAlert error={openLogFolder.error} title="Could not open the log folder" />
        </div>
        {p.secretStorage !== 'os' && (
          <Alert color="orange" variant="light" title="Secrets are only obfuscated on this computer" role="alert">
            {p.secretStorage === 'basic_text'
              ? 'No keyring (GNOME Keyring or KWallet) is running, so the key that protects webhook URLs and passwords is stored with a fixed password. Install or unlock a keyring and restart Knocker to encrypt it properly.'
              : 'This system offers no encryption for app secrets, so the key that protects webhook URLs and passwords is a file only your user can read.'}
          </Alert>
        )}
      </Stack>
    </Card>
  )
}
