// Commits sync the database's log off the event loop (WalSync). What must hold: a 2xx from
// intake and a message for an event both come only after that event's fsync has returned; a
// disk that refuses the fsync gets no 2xx; fsyncs asked for while one runs share one more.
// node:fs's fsync is wrapped so a test can hold each call and finish it when it chooses.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { openDb, type Db } from '../../src/main/core/db/openDb'
import { WalSync } from '../../src/main/core/db/walSync'
import { MIGRATIONS, sampleEvent, startHarness, waitFor, type Harness } from './harness'

type FsyncCallback = (error: NodeJS.ErrnoException | null) => void

const fsyncs = vi.hoisted(() => ({
  hold: false,
  calls: 0,
  held: [] as Array<{ fd: number; finish: (error?: NodeJS.ErrnoException) => void }>,
}))

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>()
  const fsync = (fd: number, callback: FsyncCallback) => {
    fsyncs.calls++
    if (!fsyncs.hold) return fs.fsync(fd, callback)
    fsyncs.held.push({ fd, finish: (error) => (error ? callback(error) : fs.fsync(fd, callback)) })
  }
  return { ...fs, default: { ...fs, fsync }, fsync }
})

/** Finishes every held fsync (and those they lead to) until `done` says so. */
async function releaseUntil(done: () => boolean): Promise<void> {
  await waitFor(async () => {
    for (const call of fsyncs.held.splice(0)) call.finish()
    await new Promise((r) => setTimeout(r, 5))
    return done()
  }, 5000, 'the held fsyncs to let it through')
}

const settled = async (promise: Promise<unknown>) => {
  let done = false
  void promise.then(
    () => (done = true),
    () => (done = true),
  )
  await new Promise((r) => setTimeout(r, 50))
  return done
}

const sent = (h: Harness, webhookId: string) => h.discord.messages.filter((m) => m.webhookId === webhookId)

beforeEach(() => {
  fsyncs.hold = false
  fsyncs.calls = 0
  fsyncs.held = []
})

describe('WalSync on a database file', () => {
  let dir: string
  let db: Db
  let sync: WalSync
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'knocker-walsync-'))
    db = openDb(join(dir, 'knocker.db'), MIGRATIONS)
    sync = new WalSync(db.$client)
  })
  afterEach(() => {
    db.$client.close()
    sync.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const synchronous = () => db.$client.pragma('synchronous', { simple: true })
  const write = (key: string) => db.$client.prepare(`insert into settings (key, value) values (?, '1')`).run(key)

  it('commits with synchronous=NORMAL inside, and is back to FULL after, also when the commit throws', () => {
    expect(synchronous()).toBe(2)
    expect(sync.unsynced(() => synchronous())).toBe(1)
    expect(synchronous()).toBe(2)
    expect(() => sync.unsynced(() => db.$client.transaction(() => { write('a'); write('a') })())).toThrow(/UNIQUE/)
    expect(synchronous()).toBe(2)
    // Inside an open transaction SQLite won't change it: the outer commit decides.
    db.$client.transaction(() => expect(sync.unsynced(() => synchronous())).toBe(2))()
  })

  it('resolves once the fsync that started after the commit returns; calls meanwhile share one more', async () => {
    sync.unsynced(() => write('first'))
    fsyncs.hold = true
    const first = sync.durable()
    expect(await settled(first)).toBe(false)
    sync.unsynced(() => write('second'))
    const waiting = [sync.durable(), sync.durable(), sync.durable()]
    expect(fsyncs.calls).toBe(1)
    fsyncs.held.shift()!.finish()
    // The first call also syncs the directory once (the log's entry in it).
    await waitFor(() => fsyncs.held.length === 1)
    expect(await settled(first)).toBe(false)
    fsyncs.held.shift()!.finish()
    await first
    // Only now does the queued one start: it covers the three calls made while the first ran.
    await waitFor(() => fsyncs.held.length === 1)
    expect(await settled(Promise.all(waiting))).toBe(false)
    fsyncs.held.shift()!.finish()
    await Promise.all(waiting)
    expect(fsyncs.calls).toBe(3)
  })

  it('rejects (and says so) when the disk refuses, and syncs again on the next call', async () => {
    const refused: unknown[] = []
    const reporting = new WalSync(db.$client, (error) => refused.push(error))
    reporting.unsynced(() => write('x'))
    fsyncs.hold = true
    const failing = reporting.durable()
    await waitFor(() => fsyncs.held.length === 1)
    fsyncs.held.shift()!.finish(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }))
    await expect(failing).rejects.toThrow(/EIO/)
    expect(refused).toHaveLength(1)
    fsyncs.hold = false
    // Nothing new was committed, but what the refused fsync covered must be synced again.
    await reporting.durable()
    expect(fsyncs.calls).toBe(3) // the refused one, then the log and its directory
    reporting.close()
  })

  it('has nothing to sync when nothing was committed unsynced since the last fsync', async () => {
    db.$client.prepare(`insert into settings (key, value) values ('full', '1')`).run()
    await sync.durable()
    sync.unsynced(() => write('once'))
    await sync.durable()
    await sync.durable()
    expect(fsyncs.calls).toBe(2) // the log, and its directory the first time
  })

  it('has nothing to sync for a database in memory', async () => {
    const memory = openDb(':memory:', MIGRATIONS)
    const inMemory = new WalSync(memory.$client)
    expect(inMemory.unsynced(() => memory.$client.pragma('synchronous', { simple: true }))).toBe(2)
    await inMemory.durable()
    expect(fsyncs.calls).toBe(0)
    memory.$client.close()
  })
})

describe('intake and delivery wait for the disk', () => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness()
  })
  afterEach(async () => {
    fsyncs.hold = false
    for (const call of fsyncs.held.splice(0)) call.finish()
    await h.close()
  })

  it('answers 202 and sends the message only after the event’s fsync returned', async () => {
    const { webhook } = await h.addDiscordEndpoint()
    fsyncs.hold = true
    const event = sampleEvent('problem_report.created')
    const answer = h.post(event)
    await waitFor(() => fsyncs.held.length > 0, 5000, 'the intake commit’s fsync')
    // Committed (a crash of the process keeps it), but not yet known to survive a power cut.
    expect(h.core.db.$client.prepare('select count(*) from events where event_id = ?').pluck().get(event.event_id)).toBe(1)
    expect(await settled(answer)).toBe(false)
    // The engine looks at its queue for other reasons too (another commit, a retry's time).
    h.core.engine.kick()
    expect(await settled(answer)).toBe(false)
    expect(sent(h, webhook.id)).toHaveLength(0)

    await releaseUntil(() => sent(h, webhook.id).length === 1)
    expect((await answer).status).toBe(202)
  })

  it('answers 503 when the disk refuses, and the event sent again is recognised and delivered once', async () => {
    const { webhook } = await h.addDiscordEndpoint()
    fsyncs.hold = true
    const event = sampleEvent('log_entry.created')
    const answer = h.post(event)
    await waitFor(() => fsyncs.held.length > 0, 5000, 'the intake commit’s fsync')
    fsyncs.held.shift()!.finish(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }))
    fsyncs.hold = false
    for (const call of fsyncs.held.splice(0)) call.finish()
    const refused = await answer
    expect(refused.status).toBe(503)
    expect(refused.json.error.code).toBe('not_on_disk')
    expect(h.logs.join('')).toContain('the disk refused to sync the database log')

    const again = await h.post(event)
    expect(again.status).toBe(200)
    expect(again.json.duplicate).toBe(true)
    await waitFor(() => sent(h, webhook.id).length === 1)
    await h.settle()
    expect(sent(h, webhook.id)).toHaveLength(1)
  })
})
