// npm run bench [-- <section> …] [--full] [--report]
// Runs the measurements of issue 7 against the built headless shell and writes
// bench/results/latest.json and latest.md. With section names, runs only those and merges
// their results into the latest ones. --report only rewrites latest.md from latest.json.
// Sections: see SECTIONS below.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { ensureBuilt } from './lib/build'
import { cleanUpEverything } from './lib/cleanup'
import { tmpdir } from 'node:os'
import { cpuPressure, fsyncLatency, loadAverage, machineInfo } from './lib/machine'
import { RESULTS_DIR } from './lib/paths'
import { resultsMarkdown, sectionMarkdown, type BenchResults, type SectionResult } from './lib/report'
import type { Section, SectionContext } from './lib/section'
import { consoleSection } from './sections/console'
import { drain } from './sections/drain'
import { intake } from './sections/intake'
import { latency } from './sections/latency'
import { memory } from './sections/memory'
import { outage } from './sections/outage'
import { peer } from './sections/peer'
import { scaling } from './sections/scaling'

/** In the order they run. The drain is timer-bound (it waits for Discord's rate limit), so in a
 * full run it starts first and runs in the background while the others run. */
const SECTIONS: Section[] = [intake, latency, drain, memory, peer, scaling, consoleSection, outage]
const BACKGROUND = new Set<string>(['drain'])

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    full: { type: 'boolean', default: false },
    report: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
})
if (values.help) {
  console.log(`npm run bench [-- <section> …] [--full] [--report]\nsections: ${SECTIONS.map((s) => s.name).join(', ')}`)
  process.exit(0)
}
const latestJson = join(RESULTS_DIR, 'latest.json')
if (values.report) {
  const latest = JSON.parse(readFileSync(latestJson, 'utf8')) as BenchResults
  writeFileSync(join(RESULTS_DIR, 'latest.md'), resultsMarkdown(latest) + '\n')
  console.log(resultsMarkdown(latest))
  process.exit(0)
}
const unknown = positionals.filter((name) => !SECTIONS.some((s) => s.name === name))
if (unknown.length) {
  console.error(`unknown section(s): ${unknown.join(', ')}; sections: ${SECTIONS.map((s) => s.name).join(', ')}`)
  process.exit(2)
}
const chosen = positionals.length ? SECTIONS.filter((s) => positionals.includes(s.name)) : SECTIONS

const began = performance.now()
const log = (line: string) => console.log(`[${((performance.now() - began) / 1000).toFixed(0).padStart(3)} s] ${line}`)
const ctx: SectionContext = { log, full: values.full }
const build = ensureBuilt(log)
if (build.built) log(`built in ${build.seconds.toFixed(1)} s`)
const fsync_ms = fsyncLatency(tmpdir())
log(`${machineInfo().cpus} CPUs, load ${loadAverage().join(' ')}, 4 KiB write + fsync p50 ${fsync_ms.p50} ms, p90 ${fsync_ms.p90} ms`)

const running = new Set<string>()
const overlaps = new Map<string, Set<string>>()

async function runSection(section: Section): Promise<SectionResult> {
  const started = new Date()
  const load_before = loadAverage()
  const t0 = performance.now()
  overlaps.set(section.name, new Set(running))
  for (const other of running) overlaps.get(other)?.add(section.name)
  running.add(section.name)
  log(`${section.title}…`)
  const base = { section: section.name, title: section.title, started_at: started.toISOString() }
  let result: Omit<SectionResult, 'concurrent_with'>
  try {
    const figures = await section.run(ctx)
    result = { ...base, ...figures, seconds: (performance.now() - t0) / 1000, load_before, load_after: loadAverage(), cpu_pressure_after: cpuPressure() }
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error)
    log(`${section.name} failed: ${message}`)
    result = {
      ...base,
      rows: [],
      figures: {},
      notes: [],
      error: message.split('\n')[0],
      seconds: (performance.now() - t0) / 1000,
      load_before,
      load_after: loadAverage(),
      cpu_pressure_after: cpuPressure(),
    }
  }
  running.delete(section.name)
  const full = { ...result, concurrent_with: [...(overlaps.get(section.name) ?? [])] }
  console.log(`\n${sectionMarkdown(full)}`)
  return full
}

const background = chosen.length > 1 ? chosen.filter((s) => BACKGROUND.has(s.name)) : []
const backgroundRuns = background.map(runSection)
const results: SectionResult[] = []
for (const section of chosen.filter((s) => !background.includes(s))) results.push(await runSection(section))
results.push(...(await Promise.all(backgroundRuns)))

// A partial run replaces its own sections in the latest results and keeps the others.
mkdirSync(RESULTS_DIR, { recursive: true })
const previous: BenchResults | null =
  positionals.length && existsSync(latestJson) ? (JSON.parse(readFileSync(latestJson, 'utf8')) as BenchResults) : null
const bySection = new Map(Object.entries(previous?.sections ?? {}))
for (const r of results) bySection.set(r.section, r)
const output: BenchResults = {
  generated_at: new Date().toISOString(),
  command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
  total_seconds: (performance.now() - began) / 1000,
  machine: { ...machineInfo(), fsync_ms },
  sections: Object.fromEntries(SECTIONS.filter((s) => bySection.has(s.name)).map((s) => [s.name, bySection.get(s.name)!])),
}
writeFileSync(latestJson, JSON.stringify(output, null, 2) + '\n')
writeFileSync(join(RESULTS_DIR, 'latest.md'), resultsMarkdown(output) + '\n')
console.log(`\n${resultsMarkdown(output)}`)
log(`wrote ${join('bench/results', 'latest.json')} and latest.md`)
cleanUpEverything()
process.exit(results.some((r) => r.error) ? 1 : 0)
