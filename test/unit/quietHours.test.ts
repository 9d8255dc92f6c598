// Quiet hours, on a fake clock: when an endpoint is quiet and until when (the computer's time
// zone), what goes through anyway, the history's reason and Discord's silent mode.
import { describe, expect, it } from 'vitest'
import { formatDiscord } from '../../src/main/core/channels/discord/message'
import { lateNotice } from '../../src/main/core/delivery/formatContext'
import { letThrough, postsSilently, quietHold, quietUntil } from '../../src/main/core/routing/quietHours'
import type { KnockerEvent } from '../../src/shared/events'
import type { QuietHours } from '../../src/shared/quietHours'
import { SAMPLE_EVENTS } from '../../src/shared/samples'
import { formatCtx } from './formatContext'

/** Local wall-clock time: Monday 20 July 2026 is a Monday. */
const at = (day: number, h: number, m = 0) => new Date(2026, 6, 20 + day, h, m).getTime()
const MON = 0
const TUE = 1
const SAT = 5

const nightly: QuietHours = { ranges: [{ days: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'], start: '22:00', end: '07:00' }] }
const maintainer = { username: 'ken', display_name: 'Ken', is_shared_account: false }
const ev = (type: keyof typeof SAMPLE_EVENTS, patch: Record<string, unknown> = {}) => ({ ...structuredClone(SAMPLE_EVENTS[type]), ...patch }) as KnockerEvent

describe('quiet hours: when and until when', () => {
  it('a range over midnight: quiet from its start to its end the next morning', () => {
    expect(quietUntil(nightly, at(MON, 21, 59))).toBeNull()
    expect(quietUntil(nightly, at(MON, 22, 0))).toBe(at(TUE, 7))
    expect(quietUntil(nightly, at(TUE, 3, 30))).toBe(at(TUE, 7))
    expect(quietUntil(nightly, at(TUE, 6, 59))).toBe(at(TUE, 7))
    expect(quietUntil(nightly, at(TUE, 7, 0))).toBeNull()
    expect(quietUntil(null, at(TUE, 3))).toBeNull()
  })

  it('ranges per weekday: only the days they start on', () => {
    const weekdays: QuietHours = { ranges: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '22:00', end: '07:00' }] }
    expect(quietUntil(weekdays, at(SAT - 1, 23))).toBe(at(SAT, 7)) // Friday night
    expect(quietUntil(weekdays, at(SAT, 23))).toBeNull() // Saturday night is not quiet
    expect(quietUntil(weekdays, at(SAT + 1, 3))).toBeNull()
  })

  it('ranges that follow each other are one quiet time (a weekend)', () => {
    const weekend: QuietHours = {
      ranges: [
        { days: ['fri'], start: '18:00', end: '00:00' },
        { days: ['sat', 'sun'], start: '00:00', end: '00:00' },
        { days: ['mon'], start: '00:00', end: '08:00' },
      ],
    }
    expect(quietUntil(weekend, at(SAT - 1, 19))).toBe(at(SAT + 2, 8))
    expect(quietUntil(weekend, at(SAT + 1, 12))).toBe(at(SAT + 2, 8))
    expect(quietUntil(weekend, at(SAT + 2, 8))).toBeNull()
  })
})

describe('quiet hours: what goes through anyway', () => {
  it('by default visitor reports and machines going down; routine work waits', () => {
    expect(letThrough(nightly, ev('problem_report.created', { actor: null }))).toBe(true)
    expect(letThrough(nightly, ev('problem_report.created', { actor: maintainer }))).toBe(false)
    const unplayable = ev('problem_report.created', { actor: maintainer })
    unplayable.problem_report!.priority = 'unplayable'
    expect(letThrough(nightly, unplayable)).toBe(true)
    const broken = ev('machine.status_changed')
    expect(broken.change?.to).toBe('broken')
    expect(letThrough(nightly, broken)).toBe(true)
    expect(letThrough(nightly, ev('machine.status_changed', { change: { field: 'operational_status', from: 'broken', from_label: 'Broken', to: 'good', to_label: 'Good' } }))).toBe(false)
    expect(letThrough(nightly, ev('log_entry.created'))).toBe(false)
    expect(letThrough(nightly, ev('problem_report.closed'))).toBe(false)
  })

  it('the chosen ones only', () => {
    const reports: QuietHours = { ...nightly, let_through: ['problem_reports'] }
    expect(letThrough(reports, ev('problem_report.closed'))).toBe(true)
    expect(letThrough(reports, ev('machine.status_changed'))).toBe(false)
    expect(letThrough({ ...nightly, let_through: [] }, ev('problem_report.created', { actor: null }))).toBe(false)
  })

  it('a held delivery says until when; outside quiet hours, or in silent mode, nothing is held', () => {
    const options = { quiet_hours: nightly }
    expect(quietHold(options, ev('log_entry.created'), at(MON, 23))).toEqual({ until: at(TUE, 7), reason: 'held: quiet hours until 07:00' })
    expect(quietHold(options, ev('log_entry.created'), at(TUE, 12))).toBeNull()
    expect(quietHold(options, ev('machine.status_changed'), at(MON, 23))).toBeNull()
    expect(quietHold({}, ev('log_entry.created'), at(MON, 23))).toBeNull()
    expect(quietHold({ quiet_hours: { ...nightly, mode: 'silent' } }, ev('log_entry.created'), at(MON, 23))).toBeNull()
    const weekend = { quiet_hours: { ranges: [{ days: ['sat'], start: '00:00', end: '00:00' }, { days: ['sun'], start: '00:00', end: '09:00' }] } }
    expect(quietHold(weekend, ev('log_entry.created'), at(SAT, 10))?.reason).toMatch(/^held: quiet hours until Sun 09:00$/)
  })

  it('a held message that goes out late says why', () => {
    const delivery = { createdAt: at(MON, 23), lastErrorClass: null, holdReason: 'held: quiet hours until 07:00' }
    expect(lateNotice({ delivery, trigger: 'scheduled', kind: 'discord', wasOffline: false, now: at(TUE, 7) })).toEqual({ ms: 8 * 3600_000, reason: 'held for quiet hours' })
  })
})

describe('quiet hours on Discord: silent mode', () => {
  const silent = { quiet_hours: { ...nightly, mode: 'silent' as const } }
  it('posts routine events at once, without a notification, during quiet hours only', () => {
    expect(postsSilently(silent, ev('log_entry.created'), at(MON, 23))).toBe(true)
    expect(postsSilently(silent, ev('log_entry.created'), at(TUE, 12))).toBe(false)
    expect(postsSilently(silent, ev('machine.status_changed'), at(MON, 23))).toBe(false)
    expect(postsSilently({ quiet_hours: nightly }, ev('log_entry.created'), at(MON, 23))).toBe(false)
    expect((formatDiscord(ev('log_entry.created'), formatCtx({ silent: true })).body as any).flags).toBe(4096)
    expect((formatDiscord(ev('log_entry.created'), formatCtx()).body as any).flags).toBeUndefined()
  })
})
