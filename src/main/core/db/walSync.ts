// Commits that reach the disk without stopping the event loop. SQLite's synchronous=FULL makes a
// WAL-mode commit durable by calling fsync() on the write-ahead log at the end of the commit,
// on the calling thread: the event loop, which then can't parse requests or send messages for
// the fsync's duration (0.4 ms typical here, 3–8 ms at the tail). A commit made with
// synchronous=NORMAL writes the same frames to the same file and stops before that fsync;
// WalSync then calls fsync() on the log on libuv's thread pool. Once that returns, every commit
// made before it started is on disk, exactly as FULL would have left it. Commits made while one
// fsync runs are covered by the next, so under load one fsync covers many commits.
import { closeSync, fsync, openSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import type Database from 'better-sqlite3'

export class WalSync {
  /** The database file, or null when commits have no log to sync (in memory, or a journal
   * mode other than WAL): then every commit is simply synchronous=FULL. */
  private readonly dbFile: string | null
  private walFd: number | null = null
  /** Whether a commit was made unsynced since the last fsync started. */
  private unsyncedCommits = false
  private directorySynced = false
  /** The fsync now running, and the one queued behind it for commits made since it started. */
  private running: Promise<void> | null = null
  private queued: Promise<void> | null = null

  constructor(
    private readonly sqlite: Database.Database,
    /** Told when the disk refuses an fsync (whoever waits is told too). */
    private readonly onSyncError: (error: unknown) => void = () => undefined,
  ) {
    const wal = !sqlite.memory && sqlite.pragma('journal_mode', { simple: true }) === 'wal'
    this.dbFile = wal ? resolve(sqlite.name) : null
  }

  /** Runs `commit` (which makes one transaction) so that its commit doesn't wait for the disk.
   * Until `durable()` resolves, a power cut may undo it (a crash of the process can't: the OS
   * has the frames). Within an open transaction it runs as part of it, and that one's commit
   * decides. */
  unsynced<T>(commit: () => T): T {
    const { sqlite } = this
    // SQLite refuses to change synchronous inside a transaction.
    if (this.dbFile === null || sqlite.inTransaction) return commit()
    // Not a statement prepared once: SQLite applies this pragma when it compiles it.
    sqlite.pragma('synchronous = NORMAL')
    this.unsyncedCommits = true
    try {
      return commit()
    } finally {
      sqlite.pragma('synchronous = FULL')
    }
  }

  /** Resolves once every commit made before this call is on disk; rejects when the disk
   * refused (the commits are in the database, but a power cut could lose them). */
  durable(): Promise<void> {
    if (this.dbFile === null) return Promise.resolve()
    // Nothing new since the fsyncs under way (or since the last): they cover it.
    if (!this.unsyncedCommits) return this.queued ?? this.running ?? Promise.resolve()
    // A queued fsync starts after the running one ends, so it covers this call's commits too.
    if (this.queued) return this.queued
    if (this.running) {
      const queued = this.running
        .catch(() => undefined)
        .then(() => {
          this.queued = null
          return this.start()
        })
      this.queued = queued
      return queued
    }
    return this.start()
  }

  /** Starts making the commits so far durable, for commits nobody waits on (a failure is
   * reported to onSyncError). */
  syncSoon(): void {
    this.durable().catch(() => undefined)
  }

  /** Closes the log's descriptor (once nothing more is committed). */
  close(): void {
    if (this.walFd !== null) closeSync(this.walFd)
    this.walFd = null
  }

  private start(): Promise<void> {
    this.unsyncedCommits = false
    const running = this.fsyncLog()
      .catch((error: unknown) => {
        // What it was to cover is not known to be on disk: the next call syncs again.
        this.unsyncedCommits = true
        this.onSyncError(error)
        throw error
      })
      .finally(() => {
      if (this.running === running) this.running = null
    })
    this.running = running
    return running
  }

  private async fsyncLog(): Promise<void> {
    const dbFile = this.dbFile!
    // The log exists from the first commit on, and keeps its inode while the database is open
    // (a checkpoint rewinds or truncates it; only the last connection's close deletes it).
    // Opened for writing because Windows only flushes handles that may write.
    this.walFd ??= openSync(`${dbFile}-wal`, 'r+')
    await fsyncFd(this.walFd)
    if (!this.directorySynced) {
      // A log created since the machine started is only found after a power cut if its
      // directory entry is on disk too (FULL syncs the directory on the log's first sync).
      // Windows has no directory handles to sync; NTFS journals the entry itself.
      if (process.platform !== 'win32') {
        const dirFd = openSync(dirname(dbFile), 'r')
        try {
          await fsyncFd(dirFd)
        } finally {
          closeSync(dirFd)
        }
      }
      this.directorySynced = true
    }
  }
}

function fsyncFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fsync(fd, (error) => (error ? reject(error) : resolve())))
}
