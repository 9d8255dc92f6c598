// Daylight saving time, in Europe/Berlin (the computer's time zone, set for this file's own
// process): the morning report and quiet hours keep to the wall clock on the days the clocks
// change. 2026: spring forward Sunday 29 March 02:00 → 03:00, fall back Sunday 25 October
// 03:00 → 02:00.
process.env.TZ = 'Europe/Berlin'

import { afterEach, describe, expect, it } from 'vitest'
import { dueReport, nextReportAt } from '../../src/main/core/morning/morningSchedule'
import { quietHold, quietUntil } from '../../src/main/core/routing/quietHours'
import type { KnockerEvent } from '../../src/shared/events'
import type { QuietHours } from '../../src/shared/quietHours'
import { SAMPLE_EVENTS } from '../../src/shared/samples'
import { startTrigger, type Trigger } from './morningTrigger'

const utc = (iso: string) => Date.parse(iso)
const HOUR = 3600_000
let tr: Trigger
afterEach(() => tr?.db.$client.close())

it('runs in Europe/Berlin', () => {
  expect(new Date(utc('2026-01-15T12:00:00Z')).getTimezoneOffset()).toBe(-60)
  expect(new Date(utc('2026-07-15T12:00:00Z')).getTimezoneOffset()).toBe(-120)
})

describe('the morning report on the days the clocks change', () => {
  const seven = { enabled: true, time: '07:00' }

  it('07:00 stays 07:00 on the wall clock: 23 hours apart in spring, 25 in autumn', () => {
    const sat = nextReportAt(seven, utc('2026-03-28T04:00:00Z')) // Sat 05:00 CET
    expect(sat).toBe(utc('2026-03-28T06:00:00Z')) // 07:00 CET
    const sun = nextReportAt(seven, sat)
    expect(sun).toBe(utc('2026-03-29T05:00:00Z')) // 07:00 CEST
    expect(sun - sat).toBe(23 * HOUR)
    const oct24 = utc('2026-10-24T05:00:00Z') // 07:00 CEST
    const oct25 = nextReportAt(seven, oct24)
    expect(oct25).toBe(utc('2026-10-25T06:00:00Z')) // 07:00 CET
    expect(oct25 - oct24).toBe(25 * HOUR)
  })

  it('a time in the skipped hour (02:30 on 29 March) comes right after the gap, 03:30 CEST', () => {
    const half = { enabled: true, time: '02:30' }
    expect(nextReportAt(half, utc('2026-03-28T22:00:00Z'))).toBe(utc('2026-03-29T01:30:00Z'))
    expect(dueReport(half, utc('2026-03-29T01:29:00Z'), 0)).toBeNull()
    expect(dueReport(half, utc('2026-03-29T01:30:00Z'), 0)).toEqual({ day: '2026-03-29', at: utc('2026-03-29T01:30:00Z') })
  })

  it('a time in the repeated hour (02:30 on 25 October, twice): one report that day', () => {
    tr = startTrigger(utc('2026-10-24T22:00:00Z'))
    tr.addEndpoint({ morning_report: { enabled: true, time: '02:30' } }, utc('2026-10-01T10:00:00Z'))
    const reports = tr.reports()
    tr.clock.t = utc('2026-10-25T00:30:00Z') // 02:30 CEST, the first
    reports.tick()
    tr.clock.t = utc('2026-10-25T01:30:00Z') // 02:30 CET, the second
    reports.tick()
    tr.reports().tick() // and after a restart
    expect(tr.queued().map((q) => [q.eventId.split(':').pop(), q.createdAt])).toEqual([['2026-10-25', utc('2026-10-25T00:30:00Z')]])
  })

  it('the day a report is for is the local day, across the change', () => {
    tr = startTrigger(utc('2026-03-29T05:00:00Z'))
    tr.addEndpoint({ morning_report: seven }, utc('2026-03-01T10:00:00Z'))
    tr.reports().tick()
    const [queued] = tr.queued()
    expect(JSON.parse(queued.payload)).toMatchObject({ date: '2026-03-29', yesterday: { date: '2026-03-28' } })
  })
})

describe('quiet hours on the days the clocks change', () => {
  const nightly: QuietHours = { ranges: [{ days: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'], start: '22:00', end: '07:00' }] }
  const routine = { ...structuredClone(SAMPLE_EVENTS['log_entry.created']) } as KnockerEvent

  it('22:00–07:00 ends at 07:00 on the wall clock: 8 hours in spring, 10 in autumn', () => {
    const spring = utc('2026-03-28T21:00:00Z') // Sat 22:00 CET
    expect(quietUntil(nightly, spring)).toBe(utc('2026-03-29T05:00:00Z'))
    expect(quietUntil(nightly, spring)! - spring).toBe(8 * HOUR)
    const autumn = utc('2026-10-24T20:00:00Z') // Sat 22:00 CEST
    expect(quietUntil(nightly, autumn)).toBe(utc('2026-10-25T06:00:00Z'))
    expect(quietUntil(nightly, autumn)! - autumn).toBe(10 * HOUR)
    expect(quietUntil(nightly, utc('2026-10-25T05:59:00Z'))).toBe(utc('2026-10-25T06:00:00Z'))
    expect(quietUntil(nightly, utc('2026-10-25T06:00:00Z'))).toBeNull()
  })

  it('the repeated hour is quiet both times; the history says "until 07:00"', () => {
    for (const t of [utc('2026-10-25T00:30:00Z'), utc('2026-10-25T01:30:00Z')]) {
      expect(quietHold({ quiet_hours: nightly }, routine, t)).toEqual({ until: utc('2026-10-25T06:00:00Z'), reason: 'held: quiet hours until 07:00' })
    }
  })

  it('a range starting in the skipped hour starts when the clock jumps', () => {
    const early: QuietHours = { ranges: [{ days: ['sun'], start: '02:30', end: '06:00' }] }
    expect(quietUntil(early, utc('2026-03-29T00:59:00Z'))).toBeNull() // 01:59 CET
    expect(quietUntil(early, utc('2026-03-29T01:30:00Z'))).toBe(utc('2026-03-29T04:00:00Z')) // 03:30 CEST → 06:00 CEST
  })
})
