// Delivered and failed per hour as stacked bars. A fixed height, so the page doesn't move when
// the numbers arrive. The bars themselves (recharts, the console's largest library) load
// after the page has rendered: see DeliveriesBars.
import { lazy, Suspense } from 'react'
import { Center, Skeleton, Text } from '@mantine/core'
import type { AdminOutput } from '../../../../shared/contracts'
import { count } from '../../wording'

const DeliveriesBars = lazy(() => import('./DeliveriesBars'))

const CHART_HEIGHT = 200

export function DeliveriesChart({ timeline }: { timeline: AdminOutput<'getStats'>['timeline'] | null }) {
  if (!timeline) return <Skeleton height={CHART_HEIGHT} />
  const total = timeline.reduce((n, b) => n + b.delivered + b.failed, 0)
  if (total === 0) {
    return (
      <Center h={CHART_HEIGHT} data-testid="deliveries-chart">
        <Text c="dimmed" size="sm">
          Nothing was delivered in the last 24 hours.
        </Text>
      </Center>
    )
  }
  return (
    <div style={{ height: CHART_HEIGHT }} data-testid="deliveries-chart" role="img" aria-label={`${count(total, 'delivery', 'deliveries')} in the last 24 hours`}>
      <Suspense fallback={<Skeleton height={CHART_HEIGHT} />}>
        <DeliveriesBars timeline={timeline} />
      </Suspense>
    </div>
  )
}
