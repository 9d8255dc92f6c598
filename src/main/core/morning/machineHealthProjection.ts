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
/** A row in the settings table once the projection was built from the stored history: from
 * then on intake keeps it, and a start need not replay anything. */
const BUILT_KEY = 'projection.machine_health'

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
  private readonly zoneOf: Statement<[string], string>
  private readonly upsertMachine: Statement<[string, string, string | null, string | null, string | null, string, string | null, string, number, number]>
  private readonly workedOn: Statement<[number, number, string]>
  private readonly upsertReport: Statement<[number, string, string, string, string, string, string | null, string | null, number, number]>
  private readonly addWork: Statement<[string, string]>

  constructor(private readonly db: Db) {
    // Prepared once and run by better-sqlite3 directly: intake applies every event, so each
    // write is one upsert that itself ignores what is older than what it holds (no read first).
    const c = db.$client
    this.zoneOf = c.prepare<[string], string>(`select zone from machine_health where location_name = ? and zone != '' limit 1`).pluck()
    this.upsertMachine = c.prepare(
      `insert into machine_health (asset_id, name, short_name, url, site_url, status, location_name, zone, zone_since, observed_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       on conflict (asset_id) do update set name = excluded.name, short_name = excluded.short_name, url = excluded.url,
         site_url = excluded.site_url, status = excluded.status, location_name = excluded.location_name, zone = excluded.zone,
         zone_since = case when machine_health.zone = excluded.zone then machine_health.zone_since else excluded.zone_since end,
         observed_at = excluded.observed_at
       where excluded.observed_at >= machine_health.observed_at`,
    )
    this.workedOn = c.prepare(`update machine_health set last_work_at = max(coalesce(last_work_at, ?), ?) where asset_id = ?`)
    this.upsertReport = c.prepare(
      `insert into problem_reports (id, asset_id, status, priority, priority_label, title, reporter, url, opened_at, observed_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       on conflict (id) do update set asset_id = excluded.asset_id, status = excluded.status, priority = excluded.priority,
         priority_label = excluded.priority_label, title = excluded.title, reporter = coalesce(excluded.reporter, problem_reports.reporter),
         url = excluded.url, opened_at = min(problem_reports.opened_at, excluded.opened_at), observed_at = excluded.observed_at
       where excluded.observed_at >= problem_reports.observed_at`,
    )
    this.addWork = c.prepare(`insert into work_days (day, asset_id, entries) values (?, ?, 1) on conflict do update set entries = entries + 1`)
  }

  /** One event from the host app, as stored. */
  apply(event: KnockerEvent): void {
    const at = Date.parse(event.occurred_at)
    const m = event.machine
    const zone = m.location ? m.location.zone || this.knownZone(m.location.name) : ''
    this.upsertMachine.run(m.asset_id, m.name, m.short_name ?? null, m.url, event.site_url, m.operational_status, m.location?.name ?? null, zone, at, at)
    if (event.event === 'log_entry.created' && !event.log_entry.auto_generated) {
      const workAt = Date.parse(event.log_entry.occurred_at)
      this.addWork.run(localDay(workAt), m.asset_id)
      this.workedOn.run(workAt, workAt, m.asset_id)
    }
    if (event.problem_report && event.event.startsWith('problem_report.')) {
      const r = event.problem_report
      const title = truncateChars(oneLine(r.description.split('\n').find((line) => line.trim()) ?? ''), TITLE_MAX_CHARS) || r.problem_type_label
      const reporter = r.reporter?.display || r.reporter?.username || (event.event === 'problem_report.created' ? event.actor?.display_name : null) || null
      this.upsertReport.run(r.id, m.asset_id, r.status, r.priority, r.priority_label, title, reporter, r.url, at, at)
    }
  }

  /** The machines poller's latest list (taken at `at`): names, statuses and locations. Machines
   * gone from the list stay as they were (the list says nothing about them). */
  applySnapshot(snapshot: Record<string, SnapshotMachine>, at: number, siteUrl: string): void {
    const site = siteUrl.replace(/\/+$/, '')
    for (const [assetId, m] of Object.entries(snapshot)) {
      const zone = m.location === null ? '' : this.knownZone(m.location)
      const url = `${site}/machines/${encodeURIComponent(m.slug)}/`
      this.upsertMachine.run(assetId, m.name, m.short_name, url, site, m.operational_status, m.location, zone, at, at)
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
      this.db.$client.prepare(`insert into settings (key, value) values (?, 'true') on conflict do nothing`).run(BUILT_KEY)
    })
  }

  /** Whether it was ever built from the stored history (not: a database from before it existed). */
  isBuilt(): boolean {
    return this.db.$client.prepare('select 1 from settings where key = ?').get(BUILT_KEY) !== undefined
  }

  /** Whether it knows no machine yet. */
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

  /** A location's zone (the poller, and some events, name a location without its zone): any
   * machine's there whose zone an event named. */
  private knownZone(locationName: string): string {
    return this.zoneOf.get(locationName) ?? ''
  }
}
