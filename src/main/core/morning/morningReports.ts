// The morning report's trigger: at each endpoint's set time, one report is built from the
// machine-health projection and queued through the outbox (an event row of Knocker's own type
// plus one delivery, sent by the normal queue: retried, recorded, never digested). The event's
// id is the endpoint and the day, so a day's report is queued once however often its time is
// handled (a restart, a crash between the commit and the timer). Knocker not running at the
// time: the report goes when it starts, the same day, once, saying it is late.
import type { Statement } from 'better-sqlite3'
import { MORNING_REPORT_TYPE, morningReportEventId, morningReportOf, onDemandMorningReportEventId, type MorningReport } from '../../../shared/morningReport'
import { morningSummary } from '../channels/morningText'
import type { Clock } from '../clock'
import type { EndpointRecord, EndpointsRepo } from '../db/endpointsRepo'
import type { Db } from '../db/openDb'
import type { SettingsRepo } from '../db/settingsRepo'
import type { Outbox } from '../delivery/outbox'
import { queueOwnMessage } from '../delivery/ownMessages'
import type { Logger } from '../log/logger'
import { buildMorningReport } from './buildMorningReport'
import type { MachineHealthProjection } from './machineHealthProjection'
import { dueReport, nextReportAt } from './morningSchedule'
import { sampleMorningReport } from './sampleMorningReport'

/** Look again at least this often: endpoints edited, the clock changed (sleep, a new time zone). */
const RECHECK_MS = 60_000

export interface QueuedReport {
  deliveryId: number
  status: 'pending' | 'suppressed'
  reason: string | null
}

export class MorningReports {
  private timer: NodeJS.Timeout | null = null
  private readonly queuedStatement: Statement<[string], number>

  constructor(
    private readonly o: {
      db: Db
      outbox: Outbox
      projection: MachineHealthProjection
      endpoints: EndpointsRepo
      settings: SettingsRepo
      clock: Clock
      logger: Logger
      /** A report was queued: the queue should look. */
      onQueued: () => void
    },
  ) {
    this.queuedStatement = o.db.$client.prepare<[string], number>('select 1 from events where event_id = ?').pluck()
  }

  start(): void {
    this.stop()
    this.loop()
  }

  /** An endpoint was added or changed: its time may come sooner than the timer's. */
  reschedule(): void {
    if (this.timer) this.start()
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }

  /** Queues every report whose time has come and isn't queued yet; returns when to look again. */
  tick(): number {
    const now = this.o.clock.now()
    let wakeAt = now + RECHECK_MS
    let queued = 0
    for (const endpoint of this.o.endpoints.list()) {
      const option = morningReportOf(endpoint.options)
      if (!option) continue
      const due = dueReport(option, now, endpoint.updatedAt)
      const eventId = due ? morningReportEventId(endpoint.id, due.day) : null
      // Most looks find today's report queued already: a lookup, not a report built for nothing.
      if (due && eventId && this.queuedStatement.get(eventId) === undefined && this.queue(endpoint, eventId, due.at, false)) queued += 1
      wakeAt = Math.min(wakeAt, nextReportAt(option, now))
    }
    if (queued > 0) this.o.onQueued()
    return wakeAt
  }

  /** "Send morning report now" (the console): a report built now, whatever the option says.
   * Null when the endpoint does not exist. */
  sendNow(endpointId: string): QueuedReport | null {
    const endpoint = this.o.endpoints.get(endpointId)
    if (!endpoint) return null
    const now = this.o.clock.now()
    const queued = this.queue(endpoint, onDemandMorningReportEventId(endpoint.id, now), now, true)
    if (queued?.status === 'pending') this.o.onQueued()
    return queued
  }

  /** The report as it would be built now, for the message preview (a sample while no machine is known). */
  preview(): MorningReport {
    const now = this.o.clock.now()
    return this.o.projection.isEmpty() ? sampleMorningReport(now) : this.build(now, false)
  }

  private build(now: number, onDemand: boolean): MorningReport {
    const { projection } = this.o
    return buildMorningReport({
      machines: projection.machines(),
      openReports: projection.openReports(),
      workOn: (day) => projection.workOn(day),
      now,
      onDemand,
    })
  }

  private loop(): void {
    let wakeAt: number
    try {
      wakeAt = this.tick()
    } catch (error) {
      this.o.logger.error({ err: error }, 'morning reports could not be queued; trying again in a minute')
      wakeAt = this.o.clock.now() + RECHECK_MS
    }
    this.timer = setTimeout(() => this.loop(), Math.max(0, wakeAt - this.o.clock.now()))
    this.timer.unref?.()
  }

  /** The report and its delivery in one transaction; null when this id was queued before. */
  private queue(endpoint: EndpointRecord, eventId: string, dueAt: number, onDemand: boolean): QueuedReport | null {
    const { db } = this.o
    const now = this.o.clock.now()
    return db.transaction(() => {
      const report = this.build(now, onDemand)
      const message = { eventId, eventType: MORNING_REPORT_TYPE, occurredAt: new Date(dueAt).toISOString(), receivedAt: now, payload: report, summary: morningSummary(report) }
      // Created at its time: sent later (Knocker was not running), it says how late.
      const queued = queueOwnMessage({ db, outbox: this.o.outbox, settings: this.o.settings.get() }, endpoint, message, Math.min(dueAt, now))
      if (!queued) return null
      const { deliveryId, route } = queued
      this.o.logger.info({ endpointId: endpoint.id, deliveryId, status: route.status, onDemand }, 'morning report queued')
      return { deliveryId, status: route.status, reason: route.reason ?? null }
    })
  }
}
