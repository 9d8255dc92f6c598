// The admin console's frame: header, navbar, and the page named by the URL fragment (#/deliveries).
import { lazy, Suspense, type ComponentType } from 'react'
import { AppShell, Badge, Burger, Button, Group, NavLink, Text, Title, Tooltip, VisuallyHidden } from '@mantine/core'
import { useDisclosure } from '@mantine/hooks'
import { useQuery } from '@tanstack/react-query'
import { useApi, useSession } from './auth'
import { queryKeys } from './queryKeys'
import { useRoute } from './route'
import { useLiveUpdates } from './liveUpdates'
import { formatDateTime } from './time'
import { CardsSkeleton } from './Skeletons'

export interface PageProps {
  /** The query part of the fragment (#/deliveries?endpoint=…). */
  params: URLSearchParams
}

// Each page is a chunk of its own, loaded when it is first shown: the console's first render
// loads only the frame and the page it opens on.
const OverviewPage = lazy(() => import('./features/overview/OverviewPage').then((m) => ({ default: m.OverviewPage })))
const EndpointsPage = lazy(() => import('./features/endpoints/EndpointsPage').then((m) => ({ default: m.EndpointsPage })))
const SourcesPage = lazy(() => import('./features/sources/SourcesPage').then((m) => ({ default: m.SourcesPage })))
const DeliveriesPage = lazy(() => import('./features/deliveries/DeliveriesPage').then((m) => ({ default: m.DeliveriesPage })))
const PreviewPage = lazy(() => import('./features/preview/PreviewPage').then((m) => ({ default: m.PreviewPage })))
const RoutingTesterPage = lazy(() => import('./features/routing/RoutingTesterPage').then((m) => ({ default: m.RoutingTesterPage })))
const SettingsPage = lazy(() => import('./features/settings/SettingsPage').then((m) => ({ default: m.SettingsPage })))

const PAGES: ReadonlyArray<{ id: string; label: string; description: string; Page: ComponentType<PageProps> }> = [
  { id: 'overview', label: 'Overview', description: 'Health at a glance', Page: OverviewPage },
  { id: 'endpoints', label: 'Endpoints', description: 'Where notifications go', Page: EndpointsPage },
  { id: 'sources', label: 'Events & sources', description: 'What comes in, and how', Page: SourcesPage },
  { id: 'deliveries', label: 'Deliveries', description: 'What was sent, and how', Page: DeliveriesPage },
  { id: 'preview', label: 'Message preview', description: 'See it before it is sent', Page: PreviewPage },
  { id: 'routing', label: 'Who gets this?', description: 'Which endpoints, and why', Page: RoutingTesterPage },
  { id: 'settings', label: 'Settings', description: 'History, data, desktop', Page: SettingsPage },
]

export function App() {
  const route = useRoute()
  useLiveUpdates(useSession().subscribeChanges)
  const [navOpened, nav] = useDisclosure(false)
  const current = PAGES.find((p) => p.id === route.page) ?? PAGES[0]
  const page = current.id

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

      <AppShell.Main bg="light-dark(var(--mantine-color-gray-0), var(--mantine-color-dark-8))">
        <Suspense fallback={<CardsSkeleton label={`Loading ${current.label}`} />}>
          <current.Page params={route.params} />
        </Suspense>
      </AppShell.Main>
    </AppShell>
  )
}

const STATE_ANNOUNCEMENTS = {
  running: 'Knocker: sending is on.',
  paused: 'Knocker: sending is paused by the master switch.',
  offline: 'Knocker: offline, no destination can be reached; notifications wait on disk.',
} as const

/** Whether notifications go out at all, visible from every page, plus sign-out in the browser. */
function HeaderStatus() {
  const api = useApi()
  const { signOut } = useSession()
  const stats = useQuery({ queryKey: queryKeys.stats, queryFn: () => api.getStats({}), refetchInterval: 5_000 })
  const s = stats.data
  return (
    <Group gap="sm">
      {/* Said once when the state changes (not the queue count, which moves all the time). */}
      <VisuallyHidden role="status">{s ? STATE_ANNOUNCEMENTS[s.state] : ''}</VisuallyHidden>
      {s?.state === 'running' && (
        <Badge color="teal" variant="dot" size="lg">
          Delivering
        </Badge>
      )}
      {s?.state === 'paused' && (
        <Badge component="a" href="#/sources" color="yellow" variant="filled" size="lg" style={{ cursor: 'pointer' }}>
          Paused: master switch off
        </Badge>
      )}
      {s?.state === 'offline' && (
        <Tooltip label={s.offline_since ? `No destination reachable since ${formatDateTime(s.offline_since)}` : 'No destination reachable'}>
          <Badge color="gray" variant="filled" size="lg" tabIndex={0}>
            Offline · {s.queue_depth} queued
          </Badge>
        </Tooltip>
      )}
      {signOut && (
        <Button variant="subtle" size="xs" onClick={signOut}>
          Sign out
        </Button>
      )}
    </Group>
  )
}
