// When the morning report goes, on a fake clock and a real (in-memory) database: at its time
// once a day, never twice (a restart, another look), late the same day when Knocker was not
// running at its time, not at all when it would be stale or the option came later; "send now".
import { afterEach, describe, expect, it } from 'vitest'
import { lateNotice, messageItem } from '../../src/main/core/delivery/formatContext'
import { dueReport, nextReportAt } from '../../src/main/core/morning/morningSchedule'
import { MorningReportSchema } from '../../src/shared/morningReport'
import { startTrigger, type Trigger } from './morningTrigger'

const at = (day: number, h: number, m = 0) => new Date(2026, 6, 20 + day, h, m).getTime()
const SEVEN = { enabled: true, time: '07:00' }
let tr: Trigger
afterEach(() => tr?.db.$client.close())

describe('the schedule (pure)', () => {
  it('today at its time, from then on; the next time is today or tomorrow', () => {
    expect(dueReport(SEVEN, at(0, 6, 59), 0)).toBeNull()
    expect(dueReport(SEVEN, at(0, 7, 0), 0)).toEqual({ day: '2026-07-20', at: at(0, 7) })
    expect(dueReport(SEVEN, at(0, 11, 0), 0)).toEqual({ day: '2026-07-20', at: at(0, 7) })
    expect(nextReportAt(SEVEN, at(0, 6, 0))).toBe(at(0, 7))
    expect(nextReportAt(SEVEN, at(0, 7, 0))).toBe(at(1, 7))
  })
  it('not once it is stale (12 hours), nor when the option was set after its time', () => {
    expect(dueReport(SEVEN, at(0, 18, 59), 0)).not.toBeNull()
    expect(dueReport(SEVEN, at(0, 19, 0), 0)).toBeNull()
    expect(dueReport(SEVEN, at(0, 11, 0), at(0, 10, 0))).toBeNull()
    expect(dueReport(SEVEN, at(1, 7, 0), at(0, 10, 0))).not.toBeNull()
  })
})

describe('the trigger', () => {
  it('queues one report at its time, and never a second that day: another look, a restart', () => {
    tr = startTrigger(at(0, 6, 0))
    tr.addEndpoint({ morning_report: SEVEN }, at(-3, 9))
    const reports = tr.reports()
    expect(reports.tick()).toBe(at(0, 6, 1)) // it looks again every minute …
    tr.clock.t = at(0, 6, 59) + 30_000
    expect(reports.tick()).toBe(at(0, 7)) // … and at the report's time
    expect(tr.queued()).toHaveLength(0)
    tr.clock.t = at(0, 7, 0)
    reports.tick()
    tr.clock.t = at(0, 7, 1)
    reports.tick()
    tr.clock.t = at(0, 8, 0)
    tr.reports().tick() // Knocker started again
    const queued = tr.queued()
    expect(queued).toHaveLength(1)
    expect(queued[0]).toMatchObject({ status: 'pending', createdAt: at(0, 7) })
    expect(queued[0].eventId).toMatch(/^morning:.+:2026-07-20$/)
    expect(MorningReportSchema.parse(JSON.parse(queued[0].payload)).date).toBe('2026-07-20')
    tr.clock.t = at(1, 7, 0)
    tr.reports().tick()
    expect(tr.queued().map((q) => q.createdAt)).toEqual([at(0, 7), at(1, 7)])
  })

  it('Knocker not running at its time: sent when it starts, once, saying why it is late', () => {
    tr = startTrigger(at(0, 9, 30))
    tr.addEndpoint({ morning_report: SEVEN }, at(-3, 9))
    tr.reports().tick()
    tr.reports().tick()
    const [queued] = tr.queued()
    expect(tr.queued()).toHaveLength(1)
    expect(queued.createdAt).toBe(at(0, 7))
    const delivery = tr.db.$client.prepare('select * from deliveries').get() as any
    const item = messageItem({
      delivery: { ...delivery, eventSeq: delivery.event_seq, endpointId: delivery.endpoint_id, createdAt: delivery.created_at, editOf: null, holdReason: null, lastErrorClass: null },
      stored: { payload: queued.payload, isTest: false, eventId: queued.eventId, eventType: 'knocker.morning_report' },
      trigger: 'scheduled',
      endpoint: { kind: 'discord', options: {} },
      settings: {},
      threadOf: () => null,
      wasOffline: () => false,
      now: at(0, 9, 31),
    })
    expect(item.morning?.date).toBe('2026-07-20')
    expect(item.event).toBeNull()
    expect(item.ctx.late).toEqual({ ms: at(0, 9, 31) - at(0, 7), reason: 'Knocker was not running at its time' })
    // Queued on time but waiting for the network: the queue's own reason.
    expect(lateNotice({ delivery: { createdAt: at(0, 7), lastErrorClass: 'network' }, trigger: 'scheduled', kind: 'discord', wasOffline: true, now: at(0, 9) })?.reason).toBe('the museum was offline')
  })

  it('not when stale, not without the option, not when the option came after its time', () => {
    tr = startTrigger(at(0, 19, 30))
    tr.addEndpoint({ morning_report: SEVEN }, at(-3, 9))
    tr.addEndpoint({ morning_report: { enabled: false, time: '07:00' } }, at(-3, 9))
    tr.addEndpoint({}, at(-3, 9))
    tr.reports().tick()
    expect(tr.queued()).toHaveLength(0)
    tr.clock.t = at(1, 10, 0)
    tr.addEndpoint({ morning_report: SEVEN }, at(1, 9, 0))
    tr.reports().tick()
    expect(tr.queued()).toHaveLength(1) // the first endpoint's, not the one set up at 09:00
  })

  it('with deliveries switched off: recorded as suppressed, saying why', () => {
    tr = startTrigger(at(0, 7, 0))
    tr.addEndpoint({ morning_report: SEVEN }, at(-3, 9))
    tr.settings.update({ delivery_enabled: false })
    tr.reports().tick()
    expect(tr.queued()).toEqual([expect.objectContaining({ status: 'suppressed', reason: 'Suppressed: deliveries were switched off (master switch)' })])
  })

  it('"send now": a report on request, whatever the option; each press is one', () => {
    tr = startTrigger(at(0, 15, 0))
    const id = tr.addEndpoint({}, at(-3, 9))
    const reports = tr.reports()
    expect(reports.sendNow(id)).toMatchObject({ status: 'pending', reason: null })
    tr.clock.t += 1000
    reports.sendNow(id)
    expect(reports.sendNow('no-such-endpoint')).toBeNull()
    const queued = tr.queued()
    expect(queued).toHaveLength(2)
    expect(queued.map((q) => JSON.parse(q.payload).on_demand)).toEqual([true, true])
  })
})
