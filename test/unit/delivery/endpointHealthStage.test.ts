// The endpoint health stage: refusal streaks, flags, fallback alerts, cleared flags.
import { describe, expect, it } from 'vitest'
import type { Outcome } from '../../../src/main/core/channels/types'
import { EndpointHealth } from '../../../src/main/core/delivery/endpointHealth'
import { T0 } from './fakes'

function health() {
  const calls: string[] = []
  let flagged = false
  const stage = new EndpointHealth({
    isFlagged: () => flagged,
    clearFlag: (id) => (calls.push(`clear ${id}`), (flagged = false)),
    disable: (id) => calls.push(`disable ${id}`),
    flag: (id, reason, _now, { alertFallback }) => {
      calls.push(`flag ${id}: ${reason}${alertFallback ? ' (alert)' : ''}`)
      const newlyFlagged = !flagged
      flagged = true
      return { newlyFlagged, alertDeliveryId: alertFallback && newlyFlagged ? 99 : null }
    },
    onAttention: (e) => calls.push(`attention ${e.name}`),
    onAlertQueued: () => calls.push('kick'),
    warn: () => undefined,
  })
  return { stage, calls }
}
/** Refused messages in a row that flag an endpoint. */
const PERMANENT_FAILURES_TO_PAUSE = 3
const endpoint = { id: 'ep_1', name: 'Front desk' }
const refused: Outcome = { result: 'permanent', errorClass: 'rejected', message: 'Discord rejected the message.', flagEndpoint: false }

describe('endpoint health stage', () => {
  it('flags after several refused messages in a row, alerting the fallback once', () => {
    const { stage, calls } = health()
    for (let i = 1; i < PERMANENT_FAILURES_TO_PAUSE; i++) stage.after(endpoint, refused, 'scheduled', T0, false)
    expect(calls).toEqual([])
    stage.after(endpoint, refused, 'scheduled', T0, false)
    expect(calls).toEqual(['flag ep_1: 3 messages in a row were refused; the last: Discord rejected the message. (alert)', 'attention Front desk', 'kick'])
  })

  it('a delivered message resets the streak; network trouble and tests never count', () => {
    const { stage, calls } = health()
    stage.after(endpoint, refused, 'scheduled', T0, false)
    stage.after(endpoint, refused, 'scheduled', T0, false)
    stage.after(endpoint, { result: 'delivered' }, 'scheduled', T0, false)
    stage.after(endpoint, { result: 'retry', errorClass: 'network', message: 'ECONNRESET' }, 'scheduled', T0, false)
    stage.after(endpoint, refused, 'test', T0, false)
    stage.after(endpoint, refused, 'scheduled', T0, false)
    expect(calls).toEqual([])
  })

  it('an unmistakable error flags at once; a 410 also switches the endpoint off; a failed alert alerts no one', () => {
    const { stage, calls } = health()
    stage.after(endpoint, { ...refused, flagEndpoint: true, disableEndpoint: true, message: 'Gone.' }, 'scheduled', T0, true)
    expect(calls).toEqual(['disable ep_1', 'flag ep_1: Gone.', 'attention Front desk'])
  })

  it('a person’s successful retry or test clears the flag; a scheduled success does not need to', () => {
    const { stage, calls } = health()
    stage.after(endpoint, { ...refused, flagEndpoint: true }, 'scheduled', T0, false)
    calls.length = 0
    stage.after(endpoint, { result: 'delivered' }, 'manual', T0, false)
    expect(calls).toEqual(['clear ep_1'])
  })
})
