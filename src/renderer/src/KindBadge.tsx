// Which kind of destination an endpoint is: a small line icon plus the label from KIND_LABELS,
// the same in the endpoints table, the deliveries list and the add-endpoint form.
import { Badge, type MantineColor, type MantineSize } from '@mantine/core'
import type { ReactNode } from 'react'
import { KIND_LABELS, type EndpointKind } from '../../shared/endpointKinds'

export const KIND_COLORS: Record<EndpointKind, MantineColor> = {
  discord: 'indigo',
  slack: 'grape',
  teams: 'violet',
  email: 'teal',
  webhook: 'orange',
}

// 24×24 stroke icons (outline style), drawn with currentColor.
const PATHS: Record<EndpointKind, ReactNode> = {
  // a speech bubble
  discord: <path d="M4 5h16a1 1 0 0 1 1 1v10a1 1 0 0 1-1 1h-9l-5 4v-4H4a1 1 0 0 1-1-1V6a1 1 0 0 1 1-1z" />,
  // a hash sign (channels)
  slack: <path d="M5 9h14M5 15h14M11 4 7 20M17 4l-4 16" />,
  // two people
  teams: (
    <>
      <circle cx="9" cy="7" r="4" />
      <path d="M3 21v-2a4 4 0 0 1 4-4h4a4 4 0 0 1 4 4v2M16 3.13a4 4 0 0 1 0 7.75M21 21v-2a4 4 0 0 0-3-3.85" />
    </>
  ),
  // an envelope
  email: (
    <>
      <rect x="3" y="5" width="18" height="14" rx="2" />
      <path d="m3 7 9 6 9-6" />
    </>
  ),
  // a hook: three linked nodes
  webhook: (
    <>
      <path d="M4.9 13.6A4 4 0 1 0 11 17h6" />
      <path d="M15.1 20.5A4 4 0 1 0 17 13c-.7 0-1.4.2-2 .5l-3-5.5" />
      <path d="M16 8a4 4 0 1 0-8 0c0 1.5.8 2.8 2 3.5L7 17" />
    </>
  ),
}

/** The kind's icon. Decorative unless `labelled` (then it is an image named by KIND_LABELS). */
export function KindIcon({ kind, size = 16, labelled = false }: { kind: EndpointKind; size?: number; labelled?: boolean }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={2}
      strokeLinecap="round"
      strokeLinejoin="round"
      style={{ flexShrink: 0, verticalAlign: 'middle' }}
      {...(labelled ? { role: 'img', 'aria-label': KIND_LABELS[kind] } : { 'aria-hidden': true })}
    >
      {PATHS[kind]}
    </svg>
  )
}

export function KindBadge({ kind, size = 'sm' }: { kind: EndpointKind; size?: MantineSize }) {
  return (
    <Badge
      size={size}
      variant="light"
      color={KIND_COLORS[kind]}
      tt="none"
      leftSection={<KindIcon kind={kind} size={12} />}
      data-testid="kind-badge"
      data-kind={kind}
    >
      {KIND_LABELS[kind]}
    </Badge>
  )
}
