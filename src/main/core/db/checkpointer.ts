// Checkpoints off the event loop. SQLite copies the write-ahead log back into the database file
// (a checkpoint) inside whichever commit takes the log past 1,000 pages: that commit then also
// writes the pages and waits for two fsyncs, on the event loop, and the message or intake
// request behind it waits too (5–12 ms here, once every ~100 messages: the 99th percentile).
// Here a worker thread with its own connection checkpoints instead, every half second, while
// the main connection writes on (SQLite lets a PASSIVE checkpoint run beside a writer). The
// main connection still checkpoints itself should the log ever reach 10,000 pages (the worker
// gone or far behind), and goes back to SQLite's own 1,000 if the worker fails.
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { Worker } from 'node:worker_threads'
import type Database from 'better-sqlite3'

const INTERVAL_MS = 500
/** Pages in the log at which the main connection checkpoints itself. */
const BACKSTOP_PAGES = 10_000
const SQLITE_DEFAULT_PAGES = 1000

/** The worker: plain CommonJS run from a string, so it needs no file of its own in any build.
 * It loads better-sqlite3 from the path it is given (with the native binding given, so it
 * needs no other package), and answers each tick with what the checkpoint did. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.modulePath)
const db = new Database(workerData.dbFile, { nativeBinding: workerData.nativeBinding, fileMustExist: true })
const tick = () => {
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)')
    parentPort.postMessage({ ok: true, frames: result.log, copied: result.checkpointed })
  } catch (error) {
    parentPort.postMessage({ ok: false, error: String((error && error.message) || error) })
  }
}
const timer = setInterval(tick, workerData.intervalMs)
parentPort.on('message', (message) => {
  if (message !== 'stop') return
  clearInterval(timer)
  db.close()
  parentPort.close()
})
`

export interface CheckpointReport {
  ok: boolean
  /** Frames in the log, and how many of them are now in the database file. */
  frames?: number
  copied?: number
  error?: string
}

export interface CheckpointerOptions {
  /** better-sqlite3's compiled module, when not its own build (Electron's ABI in development). */
  nativeBinding?: string
  /** Told when the worker can't checkpoint (the main connection takes over). */
  onFailure: (error: unknown) => void
  /** Told after every checkpoint the worker made. */
  onCheckpoint?: (report: CheckpointReport) => void
}

export class Checkpointer {
  private worker: Worker | null = null
  private stopped = false

  constructor(
    private readonly sqlite: Database.Database,
    private readonly options: CheckpointerOptions,
  ) {}

  /** Starts the worker (for a database file in WAL mode; nothing to do otherwise). */
  start(): void {
    const { sqlite } = this
    if (sqlite.memory || sqlite.pragma('journal_mode', { simple: true }) !== 'wal' || this.worker) return
    const modulePath = unpacked(createRequire(import.meta.url).resolve('better-sqlite3'))
    const nativeBinding = this.options.nativeBinding ?? join(dirname(modulePath), '..', 'build', 'Release', 'better_sqlite3.node')
    sqlite.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`)
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { modulePath, nativeBinding, dbFile: resolve(sqlite.name), intervalMs: INTERVAL_MS },
    })
    worker.unref()
    worker.on('message', (report: CheckpointReport) => {
      if (!report.ok) return this.fail(new Error(report.error))
      this.options.onCheckpoint?.(report)
    })
    worker.on('error', (error) => this.fail(error))
    this.worker = worker
  }

  /** Stops the worker (before the database is closed). */
  async stop(): Promise<void> {
    this.stopped = true
    const worker = this.worker
    this.worker = null
    if (!worker) return
    const exited = new Promise<void>((done) => worker.once('exit', () => done()))
    worker.postMessage('stop')
    const timeout = setTimeout(() => void worker.terminate(), 2000)
    await exited
    clearTimeout(timeout)
  }

  private fail(error: unknown): void {
    const worker = this.worker
    this.worker = null
    if (worker) void worker.terminate()
    if (this.stopped) return
    if (this.sqlite.open) this.sqlite.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_PAGES}`)
    this.options.onFailure(error)
  }
}

/** In a packaged app better-sqlite3 is unpacked beside the archive (electron-builder's
 * asarUnpack): the worker loads it from there, where plain Node can read it. */
function unpacked(path: string): string {
  return path.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2')
}
