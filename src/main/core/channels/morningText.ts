// What a morning report says, whatever the destination: its headline, then four sections —
// machine health by zone, open problem reports per machine (age and priority), workshop
// repairs stalled for over two weeks, yesterday's work — as lines in the destination's
// syntax. Lists are cut to `cap` items with "…and 3 more"; each channel finds the largest cap
// its limits take (largestFitting), so a long report is shortened, never rejected.
import { HEALTH_LABELS, HEALTH_LEVELS, STALLED_AFTER_DAYS, type Health, type MorningReport } from '../../../shared/morningReport'
import { oneLine } from '../text/cleanText'
import { truncateChars } from '../text/truncate'

export interface MorningSyntax {
  /** Make a name inert for the destination. */
  escape(text: string): string
  link(label: string, url: string): string
  strong(text: string): string
}

export interface MorningSection {
  /** Plain heading ("Machine health by zone"); escape it yourself. */
  title: string
  /** Lines in the destination's syntax; a nested line starts with two spaces. */
  lines: string[]
}

const HEALTH_EMOJI: Record<Health, string> = { broken: '🔴', fixing: '🟠', reported: '🟡', unknown: '⚪', good: '🟢' }
/** Blue-grey, a calm daily message (the worst machine's colour would shout every morning). */
export const MORNING_COLOR = 0x5d6d7e
/** Longest report title, machine or person name kept in a line. */
const NAME_MAX_CHARS = 80
const SUMMARY_MAX_CHARS = 200
/** Most list items any cap allows (a destination's limits pick less). */
export const MORNING_MAX_CAP = 60

/** "Wednesday 2 December" for a YYYY-MM-DD day. */
export function dayLabel(day: string): string {
  const [y, m, d] = day.split('-').map(Number)
  return new Date(y, m - 1, d, 12).toLocaleDateString('en-GB', { weekday: 'long', day: 'numeric', month: 'long' })
}

/** "☀️ Morning report · Wednesday 2 December" (plain). */
export function morningHeadline(report: MorningReport): string {
  return `☀️ Morning report · ${dayLabel(report.date)}${report.on_demand ? ' (sent on request)' : ''}`
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`
const name = (text: string) => truncateChars(oneLine(text), NAME_MAX_CHARS) || '—'
const ageText = (days: number) => (days === 0 ? 'today' : days === 1 ? '1 day' : `${days} days`)

/** "…and 3 more machines" after `cap` of `items`. */
function capped<T>(items: T[], cap: number, line: (item: T) => string[], what: string): string[] {
  const shown = items.slice(0, cap).flatMap(line)
  return items.length > cap ? [...shown, `…and ${items.length - cap} more ${what}`] : shown
}

/** Lines of a nested list: indented like the items they follow. */
const nested = (lines: string[]) => lines.map((l) => (l.startsWith('…') ? `  ${l}` : l))

export function morningSections(report: MorningReport, s: MorningSyntax, cap: number): MorningSection[] {
  const machine = (m: { name: string; url: string | null }) => (m.url ? s.link(name(m.name), m.url) : s.escape(name(m.name)))

  const zoneLines = (zone: MorningReport['zones'][number]) => {
    const total = HEALTH_LEVELS.reduce((n, h) => n + zone.counts[h], 0)
    const counts = HEALTH_LEVELS.filter((h) => zone.counts[h] > 0).map((h) => `${HEALTH_EMOJI[h]} ${zone.counts[h]} ${HEALTH_LABELS[h].toLowerCase()}`)
    const notGood = capped(zone.machines, cap, (m) => [`  ${HEALTH_EMOJI[m.health]} ${machine(m)} — ${HEALTH_LABELS[m.health]}`], 'machines')
    return [`${s.strong(s.escape(name(zone.label)))} (${plural(total, 'machine')}): ${counts.join(' · ')}`, ...nested(notGood)]
  }
  // The host app has four zones; a list of many more (made-up zone names) is cut like any list.
  const health = report.zones.length === 0 ? ['No machines seen yet.'] : capped(report.zones, cap, zoneLines, 'zones')

  const reportLine = (r: MorningReport['open_reports'][number]['reports'][number]) => {
    const title = r.url ? s.link(name(r.title), r.url) : s.escape(name(r.title))
    const by = r.reporter ? s.escape(name(r.reporter)) : 'Visitor'
    return [`  #${r.id} ${title} — ${s.escape(name(r.priority_label))}, ${ageText(r.age_days)} · ${by}`]
  }
  // A machine's own reports are cut sooner: more machines beat more reports of one.
  const perMachine = Math.max(1, Math.ceil(cap / 4))
  const reports = report.open_reports.length === 0
    ? ['No open problem reports.']
    : capped(report.open_reports, cap, (m) => [`${s.strong(machine(m))} (${plural(m.reports.length, 'report')})`, ...nested(capped(m.reports, perMachine, reportLine, 'reports'))], 'machines')

  const stalled = report.stalled.length === 0
    ? [`None: every workshop repair has had work in the last ${STALLED_AFTER_DAYS} days.`]
    : capped(report.stalled, cap, (m) => [`${HEALTH_EMOJI[m.health]} ${machine(m)} — no work for ${plural(m.days, 'day')}`], 'machines')

  const y = report.yesterday
  const work = y.entries === 0
    ? `No work logged on ${dayLabel(y.date)}.`
    : `${plural(y.entries, 'log entry', 'log entries')} on ${plural(y.machines, 'machine')} (${dayLabel(y.date)}).`

  return [
    { title: 'Machine health by zone', lines: health },
    { title: 'Open problem reports', lines: reports },
    { title: `Workshop repairs stalled over ${STALLED_AFTER_DAYS} days`, lines: stalled },
    { title: "Yesterday's work", lines: [work] },
  ]
}

/** "Morning report 2026-12-02: 2 broken, 5 open reports, 1 stalled repair" for the history. */
export function morningSummary(report: MorningReport): string {
  const broken = report.zones.reduce((n, z) => n + z.counts.broken, 0)
  const open = report.open_reports.reduce((n, m) => n + m.reports.length, 0)
  const parts = [`${broken} broken`, plural(open, 'open report'), plural(report.stalled.length, 'stalled repair'), plural(report.yesterday.entries, 'log entry', 'log entries') + ' yesterday']
  return truncateChars(`Morning report ${report.date}${report.on_demand ? ' (on request)' : ''}: ${parts.join(', ')}`, SUMMARY_MAX_CHARS)
}

/** The whole report as plain text (the plain-text mail, previews). */
export function morningPlainText(report: MorningReport, cap = MORNING_MAX_CAP, lateLine: string | null = null): string {
  const plain: MorningSyntax = { escape: (t) => t, link: (label, url) => `${label} <${url}>`, strong: (t) => t }
  const sections = morningSections(report, plain, cap).map((section) => `${section.title}\n${section.lines.join('\n')}`)
  return [morningHeadline(report), ...(lateLine ? [lateLine] : []), ...sections].join('\n\n')
}
