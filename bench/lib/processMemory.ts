// Resident memory of a child process, from /proc (Linux). VmHWM is the peak since the last
// reset; writing 5 to clear_refs resets it, so each phase gets its own peak.
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'

export interface Memory {
  rss_mb: number
  /** Peak RSS since start or the last resetPeak(); null where the OS doesn't tell. */
  peak_mb: number | null
}

const mb = (kb: number) => Math.round((kb / 1024) * 10) / 10

export function processMemory(pid: number): Memory | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN)
    return { rss_mb: mb(field('VmRSS')), peak_mb: mb(field('VmHWM')) }
  } catch {
    // No /proc (macOS): ps still reports the current RSS.
    try {
      return { rss_mb: mb(Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim())), peak_mb: null }
    } catch {
      return null
    }
  }
}

/** Start a new peak-RSS window; false when the OS doesn't allow it (then peaks are since start). */
export function resetPeakMemory(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5')
    return true
  } catch {
    return false
  }
}
