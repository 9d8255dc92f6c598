// Machine health as Knocker has seen it: each machine's latest name, status and location, its
// problem reports, and the work logged per day. Applied to each stored event inside intake's
// transaction (so it is on disk exactly when the event is), refreshed from the machines
// poller's snapshot in the poller's own commit, and rebuilt from the stored events at will
// (it holds nothing they don't). Older events arriving late never overwrite newer state.
import type { Statement } from 'better-sqlite3'
import { EVENT_TYPES, type KnockerEvent } from '../../../shared/events'
import type { Db } from '../db/openDb'
import { oneLine } from '../text/cleanText'
import { truncateChars } from '../text/truncate'
import { localDay } from './localDay'

const TITLE_MAX_CHARS = 120
/** Events replayed per read when rebuilding (a read must end before the writes it leads to). */
const REBUILD_PAGE = 1000

export interface MachineRow {
  assetId: string
  name: string
  shortName: string | null
  url: string | null
  siteUrl: string | null
  status: string
  locationName: string | null
  zone: string
  zoneSince: number
  lastWorkAt: number | null
  observedAt: number
}

export interface ReportRow {
  id: number
  assetId: string
  status: string
  priority: string
  priorityLabel: string
  title: string
  reporter: string | null
  url: string | null
  openedAt: number
  observedAt: number
}

/** One machine in the poller's snapshot (what GET /api/v1/machines/ lists). */
export interface SnapshotMachine {
  name: string
  short_name: string | null
  slug: string
  operational_status: string
  location: string | null
}

const MACHINE_COLUMNS = `asset_id as assetId, name, short_name as shortName, url, site_url as siteUrl, status,
  location_name as locationName, zone, zone_since as zoneSince, last_work_at as lastWorkAt, observed_at as observedAt`
const REPORT_COLUMNS = `id, asset_id as assetId, status, priority, priority_label as priorityLabel, title, reporter, url,
  opened_at as openedAt, observed_at as observedAt`

export class MachineHealthProjection {
  private readonly getMachine: Statement<[string], MachineRow>
  private readonly zoneOf: Statement<[string], string>
  private readonly putMachine: Statement<[string, string, string | null, string | null, string | null, string, string | null, string, number, number | null, number]>
  private readonly getReport: Statement<[number], ReportRow>
  private readonly putReport: Statement<[number, string, string, string, string, string, string | null, string | null, number, number]>
  private readonly addWork: Statement<[string, string]>

  constructor(private readonly db: Db) {
    // Prepared once and run by better-sqlite3 directly: intake applies every event.
    const c = db.$client
    this.getMachine = c.prepare(`select ${MACHINE_COLUMNS} from machine_health where asset_id = ?`)
    this.zoneOf = c.prepare<[string], string>(`select zone from machine_health where location_name = ? and zone != '' limit 1`).pluck()
    this.putMachine = c.prepare(
      `insert or replace into machine_health (asset_id, name, short_name, url, site_url, status, location_name, zone, zone_since, last_work_at, observed_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    this.getReport = c.prepare(`select ${REPORT_COLUMNS} from problem_reports where id = ?`)
    this.putReport = c.prepare(
      `insert or replace into problem_reports (id, asset_id, status, priority, priority_label, title, reporter, url, opened_at, observed_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    this.addWork = c.prepare(`insert into work_days (day, asset_id, entries) values (?, ?, 1) on conflict do update set entries = entries + 1`)
  }

  /** One event from the host app, as stored. */
  apply(event: KnockerEvent): void {
    const at = Date.parse(event.occurred_at)
    const m = event.machine
    const before = this.getMachine.get(m.asset_id)
    let row: MachineRow
    if (before && at < before.observedAt) {
      row = before
    } else {
      const zone = m.location ? m.location.zone || this.knownZone(m.location.name, before) : ''
      row = {
        assetId: m.asset_id,
        name: m.name,
        shortName: m.short_name ?? null,
        url: m.url,
        siteUrl: event.site_url,
        status: m.operational_status,
        locationName: m.location?.name ?? null,
        zone,
        zoneSince: before && before.zone === zone ? before.zoneSince : at,
        lastWorkAt: before?.lastWorkAt ?? null,
        observedAt: at,
      }
    }
    if (event.event === 'log_entry.created' && !event.log_entry.auto_generated) {
      const workAt = Date.parse(event.log_entry.occurred_at)
      this.addWork.run(localDay(workAt), m.asset_id)
      row = { ...row, lastWorkAt: Math.max(row.lastWorkAt ?? workAt, workAt) }
    }
    this.writeMachine(row)
    if (event.problem_report && event.event.startsWith('problem_report.')) this.applyReport(event, at)
  }

  /** The machines poller's latest list (taken at `at`): names, statuses and locations. Machines
   * gone from the list stay as they were (the list says nothing about them). */
  applySnapshot(snapshot: Record<string, SnapshotMachine>, at: number, siteUrl: string): void {
    const site = siteUrl.replace(/\/+$/, '')
    for (const [assetId, m] of Object.entries(snapshot)) {
      const before = this.getMachine.get(assetId)
      if (before && at < before.observedAt) continue
      const zone = m.location === null ? '' : this.knownZone(m.location, before)
      this.writeMachine({
        assetId,
        name: m.name,
        shortName: m.short_name,
        url: `${site}/machines/${encodeURIComponent(m.slug)}/`,
        siteUrl: site,
        status: m.operational_status,
        locationName: m.location,
        zone,
        zoneSince: before && before.zone === zone ? before.zoneSince : at,
        lastWorkAt: before?.lastWorkAt ?? null,
        observedAt: at,
      })
    }
  }

  /** Empties the projection and replays every stored event from the host app in order, then
   * `after` (the poller's snapshot, when it is on), all in one transaction. */
  rebuild(after?: () => void): void {
    const page = this.db.$client.prepare<[number, number], { seq: number; payload: string }>(
      `select seq, payload from events where is_test = 0 and event_type in (${EVENT_TYPES.map((t) => `'${t}'`).join(', ')}) and seq > ? order by seq limit ?`,
    )
    this.db.transaction(() => {
      this.db.$client.exec('delete from machine_health; delete from problem_reports; delete from work_days;')
      for (let last = 0; ; ) {
        const rows = page.all(last, REBUILD_PAGE)
        if (rows.length === 0) break
        for (const row of rows) this.apply(JSON.parse(row.payload) as KnockerEvent)
        last = rows[rows.length - 1].seq
      }
      after?.()
    })
  }

  /** Whether nothing was ever applied (a database from before the projection existed). */
  isEmpty(): boolean {
    return this.db.$client.prepare('select 1 from machine_health limit 1').get() === undefined
  }

  machines(): MachineRow[] {
    return this.db.$client.prepare<[], MachineRow>(`select ${MACHINE_COLUMNS} from machine_health order by asset_id`).all()
  }

  openReports(): ReportRow[] {
    return this.db.$client.prepare<[], ReportRow>(`select ${REPORT_COLUMNS} from problem_reports where status = 'open' order by id`).all()
  }

  /** Log entries and machines worked on during a local day. */
  workOn(day: string): { entries: number; machines: number } {
    return this.db.$client
      .prepare<[string], { entries: number; machines: number }>(`select coalesce(sum(entries), 0) as entries, count(*) as machines from work_days where day = ?`)
      .get(day)!
  }

  private applyReport(event: KnockerEvent, at: number): void {
    const r = event.problem_report!
    const before = this.getReport.get(r.id)
    if (before && at < before.observedAt) return
    const title = truncateChars(oneLine(r.description.split('\n').find((line) => line.trim()) ?? ''), TITLE_MAX_CHARS) || r.problem_type_label
    const reporter =
      r.reporter?.display || r.reporter?.username || (event.event === 'problem_report.created' ? (event.actor?.display_name ?? null) : (before?.reporter ?? null))
    const openedAt = Math.min(before?.openedAt ?? at, at)
    this.putReport.run(r.id, event.machine.asset_id, r.status, r.priority, r.priority_label, title, reporter || null, r.url, openedAt, at)
  }

  private writeMachine(r: MachineRow): void {
    this.putMachine.run(r.assetId, r.name, r.shortName, r.url, r.siteUrl, r.status, r.locationName, r.zone, r.zoneSince, r.lastWorkAt, r.observedAt)
  }

  /** A location's zone: the machine's own when it stays there, else any machine's there. */
  private knownZone(locationName: string, before: MachineRow | undefined): string {
    if (before && before.locationName === locationName && before.zone) return before.zone
    return this.zoneOf.get(locationName) ?? ''
  }
}
