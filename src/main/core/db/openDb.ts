// The one place the database is opened: pragmas, migrations, fail fast, never wipe data.
import Database from 'better-sqlite3'
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import * as schema from './schema'

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database }

export interface OpenDbOptions {
  /** better-sqlite3's compiled module to load instead of its own build (Electron's ABI in a development run). */
  nativeBinding?: string
}

export function openDb(file: string, migrationsFolder: string, options: OpenDbOptions = {}): Db {
  const sqlite = new Database(file, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {})
  try {
    sqlite.pragma('journal_mode = WAL')
    // A 2xx from intake promises the event survives a power cut: fsync on every commit.
    sqlite.pragma('synchronous = FULL')
    sqlite.pragma('busy_timeout = 5000')
    // better-sqlite3 builds SQLite with a 16 MB page cache; SQLite's own default of 2 MB keeps
    // intake as fast (measured) and the resident memory ~10 MB lower.
    sqlite.pragma('cache_size = -2000')
    // Drizzle runs migrations inside a transaction where this pragma is ignored: set it outside.
    sqlite.pragma('foreign_keys = OFF')
    const db = drizzle(sqlite, { schema })
    migrate(db, { migrationsFolder })
    sqlite.pragma('foreign_keys = ON')
    const problems = sqlite.pragma('foreign_key_check') as unknown[]
    if (problems.length > 0) throw new Error(`database ${file} has ${problems.length} foreign key violations`)
    return db as Db
  } catch (error) {
    sqlite.close()
    throw error
  }
}
