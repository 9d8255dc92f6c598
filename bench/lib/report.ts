// The shape of a section's results, verdicts against the targets, and the markdown
// table that bench/results/latest.md and the README show.
import type { LoadAvg, MachineInfo } from './machine'

export type Verdict = 'met' | 'missed' | 'info'

export interface Row {
  measure: string
  knocker: string
  /** The reference measured in the same run ('' when the measure has none). */
  reference: string
  target: string
  verdict: Verdict
}

export interface SectionFigures {
  rows: Row[]
  /** Every raw figure behind the rows, for bench/results/latest.json. */
  figures: Record<string, unknown>
  notes: string[]
}

export interface SectionResult extends SectionFigures {
  section: string
  title: string
  started_at: string
  seconds: number
  load_before: LoadAvg
  load_after: LoadAvg
  /** % of the last minute in which a runnable task waited for a CPU (Linux PSI), after the run. */
  cpu_pressure_after: number | null
  /** Sections that were running at the same time (the drain runs in the background). */
  concurrent_with: string[]
  error?: string
}

export interface BenchResults {
  generated_at: string
  command: string
  total_seconds: number
  machine: MachineInfo
  sections: Record<string, SectionResult>
}

export const atLeast = (value: number, target: number): Verdict => (value >= target ? 'met' : 'missed')
export const atMost = (value: number, target: number): Verdict => (value <= target ? 'met' : 'missed')

export const fmt = {
  int: (x: number) => Math.round(x).toLocaleString('en-US'),
  ms: (x: number) => `${x < 10 ? x.toFixed(1) : Math.round(x).toLocaleString('en-US')} ms`,
  s: (x: number) => `${x.toFixed(1)} s`,
  mb: (x: number) => `${x.toFixed(0)} MB`,
  pct: (x: number) => `${Math.round(x * 100)}%`,
  perS: (x: number) => `${Math.round(x).toLocaleString('en-US')}/s`,
}

const MARK: Record<Verdict, string> = { met: '✅', missed: '❌', info: '' }
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ')

export function sectionMarkdown(r: SectionResult): string {
  const pressure = r.cpu_pressure_after === null ? '' : `, CPU pressure ${r.cpu_pressure_after}%`
  const load = `load ${r.load_before.join(' ')} → ${r.load_after.join(' ')}${pressure}`
  const alongside = r.concurrent_with.length ? `; ran alongside: ${r.concurrent_with.join(', ')}` : ''
  const lines = [`### ${r.title}`, '', `_${r.started_at}, ${r.seconds.toFixed(0)} s, ${load}${alongside}_`, '']
  if (r.error) lines.push(`**Failed:** ${cell(r.error)}`, '')
  if (r.rows.length > 0) {
    lines.push('| measure | Knocker | reference | target | |', '|---|---|---|---|---|')
    for (const row of r.rows) {
      lines.push(`| ${cell(row.measure)} | ${cell(row.knocker)} | ${cell(row.reference)} | ${cell(row.target)} | ${MARK[row.verdict]} |`)
    }
    lines.push('')
  }
  for (const note of r.notes) lines.push(`- ${cell(note)}`)
  if (r.notes.length) lines.push('')
  return lines.join('\n')
}

/** Every row with a target, from every section: the table the README shows. */
export function targetsMarkdown(sections: SectionResult[]): string {
  const lines = ['| section | measure | Knocker | reference | target | |', '|---|---|---|---|---|---|']
  for (const section of sections) {
    for (const row of section.rows.filter((r) => r.target)) {
      const name = section.title.split('.')[0]
      lines.push(`| ${name} | ${cell(row.measure)} | ${cell(row.knocker)} | ${cell(row.reference)} | ${cell(row.target)} | ${MARK[row.verdict]} |`)
    }
  }
  return lines.join('\n')
}

export function resultsMarkdown(results: BenchResults): string {
  const m = results.machine
  const sections = Object.values(results.sections)
  const missed = sections.flatMap((s) => s.rows.filter((r) => r.verdict === 'missed').map((r) => `${s.title}: ${r.measure}`))
  return [
    '## Benchmark results',
    '',
    `Generated ${results.generated_at} by \`${results.command}\` in ${results.total_seconds.toFixed(0)} s on ` +
      `${m.cpus} × ${m.cpu_model}, ${m.memory_gb} GB, Node ${m.node}, ${m.platform}` +
      (m.fsync_ms ? `; a 4 KiB write + fsync took ${m.fsync_ms.p50} ms (p50), ${m.fsync_ms.p90} ms (p90)` : '') +
      '. Load averages (1, 5, 15 min) and CPU pressure (share of the last minute in which a task waited for a CPU) ' +
      'are given per section: the machine may be shared, so compare each figure with its reference from the same run ' +
      'rather than across runs.',
    '',
    missed.length ? `Targets missed: ${missed.length} (${missed.join('; ')}).` : 'Every target was met.',
    '',
    targetsMarkdown(sections),
    '',
    ...sections.map(sectionMarkdown),
  ].join('\n')
}
