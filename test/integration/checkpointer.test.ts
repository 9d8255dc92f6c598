// The write-ahead log is copied back into the database file by a worker thread, not by the
// commit that happens to take it past 1,000 pages; when the worker can't, SQLite's own
// checkpoints on the main connection come back.
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Checkpointer, type CheckpointReport } from '../../src/main/core/db/checkpointer'
import { openDb, type Db } from '../../src/main/core/db/openDb'
import { MIGRATIONS, waitFor } from './harness'

describe('Checkpointer', () => {
  let dir: string
  let file: string
  let db: Db
  let checkpointer: Checkpointer | null
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'knocker-checkpoint-'))
    file = join(dir, 'knocker.db')
    db = openDb(file, MIGRATIONS)
    checkpointer = null
  })
  afterEach(async () => {
    await checkpointer?.stop()
    db.$client.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const autocheckpoint = () => db.$client.pragma('wal_autocheckpoint', { simple: true })
  /** ~1,500 pages in the log, in commits of a few pages each (as intake and delivery write). */
  const writeManyPages = () => {
    const insert = db.$client.prepare(`insert into settings (key, value) values (?, ?)`)
    for (let i = 0; i < 500; i++) insert.run(`bulk.${i}`, 'x'.repeat(3 * 4096))
  }

  it('copies the log into the database file from its thread, while the main connection only writes', async () => {
    const reports: CheckpointReport[] = []
    checkpointer = new Checkpointer(db.$client, { onFailure: (error) => reports.push({ ok: false, error: String(error) }), onCheckpoint: (r) => reports.push(r) })
    checkpointer.start()
    expect(autocheckpoint()).toBe(10_000)
    const before = statSync(file).size
    writeManyPages()
    // The main connection did not checkpoint (its limit is 10,000 pages): the rows are in the log.
    expect(statSync(file).size).toBe(before)
    const done = await waitFor(() => reports.find((r) => !r.ok || (r.copied ?? 0) >= 1500), 5000, 'a checkpoint by the worker')
    expect(done.ok).toBe(true)
    expect(statSync(file).size).toBeGreaterThan(before + 1500 * 4096)
  })

  it('gives the main connection its own checkpoints back when the worker fails', async () => {
    const failures: unknown[] = []
    checkpointer = new Checkpointer(db.$client, { nativeBinding: join(dir, 'no-such-module.node'), onFailure: (error) => failures.push(error) })
    checkpointer.start()
    await waitFor(() => failures.length > 0, 5000, 'the worker to fail')
    expect(String(failures[0])).toMatch(/no-such-module/)
    expect(autocheckpoint()).toBe(1000)
  })

  it('starts nothing for a database in memory', async () => {
    const memory = openDb(':memory:', MIGRATIONS)
    const inMemory = new Checkpointer(memory.$client, { onFailure: () => undefined })
    inMemory.start()
    expect(memory.$client.pragma('wal_autocheckpoint', { simple: true })).toBe(1000)
    await inMemory.stop()
    memory.$client.close()
  })
})
