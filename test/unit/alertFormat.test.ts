// The attention alert as each destination gets it: the same words everywhere, the endpoint's
// name and the reason made inert like text written by the public.
import { describe, expect, it } from 'vitest'
import { ATTENTION_ALERT_TYPE, type AttentionAlert } from '../../src/shared/attentionAlert'
import { ALERT_COLOR, alertText, waitingLine } from '../../src/main/core/channels/alertText'
import { formatDiscordAlert } from '../../src/main/core/channels/discord/message'
import { formatEmailAlert } from '../../src/main/core/channels/email/message'
import type { EmailMessage } from '../../src/main/core/channels/email'
import { formatSlackAlert } from '../../src/main/core/channels/slack/message'
import { formatTeamsAlert } from '../../src/main/core/channels/teams/message'
import { formatWebhookAlert } from '../../src/main/core/channels/webhook/message'
import { channels } from '../../src/main/core/channels/registry'
import { hostileText } from '../hostile/hostileEvents'
import { discordProblems, emailProblems, slackProblems, teamsProblems } from '../hostile/inspect'
import { createRng } from '../hostile/prng'
import { formatCtx } from './formatContext'

const alert = (patch: Partial<AttentionAlert> = {}): AttentionAlert => ({
  endpoint_id: 'ep_0123456789abcdef',
  endpoint_name: 'Workshop channel',
  endpoint_kind: 'discord',
  reason: 'Discord: Unknown Webhook (10015) — the webhook was deleted; edit the endpoint with a new URL.',
  waiting: 3,
  at: '2026-07-18T19:02:12.000Z',
  ...patch,
})

/** A name and a reason written to ping everyone, restyle the message and inject markup. */
const hostile = alert({
  endpoint_name: '@everyone <@123> **bold** <script>x</script>',
  reason: 'Refused: <!channel> @here [click](https://evil.example) <b>&amp;</b>',
})

const ctx = formatCtx({ delivery: { id: 42, eventId: 'alert:ep_0123456789abcdef:1784401332000', endpointId: 'ep_fallback', createdAt: 1784401332000 } })

describe('alert text', () => {
  it('says what needs attention, why, what is waiting and where to fix it', () => {
    expect(alertText(alert())).toBe(
      'Discord “Workshop channel” needs attention: Discord: Unknown Webhook (10015) — the webhook was deleted; edit the endpoint with a new URL. ' +
        '3 notifications are waiting for it; they go out when it is fixed. Open Knocker → Endpoints.',
    )
  })

  it('counts what is waiting in words', () => {
    expect(waitingLine(0)).toBe('No notifications are waiting for it yet; new ones wait until it is fixed.')
    expect(waitingLine(1)).toBe('1 notification is waiting for it; it goes out when it is fixed.')
    expect(waitingLine(12)).toBe('12 notifications are waiting for it; they go out when it is fixed.')
  })

  it('keeps a long reason to one bounded line', () => {
    const text = alertText(alert({ reason: `${'x'.repeat(5000)}\n\nsecond line` }))
    expect(text.length).toBeLessThan(1300)
    expect(text).not.toContain('\n')
  })

  it('is implemented by every channel', () => {
    for (const channel of Object.values(channels)) {
      const prepared = channel.formatAlert(alert(), ctx)
      expect(prepared.summary).toBe('Discord “Workshop channel” needs attention')
    }
  })
})

describe('Discord alert', () => {
  it('is one orange embed that can ping no one', () => {
    const { body } = formatDiscordAlert(alert(), ctx) as { body: any }
    expect(body.allowed_mentions).toEqual({ parse: [] })
    expect(body.embeds).toHaveLength(1)
    const [embed] = body.embeds
    expect(embed.color).toBe(ALERT_COLOR)
    expect(embed.title).toBe('⚠️ Discord “Workshop channel” needs attention')
    expect(embed.description).toContain('Unknown Webhook (10015)')
    expect(embed.description).toContain('3 notifications are waiting for it; they go out when it is fixed.')
    expect(embed.description).toContain('Open Knocker → Endpoints.')
    expect(embed.timestamp).toBe('2026-07-18T19:02:12.000Z')
    expect(body.thread_name).toBeUndefined()
  })

  it('neutralises mentions and Markdown in the name and the reason', () => {
    const { body } = formatDiscordAlert(hostile, ctx) as { body: any }
    const text = `${body.embeds[0].title}\n${body.embeds[0].description}`
    expect(text).not.toMatch(/@everyone|@here|<@123>/)
    expect(text).toContain('\\*\\*bold\\*\\*')
    expect(text).toContain('\\[click\\]')
  })

  it('opens a thread of its own in a forum channel', () => {
    const { body } = formatDiscordAlert(hostile, formatCtx({ options: { forum: true } })) as { body: any }
    expect(body.thread_name).toMatch(/^Knocker: /)
    expect(body.thread_name).not.toMatch(/@everyone/)
    expect(body.thread_name.length).toBeLessThanOrEqual(100)
  })
})

describe('Slack alert', () => {
  it('is a header, the reason, what is waiting, and a text fallback', () => {
    const { body } = formatSlackAlert(alert(), ctx) as { body: any }
    expect(body.blocks.map((b: any) => b.type)).toEqual(['header', 'section', 'section', 'context'])
    expect(body.blocks[0].text).toMatchObject({ type: 'plain_text', text: '⚠️ Discord “Workshop channel” needs attention' })
    expect(body.blocks[1].text.text).toContain('Unknown Webhook (10015)')
    expect(body.blocks[2].text.text).toContain('3 notifications are waiting for it')
    expect(body.text).toBe(alertText(alert()))
    expect(body).toMatchObject({ unfurl_links: false, unfurl_media: false })
  })

  it('neutralises mentions and links in the name and the reason', () => {
    const { body } = formatSlackAlert(hostile, ctx) as { body: any }
    const all = JSON.stringify(body)
    expect(all).not.toMatch(/<!channel>|<@123>|@here|@everyone/)
    expect(body.blocks[1].text.text).toContain('&lt;!channel&gt;')
    expect(body.text).toContain('&lt;!channel&gt;')
    expect(body.blocks[0].text.text).not.toContain('<@')
  })
})

describe('Teams alert', () => {
  it('is one Adaptive Card in the Workflows envelope', () => {
    const { body } = formatTeamsAlert(alert(), ctx) as { body: any }
    expect(body.type).toBe('message')
    expect(body.summary).toBe(alertText(alert()))
    const card = body.attachments[0].content
    expect(body.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive')
    expect(card.type).toBe('AdaptiveCard')
    expect(card.body[0]).toMatchObject({ text: '⚠️ Discord “Workshop channel” needs attention', color: 'warning' })
    expect(card.body.map((b: any) => b.text).join('\n')).toContain('3 notifications are waiting for it')
  })

  it('escapes Markdown and mention markup in the name and the reason', () => {
    const { body } = formatTeamsAlert(hostile, ctx) as { body: any }
    const texts = body.attachments[0].content.body.map((b: any) => b.text).join('\n')
    expect(texts).toContain('\\*\\*bold\\*\\*')
    expect(texts).toContain('\\<script\\>')
    expect(texts).toContain('\\[click\\]')
  })
})

describe('email alert', () => {
  it('says which endpoint in the subject, and all of it in HTML and text', () => {
    const { body } = formatEmailAlert(alert(), formatCtx({ ...ctx, settings: { from: 'Knocker <k@museum.test>', to: ['ops@museum.test'] } }))
    const mail = body as EmailMessage
    expect(mail.subject).toBe('Knocker: Workshop channel needs attention')
    expect(mail).toMatchObject({ from: 'Knocker <k@museum.test>', to: ['ops@museum.test'] })
    expect(mail.headers['X-Knocker-Event']).toBe(ATTENTION_ALERT_TYPE)
    expect(mail.headers['Auto-Submitted']).toBe('auto-generated')
    expect(mail.headers['Message-ID']).toMatch(/^<alert-42\.[0-9a-f]{16}@knocker>$/)
    for (const part of [mail.text, mail.html]) {
      expect(part).toContain('Unknown Webhook (10015)')
      expect(part).toContain('3 notifications are waiting for it; they go out when it is fixed.')
      expect(part).toContain('Open Knocker → Endpoints.')
    }
  })

  it('keeps the same Message-ID on every retry of one delivery', () => {
    const a = (formatEmailAlert(alert(), ctx).body as EmailMessage).headers['Message-ID']
    const b = (formatEmailAlert(alert({ waiting: 9 }), ctx).body as EmailMessage).headers['Message-ID']
    const other = (formatEmailAlert(alert(), formatCtx({ delivery: { ...ctx.delivery, id: 43 } })).body as EmailMessage).headers['Message-ID']
    expect(a).toBe(b)
    expect(other).not.toBe(a)
  })

  it('escapes the name and the reason in HTML, and keeps the subject on one line', () => {
    const mail = formatEmailAlert(alert({ ...hostile, endpoint_name: 'Ops\r\nBcc: x@evil.example <script>' }), ctx).body as EmailMessage
    expect(mail.html).not.toContain('<script>')
    expect(mail.html).not.toContain('<b>')
    expect(mail.html).toContain('&lt;script&gt;')
    expect(mail.html).toContain('&lt;b&gt;&amp;amp;&lt;/b&gt;')
    expect(mail.subject).not.toMatch(/[\r\n]/)
  })
})

describe('webhook alert', () => {
  it('is the signed envelope with the internal type and the alert as data', () => {
    const prepared = formatWebhookAlert(alert(), ctx)
    expect(prepared.body).toEqual({ type: 'knocker.endpoint_attention', timestamp: new Date(1784401332000).toISOString(), data: alert() })
    expect(prepared.headers?.['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/)
    expect(formatWebhookAlert(alert(), ctx).headers).toEqual(prepared.headers)
  })
})

describe('alerts about endpoints with hostile names and reasons', () => {
  // Endpoint names are typed by a person, reasons quote what a destination answered: both are
  // run through the same checks as the public's text in events.
  function* hostileAlerts() {
    const rng = createRng(20260719)
    for (let i = 0; i < 300; i++) {
      yield alert({ endpoint_name: hostileText(rng, 100, 1), reason: hostileText(rng, 1000, 1), waiting: i % 3 })
    }
  }

  it('Discord, Slack, Teams and email get nothing that pings, opens syntax, calls a template or hides', () => {
    for (const hostileAlert of hostileAlerts()) {
      const what = JSON.stringify(hostileAlert.endpoint_name)
      expect(discordProblems(formatDiscordAlert(hostileAlert, formatCtx({ options: { forum: true } })).body), what).toEqual([])
      expect(slackProblems(formatSlackAlert(hostileAlert, ctx).body), what).toEqual([])
      expect(teamsProblems(formatTeamsAlert(hostileAlert, ctx).body), what).toEqual([])
      expect(emailProblems(formatEmailAlert(hostileAlert, ctx).body as EmailMessage), what).toEqual([])
    }
  })

  it('keeps the Slack header within 150 characters however many "<" the name has', () => {
    const { body } = formatSlackAlert(alert({ endpoint_name: '<'.repeat(100) }), ctx) as { body: any }
    expect(body.blocks[0].text.text.length).toBeLessThanOrEqual(150)
  })
})
