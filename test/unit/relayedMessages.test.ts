// Relayed messages from Discord-compatible sources: how a body is checked (Discord's rules and
// error shapes), how Flipfix's messages are recognised, how each destination renders one
// (Discord as sent with mentions off, the others translated within their limits), and routing.
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { APIEmbed } from 'discord-api-types/v10'
import { channels } from '../../src/main/core/channels/registry'
import { BLOCK_LIMITS, BLOCKS_JSON_BUDGET } from '../../src/main/core/channels/slack/limits'
import { messageBytes, TEAMS_LIMITS } from '../../src/main/core/channels/teams/limits'
import { openDb } from '../../src/main/core/db/openDb'
import { SettingsRepo } from '../../src/main/core/db/settingsRepo'
import { newSourceToken, snowflake } from '../../src/main/core/db/relaySourcesRepo'
import { DiscordError, embedsTextLength, parseExecuteWebhook } from '../../src/main/core/intake/discordBody'
import { routeRelayed } from '../../src/main/core/routing/router'
import { relayLabel, type RelayedBody, type RelayedMessage } from '../../src/shared/relay'
import { endpointRecord } from '../fixtures/endpointRecord'
import { FLIPFIX_PAYLOADS } from '../fixtures/flipfixDiscord'
import { discordProblems, emailProblems, slackProblems, teamsProblems } from '../hostile/inspect'
import { formatCtx } from './formatContext'

/** A fresh install's settings. */
const DEFAULT_SETTINGS = new SettingsRepo(openDb(':memory:', resolve(__dirname, '../../resources/migrations'))).get()

const message = (body: RelayedBody, patch: Partial<RelayedMessage> = {}): RelayedMessage => ({
  message_id: '1300000000000000000',
  source_id: '1299999999999999999',
  source_name: 'Flipfix',
  label: relayLabel(body),
  received_at: '2026-07-18T19:02:11.000Z',
  body,
  notes: [],
  ...patch,
})

function discordError(fn: () => unknown): DiscordError {
  try {
    fn()
  } catch (error) {
    if (error instanceof DiscordError) return error
    throw error
  }
  throw new Error('no error')
}

const HOSTILE: RelayedBody = {
  content: '@everyone <@123456789012345678> <!channel> {{DATE(2020-01-01T00:00:00Z, SHORT)}} <script>alert(1)</script> <at>Ken</at>',
  username: 'Mallory',
  allowed_mentions: { parse: ['everyone' as never, 'users' as never] },
  embeds: [
    {
      title: '@here <@&987654321098765432> [click](javascript:alert(1))',
      description: '@everyone [phish](https://evil.test/) <!here> {{TIME(2020-01-01T00:00:00Z)}} <img src=x onerror=alert(1)>',
      url: 'https://flipfix.theflip.museum/problem-reports/1/',
      fields: [{ name: '<#123456789012345678>', value: '@here & <b>bold</b>' }],
      author: { name: '@everyone', url: 'https://evil.test/a' },
      footer: { text: '<!subteam^S123> footer' },
      image: { url: 'https://evil.test/i.png' },
      timestamp: '2026-07-18T19:00:00Z',
    },
  ],
}

describe("Flipfix's messages are recognised", () => {
  it.each(FLIPFIX_PAYLOADS)('$name → $label', ({ body, label }) => {
    expect(relayLabel(parseExecuteWebhook(body).body)).toBe(label)
  })

  it('anything else is a relayed message', () => {
    expect(relayLabel({ content: 'Uptime Kuma: museum router is down' })).toBe('relayed')
    expect(relayLabel({ embeds: [{ title: '🔧 maintenance window tonight' }] })).toBe('relayed')
  })
})

describe('an execute-webhook body, checked as Discord checks it', () => {
  it('keeps what Knocker relays, drops what it ignores with a note', () => {
    const { body, notes } = parseExecuteWebhook({
      content: 'hi\u0007 there\u202e',
      tts: true,
      components: [{ type: 1, components: [] }],
      flags: 4 | 4096 | 32768,
      embeds: [{ type: 'rich', title: 'T', color: 0xff0000 }],
      unknown_field: 'dropped',
    })
    expect(body).toEqual({ content: 'hi there', flags: 4 | 4096, embeds: [{ title: 'T', color: 0xff0000 }] })
    expect(notes).toEqual([
      'components (buttons, menus) are not relayed',
      'text-to-speech is not relayed',
      'flags other than SUPPRESS_EMBEDS and SUPPRESS_NOTIFICATIONS are ignored',
    ])
  })

  it('answers with Discord’s codes and error trees', () => {
    expect(discordError(() => parseExecuteWebhook({ content: '' })).body).toEqual({ code: 50006, message: 'Cannot send an empty message' })
    expect(discordError(() => parseExecuteWebhook({ embeds: [{ color: 3 }] })).body.code).toBe(50006)
    const tree = discordError(() => parseExecuteWebhook({ embeds: [{ fields: Array.from({ length: 26 }, () => ({ name: 'a', value: 'b' })) }] }))
    expect(tree.status).toBe(400)
    expect(tree.body).toMatchObject({ code: 50035, errors: { embeds: { '0': { fields: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } } } } })
    expect(discordError(() => parseExecuteWebhook({ content: 'x', attachments: [{ id: 0 }] })).body.errors).toHaveProperty('files')
    expect(discordError(() => parseExecuteWebhook({ content: 'x', username: 'Clyde' })).body.errors).toHaveProperty('username')
    expect(discordError(() => parseExecuteWebhook([1, 2])).body.code).toBe(50035)
  })

  it('counts the 6,000 characters across embeds as Discord does', () => {
    const embeds: APIEmbed[] = [{ title: 'a'.repeat(256), description: 'b'.repeat(4096) }, { description: 'c'.repeat(1648) }]
    expect(embedsTextLength(embeds)).toBe(6000)
    expect(parseExecuteWebhook({ embeds }).body.embeds).toHaveLength(2)
    expect(discordError(() => parseExecuteWebhook({ embeds: [...embeds, { title: 'd' }] })).body.errors).toEqual({
      embeds: { _errors: [{ code: 'MAX_EMBED_SIZE_EXCEEDED', message: 'Embed size exceeds maximum size of 6000' }] },
    })
  })
})

describe('source ids and tokens', () => {
  it('look like Discord’s: a 17–19 digit snowflake, a 68-character token', () => {
    const ids = new Set(Array.from({ length: 50 }, () => snowflake(Date.now())))
    expect(ids.size).toBe(50)
    for (const id of ids) expect(id).toMatch(/^\d{17,19}$/)
    expect(newSourceToken()).toMatch(/^[A-Za-z0-9_-]{68}$/)
  })
})

describe('Discord gets the message as sent, mentions off', () => {
  const format = channels.discord.formatRelay

  it('sends content, embeds, name and avatar unchanged, and never widens allowed_mentions', () => {
    const body = { content: 'Hello', username: 'Flipfix', avatar_url: 'https://flipfix.theflip.museum/a.png', embeds: [{ title: '⚠️ Gorgar', color: 1 }] }
    const out = format(message({ ...body, allowed_mentions: { parse: ['everyone' as never] } }), formatCtx()).body
    expect(out).toEqual({ ...body, allowed_mentions: { parse: [] } })
    // The endpoint can post relayed messages under its own name instead.
    expect(format(message(body), formatCtx({ options: { relay_identity: false } })).body).not.toHaveProperty('username')
  })

  it('keeps hostile text inert and within Discord’s limits', () => {
    const out = format(message(HOSTILE), formatCtx()).body as { embeds: APIEmbed[] }
    expect(discordProblems(out)).toEqual([])
    // A maximal message full of mentions still fits after they are made inert.
    const full = {
      embeds: Array.from({ length: 2 }, () => ({ title: '@everyone '.repeat(25), description: '@here '.repeat(455) })),
    }
    expect(embedsTextLength(parseExecuteWebhook(full).body.embeds!)).toBeLessThanOrEqual(6000)
    const fitted = format(message(parseExecuteWebhook(full).body), formatCtx()).body as { embeds: APIEmbed[] }
    expect(embedsTextLength(fitted.embeds)).toBeLessThanOrEqual(6000)
    expect(fitted.embeds.every((e) => e.title!.length <= 256 && e.description!.length <= 4096)).toBe(true)
    expect(discordProblems(fitted)).toEqual([])
  })

  it('says when it is late, names a forum thread only in a forum channel', () => {
    const late = format(message({ content: 'x'.repeat(2000) }), formatCtx({ late: { ms: 2 * 3600_000, reason: 'the museum was offline' } })).body as any
    expect(late.content).toMatch(/^⏱ 2 h late — the museum was offline\n/)
    expect(late.content.length).toBeLessThanOrEqual(2000)
    const threaded = message({ content: 'hi', thread_name: 'Gorgar' })
    expect(format(threaded, formatCtx()).body).not.toHaveProperty('thread_name')
    expect(format(threaded, formatCtx({ options: { forum: true } })).body).toMatchObject({ thread_name: 'Gorgar' })
    expect(format(message({ embeds: [{ title: '⚠️ Roto Pool' }] }), formatCtx({ options: { forum: true } })).body).toMatchObject({ thread_name: '⚠️ Roto Pool' })
  })
})

describe('Slack, Teams, email and webhooks get a faithful translation', () => {
  it('Slack: header, linked title, description with Slack links, fields, image and footer', () => {
    const out = channels.slack.formatRelay(message(FLIPFIX_PAYLOADS[2].body), formatCtx()).body as any
    const text = JSON.stringify(out.blocks)
    expect(out.blocks[0]).toMatchObject({ type: 'header', text: { text: '🔵 🗒️ Roto Pool' } })
    expect(text).toContain('*<https://flipfix.theflip.museum/logs/4831/|🗒️ Roto Pool>*')
    expect(text).toContain('<https://flipfix.theflip.museum/problem-reports/398/|PR #398>')
    expect(out.text).toBe('Flipfix: 🗒️ Roto Pool')
    expect(slackProblems(channels.slack.formatRelay(message(HOSTILE), formatCtx()).body)).toEqual([])
  })

  it('Slack: ten huge embeds fit 50 blocks and the length budget, saying what was left out', () => {
    const embeds = Array.from({ length: 10 }, (_, i) => ({
      title: `Embed ${i}`,
      description: 'd'.repeat(500),
      fields: Array.from({ length: 25 }, (_, j) => ({ name: `f${j}`, value: 'v'.repeat(30) })),
      footer: { text: 'footer' },
    }))
    const out = channels.slack.formatRelay(message({ embeds }), formatCtx()).body as any
    expect(out.blocks.length).toBeLessThanOrEqual(BLOCK_LIMITS.blocks)
    expect(JSON.stringify(out.blocks).length).toBeLessThanOrEqual(BLOCKS_JSON_BUDGET)
    expect(JSON.stringify(out.blocks.at(-1))).toMatch(/more embeds? not shown/)
  })

  it('Teams: one card within 28 KB, nothing that mentions, calls a template or opens a tag', () => {
    const huge = { content: 'c'.repeat(2000), embeds: Array.from({ length: 10 }, () => ({ title: 't', description: 'ü'.repeat(590) })) }
    const out = channels.teams.formatRelay(message(huge), formatCtx())
    expect(messageBytes(out.body)).toBeLessThanOrEqual(TEAMS_LIMITS.messageBytes)
    expect(teamsProblems(channels.teams.formatRelay(message(HOSTILE), formatCtx()).body)).toEqual([])
    const flipfix = JSON.stringify(channels.teams.formatRelay(message(FLIPFIX_PAYLOADS[1].body), formatCtx()).body)
    expect(flipfix).toContain('"type":"Image","url":"https://flipfix.theflip.museum/media/thumbnails/413-1.jpg"')
  })

  it('email: subject from the title, escaped HTML and text parts, the image', () => {
    const out = channels.email.formatRelay(message(FLIPFIX_PAYLOADS[0].body), formatCtx()).body as any
    expect(out.subject).toBe('[Flipfix] ⚠️ Eight Ball Deluxe')
    expect(out.text).toContain('#1 drop target spring missing')
    expect(out.headers['X-Knocker-Event']).toBe('relay.flipfix.problem_report')
    // Discord Markdown's links and bold become HTML; nothing else does.
    const log = channels.email.formatRelay(message(FLIPFIX_PAYLOADS[2].body), formatCtx()).body as any
    expect(log.html).toContain('<a href="https://flipfix.theflip.museum/problem-reports/398/">PR #398</a>')
    const digest = channels.email.formatRelay(message(FLIPFIX_PAYLOADS[3].body), formatCtx()).body as any
    expect(digest.html).toContain('<strong>Moved to the floor</strong>')
    const hostile = channels.email.formatRelay(message(HOSTILE), formatCtx()).body as any
    expect(hostile.html).toContain('[click](javascript:alert(1))')
    expect(emailProblems(hostile)).toEqual([])
    expect(hostile.html).not.toContain('<script>')
  })

  it('webhook: the envelope carries the source, the label and the original payload', () => {
    const body = FLIPFIX_PAYLOADS[3].body as RelayedBody
    const out = channels.webhook.formatRelay(message(body), formatCtx())
    expect(out.body).toMatchObject({
      type: 'relay.flipfix.digest',
      data: { source: { id: '1299999999999999999', name: 'Flipfix' }, label: 'flipfix.digest', payload: body },
    })
    expect(out.headers!['webhook-id']).toBeTruthy()
  })
})

describe('routing by the source’s subscription', () => {
  const endpoint = endpointRecord
  const routes = [
    { endpoint_id: 'all', labels: ['flipfix.problem_report', 'flipfix.nightly_report', 'relayed'] as const },
    { endpoint_id: 'board', labels: ['flipfix.nightly_report'] as const },
    { endpoint_id: 'deleted', labels: ['relayed'] as const },
  ].map((r) => ({ ...r, labels: [...r.labels] }))

  it('sends each label only to the endpoints that take it; switches hold it back', () => {
    const eps = [endpoint('all'), endpoint('board', { enabled: false }), endpoint('other')]
    expect(routeRelayed('flipfix.problem_report', DEFAULT_SETTINGS, routes, eps)).toEqual([{ endpointId: 'all', status: 'pending' }])
    expect(routeRelayed('flipfix.nightly_report', DEFAULT_SETTINGS, routes, eps).map((r) => [r.endpointId, r.status])).toEqual([
      ['all', 'pending'],
      ['board', 'suppressed'],
    ])
    expect(routeRelayed('flipfix.digest', DEFAULT_SETTINGS, routes, eps)).toEqual([])
    const off = routeRelayed('relayed', { ...DEFAULT_SETTINGS, delivery_enabled: false }, routes, eps)
    expect(off).toEqual([{ endpointId: 'all', status: 'suppressed', reason: expect.stringMatching(/master switch/) }])
  })
})
