// The email formatter: subject, threading headers, HTML + text parts for every event type.
import { describe, expect, it } from 'vitest'
import type { EmailMessage } from '../../src/main/core/channels/email/message'
import { formatEmail } from '../../src/main/core/channels/email/message'
import { TEST_NOTICE } from '../../src/main/core/channels/eventView'
import { conversationKey } from '../../src/shared/conversation'
import { EVENT_TYPES, type EventType, type KnockerEvent } from '../../src/shared/events'
import { SAMPLE_EVENTS } from '../../src/shared/samples'
import { formatCtx } from './formatContext'

const ROOT_412 = '<problem-412.flipfix.theflip.museum@knocker>'
const ROOT_398 = '<problem-398.flipfix.theflip.museum@knocker>'

function sample<T extends EventType>(type: T): Extract<KnockerEvent, { event: T }> {
  return structuredClone(SAMPLE_EVENTS[type]) as Extract<KnockerEvent, { event: T }>
}

/** Format as the engine would: the conversation key comes from the event. */
function format(event: KnockerEvent, patch: Parameters<typeof formatCtx>[0] = {}) {
  const prepared = formatEmail(event, formatCtx({ conversation: conversationKey(event), ...patch }))
  return { ...prepared, mail: prepared.body as EmailMessage }
}

describe('email format', () => {
  it('problem_report.created is the root of its conversation', () => {
    const { mail, summary } = format(sample('problem_report.created'))
    expect(mail.subject).toBe('[Flipfix] Eight Ball Deluxe: new problem report #412')
    expect(summary).toBe('Eight Ball Deluxe: new problem report #412')
    expect(mail.headers).toEqual({
      'Message-ID': ROOT_412,
      'Auto-Submitted': 'auto-generated',
      'X-Auto-Response-Suppress': 'All',
      'X-Knocker-Event': 'problem_report.created',
    })
    expect(mail.text).toContain('Eight Ball Deluxe — New problem report\n')
    expect(mail.text).toContain('Location: Museum\nProblem type: Other\nReported by: Anonymous\n')
    expect(mail.text).toContain('\n#1 drop target spring missing\n')
    expect(mail.text).toContain('Open in Flipfix: https://flipfix.theflip.museum/problem-reports/412/')
    expect(mail.html).toContain('<h1 style="margin:4px 0 16px;font-size:20px;line-height:1.3;color:#111">Eight Ball Deluxe — New problem report</h1>')
    expect(mail.html).toMatch(/<th[^>]*>Location<\/th><td[^>]*>Museum<\/td>/)
    expect(mail.html).toMatch(/<th[^>]*>Reported by<\/th><td[^>]*>Anonymous<\/td>/)
    expect(mail.html).toContain('<a href="https://flipfix.theflip.museum/problem-reports/412/" style=')
    expect(mail.html).toContain('>Open in Flipfix</a>')
    // from/to are the endpoint's settings, passed in the format context.
    expect([mail.from, mail.to]).toEqual([null, []])
    const addressed = format(sample('problem_report.created'), {
      settings: { from: 'Knocker <knocker@museum.test>', to: ['ken@museum.test', 'reba@museum.test'] },
    }).mail
    expect([addressed.from, addressed.to]).toEqual(['Knocker <knocker@museum.test>', ['ken@museum.test', 'reba@museum.test']])
  })

  it('closed and reopened reply to the root with the same subject; status is in the body', () => {
    const closed = format(sample('problem_report.closed'), { delivery: { id: 7, eventId: 'problem_report:412:closed:4851', endpointId: 'ep1', createdAt: 0 } })
    expect(closed.mail.subject).toBe('Re: [Flipfix] Eight Ball Deluxe: new problem report #412')
    expect(closed.mail.headers['In-Reply-To']).toBe(ROOT_412)
    expect(closed.mail.headers.References).toBe(ROOT_412)
    expect(closed.mail.headers['Message-ID']).toMatch(/^<delivery-7\.[0-9a-f]{16}\.flipfix\.theflip\.museum@knocker>$/)
    expect(closed.mail.text).toContain('Eight Ball Deluxe — Problem report closed')
    expect(closed.mail.text).toContain('Closed by: Diana')

    const reopened = format(sample('problem_report.reopened'))
    expect(reopened.mail.subject).toBe('Re: [Flipfix] Twilight Zone: new problem report #398')
    expect(reopened.mail.headers['In-Reply-To']).toBe(ROOT_398)
    expect(reopened.mail.text).toContain('Reopened by: ken')
    expect(reopened.mail.text).toContain('Priority: Major')
  })

  it('a log entry linked to a report joins that conversation, with absolute links and no raw markup', () => {
    const { mail } = format(sample('log_entry.created'))
    expect(mail.subject).toBe('Re: [Flipfix] Twilight Zone: new problem report #398')
    expect(mail.headers['In-Reply-To']).toBe(ROOT_398)
    expect(mail.text).toContain('Maintainers: brian, reba')
    expect(mail.text).toContain('Work date: Jul 21, 2026')
    expect(mail.text).toContain('Time spent: 1 h 30 min')
    expect(mail.text).toContain('Problem report: Problem #398 <https://flipfix.theflip.museum/problem-reports/398/> (open)')
    expect(mail.html).toContain('See <a href="https://flipfix.theflip.museum/problem-reports/398/">Problem #398</a> and <a href="https://flipfix.theflip.museum/machines/twilight-zone/">Twilight Zone</a>.')
    for (const part of [mail.text, mail.html]) expect(part).not.toContain('[[')
    // Every link is absolute.
    const hrefs = [...mail.html.matchAll(/href="([^"]*)"/g)].map((m) => m[1])
    expect(hrefs.length).toBe(4)
    expect(hrefs.every((h) => h.startsWith('https://flipfix.theflip.museum/'))).toBe(true)
  })

  it('events outside a report conversation get their own subject and no reply headers', () => {
    const status = format(sample('machine.status_changed')).mail
    expect(status.subject).toBe('[Flipfix] Roto Pool: status Good → Broken')
    expect(status.headers['In-Reply-To']).toBeUndefined()
    expect(status.headers.References).toBeUndefined()
    expect(status.text).toContain('Roto Pool — Status: Good → Broken')
    expect(status.text).toContain('Changed by: Diana')
    expect(format(sample('machine.location_changed')).mail.subject).toBe('[Flipfix] Twilight Zone: location Workshop → Museum')
    expect(format(sample('machine.created')).mail.subject).toBe('[Flipfix] Godzilla: new machine added')
  })

  it('derives the Message-ID from the delivery: stable across retries, unique otherwise', () => {
    const event = sample('machine.created')
    const id = (delivery: { id: number; eventId: string; endpointId: string; createdAt: number }) =>
      format(event, { delivery }).mail.headers['Message-ID']
    const base = { id: 5, eventId: 'machine:M0042:created', endpointId: 'ep1', createdAt: 0 }
    expect(id(base)).toBe(id({ ...base }))
    expect(new Set([id(base), id({ ...base, id: 6 }), id({ ...base, endpointId: 'ep2' }), id({ ...base, eventId: 'x' })]).size).toBe(4)
  })

  it('escapes every piece of user text in the HTML part and keeps it readable in the text part', () => {
    const event = sample('problem_report.created')
    event.machine.short_name = 'Eight <b>Ball</b>'
    event.problem_report.description = 'Flipper <script>alert("x")</script> & co\nsecond line'
    event.problem_report.reporter = { display: '<img src=x onerror=alert(1)>', username: null }
    const { mail } = format(event)
    expect(mail.html).not.toContain('<script>')
    expect(mail.html).not.toContain('<b>')
    expect(mail.html).not.toContain('<img')
    expect(mail.html).toContain('Flipper &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co<br>\nsecond line')
    expect(mail.html).toContain('Eight &lt;b&gt;Ball&lt;/b&gt; — New problem report')
    expect(mail.html).toContain('<title>[Flipfix] Eight &lt;b&gt;Ball&lt;/b&gt;: new problem report #412</title>')
    expect(mail.text).toContain('Flipper <script>alert("x")</script> & co\nsecond line')
    expect(mail.subject).toBe('[Flipfix] Eight <b>Ball</b>: new problem report #412')
    // Only http(s) links become anchors, with the URL and the label escaped: a log entry's
    // link to its problem report, and a [[machine:…]] link in its text (labelled with the name).
    const linked = (problemUrl: string) => {
      const log = sample('log_entry.created')
      log.log_entry.problem_report!.url = problemUrl
      log.machine.short_name = 'a"b'
      log.log_entry.text = `see [[machine:${log.machine.slug}]] now`
      return format(log).mail.html
    }
    const unsafe = linked('javascript:alert(1)')
    expect(unsafe).toMatch(/<td[^>]*>Problem #398 \(open\)<\/td>/)
    expect(unsafe).not.toContain('javascript:')
    const quoted = linked('https://x.test/?a="1"')
    expect(quoted).toContain('<a href="https://x.test/?a=&quot;1&quot;">Problem #398</a> (open)')
    expect(quoted).toContain('see <a href="https://flipfix.theflip.museum/machines/twilight-zone/">a&quot;b</a> now')
  })

  it('keeps huge input reasonable: a 100k description is cut at 200 words', () => {
    const event = sample('problem_report.created')
    event.problem_report.description = 'word '.repeat(20_000)
    expect(event.problem_report.description.length).toBe(100_000)
    const { mail } = format(event)
    const description = mail.text.split('\n').find((line) => line.startsWith('word'))!
    expect(description.split(' ')).toHaveLength(200)
    expect(description.endsWith('word…')).toBe(true)
    expect(mail.text.length).toBeLessThan(2_000)
    expect(mail.html.length).toBeLessThan(6_000)
    // The attribution survives the cut.
    expect(mail.text).toContain('Reported by: Anonymous')
  })

  it('test sends say TEST in subject and body and never join a real conversation', () => {
    for (const type of EVENT_TYPES) {
      const { mail, summary } = format(sample(type), { test: true })
      expect(mail.subject.startsWith('[TEST] [Flipfix] ')).toBe(true)
      expect(summary.startsWith('TEST · ')).toBe(true)
      expect(mail.text.startsWith(`${TEST_NOTICE}\n`)).toBe(true)
      expect(mail.html).toContain(`<strong>${TEST_NOTICE}</strong>`)
      expect(mail.headers['Message-ID']).toMatch(/^<delivery-/)
      expect(mail.headers['In-Reply-To']).toBeUndefined()
    }
    expect(format(sample('problem_report.closed'), { test: true }).mail.subject).toBe(
      '[TEST] [Flipfix] Eight Ball Deluxe: problem report #412 closed by Diana',
    )
  })

  it('caps the subject and keeps root and replies identical for a very long machine name', () => {
    const created = sample('problem_report.created')
    const closed = sample('problem_report.closed')
    for (const e of [created, closed]) {
      e.machine.short_name = null
      e.machine.name = 'M'.repeat(200)
    }
    const root = format(created).mail.subject
    expect(root.length).toBeLessThanOrEqual(180)
    expect(format(closed).mail.subject).toBe(`Re: ${root}`)
  })
})
