// Today's messages, byte for byte: every destination × every event type (live, test, late,
// silent, Discord's forum and edit variants, public text that tries to ping or inject markup)
// and a digest of every event type, compared with the files under test/fixtures/golden/.
// Endpoints without message customisation must keep sending exactly these.
// UPDATE_GOLDEN=1 writes the files instead (only when a message is meant to change).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { describe, expect, it } from 'vitest'
import { channels } from '../../src/main/core/channels/registry'
import type { FormatContext, PreparedRequest } from '../../src/main/core/channels/types'
import { ENDPOINT_KINDS, SAMPLE_SETTINGS } from '../../src/shared/endpointKinds'
import { EVENT_TYPES, type KnockerEvent } from '../../src/shared/events'
import { SAMPLE_EVENTS } from '../../src/shared/samples'
import { digestItems, HOSTILE } from './digestItems'
import { formatCtx } from './formatContext'

const GOLDEN = new URL('../fixtures/golden/', import.meta.url)
const update = process.env.UPDATE_GOLDEN === '1'

function hostile(event: KnockerEvent): KnockerEvent {
  const copy = structuredClone(event)
  copy.machine.name = HOSTILE
  copy.machine.short_name = null
  copy.machine.location = { name: HOSTILE, slug: 'l', zone: 'front' }
  if (copy.actor) copy.actor = { ...copy.actor, display_name: HOSTILE }
  if (copy.problem_report) {
    copy.problem_report.description = HOSTILE
    copy.problem_report.priority = 'major'
    copy.problem_report.priority_label = HOSTILE
    copy.problem_report.reporter = { display: HOSTILE, username: null }
  }
  if (copy.log_entry) copy.log_entry = { ...copy.log_entry, text: HOSTILE, auto_generated: false }
  return copy
}

interface Case {
  name: string
  ctx: Partial<FormatContext>
  event?: (event: KnockerEvent) => KnockerEvent
}

const CASES: Case[] = [
  { name: 'live', ctx: {} },
  { name: 'test', ctx: { test: true } },
  { name: 'late', ctx: { late: { ms: 2 * 3600_000 + 11 * 60_000, reason: 'the museum was offline' } } },
  { name: 'silent', ctx: { silent: true } },
  { name: 'hostile', ctx: {}, event: hostile },
]
const DISCORD_CASES: Case[] = [
  { name: 'forum-opens-thread', ctx: { options: { forum: true } } },
  { name: 'forum-in-thread', ctx: { options: { forum: true }, threadId: '1234567890' } },
]

function serialise(prepared: PreparedRequest | (PreparedRequest & { included: number })): string {
  return `${JSON.stringify(prepared, null, 2)}\n`
}

function expectGolden(name: string, actual: string): void {
  const file = new URL(name, GOLDEN)
  if (update) {
    mkdirSync(dirname(file.pathname), { recursive: true })
    writeFileSync(file, actual)
    return
  }
  expect(existsSync(file), `${name} is missing: run with UPDATE_GOLDEN=1 once`).toBe(true)
  expect(actual).toBe(readFileSync(file, 'utf8'))
}

describe.each(ENDPOINT_KINDS)('golden %s messages', (kind) => {
  const channel = channels[kind]
  const cases = kind === 'discord' ? [...CASES, ...DISCORD_CASES] : CASES
  for (const c of cases) {
    it.each(EVENT_TYPES)(`${c.name} %s`, (type) => {
      const event = (c.event ?? ((e) => e))(SAMPLE_EVENTS[type])
      const ctx = formatCtx({ settings: SAMPLE_SETTINGS[kind], ...c.ctx, delivery: { ...formatCtx().delivery, eventId: event.event_id } })
      expectGolden(`${kind}/${c.name}/${type}.json`, serialise(channel.format(event, ctx)))
    })
  }

  if (channel.formatEdit) {
    it.each(['problem_report.closed', 'problem_report.reopened'] as const)('edit %s', (type) => {
      const ctx = formatCtx({ settings: SAMPLE_SETTINGS[kind] })
      expectGolden(`${kind}/edit/${type}.json`, serialise(channel.formatEdit!(SAMPLE_EVENTS[type], ctx)))
    })
  }

  if (channel.digest) {
    it.each([
      ['every-type', {}],
      ['hostile', { hostile: true }],
      ['late', { late: { ms: 3 * 3600_000, reason: 'the museum was offline' } }],
    ] as const)('digest %s', (name, options) => {
      const items = digestItems(EVENT_TYPES.length, options).map((item) => ({ ...item, ctx: { ...item.ctx, settings: SAMPLE_SETTINGS[kind] } }))
      expectGolden(`${kind}/digest/${name}.json`, serialise(channel.digest!.format(items)))
    })
  }
})
