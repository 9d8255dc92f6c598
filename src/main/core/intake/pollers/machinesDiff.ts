// The machines poller's memory and its diff. The host app's machine list has no timestamps
// and no history, so a change is only visible as a difference between two reads: a new
// asset_id (machine.created), another operational_status (machine.status_changed), another
// location (machine.location_changed). Event ids carry the snapshot version they lead to, so
// diffing the same two snapshots again yields the same ids, and intake drops the repeats.
import { z } from 'zod'
import { EVENT_SCHEMA } from '../../../../shared/events'
import { hostUrl } from './poller'

const STATUSES = ['good', 'fixing', 'broken', 'unknown'] as const
const STATUS_LABELS: Record<(typeof STATUSES)[number], string> = { good: 'Good', fixing: 'Fixing', broken: 'Broken', unknown: 'Unknown' }

/** One machine as GET /api/v1/machines/ lists it (serial number and model are ignored). */
const HostMachineSchema = z.object({
  asset_id: z.string().trim().min(1).max(50),
  name: z.string().min(1).max(200),
  short_name: z.string().max(30).nullable().optional(),
  slug: z.string().min(1).max(200),
  operational_status: z.enum(STATUSES),
  /** The location's name; null is "No Location". */
  location: z.string().max(200).nullable().optional(),
})
export type HostMachine = z.infer<typeof HostMachineSchema>

export const MachineListSchema = z.object({ machines: z.array(HostMachineSchema).max(20_000) })

const SnapshotEntrySchema = z.object({
  name: z.string(),
  short_name: z.string().nullable(),
  slug: z.string(),
  operational_status: z.enum(STATUSES),
  location: z.string().nullable(),
})
export const SnapshotSchema = z.record(z.string(), SnapshotEntrySchema)
export type MachineSnapshot = z.infer<typeof SnapshotSchema>

/** The snapshot of a machine list, keyed by asset_id, in a stable order (so equal lists give equal JSON). */
export function snapshotOf(machines: HostMachine[]): MachineSnapshot {
  const sorted = [...machines].sort((a, b) => (a.asset_id < b.asset_id ? -1 : a.asset_id > b.asset_id ? 1 : 0))
  return Object.fromEntries(
    sorted.map((m) => [
      m.asset_id,
      { name: m.name, short_name: m.short_name ?? null, slug: m.slug, operational_status: m.operational_status, location: m.location ?? null },
    ]),
  )
}

/** Who did it is not in the machine list: the events say so instead of naming anyone. */
const POLL_ACTOR = { username: '', display_name: 'someone in Flipfix (seen by polling)', is_shared_account: false }

/** Django's slugify, near enough: the location's slug is not in the list, its name is. */
function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\w\s-]/g, '')
    .replace(/[-\s]+/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '')
}

export interface DiffContext {
  /** The snapshot version the events lead to. */
  version: number
  siteUrl: URL
  now: number
}

/** The events between two snapshots (machines gone from the list are not an event). */
export function machineEvents(previous: MachineSnapshot, current: MachineSnapshot, ctx: DiffContext): unknown[] {
  const site = ctx.siteUrl.href.replace(/\/+$/, '')
  const occurredAt = new Date(ctx.now).toISOString()
  const events: unknown[] = []
  for (const [assetId, now] of Object.entries(current)) {
    const before = previous[assetId]
    const base = (kind: string, event: string) => ({
      schema: EVENT_SCHEMA,
      event_id: `poll:machines:v${ctx.version}:${assetId}:${kind}`,
      event,
      occurred_at: occurredAt,
      site_url: site,
      actor: POLL_ACTOR,
      machine: machineOf(assetId, now, ctx.siteUrl),
    })
    if (!before) {
      events.push(base('created', 'machine.created'))
      continue
    }
    if (before.operational_status !== now.operational_status) {
      events.push({
        ...base('status', 'machine.status_changed'),
        change: {
          field: 'operational_status',
          from: before.operational_status,
          from_label: STATUS_LABELS[before.operational_status],
          to: now.operational_status,
          to_label: STATUS_LABELS[now.operational_status],
        },
      })
    }
    if (before.location !== now.location) {
      events.push({
        ...base('location', 'machine.location_changed'),
        change: {
          field: 'location',
          from: before.location === null ? null : slugify(before.location),
          from_label: before.location,
          to: now.location === null ? null : slugify(now.location),
          to_label: now.location,
        },
      })
    }
  }
  return events
}

function machineOf(assetId: string, m: MachineSnapshot[string], site: URL) {
  return {
    asset_id: assetId,
    name: m.name,
    short_name: m.short_name,
    slug: m.slug,
    operational_status: m.operational_status,
    operational_status_label: STATUS_LABELS[m.operational_status],
    // The list names the location only: its slug is derived, its zone unknown ('').
    location: m.location === null ? null : { name: m.location, slug: slugify(m.location), zone: '' },
    url: hostUrl(site, `/machines/${encodeURIComponent(m.slug)}/`).href,
  }
}
