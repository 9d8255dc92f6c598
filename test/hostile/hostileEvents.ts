// Valid events whose every free-text field is full of what the public might type to ping
// people, restyle a message or smuggle markup: mentions of every destination, link syntax,
// HTML, template functions, control and bidi characters. Intake must accept them (they are
// valid) and every destination must deliver them harmlessly.
import { EventSchema, type EventType, type KnockerEvent } from '../../src/shared/events'
import { SAMPLE_EVENTS } from '../../src/shared/samples'
import type { Rng } from './prng'

export const HOSTILE_SNIPPETS = [
  '@everyone',
  '@here',
  '@channel',
  'hey @everyone!',
  '<@123456789012345678>',
  '<@!123456789012345678>',
  '<@&987654321098765432>',
  '<#555555555555555555>',
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '<@U024BE7LH>',
  '<#C024BE7LR|general>',
  '<!subteam^SAZ94GDB8>',
  '<https://evil.example/|Click me>',
  '<mailto:boss@evil.example|mail me>',
  '[Free money](https://evil.example/)',
  '[x](javascript:alert(1))',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<a href="https://evil.example">y</a>',
  '"><b>',
  '<at>everyone</at>',
  '{{DATE(2026-01-01T00:00:00Z, SHORT)}}',
  '${secret}',
  '**bold** __under__ ~~gone~~ `code` ||spoiler||',
  '# Heading',
  '-# subtext',
  '> quote',
  '- item',
  '1. first',
  '\u0000',
  '\u0007',
  '\u001b[31mred',
  '\u202eevil\u202c',
  '\u2066iso\u2069',
  '\r\nBcc: victim@example.org',
  '&amp; &lt; &#x3C;',
  '\\',
  '"\'',
  '💥',
  'Ω',
  'https://evil.example/a|b>c',
]

/** 1–6 snippets, glued with spaces, newlines or nothing, cut to maxChars (never splitting a pair). */
export function hostileText(rng: Rng, maxChars: number, minChars = 0): string {
  const parts: string[] = []
  const count = rng.int(1, 6)
  for (let i = 0; i < count; i++) parts.push(rng.pick(HOSTILE_SNIPPETS), rng.pick([' ', '\n', '', ' ']))
  let text = parts.join('')
  if (text.length > maxChars) {
    let end = maxChars
    const last = text.charCodeAt(end - 1)
    if (last >= 0xd800 && last <= 0xdbff) end -= 1
    text = text.slice(0, end)
  }
  return text.length >= minChars ? text : text.padEnd(minChars, 'x')
}

/** A sample event of `type` (a fresh event_id) with hostile text in every free-text field. */
export function hostileEvent(rng: Rng, type: EventType, eventId: string): KnockerEvent {
  const event = structuredClone(SAMPLE_EVENTS[type]) as any
  event.event_id = eventId
  const m = event.machine
  m.name = hostileText(rng, 200, 1)
  m.short_name = rng.chance(0.5) ? hostileText(rng, 30) : null
  m.asset_id = hostileText(rng, 50)
  m.operational_status_label = hostileText(rng, 50)
  if (m.location) m.location = { ...m.location, name: hostileText(rng, 200), zone: hostileText(rng, 50) }
  if (event.actor) event.actor = { ...event.actor, username: hostileText(rng, 150), display_name: hostileText(rng, 300) }
  const report = event.problem_report
  if (report) {
    report.description = hostileText(rng, 100_000)
    report.problem_type_label = hostileText(rng, 100)
    report.priority = rng.pick(['untriaged', 'major', hostileText(rng, 50)])
    report.priority_label = hostileText(rng, 100)
    report.reporter = { display: hostileText(rng, 300), username: rng.chance(0.5) ? hostileText(rng, 150) : null }
  }
  const log = event.log_entry
  if (log) {
    log.text = hostileText(rng, 100_000)
    log.auto_generated = rng.chance(0.3)
    log.maintainer_names = hostileText(rng, 1000)
    log.maintainers = Array.from({ length: rng.int(0, 3) }, () => ({
      username: hostileText(rng, 150),
      display_name: hostileText(rng, 300),
    }))
  }
  if (event.change) {
    event.change = {
      ...event.change,
      from: hostileText(rng, 200),
      from_label: hostileText(rng, 200),
      to: hostileText(rng, 200),
      to_label: hostileText(rng, 200),
    }
  }
  const parsed = EventSchema.safeParse(event)
  if (!parsed.success) throw new Error(`hostileEvent built an invalid event: ${parsed.error.message}`)
  return parsed.data
}
