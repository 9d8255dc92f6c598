// The core: everything that matters, plain Node, constructed with its ports, start/stop.
import { chmodSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { Agent, type Dispatcher } from 'undici'
import type { AdminApi } from '../../shared/contracts'
import type { KnockerEvent } from '../../shared/events'
import type { RelayedMessage } from '../../shared/relay'
import { createAdminService } from './admin/adminService'
import { announceAdminChanges, CoreEvents, type AttentionListener, type ChangeListener } from './coreEvents'
import { channels as defaultChannels, type ChannelRegistry } from './channels/registry'
import { systemClock, type Clock } from './clock'
import { EndpointsRepo } from './db/endpointsRepo'
import { HistoryPruner } from './db/historyPruner'
import { openDb, type Db } from './db/openDb'
import { WalSync } from './db/walSync'
import { PollersRepo } from './db/pollersRepo'
import { RelaySourcesRepo } from './db/relaySourcesRepo'
import { SettingsRepo } from './db/settingsRepo'
import { AttentionAlerts } from './delivery/attentionAlerts'
import { DeliveryEngine } from './delivery/engine'
import { Outbox } from './delivery/outbox'
import { QueueView } from './delivery/queueView'
import { QueueSweeps } from './delivery/queueSweeps'
import { DeliveryHolds } from './delivery/deliveryHolds'
import { ReportEdits } from './delivery/reportEdits'
import { ThreadStore } from './delivery/threads'
import { IntakeWriter, type AcceptedEvent } from './intake/intakeWriter'
import { SnapshotSchema } from './intake/pollers/machinesDiff'
import { PollScheduler } from './intake/pollers/pollScheduler'
import type { Logger } from './log/logger'
import { STANDARD_OUTPUT } from './log/logLocation'
import { MachineHealthProjection } from './morning/machineHealthProjection'
import { MorningReports } from './morning/morningReports'
import type { SecretBox } from './secrets/secretBox'

export interface KnockerOptions {
  dataDir: string
  migrationsFolder: string
  secretBox: SecretBox
  logger: Logger
  ingestToken: string
  adminToken: string
  /** Forces the allow_private_targets setting on at start (tests, LAN receivers). */
  allowPrivateTargets?: boolean
  /** Database file; default <dataDir>/knocker.db. ':memory:' for tests. */
  dbFile?: string
  clock?: Clock
  dispatcher?: Dispatcher
  channels?: ChannelRegistry
  /** Per-request timeout of a send (default 15 s). */
  sendTimeoutMs?: number
  stopGraceMs?: number
  random?: () => number
  /** Shown in the admin UI (package.json's version). */
  version?: string
  /** better-sqlite3's compiled module for this runtime (the Electron shell's development runs); default: its own. */
  sqliteNativeBinding?: string
  /** Where the log goes, in words a person can follow ("/home/…/logs/knocker.log"); errors that say "see the Knocker log" name it. */
  logLocation?: string
}

export class KnockerCore {
  readonly db: Db
  readonly admin: AdminApi
  readonly engine: DeliveryEngine
  readonly settings: SettingsRepo
  readonly endpoints: EndpointsRepo
  /** Discord-compatible sources and their subscriptions. */
  readonly relaySources: RelaySourcesRepo
  readonly clock: Clock
  private readonly events = new CoreEvents()
  private readonly intake: IntakeWriter
  /** Syncs the database's log off the event loop for intake and attempts' records. */
  private readonly walSync: WalSync
  /** The host-app pollers (machines list, event feed) and their settings. */
  readonly pollers: PollScheduler
  readonly pollerSettings: PollersRepo
  readonly pruner: HistoryPruner
  /** Machine health as Knocker has seen it (events and the machines poller), for the morning report. */
  readonly machineHealth: MachineHealthProjection
  /** Each endpoint's morning report, at its time. */
  readonly morningReports: MorningReports
  private readonly dispatcher: Dispatcher
  private readonly ownsDispatcher: boolean
  private started = false
  private intakeUrl: string | null = null
  /** Where the log is, in words a person can follow. */
  readonly logLocation: string

  constructor(readonly options: KnockerOptions) {
    mkdirSync(options.dataDir, { recursive: true, mode: 0o700 })
    this.logLocation = options.logLocation ?? STANDARD_OUTPUT
    const clock = options.clock ?? systemClock
    this.clock = clock
    const dbFile = options.dbFile ?? join(options.dataDir, 'knocker.db')
    this.db = openDb(dbFile, options.migrationsFolder, { nativeBinding: options.sqliteNativeBinding })
    if (dbFile !== ':memory:') chmodSync(dbFile, 0o600) // event history is nobody else's business
    this.settings = new SettingsRepo(this.db)
    if (options.allowPrivateTargets) this.settings.update({ allow_private_targets: true })
    this.endpoints = new EndpointsRepo(this.db, options.secretBox)
    this.relaySources = new RelaySourcesRepo(this.db, options.secretBox)
    this.ownsDispatcher = !options.dispatcher
    this.dispatcher =
      options.dispatcher ?? new Agent({ keepAliveTimeout: 30_000, connections: 8, connect: { timeout: 10_000 } })
    const channels = options.channels ?? defaultChannels
    this.walSync = new WalSync(this.db.$client, (error) =>
      options.logger.error({ err: error }, 'the disk refused to sync the database log: what was just written may not survive a power cut'),
    )
    const outbox = new Outbox(this.db, this.walSync)
    const queue = new QueueView(this.db)
    const sweeps = new QueueSweeps(this.db)
    const reportEdits = new ReportEdits(this.db, outbox)
    this.engine = new DeliveryEngine({
      outbox,
      queue,
      sweeps,
      reportEdits,
      threads: new ThreadStore(this.db),
      endpoints: this.endpoints,
      settings: this.settings,
      alerts: new AttentionAlerts({ db: this.db, outbox, queue, endpoints: this.endpoints, settings: this.settings, logger: options.logger }),
      channels,
      clock,
      logger: options.logger,
      dispatcher: this.dispatcher,
      timeoutMs: options.sendTimeoutMs ?? 15_000,
      stopGraceMs: options.stopGraceMs,
      random: options.random,
      events: this.events,
      eventsOnDisk: () => this.intake.eventsOnDisk(),
    })
    this.machineHealth = new MachineHealthProjection(this.db)
    this.morningReports = new MorningReports({
      db: this.db,
      outbox,
      projection: this.machineHealth,
      endpoints: this.endpoints,
      settings: this.settings,
      clock,
      logger: options.logger,
      onQueued: () => {
        this.engine.kick()
        this.events.changed('deliveries', 'endpoints')
      },
    })
    this.pruner = new HistoryPruner({ db: this.db, sweeps, settings: this.settings, clock, logger: options.logger })
    this.intake = new IntakeWriter({
      db: this.db,
      walSync: this.walSync,
      outbox,
      reportEdits,
      holds: new DeliveryHolds(this.db, outbox),
      projection: this.machineHealth,
      endpoints: this.endpoints,
      relaySources: this.relaySources,
      settings: this.settings,
      clock,
      onCommitted: () => this.engine.kick(),
    })
    this.pollerSettings = new PollersRepo(this.db, options.secretBox)
    this.pollers = new PollScheduler({
      repo: this.pollerSettings,
      intake: this.intake,
      settings: this.settings,
      clock,
      logger: options.logger,
      dispatcher: this.dispatcher,
      timeoutMs: options.sendTimeoutMs ?? 15_000,
      onAccepted: () => this.events.changed('deliveries', 'endpoints'),
      onStateSaved: (id, state, site, now) => {
        if (id === 'machines' && state !== null) this.machineHealth.applySnapshot(SnapshotSchema.parse(JSON.parse(state)), now, site.href)
      },
      logLocation: this.logLocation,
    })
    this.admin = announceAdminChanges(createAdminService({
      db: this.db,
      outbox,
      sweeps,
      endpoints: this.endpoints,
      settings: this.settings,
      channels,
      engine: this.engine,
      clock,
      system: {
        version: options.version ?? 'dev',
        dataDir: options.dataDir,
        dbFile,
        startedAt: clock.now(),
        ingestToken: options.ingestToken,
        intakeUrl: () => this.intakeUrl,
        logLocation: this.logLocation,
      },
      pollers: { repo: this.pollerSettings, scheduler: this.pollers, settings: this.settings, clock },
      relaySources: {
        repo: this.relaySources,
        endpoints: this.endpoints,
        clock,
        baseUrl: () => (this.intakeUrl ? new URL(this.intakeUrl).origin : null),
      },
      morning: this.morningReports,
    }), this.events)
    // A database from before the projection existed: built once from the stored history (a
    // new one is built from nothing). One transaction, so no event is counted twice.
    if (!this.machineHealth.isBuilt()) this.rebuildMachineHealth()
  }

  /** Rebuilds the machine-health projection from the stored events, then the machines
   * poller's last snapshot when it is on. */
  rebuildMachineHealth(): void {
    const poller = this.pollerSettings.get('machines')
    this.machineHealth.rebuild(() => {
      if (!poller.enabled || poller.state === null || !poller.baseUrl || poller.lastSuccessAt === null) return
      this.machineHealth.applySnapshot(SnapshotSchema.parse(JSON.parse(poller.state)), poller.lastSuccessAt, poller.baseUrl)
    })
  }

  /** The shell tells the core where intake listens, for the admin UI's set-up instructions. */
  setIntakeUrl(url: string): void {
    this.intakeUrl = url
  }

  async start(): Promise<void> {
    if (this.started) return
    this.started = true
    this.engine.start()
    this.pruner.start()
    this.pollers.start()
    this.morningReports.start()
  }

  /** Validated events in; resolves once they and their deliveries are committed to disk. */
  accept(events: KnockerEvent[]): Promise<AcceptedEvent[]> {
    return this.intake.submit(events).then((accepted) => {
      if (accepted.some((a) => !a.duplicate)) this.events.changed('deliveries', 'endpoints')
      return accepted
    })
  }

  /** The shell's sign that the network may be back (the OS says online again, the computer
   * woke up): while offline, the next probe goes now instead of at its turn. */
  networkMayBeBack(): void {
    this.engine.networkMayBeBack()
  }

  /** A message relayed from a Discord-compatible source; resolves once it and its deliveries are on disk. */
  acceptRelayed(message: RelayedMessage): Promise<AcceptedEvent> {
    return this.intake.submitRelayed(message).then((accepted) => {
      this.events.changed('deliveries', 'endpoints', 'sources')
      return accepted
    })
  }

  /** Calls `listener` with what changed (see ChangeTopic); returns a function that unsubscribes. */
  onChange(listener: ChangeListener): () => void {
    return this.events.onChange(listener)
  }

  /** Calls `listener` once per endpoint newly flagged "needs attention"; returns a function that unsubscribes. */
  onAttention(listener: AttentionListener): () => void {
    return this.events.onAttention(listener)
  }

  async stop(): Promise<void> {
    if (!this.started) {
      await this.closeDb()
      return
    }
    this.started = false
    this.morningReports.stop()
    this.pruner.stop()
    await this.pollers.stop()
    await this.engine.stop()
    if (this.ownsDispatcher) await this.dispatcher.close().catch(() => undefined)
    await this.closeDb()
  }

  /** After the last sync of the log: closing the database checkpoints it into the file and
   * deletes the log, which Windows defers while another handle is open, so ours goes first. */
  private async closeDb(): Promise<void> {
    await this.walSync.durable().catch(() => undefined)
    this.walSync.close()
    this.db.$client.close()
  }
}
