// Everything a section starts (child processes, temp dirs) is registered here, so a failed or
// interrupted bench doesn't leave shells running or gigabytes of seeded history in /tmp.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const children = new Set<{ kill(signal: NodeJS.Signals): unknown }>()
const dirs = new Set<string>()

export function trackChild(child: { kill(signal: NodeJS.Signals): unknown }): () => void {
  children.add(child)
  return () => children.delete(child)
}

export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `knocker-bench-${prefix}-`))
  dirs.add(path)
  return {
    path,
    remove() {
      dirs.delete(path)
      rmSync(path, { recursive: true, force: true })
    },
  }
}

export function cleanUpEverything(): void {
  for (const child of children) child.kill('SIGKILL')
  children.clear()
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  dirs.clear()
}

process.on('exit', cleanUpEverything)
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    cleanUpEverything()
    process.exit(130)
  })
}
