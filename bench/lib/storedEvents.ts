// Counts what a killed server left on disk: every 2xx it gave must be there.
import Database from 'better-sqlite3'

export function storedEventCount(dbFile: string): number {
  // Opened read-write so SQLite replays the WAL a SIGKILL left behind.
  const db = new Database(dbFile)
  try {
    return (db.prepare('select count(*) as n from events').get() as { n: number }).n
  } finally {
    db.close()
  }
}
