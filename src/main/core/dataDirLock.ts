// One Knocker per data dir: a second one would steal the first one's in-flight deliveries.
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export function lockDataDir(dataDir: string): () => void {
  const file = join(dataDir, 'knocker.lock')
  try {
    writeFileSync(file, String(process.pid), { flag: 'wx' })
  } catch {
    const pid = Number(readFileSync(file, 'utf8'))
    if (Number.isInteger(pid) && pid !== process.pid && isAlive(pid)) {
      throw new Error(`another Knocker (pid ${pid}) is already using ${dataDir}`)
    }
    writeFileSync(file, String(process.pid)) // stale lock from a process that died
  }
  return () => rmSync(file, { force: true })
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
