// A morning-report trigger on a real (in-memory) database and a clock the test sets: what the
// unit tests of its timing share.
import { resolve } from 'node:path'
import { EndpointsRepo } from '../../src/main/core/db/endpointsRepo'
import { openDb, type Db } from '../../src/main/core/db/openDb'
import { WalSync } from '../../src/main/core/db/walSync'
import { SettingsRepo } from '../../src/main/core/db/settingsRepo'
import { Outbox } from '../../src/main/core/delivery/outbox'
import { createLogger } from '../../src/main/core/log/logger'
import { MachineHealthProjection } from '../../src/main/core/morning/machineHealthProjection'
import { MorningReports } from '../../src/main/core/morning/morningReports'
import { AesGcmSecretBox } from '../../src/main/core/secrets/secretBox'

const MIGRATIONS = resolve(__dirname, '../../resources/migrations')

export interface Trigger {
  db: Db
  clock: { t: number; now: () => number }
  endpoints: EndpointsRepo
  settings: SettingsRepo
  /** A trigger as a fresh start of Knocker makes it (same database). */
  reports: () => MorningReports
  addEndpoint(options: Record<string, unknown>, at: number): string
  /** The queued morning reports: their delivery, status and the day's event id. */
  queued(): Array<{ eventId: string; status: string; createdAt: number; reason: string | null; payload: string }>
}

export function startTrigger(t0: number): Trigger {
  const db = openDb(':memory:', MIGRATIONS)
  const clock = { t: t0, now: () => clock.t }
  const endpoints = new EndpointsRepo(db, new AesGcmSecretBox(Buffer.alloc(32, 5)))
  const settings = new SettingsRepo(db)
  const outbox = new Outbox(db, new WalSync(db.$client))
  const projection = new MachineHealthProjection(db)
  const logger = createLogger({ level: 'silent' })
  return {
    db,
    clock,
    endpoints,
    settings,
    reports: () => new MorningReports({ db, outbox, projection, endpoints, settings, clock, logger, onQueued: () => undefined }),
    addEndpoint(options, at) {
      return endpoints.create(
        { name: 'Maintainers', kind: 'discord', enabled: true, events: [], target: { url: 'https://discord.com/api/webhooks/1/x' }, targetHint: 'x', options, rules: [] },
        at,
      ).id
    },
    queued: () =>
      db.$client
        .prepare(
          `select e.event_id as eventId, d.status, d.created_at as createdAt, d.last_error as reason, e.payload
           from deliveries d join events e on e.seq = d.event_seq where e.event_type = 'knocker.morning_report' order by d.id`,
        )
        .all() as ReturnType<Trigger['queued']>,
  }
}
