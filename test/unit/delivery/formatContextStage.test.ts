// The format context stage: the one builder of a FormatContext and its late notice.
import { describe, expect, it } from 'vitest'
import { formatContext, lateNotice, messageItem } from '../../../src/main/core/delivery/formatContext'
import { ATTENTION_ALERT_TYPE } from '../../../src/shared/attentionAlert'
import { SAMPLE_EVENTS } from '../../../src/shared/samples'
import { row, T0 } from './fakes'

const LATE_AFTER_MS = 5 * 60_000
const late = (patch: Partial<Parameters<typeof lateNotice>[0]> = {}) =>
  lateNotice({ delivery: row(), trigger: 'scheduled', kind: 'discord', wasOffline: false, now: T0 + LATE_AFTER_MS, ...patch })

describe('format context stage', () => {
  it('says why a message is late, from what happened to it', () => {
    expect(late({ now: T0 + LATE_AFTER_MS - 1 })).toBeNull()
    expect(late({ trigger: 'test' })).toBeNull()
    expect(late()).toEqual({ ms: LATE_AFTER_MS, reason: 'it waited in the queue' })
    expect(late({ trigger: 'manual' })?.reason).toBe('sent again by hand')
    expect(late({ wasOffline: true })?.reason).toBe('the museum was offline')
    expect(late({ delivery: row({ lastErrorClass: 'timeout' }) })?.reason).toBe('the museum was offline')
    expect(late({ delivery: row({ lastErrorClass: 'rate_limited' }) })?.reason).toBe('Discord was busy')
    expect(late({ delivery: row({ lastErrorClass: 'server_error' }), kind: 'slack' })?.reason).toBe('Slack was not accepting messages')
  })

  it('joins a conversation’s thread, except for test sends', () => {
    const event = SAMPLE_EVENTS['problem_report.created']
    const base = { event, options: { forum: true }, settings: {}, delivery: { id: 1, eventId: event.event_id, endpointId: 'ep_1', createdAt: T0 } }
    const threadOf = (conversation: string) => `thread of ${conversation}`
    const real = formatContext({ ...base, test: false, threadOf })
    expect(real.conversation).toMatch(/^problem:/)
    expect(real.threadId).toBe(`thread of ${real.conversation}`)
    expect(formatContext({ ...base, test: true, threadOf }).threadId).toBeNull()
    expect(formatContext({ ...base, test: false })).not.toHaveProperty('late')
  })

  it('reads Knocker’s own alert as an alert, never as an event', () => {
    const alert = { endpoint_id: 'ep_2', endpoint_name: 'Mail', endpoint_kind: 'email', reason: 'login failed', waiting: 2, at: new Date(T0).toISOString() }
    const made = messageItem({
      delivery: row(),
      stored: { payload: JSON.stringify(alert), isTest: false, eventId: 'alert:ep_2', eventType: ATTENTION_ALERT_TYPE },
      trigger: 'scheduled',
      endpoint: { kind: 'slack', options: {} },
      settings: {},
      threadOf: () => 'never',
      wasOffline: () => false,
      now: T0,
    })
    expect(made).toMatchObject({ event: null, alert, eventType: ATTENTION_ALERT_TYPE, ctx: { conversation: null, threadId: null, late: null } })
  })
})
