// Keeps the database bounded: delivered and suppressed history (and finished test sends) older
// than the retention setting is deleted, with its attempts, in small batches so intake and
// delivery never wait long. Failed deliveries stay until someone retries them or deletes the
// endpoint: they are the ones a person still has to look at. An event goes once none of its
// deliveries is left (so its event_id is then forgotten by the duplicate check).
import type { Clock } from '../clock'
import type { QueueSweeps } from '../delivery/queueSweeps'
import type { Logger } from '../log/logger'
import type { Db } from './openDb'
import type { SettingsRepo } from './settingsRepo'

const DAY = 24 * 3600_000
const BATCH = 2_000
const EVERY_MS = 3600_000

export class HistoryPruner {
  private timer: NodeJS.Timeout | null = null

  constructor(private readonly o: { db: Db; sweeps: QueueSweeps; settings: SettingsRepo; clock: Clock; logger: Logger }) {}

  start(): void {
    this.runSoon(5_000)
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }

  private runSoon(ms: number): void {
    this.timer = setTimeout(() => {
      try {
        this.prune()
      } catch (error) {
        this.o.logger.error({ err: error }, 'pruning the history failed; trying again in an hour')
      }
      this.runSoon(EVERY_MS)
    }, ms)
    this.timer.unref?.()
  }

  /** Deletes what is older than the retention; returns how many deliveries and events went. */
  prune(): { deliveries: number; events: number } {
    const cutoff = this.o.clock.now() - this.o.settings.get().retention_days * DAY
    const sqlite = this.o.db.$client
    const deleteEvents = sqlite.prepare(
      `delete from events where seq in (
         select e.seq from events e
         where e.received_at < ? and not exists (select 1 from deliveries d where d.event_seq = e.seq)
         limit ${BATCH})`,
    )
    let deliveries = 0
    let events = 0
    for (let n = BATCH; n === BATCH; ) {
      n = this.o.sweeps.deleteFinished(cutoff, BATCH)
      deliveries += n
    }
    for (let n = BATCH; n === BATCH; ) {
      n = deleteEvents.run(cutoff).changes
      events += n
    }
    if (deliveries + events > 0) {
      this.o.logger.info({ deliveries, events, retentionDays: this.o.settings.get().retention_days }, 'pruned old history')
    }
    return { deliveries, events }
  }
}
