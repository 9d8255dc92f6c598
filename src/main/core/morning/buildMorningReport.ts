// The morning report's content from the machine-health projection: health by zone, open
// reports per machine with age and priority, workshop repairs stalled for over two weeks, and
// yesterday's work (the rules: healthRules.ts). Pure.
import { HEALTH_LEVELS, ZONE_LABELS, ZONES, type Health, type MorningReport } from '../../../shared/morningReport'
import { healthOf, isStalled, priorityRank, rank, repairMovedAt } from './healthRules'
import { dayBefore, localDay } from './localDay'
import type { MachineRow, ReportRow } from './machineHealthProjection'

const DAY_MS = 24 * 3600_000

export interface ReportInput {
  machines: MachineRow[]
  openReports: ReportRow[]
  /** Work logged on a local day. */
  workOn: (day: string) => { entries: number; machines: number }
  now: number
  onDemand: boolean
}

const displayName = (m: Pick<MachineRow, 'name' | 'shortName'>) => m.shortName?.trim() || m.name

export function buildMorningReport({ machines, openReports, workOn, now, onDemand }: ReportInput): MorningReport {
  const byMachine = new Map<string, ReportRow[]>()
  for (const r of openReports) byMachine.set(r.assetId, [...(byMachine.get(r.assetId) ?? []), r])
  const known = new Map(machines.map((m) => [m.assetId, m]))
  const health = new Map(machines.map((m) => [m.assetId, healthOf(m.status, (byMachine.get(m.assetId) ?? []).map((r) => r.priority))]))
  const ref = (m: MachineRow) => ({ asset_id: m.assetId, name: displayName(m), url: m.url })

  // The host app's zones in its order, then any other zone, then machines whose zone is not known.
  const zoneOrder = (zone: string) => (zone === '' ? ZONES.length + 1 : (ZONES as readonly string[]).includes(zone) ? ZONES.indexOf(zone as (typeof ZONES)[number]) : ZONES.length)
  const zoneKeys = [...new Set(machines.map((m) => m.zone))].sort((a, b) => zoneOrder(a) - zoneOrder(b) || a.localeCompare(b))
  const zones = zoneKeys.map((zone) => {
    const inZone = machines.filter((m) => m.zone === zone)
    const counts = Object.fromEntries(HEALTH_LEVELS.map((h) => [h, 0])) as Record<Health, number>
    for (const m of inZone) counts[health.get(m.assetId)!] += 1
    const notGood = inZone
      .filter((m) => health.get(m.assetId) !== 'good')
      .sort((a, b) => rank(health.get(a.assetId)!) - rank(health.get(b.assetId)!) || displayName(a).localeCompare(displayName(b)))
      .map((m) => ({ ...ref(m), health: health.get(m.assetId)!, location: m.locationName }))
    return { zone, label: Object.hasOwn(ZONE_LABELS, zone) ? ZONE_LABELS[zone] : zone, counts, machines: notGood }
  })

  const reportsOf = [...byMachine.entries()].map(([assetId, rows]) => {
    const m = known.get(assetId)
    const sorted = [...rows].sort((a, b) => priorityRank(a.priority) - priorityRank(b.priority) || a.openedAt - b.openedAt)
    return {
      asset_id: assetId,
      name: m ? displayName(m) : assetId,
      url: m?.url ?? null,
      reports: sorted.map((r) => ({
        id: r.id,
        priority: r.priority,
        priority_label: r.priorityLabel,
        title: r.title,
        reporter: r.reporter,
        opened_at: new Date(r.openedAt).toISOString(),
        age_days: Math.max(0, Math.floor((now - r.openedAt) / DAY_MS)),
        url: r.url,
      })),
    }
  })
  reportsOf.sort(
    (a, b) =>
      priorityRank(a.reports[0].priority) - priorityRank(b.reports[0].priority) ||
      b.reports.length - a.reports.length ||
      a.name.localeCompare(b.name),
  )

  const stalled = machines
    .filter((m) => isStalled(m, health.get(m.assetId)!, now))
    .sort((a, b) => repairMovedAt(a) - repairMovedAt(b))
    .map((m) => ({
      ...ref(m),
      health: health.get(m.assetId)!,
      since: new Date(repairMovedAt(m)).toISOString(),
      days: Math.floor((now - repairMovedAt(m)) / DAY_MS),
    }))

  const date = localDay(now)
  const yesterday = dayBefore(date)
  return {
    date,
    generated_at: new Date(now).toISOString(),
    on_demand: onDemand,
    site_url: machines.find((m) => m.siteUrl)?.siteUrl ?? null,
    zones,
    open_reports: reportsOf,
    stalled,
    yesterday: { date: yesterday, ...workOn(yesterday) },
  }
}
