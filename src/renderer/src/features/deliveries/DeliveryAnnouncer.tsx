// Tells a screen reader what changed in the live history, politely and in one sentence per few
// seconds: a drain of hundreds of deliveries is "120 delivered, 3 failed", not 123 announcements.
import { useEffect, useRef, useState } from 'react'
import { VisuallyHidden } from '@mantine/core'
import type { DeliveryView } from '../../../../shared/contracts'
import type { DeliveryStatus } from '../../../../shared/domain'
import { count } from '../../wording'

/** At most one announcement per this many ms; changes in between are added up. */
export const ANNOUNCE_EVERY_MS = 4_000

type Tally = Partial<Record<'new' | DeliveryStatus, number>>

/** What moved between two looks at the list: rows that reached a new status, and new rows. */
export function tallyChanges(before: ReadonlyMap<number, DeliveryStatus>, newestBefore: number, rows: DeliveryView[]): Tally {
  const tally: Tally = {}
  for (const d of rows) {
    const was = before.get(d.id)
    if (was === d.status) continue
    // A row not seen before is news only if it is newer than what was shown ("Load more" is not).
    if (was === undefined && d.created_at <= newestBefore) continue
    const key = was === undefined && (d.status === 'pending' || d.status === 'retrying') ? 'new' : d.status
    tally[key] = (tally[key] ?? 0) + 1
  }
  return tally
}

export function describeTally(tally: Tally): string {
  const parts = [
    tally.new && `${count(tally.new, 'new delivery', 'new deliveries')} waiting`,
    tally.delivered && `${count(tally.delivered, 'delivery', 'deliveries')} delivered`,
    tally.retrying && `${count(tally.retrying, 'delivery', 'deliveries')} retrying`,
    tally.failed && `${count(tally.failed, 'delivery', 'deliveries')} failed`,
    tally.suppressed && `${count(tally.suppressed, 'delivery', 'deliveries')} suppressed`,
    tally.pending && `${count(tally.pending, 'delivery', 'deliveries')} queued again`,
  ].filter(Boolean)
  return parts.length ? `${parts.join(', ')}.` : ''
}

/** Mounted per filter set (keyed by the page), so changing the filters is not news. */
export function DeliveryAnnouncer({ deliveries }: { deliveries: DeliveryView[] | null }) {
  const seen = useRef<{ statuses: Map<number, DeliveryStatus>; newest: number } | null>(null)
  const pending = useRef<Tally>({})
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)
  const [message, setMessage] = useState({ text: '', seq: 0 })

  useEffect(() => {
    if (deliveries === null) return
    const statuses = new Map(deliveries.map((d) => [d.id, d.status]))
    const newest = deliveries.reduce((max, d) => Math.max(max, d.created_at), seen.current?.newest ?? 0)
    const previous = seen.current
    seen.current = { statuses, newest }
    if (previous === null) return // the first load is not a change
    const tally = tallyChanges(previous.statuses, previous.newest, deliveries)
    for (const [k, n] of Object.entries(tally) as Array<[keyof Tally, number]>) pending.current[k] = (pending.current[k] ?? 0) + n
    if (timer.current || !describeTally(pending.current)) return
    timer.current = setTimeout(() => {
      timer.current = null
      const text = describeTally(pending.current)
      pending.current = {}
      setMessage((m) => ({ text, seq: m.seq + 1 }))
    }, ANNOUNCE_EVERY_MS)
  }, [deliveries])

  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), [])

  return (
    <VisuallyHidden role="status" aria-live="polite" data-testid="deliveries-announcer">
      {/* A new node per announcement, so the same sentence twice is still read twice. */}
      <span key={message.seq}>{message.text}</span>
    </VisuallyHidden>
  )
}
