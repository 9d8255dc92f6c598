// Email digests: one mail, a section per event as its own mail shows it, a Message-ID of its own.
import { describe, expect, it } from 'vitest'
import { emailChannel } from '../../src/main/core/channels/email'
import { formatEmail, type EmailMessage } from '../../src/main/core/channels/email/message'
import type { DigestItem } from '../../src/main/core/channels/types'
import { conversationKey } from '../../src/shared/conversation'
import { digestItems, drain, HOSTILE, machineName, type DigestMessage } from './digestItems'

const digest = emailChannel.digest!
const mailOf = (message: DigestMessage) => message.body as EmailMessage
const MESSAGE_ID = /^<digest-(\d+)\.[0-9a-f]{16}\.flipfix\.theflip\.museum@knocker>$/

/** The event's own mail, as text before the footer and as the HTML card. */
function singleParts(item: DigestItem) {
  const mail = formatEmail(item.event, { ...item.ctx, late: null, test: false }).body as EmailMessage
  const card = /<div style="max-width:600px;margin:0 auto;background:#ffffff[\s\S]*?\n<\/div>/.exec(mail.html)![0]
  return { text: mail.text.split('\n\n-- \n')[0], card }
}

/** Where each event's title first appears, in the order the events were given. */
const positions = (text: string, count: number) => Array.from({ length: count }, (_, i) => text.indexOf(`${machineName(i)} — `))

describe('Email digest: counts and shape', () => {
  it('takes up to 50 events per mail', () => {
    expect(digest.maxItems).toBe(50)
  })

  it('1 event: its own mail\'s text and card, under a digest subject and Message-ID', () => {
    const items = digestItems(1)
    items[0].ctx.settings = { from: 'Knocker <knocker@museum.test>', to: ['ken@museum.test'] }
    const message = digest.format(items)
    const mail = mailOf(message)
    expect(message.included).toBe(1)
    expect(mail.subject).toBe('[Flipfix] 1 notification')
    expect(Object.keys(mail.headers)).toEqual(['Message-ID', 'Auto-Submitted', 'X-Auto-Response-Suppress', 'X-Knocker-Event'])
    expect(mail.headers['Message-ID']).toMatch(MESSAGE_ID)
    expect(MESSAGE_ID.exec(mail.headers['Message-ID'])![1]).toBe('100')
    expect(mail.headers['X-Knocker-Event']).toBe('digest')
    expect([mail.from, mail.to]).toEqual(['Knocker <knocker@museum.test>', ['ken@museum.test']])
    const single = singleParts(items[0])
    expect(mail.text).toContain(single.text)
    expect(mail.html).toContain(single.card)
    expect(mail.text.startsWith('1 notification from Flipfix\n')).toBe(true)
    expect(mail.text.endsWith('\n-- \nAutomatic notification from Flipfix, sent by Knocker.\n')).toBe(true)
    expect(message.summary).toBe('1 notification: Machine 1: new problem report #412')
  })

  it('3, 10 and 11 events: one mail, every section in order', () => {
    for (const count of [3, 10, 11]) {
      const items = digestItems(count)
      const message = digest.format(items)
      const mail = mailOf(message)
      expect(message.included).toBe(count)
      expect(mail.subject).toBe(`[Flipfix] ${count} notifications`)
      for (const part of [mail.text, mail.html]) {
        const at = positions(part, count)
        expect(at.every((p) => p > 0)).toBe(true)
        expect([...at].sort((a, b) => a - b)).toEqual(at)
      }
      for (const item of items) {
        expect(mail.text).toContain(singleParts(item).text)
        expect(mail.html).toContain(singleParts(item).card)
      }
    }
  })

  it('many large events: 50 per mail, nothing lost, order kept', () => {
    const items = digestItems(61, { large: true })
    const messages = drain(digest, items)
    expect(messages.map((m) => m.included)).toEqual([50, 11])
    const seen = messages.flatMap((m) => {
      const text = mailOf(m).text
      return Array.from({ length: 61 }, (_, i) => i).filter((i) => text.includes(`\n${machineName(i)} — `))
    })
    expect(seen).toEqual(items.map((_, i) => i))
    // The second mail starts where the first stopped, with its own Message-ID.
    expect(MESSAGE_ID.exec(mailOf(messages[1]).headers['Message-ID'])![1]).toBe('150')
  })
})

describe('Email digest: threading', () => {
  it('joins no conversation, even when its events belong to one', () => {
    const items = digestItems(3).map((item) => ({ ...item, ctx: { ...item.ctx, conversation: conversationKey(item.event) } }))
    const mail = mailOf(digest.format(items))
    expect(mail.headers['In-Reply-To']).toBeUndefined()
    expect(mail.headers.References).toBeUndefined()
    expect(mail.subject).not.toMatch(/^Re: /)
  })

  it('the Message-ID is the same on a retry of the same deliveries, different for any other set', () => {
    const items = digestItems(5)
    const first = digest.format(items)
    const retry = digest.format(structuredClone(items))
    expect(JSON.stringify(retry.body)).toBe(JSON.stringify(first.body))
    const id = mailOf(first).headers['Message-ID']
    expect(mailOf(digest.format(items.slice(0, 4))).headers['Message-ID']).not.toBe(id)
    const renumbered = digestItems(5, { firstId: 101 })
    expect(mailOf(digest.format(renumbered)).headers['Message-ID']).not.toBe(id)
    const otherEndpoint = items.map((item) => ({ ...item, ctx: { ...item.ctx, delivery: { ...item.ctx.delivery, endpointId: 'ep_other' } } }))
    expect(mailOf(digest.format(otherEndpoint)).headers['Message-ID']).not.toBe(id)
  })
})

describe('Email digest: late, test and hostile text', () => {
  it('says at the top how late and why; each section how late it is; the subject stays', () => {
    const items = digestItems(3, { late: { ms: 2 * 3600_000 + 11 * 60_000, reason: 'the museum was offline' } })
    const mail = mailOf(digest.format(items))
    expect(mail.subject).toBe('[Flipfix] 3 notifications')
    expect(mail.text.startsWith('3 notifications from Flipfix\n⏱ up to 2 h 11 min late — the museum was offline\n')).toBe(true)
    expect(mail.text).toContain('⏱ 2 h 11 min late\n\nMachine 1 — ')
    expect(mail.text).toContain('⏱ 2 h 11 min late\n\nMachine 3 — ') // 2 s less: still 2 h 11 min
    expect(mail.text.split('the museum was offline').length - 1).toBe(1)
    const top = mail.html.indexOf('⏱ up to 2 h 11 min late — the museum was offline</p>')
    expect(top).toBeGreaterThan(0)
    expect(top).toBeLessThan(mail.html.indexOf('Machine 1 — '))
  })

  it('test events: [TEST] subject, the TEST notice once, TEST: titles', () => {
    const items = digestItems(2).map((item) => ({ ...item, ctx: { ...item.ctx, test: true } }))
    const mail = mailOf(digest.format(items))
    expect(mail.subject).toBe('[TEST] [Flipfix] 2 notifications')
    expect(mail.text.split('🧪 TEST').length - 1).toBe(1)
    expect(mail.html.split('🧪 TEST').length - 1).toBe(1)
    expect(mail.text).toContain('\nTEST: Machine 1 — New problem report\n')
  })

  it('escapes every piece of public text in the HTML part', () => {
    const items = digestItems(7, { hostile: true, late: { ms: 600_000, reason: '<img src=x onerror=alert(1)>' } })
    const mail = mailOf(digest.format(items))
    expect(mail.html).not.toMatch(/<script|<img/)
    expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(mail.html).toContain('&lt;img src=x onerror=alert(1)&gt;')
    expect(mail.text).toContain(HOSTILE)
  })

  it('an empty digest is refused', () => {
    expect(() => digest.format([])).toThrow(/at least one/)
  })
})
