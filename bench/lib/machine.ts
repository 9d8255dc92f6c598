// What the figures were measured on: figures from a busy 2-core machine read differently from a
// quiet 8-core one, so every section records the CPU count and the load around its run.
import { closeSync, fsyncSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { join } from 'node:path'

export interface MachineInfo {
  cpus: number
  /** Write + fsync of 4 KiB in the data dirs' file system, measured when the run started. */
  fsync_ms?: { p50: number; p90: number; max: number }
  cpu_model: string
  memory_gb: number
  node: string
  platform: string
}

export type LoadAvg = [number, number, number]

export function machineInfo(): MachineInfo {
  const list = cpus()
  return {
    cpus: list.length,
    cpu_model: list[0]?.model.trim() ?? 'unknown',
    memory_gb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  }
}

/** 1, 5 and 15 minute load averages, rounded to two decimals. */
export function loadAverage(): LoadAvg {
  return loadavg().map((x) => Math.round(x * 100) / 100) as LoadAvg
}

/** Share of the last 60 s in which some runnable task waited for a CPU (Linux PSI), in %:
 * a busier-machine signal than the load average. null where the kernel doesn't report it. */
export function cpuPressure(): number | null {
  try {
    const match = /^some avg10=[\d.]+ avg60=([\d.]+)/m.exec(readFileSync('/proc/pressure/cpu', 'utf8'))
    return match ? Number(match[1]) : null
  } catch {
    return null
  }
}

/** How long this disk takes to make 4 KiB durable (write + fsync), in ms: every intake commit
 * and every delivery attempt waits for at least one of these. */
export function fsyncLatency(dir: string, samples = 50): { p50: number; p90: number; max: number } {
  const file = join(dir, `.fsync-probe-${process.pid}`)
  const fd = openSync(file, 'w')
  const block = Buffer.alloc(4096, 1)
  const times: number[] = []
  try {
    for (let i = 0; i < samples; i++) {
      writeSync(fd, block)
      const started = performance.now()
      fsyncSync(fd)
      times.push(performance.now() - started)
    }
  } finally {
    closeSync(fd)
    rmSync(file, { force: true })
  }
  times.sort((a, b) => a - b)
  const at = (p: number) => Math.round(times[Math.min(times.length - 1, Math.floor(times.length * p))] * 100) / 100
  return { p50: at(0.5), p90: at(0.9), max: at(1) }
}
