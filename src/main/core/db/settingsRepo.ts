// Settings are key → JSON rows; defaults fill whatever was never set.
import { eq } from 'drizzle-orm'
import { EVENT_TYPES, type EventType } from '../../../shared/events'
import type { Settings } from '../../../shared/contracts'
import type { Db } from './openDb'
import { settings } from './schema'

const DEFAULT_SETTINGS: Settings = {
  delivery_enabled: true,
  events: Object.fromEntries(EVENT_TYPES.map((t) => [t, true])) as Record<EventType, boolean>,
  allow_private_targets: false,
  retention_days: 30,
  // A problem report matters for a week; the rest is news for two days.
  ttl_hours: Object.fromEntries(EVENT_TYPES.map((t) => [t, t.startsWith('problem_report.') ? 7 * 24 : 2 * 24])) as Record<
    EventType,
    number
  >,
}

export class SettingsRepo {
  private cache: Settings | null = null
  constructor(private readonly db: Db) {}

  get(): Settings {
    if (this.cache) return this.cache
    const rows = this.db.select().from(settings).all()
    const stored = Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value)]))
    this.cache = {
      delivery_enabled: stored.delivery_enabled ?? DEFAULT_SETTINGS.delivery_enabled,
      events: { ...DEFAULT_SETTINGS.events, ...(stored.events ?? {}) },
      allow_private_targets: stored.allow_private_targets ?? DEFAULT_SETTINGS.allow_private_targets,
      retention_days: stored.retention_days ?? DEFAULT_SETTINGS.retention_days,
      ttl_hours: { ...DEFAULT_SETTINGS.ttl_hours, ...(stored.ttl_hours ?? {}) },
    }
    return this.cache
  }

  update(patch: Partial<Settings>): Settings {
    const next: Settings = {
      ...this.get(),
      ...patch,
      events: { ...this.get().events, ...(patch.events ?? {}) },
      ttl_hours: { ...this.get().ttl_hours, ...(patch.ttl_hours ?? {}) },
    }
    this.db.transaction((tx) => {
      for (const key of Object.keys(patch) as (keyof Settings)[]) {
        const value = JSON.stringify(next[key])
        tx.insert(settings).values({ key, value }).onConflictDoUpdate({ target: settings.key, set: { value } }).run()
      }
    })
    this.cache = next
    return next
  }

  /** For tests and recovery: forget cached values. */
  reload(): Settings {
    this.cache = null
    return this.get()
  }

  has(key: keyof Settings): boolean {
    return this.db.select().from(settings).where(eq(settings.key, key)).get() !== undefined
  }
}
