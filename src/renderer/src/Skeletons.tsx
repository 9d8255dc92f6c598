// Placeholders the size of what is loading, so pages don't jump when their data arrives.
import { Card, Skeleton, SimpleGrid, Stack } from '@mantine/core'

export function TableSkeleton({ label, rows = 4 }: { label: string; rows?: number }) {
  return (
    <Card withBorder aria-busy="true" aria-label={label}>
      <Stack gap="sm">
        {Array.from({ length: rows }, (_, i) => (
          <Skeleton key={i} height={44} radius="sm" />
        ))}
      </Stack>
    </Card>
  )
}

export function CardsSkeleton({ label, count = 4, height = 96 }: { label: string; count?: number; height?: number }) {
  return (
    <SimpleGrid cols={{ base: 2, md: count }} aria-busy="true" aria-label={label}>
      {Array.from({ length: count }, (_, i) => (
        <Skeleton key={i} height={height} radius="md" />
      ))}
    </SimpleGrid>
  )
}
