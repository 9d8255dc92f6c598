// The bench measures the built headless shell (what `knocker serve` runs), so it builds it
// first when out/ is missing or older than the sources.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from './paths'

const BUILT = join(ROOT, 'out/main/headless.js')
const SOURCES = ['src/main', 'src/shared', 'resources/migrations', 'package.json', 'electron.vite.config.ts']

function newestMtime(path: string): number {
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  let newest = stat.mtimeMs
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)))
  return newest
}

/** Builds with `npm run build` unless out/main/headless.js is newer than every source. */
export function ensureBuilt(log: (line: string) => void): { built: boolean; seconds: number } {
  const sourcesAt = Math.max(...SOURCES.map((s) => join(ROOT, s)).filter(existsSync).map(newestMtime))
  if (existsSync(BUILT) && statSync(BUILT).mtimeMs >= sourcesAt) return { built: false, seconds: 0 }
  log('building the headless shell (npm run build)…')
  const started = performance.now()
  const result = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`npm run build failed:\n${result.stdout}\n${result.stderr}`)
  return { built: true, seconds: (performance.now() - started) / 1000 }
}

export const HEADLESS_JS = BUILT
