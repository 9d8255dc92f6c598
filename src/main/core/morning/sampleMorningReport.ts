// A morning report about the museum's real machines (host-app facts), for the message preview
// while Knocker has seen no machine yet. Built by the real builder from projection rows, so the
// preview shows exactly what the report's rules make of them.
import type { MorningReport } from '../../../shared/morningReport'
import { buildMorningReport } from './buildMorningReport'
import type { MachineRow, ReportRow } from './machineHealthProjection'

const SITE = 'https://flipfix.theflip.museum'
const DAY = 24 * 3600_000

export function sampleMorningReport(now: number): MorningReport {
  const machine = (assetId: string, name: string, shortName: string | null, slug: string, status: string, location: string, zone: string, daysInZone = 90, lastWorkDays: number | null = null): MachineRow => ({
    assetId,
    name,
    shortName,
    url: `${SITE}/machines/${slug}/`,
    siteUrl: SITE,
    status,
    locationName: location,
    zone,
    zoneSince: now - daysInZone * DAY,
    lastWorkAt: lastWorkDays === null ? null : now - lastWorkDays * DAY,
    observedAt: now - DAY,
  })
  const machines = [
    machine('M0023', 'Eight Ball Deluxe Limited Edition', 'Eight Ball Deluxe', 'eight-ball-deluxe-limited-edition', 'good', 'Museum', 'front'),
    machine('M0012', 'The Getaway: High Speed II', 'The Getaway', 'the-getaway-high-speed-ii', 'good', 'Museum', 'front'),
    machine('M0004', 'Star Trek', null, 'star-trek', 'good', 'Museum', 'front'),
    machine('M0017', 'Hokus Pokus', null, 'hokus-pokus', 'good', 'Museum', 'front'),
    machine('M0009', 'Roto Pool', null, 'roto-pool', 'broken', 'Museum', 'front'),
    machine('M0027', 'The Addams Family', 'Addams Family', 'the-addams-family', 'good', 'Coin-Op', 'front'),
    machine('M0030', 'Godzilla (Premium)', 'Godzilla', 'godzilla-premium', 'good', 'Museum', 'front'),
    machine('M0031', 'Twilight Zone', null, 'twilight-zone', 'broken', 'Workshop', 'workshop', 40, 23),
    machine('M0033', 'Medieval Madness', null, 'medieval-madness', 'fixing', 'Workshop', 'workshop', 30, 2),
    machine('M0002', 'Gorgar', null, 'gorgar', 'broken', 'Storage', 'storage'),
  ]
  const report = (id: number, assetId: string, priority: string, priorityLabel: string, title: string, reporter: string | null, days: number): ReportRow => ({
    id,
    assetId,
    status: 'open',
    priority,
    priorityLabel,
    title,
    reporter,
    url: `${SITE}/problem-reports/${id}/`,
    openedAt: now - days * DAY - 3600_000,
    observedAt: now - days * DAY,
  })
  const openReports = [
    report(412, 'M0023', 'untriaged', 'Untriaged', '#1 drop target spring missing', null, 0),
    report(398, 'M0009', 'unplayable', 'Unplayable', 'Solenoids not firing, fuse blown', 'Diana', 6),
    report(401, 'M0009', 'minor', 'Minor', 'Bars on display, weird audio', 'ken', 4),
    report(377, 'M0031', 'major', 'Major', 'Ball lift stopped working again.', 'william', 23),
    report(405, 'M0017', 'minor', 'Minor', 'Left flipper flaky', null, 2),
  ]
  return buildMorningReport({ machines, openReports, workOn: () => ({ entries: 4, machines: 3 }), now, onDemand: false })
}
