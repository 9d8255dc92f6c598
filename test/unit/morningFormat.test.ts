// The morning report in each destination's format, within each one's limits: a small report
// whole, a museum-sized one cut with "…and N more" (never rejected), names made inert.
import { describe, expect, it } from 'vitest'
import { formatDiscordMorning } from '../../src/main/core/channels/discord/morningMessage'
import { EMBED_LIMITS, embedTextLength } from '../../src/main/core/channels/discord/limits'
import { formatEmailMorning } from '../../src/main/core/channels/email/morningMessage'
import { formatSlackMorning } from '../../src/main/core/channels/slack/morningMessage'
import { BLOCK_LIMITS, BLOCKS_JSON_BUDGET } from '../../src/main/core/channels/slack/limits'
import { formatTeamsMorning } from '../../src/main/core/channels/teams/morningMessage'
import { TEAMS_LIMITS } from '../../src/main/core/channels/teams/limits'
import { formatWebhookMorning } from '../../src/main/core/channels/webhook/morningMessage'
import { MAX_BODY_BYTES } from '../../src/main/core/channels/webhook/payloadLimit'
import { buildMorningReport } from '../../src/main/core/morning/buildMorningReport'
import type { MachineRow, ReportRow } from '../../src/main/core/morning/machineHealthProjection'
import { sampleMorningReport } from '../../src/main/core/morning/sampleMorningReport'
import { MorningReportSchema, type MorningReport } from '../../src/shared/morningReport'
import { validatePayload } from '../mocks/discordLimits'
import { formatCtx } from './formatContext'

const NOW = new Date(2026, 6, 22, 7, 0).getTime()
const DAY = 24 * 3600_000
const ZONES = ['front', 'workshop', 'storage', 'hidden']
const bytes = (body: unknown) => Buffer.byteLength(JSON.stringify(body), 'utf8')

/** A museum far larger than the real one: 400 machines, 600 open reports with long texts. */
function hugeReport(): MorningReport {
  const machines: MachineRow[] = Array.from({ length: 400 }, (_, i) => ({
    assetId: `M${String(i).padStart(4, '0')}`,
    name: `${i === 0 ? '@everyone **Bold** [x](https://evil.example) ' : ''}Machine with a rather long name number ${i} ${'x'.repeat(60)}`,
    shortName: null,
    url: `https://flipfix.theflip.museum/machines/m${i}/`,
    siteUrl: 'https://flipfix.theflip.museum',
    status: ['broken', 'fixing', 'unknown', 'good'][i % 4],
    locationName: 'Somewhere',
    zone: ZONES[i % 4],
    zoneSince: NOW - 40 * DAY,
    lastWorkAt: NOW - 20 * DAY,
    observedAt: NOW - DAY,
  }))
  const openReports: ReportRow[] = Array.from({ length: 600 }, (_, i) => ({
    id: 1000 + i,
    assetId: machines[i % 200].assetId,
    status: 'open',
    priority: ['unplayable', 'major', 'minor', 'task', 'untriaged'][i % 5],
    priorityLabel: 'Label',
    title: `<script>alert(1)</script> @here report ${i} ${'y'.repeat(100)}`,
    reporter: i % 2 ? 'Diana' : null,
    url: `https://flipfix.theflip.museum/problem-reports/${1000 + i}/`,
    openedAt: NOW - (i % 30) * DAY,
    observedAt: NOW,
  }))
  return buildMorningReport({ machines, openReports, workOn: () => ({ entries: 12, machines: 5 }), now: NOW, onDemand: false })
}

const small = () => sampleMorningReport(NOW)

/** The host app sending a made-up zone for every machine. */
function manyZones(): MorningReport {
  const report = hugeReport()
  const zones = Array.from({ length: 400 }, (_, i) => ({ ...report.zones[0], zone: `zone ${i} ${'z'.repeat(40)}`, label: `zone ${i} ${'z'.repeat(40)}` }))
  return { ...report, zones }
}
const late = { ms: 2 * 3600_000 + 30 * 60_000, reason: 'Knocker was not running at its time' }

describe('Discord', () => {
  it('a small report whole: headline, four embeds, links, no mention possible', () => {
    const { body, summary } = formatDiscordMorning(small(), formatCtx()) as { body: any; summary: string }
    expect(body.content).toBe('**☀️ Morning report · Wednesday 22 July**')
    expect(body.embeds.map((e: any) => e.title)).toEqual(['Machine health by zone', 'Open problem reports', 'Workshop repairs stalled over 14 days', "Yesterday's work"])
    expect(body.embeds[1].description).toContain('[Solenoids not firing, fuse blown](https://flipfix.theflip.museum/problem-reports/398/) — Unplayable, 6 days · Diana')
    expect(body.embeds[2].description).toContain('[Twilight Zone](https://flipfix.theflip.museum/machines/twilight-zone/) — no work for 23 days')
    expect(JSON.stringify(body)).not.toContain('more')
    expect(body.allowed_mentions).toEqual({ parse: [] })
    expect(summary).toBe('Morning report 2026-07-22: 3 broken, 5 open reports, 1 stalled repair, 4 log entries yesterday')
  })

  it('a huge report fits 4,096 per description and 6,000 in all, ending lists in "…and N more"', () => {
    const { body } = formatDiscordMorning(hugeReport(), formatCtx({ late, silent: true })) as { body: any }
    for (const e of body.embeds) expect(e.description.length).toBeLessThanOrEqual(EMBED_LIMITS.description)
    expect(body.embeds.reduce((n: number, e: any) => n + embedTextLength(e), 0)).toBeLessThanOrEqual(EMBED_LIMITS.total)
    expect(body.embeds[1].description).toMatch(/…and \d+ more machines$/)
    expect(validatePayload(body)).toBeNull() // the Discord mock's own limits
    expect(body.content).toContain('⏱ 2 h 30 min late — Knocker was not running at its time')
    expect(body.flags).toBe(4096)
    const text = JSON.stringify(body)
    expect(text).not.toMatch(/@(everyone|here)/)
    expect(text).toContain('\\\\*\\\\*Bold\\\\*\\\\*')
  })

  it('a forum channel: the report opens a thread of its own', () => {
    const { body } = formatDiscordMorning(small(), formatCtx({ options: { forum: true } })) as { body: any }
    expect(body.thread_name).toBe('☀️ Morning report · Wednesday 22 July')
  })
})

describe('Slack', () => {
  it('a small report whole, a huge one within the section and message limits', () => {
    const whole = formatSlackMorning(small(), formatCtx()).body as any
    expect(whole.blocks.map((b: any) => b.type)).toEqual(['header', 'section', 'section', 'section', 'section'])
    expect(whole.blocks[2].text.text).toContain('<https://flipfix.theflip.museum/problem-reports/412/|#1 drop target spring missing> — Untriaged, today · Visitor')
    const huge = formatSlackMorning(hugeReport(), formatCtx({ late })).body as any
    expect(bytes(huge.blocks)).toBeLessThanOrEqual(BLOCKS_JSON_BUDGET)
    for (const b of huge.blocks.filter((x: any) => x.type === 'section')) expect(b.text.text.length).toBeLessThanOrEqual(BLOCK_LIMITS.sectionText)
    expect(huge.blocks[1]).toMatchObject({ type: 'context', block_id: 'late' })
    expect(JSON.stringify(huge)).toMatch(/…and \d+ more machines/)
    expect(JSON.stringify(huge)).not.toContain('<script>')
    expect(huge.unfurl_links).toBe(false)
  })
})

describe('Teams', () => {
  it("a huge report within Teams' 28 KB, lists cut", () => {
    const { body } = formatTeamsMorning(hugeReport(), formatCtx({ late }))
    expect(bytes(body)).toBeLessThanOrEqual(TEAMS_LIMITS.messageBytes)
    expect(JSON.stringify(body)).toMatch(/…and \d+ more/)
    const whole = JSON.stringify(formatTeamsMorning(small(), formatCtx()).body)
    expect(whole).toContain('Workshop repairs stalled over 14 days')
    expect(whole).not.toContain('more')
  })
})

describe('signed webhook', () => {
  it('the report as data, whole when it fits', () => {
    const report = small()
    const { body, headers } = formatWebhookMorning(report, formatCtx()) as { body: any; headers: Record<string, string> }
    expect(body).toEqual({ type: 'knocker.morning_report', timestamp: new Date(formatCtx().delivery.createdAt).toISOString(), data: report })
    expect(MorningReportSchema.parse(body.data)).toEqual(report)
    expect(headers['webhook-id']).toBeTruthy()
  })

  it('a huge report under 20 KB; `omitted` counts exactly what the lists left out', () => {
    const report = hugeReport()
    const { body } = formatWebhookMorning(report, formatCtx({ late })) as { body: any }
    expect(bytes(body)).toBeLessThanOrEqual(MAX_BODY_BYTES)
    expect(body.late).toEqual({ ms: late.ms, reason: late.reason })
    const kept = body.data as MorningReport
    expect(kept.open_reports.length + body.omitted.open_reports).toBe(report.open_reports.length)
    expect(kept.stalled.length + body.omitted.stalled).toBe(report.stalled.length)
    const zoneMachines = (r: MorningReport) => r.zones.reduce((n, z) => n + z.machines.length, 0)
    expect(zoneMachines(kept) + body.omitted.zone_machines).toBe(zoneMachines(report))
    expect(kept.zones.map((z) => z.counts)).toEqual(report.zones.map((z) => z.counts))
  })
})

describe('many made-up zones', () => {
  it('are cut like any list, in every destination', () => {
    const report = manyZones()
    const discord = formatDiscordMorning(report, formatCtx()).body as any
    expect(validatePayload(discord)).toBeNull()
    expect(discord.embeds[0].description).toMatch(/…and \d+ more zones$/)
    const slack = formatSlackMorning(report, formatCtx()).body as any
    expect(bytes(slack.blocks)).toBeLessThanOrEqual(BLOCKS_JSON_BUDGET)
    expect(bytes(formatTeamsMorning(report, formatCtx()).body)).toBeLessThanOrEqual(TEAMS_LIMITS.messageBytes)
    const hook = formatWebhookMorning(report, formatCtx()).body as any
    expect(bytes(hook)).toBeLessThanOrEqual(MAX_BODY_BYTES)
    expect(hook.data.zones.length + hook.omitted.zones).toBe(400)
  })
})

describe('email', () => {
  it('HTML and plain text, escaped, lists capped', () => {
    const { body } = formatEmailMorning(hugeReport(), formatCtx({ settings: { from: 'Knocker <k@museum.example>', to: ['m@museum.example'] }, late })) as { body: any }
    expect(body.subject).toBe('Knocker: morning report, Wednesday 22 July')
    expect(body.headers).toMatchObject({ 'X-Knocker-Event': 'knocker.morning_report', 'Auto-Submitted': 'auto-generated' })
    expect(body.html).not.toContain('<script>')
    expect(body.html).toContain('&lt;script&gt;')
    expect(body.text).toContain('Open problem reports')
    expect(body.text).toMatch(/…and \d+ more machines/)
    expect(body.text).toContain('⏱ 2 h 30 min late — Knocker was not running at its time')
    expect(body.to).toEqual(['m@museum.example'])
  })
})
