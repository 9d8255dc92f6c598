// The admin console's frame: header, navbar, and the page named by the URL fragment (#/deliveries).
import { useEffect, useState } from 'react'
import { AppShell, Badge, Burger, Button, Group, NavLink, Text, Title } from '@mantine/core'
import { useDisclosure } from '@mantine/hooks'
import { useQuery } from '@tanstack/react-query'
import { useApi, useSession } from './auth'
import { queryKeys } from './queryKeys'
import { OverviewPage } from './features/overview/OverviewPage'
import { EndpointsPage } from './features/endpoints/EndpointsPage'
import { DeliveriesPage } from './features/deliveries/DeliveriesPage'
import { SettingsPage } from './features/settings/SettingsPage'

const PAGES = [
  { id: 'overview', label: 'Overview', description: 'Health at a glance', Page: OverviewPage },
  { id: 'endpoints', label: 'Endpoints', description: 'Where notifications go', Page: EndpointsPage },
  { id: 'deliveries', label: 'Deliveries', description: 'What was sent, and how', Page: DeliveriesPage },
  { id: 'settings', label: 'Settings', description: 'Switches', Page: SettingsPage },
] as const
type PageId = (typeof PAGES)[number]['id']

function pageFromHash(): PageId {
  const id = window.location.hash.replace(/^#\/?/, '')
  return PAGES.find((p) => p.id === id)?.id ?? 'overview'
}

function useHashPage(): PageId {
  const [page, setPage] = useState<PageId>(pageFromHash)
  useEffect(() => {
    const onChange = () => setPage(pageFromHash())
    window.addEventListener('hashchange', onChange)
    return () => window.removeEventListener('hashchange', onChange)
  }, [])
  return page
}

export function App() {
  const page = useHashPage()
  const [navOpened, nav] = useDisclosure(false)
  const current = PAGES.find((p) => p.id === page)!

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !navOpened } }}
      padding="lg"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group gap="sm">
            <Burger opened={navOpened} onClick={nav.toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <Title order={3}>Knocker</Title>
            <Text size="sm" c="dimmed" visibleFrom="sm">
              notification relay
            </Text>
          </Group>
          <HeaderStatus />
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="xs" aria-label="Main">
        {PAGES.map((p) => (
          <NavLink
            key={p.id}
            href={`#/${p.id}`}
            label={p.label}
            description={p.description}
            active={p.id === page}
            aria-current={p.id === page ? 'page' : undefined}
            onClick={nav.close}
          />
        ))}
      </AppShell.Navbar>

      <AppShell.Main bg="var(--mantine-color-gray-0)">
        <current.Page />
      </AppShell.Main>
    </AppShell>
  )
}

/** Whether notifications go out at all, visible from every page, plus sign-out in the browser. */
function HeaderStatus() {
  const api = useApi()
  const { signOut } = useSession()
  const stats = useQuery({ queryKey: queryKeys.stats, queryFn: () => api.getStats({}), refetchInterval: 5_000 })
  const enabled = stats.data?.delivery_enabled
  return (
    <Group gap="sm">
      {enabled === true && (
        <Badge color="teal" variant="dot" size="lg">
          Delivering
        </Badge>
      )}
      {enabled === false && (
        <Badge component="a" href="#/settings" color="yellow" variant="filled" size="lg" style={{ cursor: 'pointer' }}>
          Paused: master switch off
        </Badge>
      )}
      {signOut && (
        <Button variant="subtle" size="xs" onClick={signOut}>
          Sign out
        </Button>
      )}
    </Group>
  )
}
