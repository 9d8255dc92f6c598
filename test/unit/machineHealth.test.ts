// The machine-health projection and the morning report built from it, on a real (in-memory)
// database with the real migrations and a fixed clock: each rule of the projection, health as
// the worst of status and open reports, the stalled-repair rule, yesterday's work, the poller's
// snapshot, and a rebuild from the stored events giving exactly what intake maintained.
import { resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDb, type Db } from '../../src/main/core/db/openDb'
import { buildMorningReport } from '../../src/main/core/morning/buildMorningReport'
import { healthOf, isStalled } from '../../src/main/core/morning/healthRules'
import { MachineHealthProjection } from '../../src/main/core/morning/machineHealthProjection'
import { museumWeeks, report } from '../fixtures/museumEvents'

const MIGRATIONS = resolve(__dirname, '../../resources/migrations')
const DAY = 24 * 3600_000
/** Wednesday 22 July 2026, 07:00 on the wall clock. */
const MORNING = new Date(2026, 6, 22, 7, 0).getTime()

let db: Db
let projection: MachineHealthProjection

/** Events stored as intake stores them, each applied in its own insert's transaction. */
function store(events = museumWeeks()) {
  const insert = db.$client.prepare(`insert into events (event_id, event_type, occurred_at, received_at, payload, summary) values (?, ?, ?, ?, ?, '')`)
  for (const event of events) {
    db.transaction(() => {
      insert.run(event.event_id, event.event, event.occurred_at, 0, JSON.stringify(event))
      projection.apply(event)
    })
  }
}

const tables = () =>
  ['machine_health', 'problem_reports', 'work_days'].map((t) => db.$client.prepare(`select * from ${t} order by 1, 2`).all())

const reportNow = (now = MORNING) =>
  buildMorningReport({ machines: projection.machines(), openReports: projection.openReports(), workOn: (d) => projection.workOn(d), now, onDemand: false })

beforeEach(() => {
  db = openDb(':memory:', MIGRATIONS)
  projection = new MachineHealthProjection(db)
})
afterEach(() => db.$client.close())

describe('health: the worst of status and open reports', () => {
  it('an open Unplayable report makes a machine broken, a Major one fixing, any other an open report', () => {
    expect(healthOf('good', [])).toBe('good')
    expect(healthOf('good', ['unplayable'])).toBe('broken')
    expect(healthOf('good', ['major', 'minor'])).toBe('fixing')
    expect(healthOf('good', ['untriaged'])).toBe('reported')
    expect(healthOf('good', ['task'])).toBe('reported')
    expect(healthOf('unknown', [])).toBe('unknown')
    expect(healthOf('unknown', ['minor'])).toBe('reported')
    expect(healthOf('fixing', ['minor'])).toBe('fixing')
    expect(healthOf('broken', ['minor'])).toBe('broken')
    expect(healthOf('nonsense', [])).toBe('unknown')
    // Free text from the host app is never taken for a rule.
    expect(healthOf('good', ['constructor', 'toString'])).toBe('reported')
    expect(healthOf('constructor', [])).toBe('unknown')
  })
})

describe('stalled: a workshop repair without work for over 14 days', () => {
  const now = MORNING
  const m = (zone: string, zoneDays: number, workDays: number | null) => ({ zone, zoneSince: now - zoneDays * DAY, lastWorkAt: workDays === null ? null : now - workDays * DAY })
  it('counts from the latest work, or the arrival in the workshop', () => {
    expect(isStalled(m('workshop', 40, 15), 'broken', now)).toBe(true)
    expect(isStalled(m('workshop', 40, 14), 'broken', now)).toBe(false)
    expect(isStalled(m('workshop', 15, null), 'fixing', now)).toBe(true)
    expect(isStalled(m('workshop', 10, null), 'fixing', now)).toBe(false)
    // Work done before it came to the workshop: the arrival counts.
    expect(isStalled(m('workshop', 3, 30), 'broken', now)).toBe(false)
  })
  it('only in the workshop, and only while the machine is not good', () => {
    expect(isStalled(m('storage', 40, null), 'broken', now)).toBe(false)
    expect(isStalled(m('front', 40, null), 'broken', now)).toBe(false)
    expect(isStalled(m('workshop', 40, null), 'good', now)).toBe(false)
  })
})

describe('the projection, kept at intake', () => {
  it('each machine as its newest event showed it; an old event arriving late changes nothing', () => {
    store()
    const byId = Object.fromEntries(projection.machines().map((m) => [m.assetId, m]))
    expect(byId.M0009).toMatchObject({ name: 'Roto Pool', status: 'broken', zone: 'front', locationName: 'Museum' })
    expect(byId.M0031).toMatchObject({ status: 'broken', zone: 'workshop', zoneSince: Date.parse('2026-06-21T09:05:00Z'), lastWorkAt: Date.parse('2026-06-25T15:00:00Z') })
    expect(byId.M0027).toMatchObject({ status: 'good', zone: 'front', observedAt: Date.parse('2026-07-05T09:00:00Z') })
    // Auto-generated entries ("Status changed: …") are no work.
    expect(byId.M0033.lastWorkAt).toBe(Date.parse('2026-07-21T11:30:00Z'))
  })

  it('reports: closed ones leave the open list; a reopened one is open again and keeps its age', () => {
    store()
    const open = projection.openReports()
    expect(open.map((r) => r.id).sort()).toEqual([377, 401, 405, 406, 412])
    const reopened = open.find((r) => r.id === 405)!
    expect(reopened.openedAt).toBe(Date.parse('2026-07-10T12:00:00Z'))
    expect(open.find((r) => r.id === 412)).toMatchObject({ title: '#1 drop target spring missing', reporter: null, priority: 'untriaged' })
    store([report('closed', '2026-07-21T18:00:00Z', 'eightBall', 'good', 'museum', { id: 412, priority: 'untriaged', description: '#1 drop target spring missing' })])
    expect(projection.openReports().map((r) => r.id)).not.toContain(412)
  })

  it("work per day: yesterday's log entries and machines, auto-generated ones left out", () => {
    store()
    expect(projection.workOn('2026-07-21')).toEqual({ entries: 2, machines: 2 })
    expect(projection.workOn('2026-07-20')).toEqual({ entries: 0, machines: 0 })
  })

  it("the machines poller's snapshot refreshes status and location; a zone is learned from the location's other machines", () => {
    store()
    const at = MORNING - DAY
    projection.applySnapshot(
      {
        M0027: { name: 'The Addams Family', short_name: 'Addams Family', slug: 'the-addams-family', operational_status: 'fixing', location: 'Workshop' },
        M0040: { name: 'Blackout', short_name: null, slug: 'blackout', operational_status: 'good', location: 'Storage' },
        M0009: { name: 'Roto Pool', short_name: null, slug: 'roto-pool', operational_status: 'good', location: 'Museum' },
      },
      at,
      'https://flipfix.theflip.museum/',
    )
    const byId = Object.fromEntries(projection.machines().map((m) => [m.assetId, m]))
    expect(byId.M0027).toMatchObject({ status: 'fixing', zone: 'workshop', zoneSince: at, locationName: 'Workshop' })
    expect(byId.M0040).toMatchObject({ status: 'good', zone: 'storage', url: 'https://flipfix.theflip.museum/machines/blackout/' })
    // The status says good, but its Unplayable report is still open: the health stays broken.
    expect(reportNow().zones.find((z) => z.zone === 'front')!.machines.map((m) => [m.name, m.health])).toEqual([
      ['Roto Pool', 'broken'],
      ['Eight Ball Deluxe', 'reported'],
    ])
    // An older snapshot than the newest event changes nothing.
    projection.applySnapshot({ M0027: { name: 'x', short_name: null, slug: 'x', operational_status: 'broken', location: null } }, at - 60 * DAY, 'https://flipfix.theflip.museum')
    expect(projection.machines().find((m) => m.assetId === 'M0027')!.status).toBe('fixing')
  })

  it('rebuilding from the stored events gives exactly what intake maintained', () => {
    store()
    const incremental = tables()
    expect(incremental[0]).toHaveLength(6)
    db.$client.exec("update machine_health set status = 'unknown'; delete from work_days")
    projection.rebuild()
    expect(tables()).toEqual(incremental)
  })

  it("rebuild leaves out test sends and Knocker's own events", () => {
    store()
    const before = tables()
    db.$client
      .prepare(`insert into events (event_id, event_type, occurred_at, received_at, payload, summary, is_test) values ('t', 'machine.created', ?, 0, ?, '', 1)`)
      .run('2026-07-21T00:00:00Z', JSON.stringify({ ...museumWeeks()[0], machine: { ...museumWeeks()[0].machine, asset_id: 'TEST' } }))
    projection.rebuild()
    expect(tables()).toEqual(before)
  })
})

describe('the morning report', () => {
  it('health by zone, open reports worst first with age, stalled repairs, yesterday', () => {
    store()
    const r = reportNow()
    expect(r.date).toBe('2026-07-22')
    expect(r.zones.map((z) => [z.zone, z.counts])).toEqual([
      ['front', { broken: 1, fixing: 0, reported: 1, unknown: 0, good: 1 }],
      ['workshop', { broken: 1, fixing: 1, reported: 0, unknown: 0, good: 0 }],
      ['storage', { broken: 1, fixing: 0, reported: 0, unknown: 0, good: 0 }],
    ])
    expect(r.open_reports.map((m) => [m.name, m.reports.map((x) => [x.id, x.priority])])).toEqual([
      ['Roto Pool', [[401, 'unplayable'], [406, 'minor']]],
      ['Twilight Zone', [[377, 'major']]],
      ['Eight Ball Deluxe', [[412, 'untriaged'], [405, 'minor']]],
    ])
    const reopened = r.open_reports[2].reports[1]
    expect(reopened.age_days).toBe(Math.floor((MORNING - Date.parse('2026-07-10T12:00:00Z')) / DAY))
    expect(r.stalled.map((m) => [m.name, m.days])).toEqual([['Twilight Zone', Math.floor((MORNING - Date.parse('2026-06-25T15:00:00Z')) / DAY)]])
    expect(r.yesterday).toEqual({ date: '2026-07-21', entries: 2, machines: 2 })
    expect(r.site_url).toBe('https://flipfix.theflip.museum')
  })

  it('a zone the host app made up is its own zone, named as sent', () => {
    const [created] = museumWeeks()
    store([{ ...created, machine: { ...created.machine, location: { name: 'Annex', slug: 'annex', zone: 'toString' } } }])
    expect(reportNow().zones.map((z) => [z.zone, z.label])).toEqual([['toString', 'toString']])
  })

  it('with nothing seen yet: empty sections, not an error', () => {
    const r = reportNow()
    expect(r).toMatchObject({ zones: [], open_reports: [], stalled: [], yesterday: { entries: 0, machines: 0 } })
  })
})
