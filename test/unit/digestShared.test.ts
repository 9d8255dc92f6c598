// What every digest shares: which channels have one, the count and late wording, the summary,
// and the search for how many events fit.
import { afterAll, describe, expect, it } from 'vitest'
import { fitDigest } from '../../src/main/core/channels/digestFit'
import { digestLateLine, digestSummary, notificationCount } from '../../src/main/core/channels/digestText'
import { channels } from '../../src/main/core/channels/registry'
import { digestItems } from './digestItems'

afterAll(async () => {
  await channels.email.dispose?.()
  await channels.webhook.dispose?.()
})

describe('which channels combine events', () => {
  it('Discord 10, Slack 20, Teams 15, email 50; webhooks never (one signed event per request)', () => {
    expect(channels.discord.digest?.maxItems).toBe(10)
    expect(channels.slack.digest?.maxItems).toBe(20)
    expect(channels.teams.digest?.maxItems).toBe(15)
    expect(channels.email.digest?.maxItems).toBe(50)
    expect(channels.webhook.digest).toBeUndefined()
  })
})

describe('digest wording', () => {
  it('counts notifications', () => {
    expect(notificationCount(1)).toBe('1 notification')
    expect(notificationCount(5)).toBe('5 notifications')
  })

  it('says the longest delay once, "up to" only when several are late', () => {
    expect(digestLateLine(digestItems(3))).toBeNull()
    const items = digestItems(3)
    items[1].ctx.late = { ms: 3 * 3600_000, reason: 'the museum was offline' }
    expect(digestLateLine(items)).toBe('⏱ 3 h late — the museum was offline')
    items[2].ctx.late = { ms: 7 * 60_000, reason: 'Slack was not accepting messages' }
    expect(digestLateLine(items)).toBe('⏱ up to 3 h late — the museum was offline')
  })

  it('summarises by the first event and how many more, shortening only the first', () => {
    expect(digestSummary(1, 'Roto Pool: status Good → Broken')).toBe('1 notification: Roto Pool: status Good → Broken')
    expect(digestSummary(4, 'Roto Pool: status Good → Broken')).toBe('4 notifications: Roto Pool: status Good → Broken and 3 more')
    const long = digestSummary(12, 'x'.repeat(500))
    expect(long).toHaveLength(200)
    expect(long).toMatch(/^12 notifications: x+… and 11 more$/)
  })
})

describe('fitDigest', () => {
  // A message of `count` items of `size` characters each (texts cut to `cap`), within `budget`.
  const sizes = [100, 400, 50, 900, 300]
  const fitsIn = (budget: number) => (count: number, cap: number) =>
    sizes.slice(0, count).reduce((sum, size) => sum + Math.min(size, cap), 0) <= budget

  it('takes as many items as fit at the floor, then the longest cap they allow', () => {
    // at floor 100: 100+100+50+100+100 = 450
    expect(fitDigest(5, 100, 900, fitsIn(450))).toEqual({ included: 5, cap: 100 })
    // all 5 fit; then 100 + c + 50 + c + c ≤ 1000 (c ≤ 300) → c = 283
    expect(fitDigest(5, 100, 900, fitsIn(1000))).toEqual({ included: 5, cap: 283 })
    expect(fitDigest(5, 100, 900, fitsIn(300))).toEqual({ included: 3, cap: 150 })
  })

  it('stops at maxItems, and says when not even the first item fits', () => {
    expect(fitDigest(2, 100, 900, fitsIn(10_000))).toEqual({ included: 2, cap: 900 })
    expect(fitDigest(5, 100, 900, fitsIn(99))).toBeNull()
  })
})
