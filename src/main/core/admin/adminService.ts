// The AdminApi implementation both shells use. Every call parses its input with the
// contract, so the HTTP API, IPC and direct callers get the same validation and errors.
import { statSync } from 'node:fs'
import type { z } from 'zod'
import { adminContracts, type AdminApi, type AdminCallName, type EndpointView } from '../../../shared/contracts'
import { ALL_TARGET_FIELD_NAMES, KIND_OPTIONS, targetFieldNames, type EndpointKind } from '../../../shared/endpointKinds'
import type { ChannelRegistry } from '../channels/registry'
import { TargetError } from '../channels/types'
import type { Clock } from '../clock'
import type { EndpointRecord, EndpointsRepo } from '../db/endpointsRepo'
import type { Db } from '../db/openDb'
import type { SettingsRepo } from '../db/settingsRepo'
import type { DeliveryEngine } from '../delivery/engine'
import type { Outbox } from '../delivery/outbox'
import type { QueueSweeps } from '../delivery/queueSweeps'
import { sendTest } from '../delivery/testSend'
import type { MorningReports } from '../morning/morningReports'
import { ApiError, conflict, invalidRequest, notFound } from './apiError'
import { deliveriesCsv } from './deliveriesCsv'
import { DeliveryViews } from './deliveryViews'
import { previewMessage } from './messagePreview'
import { pollerHandlers, type PollerAdminDeps } from './pollerAdmin'
import { relaySourceHandlers, type RelaySourceAdminDeps } from './relaySourceAdmin'
import { checkRulesCanMatch, routingHandlers } from './routingAdmin'

export interface AdminDeps {
  db: Db
  outbox: Outbox
  sweeps: QueueSweeps
  endpoints: EndpointsRepo
  settings: SettingsRepo
  channels: ChannelRegistry
  engine: DeliveryEngine
  clock: Clock
  /** Where this instance runs: shown on the Settings and Events & sources pages. */
  system: {
    version: string
    dataDir: string
    dbFile: string
    startedAt: number
    ingestToken: string
    /** The intake URL once the shell listens. */
    intakeUrl: () => string | null
    /** Where the log is, in words a person can follow. */
    logLocation: string
  }
  pollers: PollerAdminDeps
  relaySources: RelaySourceAdminDeps
  /** "Send morning report now", and the report as it would be built now for the preview. */
  morning: MorningReports
}

type Handlers = {
  [N in AdminCallName]: (
    input: z.output<(typeof adminContracts)[N]['input']>,
  ) => Promise<z.input<(typeof adminContracts)[N]['output']>> | z.input<(typeof adminContracts)[N]['output']>
}

const DAY = 24 * 60 * 60 * 1000
/** An export is for reading in a spreadsheet; past this, narrow the filters. */
const EXPORT_MAX_ROWS = 50_000

export function createAdminService(deps: AdminDeps): AdminApi {
  const { db, outbox, sweeps, endpoints, settings, channels, engine, clock, system } = deps
  const views = new DeliveryViews(db)

  const view = (record: EndpointRecord, counts = views.queueCountsByEndpoint()): EndpointView => {
    const queue = counts.get(record.id) ?? { pending: 0, failed: 0 }
    const channel = channels[record.kind]
    return {
      id: record.id,
      name: record.name,
      kind: record.kind,
      enabled: record.enabled,
      events: record.events,
      rules: record.rules,
      target: record.targetHint,
      settings: channel.publicSettings ? channel.publicSettings(endpoints.target(record.id)) : {},
      options: record.options,
      needs_attention: record.needsAttention,
      needs_attention_at: record.needsAttentionAt,
      created_at: record.createdAt,
      updated_at: record.updatedAt,
      queue,
      health: views.health(record.id),
    }
  }
  const endpointOr404 = (id: string) => endpoints.get(id) ?? throwError(notFound(`Endpoint ${id}`))

  /** The channel checks what the kind's fields mean; its errors become 400 issues. */
  const parseTarget = (kind: EndpointKind, fields: Record<string, unknown>) => {
    const channel = channels[kind]
    try {
      const target = channel.parseTarget({ ...fields, allowPrivate: settings.get().allow_private_targets })
      return { target, targetHint: channel.redactTarget(target) }
    } catch (error) {
      if (error instanceof TargetError) {
        throw new ApiError(400, 'invalid_request', 'The endpoint is invalid', [{ path: error.path, message: error.message }])
      }
      throw error
    }
  }
  const checkOptions = (kind: EndpointKind, options: unknown) => {
    const parsed = KIND_OPTIONS[kind].safeParse(options)
    if (!parsed.success) throw invalidRequest(parsed.error, `Invalid options for a ${kind} endpoint`, ['options'])
    return parsed.data as Record<string, unknown>
  }
  /** A fallback must be another endpoint that exists (deleting one clears it from others). */
  const checkFallback = (options: Record<string, unknown>, selfId: string | null) => {
    const fallbackId = options.fallback_endpoint_id
    if (typeof fallbackId !== 'string') return
    const problem =
      fallbackId === selfId
        ? 'An endpoint cannot be its own fallback: pick another endpoint'
        : endpoints.get(fallbackId)
          ? null
          : endpoints.nameOf(fallbackId)
            ? 'That endpoint was deleted: pick another endpoint as the fallback'
            : `There is no endpoint "${fallbackId}": pick an existing endpoint as the fallback`
    if (problem) {
      throw new ApiError(400, 'invalid_request', 'The fallback endpoint is invalid', [{ path: 'options.fallback_endpoint_id', message: problem }])
    }
  }
  const withSecret = (record: EndpointRecord) => {
    const channel = channels[record.kind]
    const secret = channel.signingSecret?.(endpoints.target(record.id))
    return { ...view(record), ...(secret ? { signing_secret: secret } : {}) }
  }

  const handlers: Handlers = {
    listEndpoints: () => {
      const counts = views.queueCountsByEndpoint() // one query for the whole list
      return { endpoints: endpoints.list().map((record) => view(record, counts)) }
    },

    createEndpoint: (input) => {
      const fields = pick(input, targetFieldNames(input.kind))
      const { target, targetHint } = parseTarget(input.kind, fields)
      checkFallback(input.options, null)
      checkRulesCanMatch(input.rules, input.events)
      const created = endpoints.create(
        {
          name: input.name,
          kind: input.kind,
          enabled: input.enabled,
          events: input.events,
          rules: input.rules,
          target,
          targetHint,
          options: input.options,
        },
        clock.now(),
      )
      deps.morning.reschedule() // its morning report's time
      return withSecret(created)
    },

    getEndpoint: ({ id }) => view(endpointOr404(id)),

    updateEndpoint: (input) => {
      const current = endpointOr404(input.id)
      const allowed = targetFieldNames(current.kind)
      const given = ALL_TARGET_FIELD_NAMES.filter((f) => (input as Record<string, unknown>)[f] !== undefined)
      const foreign = given.filter((f) => !allowed.includes(f))
      if (foreign.length > 0) {
        throw new ApiError(
          400,
          'invalid_request',
          `Not a setting of a ${current.kind} endpoint`,
          foreign.map((f) => ({ path: f, message: `${current.kind} endpoints have no "${f}"` })),
        )
      }
      let parsed: ReturnType<typeof parseTarget> | undefined
      if (given.length > 0) {
        const stored = endpoints.target(current.id) as Record<string, unknown>
        const patch = pick(input as Record<string, unknown>, given)
        // Nested SMTP settings merge, so a password needn't be typed again to change the port.
        if (patch.smtp && stored.smtp) patch.smtp = { ...(stored.smtp as object), ...(patch.smtp as object) }
        parsed = parseTarget(current.kind, { ...stored, ...patch })
      }
      const options = input.options !== undefined ? checkOptions(current.kind, input.options) : undefined
      if (options) checkFallback(options, current.id)
      // New rules, or new event types under the current rules: each rule must still be able to match.
      if (input.rules !== undefined || input.events !== undefined) checkRulesCanMatch(input.rules ?? current.rules, input.events ?? current.events)
      const updated = endpoints.update(
        input.id,
        {
          name: input.name,
          enabled: input.enabled,
          events: input.events,
          rules: input.rules,
          options,
          target: parsed?.target,
          targetHint: parsed?.targetHint,
          clearAttention: input.clear_attention,
        },
        clock.now(),
      )
      engine.kick()
      deps.morning.reschedule()
      return view(updated)
    },

    rotateSecret: ({ id, grace_hours }) => {
      const current = endpointOr404(id)
      const channel = channels[current.kind]
      if (!channel.rotateSecret) throw conflict(`${current.kind} endpoints have no signing secret`)
      const now = clock.now()
      const target = channel.rotateSecret(endpoints.target(id), now, grace_hours * 3600_000)
      return withSecret(endpoints.update(id, { target, targetHint: channel.redactTarget(target) }, now))
    },

    deleteEndpoint: ({ id }) => {
      endpointOr404(id)
      const now = clock.now()
      // Nothing silently vanishes: what it still had waiting fails, saying why.
      db.transaction(() => {
        endpoints.delete(id, now)
        sweeps.failWaiting(id, 'The endpoint was deleted before this was delivered', now)
      })
      return { ok: true as const }
    },

    testEndpoint: ({ id, event }) => sendTest({ db, outbox, engine, clock }, endpointOr404(id), event),

    sendMorningReport: ({ id }) => {
      const queued = deps.morning.sendNow(endpointOr404(id).id) ?? throwError(notFound(`Endpoint ${id}`))
      return { delivery_id: queued.deliveryId, status: queued.status, reason: queued.reason }
    },

    getSettings: () => settings.get(),

    updateSettings: (input) => {
      const next = settings.update({
        ...(input.delivery_enabled !== undefined ? { delivery_enabled: input.delivery_enabled } : {}),
        ...(input.allow_private_targets !== undefined ? { allow_private_targets: input.allow_private_targets } : {}),
        ...(input.events ? { events: { ...settings.get().events, ...input.events } } : {}),
        ...(input.retention_days !== undefined ? { retention_days: input.retention_days } : {}),
        ...(input.ttl_hours ? { ttl_hours: { ...settings.get().ttl_hours, ...input.ttl_hours } } : {}),
      })
      return next
    },

    listDeliveries: (input) => views.list(input),

    getDelivery: ({ id }) => views.get(id) ?? throwError(notFound(`Delivery ${id}`)),

    retryDelivery: ({ id }) => {
      const current = views.get(id) ?? throwError(notFound(`Delivery ${id}`))
      if (current.is_test) throw conflict('Test sends are not retried: send a new test instead')
      if (current.status === 'delivered') throw conflict('This delivery was already delivered')
      if (current.status === 'sending') throw conflict('This delivery is being sent right now')
      sweeps.requeueOne(id, clock.now())
      endpoints.clearFlag(current.endpoint_id)
      engine.kick()
      return views.get(id)!
    },

    retryFailed: ({ endpoint_id, since }) => {
      const retried = sweeps.requeueFailed({ endpointId: endpoint_id, since }, clock.now())
      if (endpoint_id) endpoints.clearFlag(endpoint_id)
      engine.kick()
      return { retried }
    },

    exportDeliveries: (filter) => {
      const rows = views.all(filter, EXPORT_MAX_ROWS + 1)
      const truncated = rows.length > EXPORT_MAX_ROWS
      const kept = truncated ? rows.slice(0, EXPORT_MAX_ROWS) : rows
      const stamp = new Date(clock.now()).toISOString().slice(0, 16).replace(/[:T]/g, '-')
      return { filename: `knocker-deliveries-${stamp}.csv`, csv: deliveriesCsv(kept), rows: kept.length, truncated }
    },

    previewMessage: ({ endpoint_id, kind, event, options }) => {
      if (endpoint_id) {
        const record = endpointOr404(endpoint_id)
        const channel = channels[record.kind]
        const source = {
          kind: record.kind,
          endpointId: record.id,
          options: options !== undefined ? checkOptions(record.kind, options) : record.options,
          settings: channel.publicSettings ? channel.publicSettings(endpoints.target(record.id)) : null,
        }
        return previewMessage(channels, source, event, clock.now(), () => deps.morning.preview())
      }
      const draft = options !== undefined ? checkOptions(kind!, options) : {}
      return previewMessage(channels, { kind: kind!, endpointId: null, options: draft, settings: null }, event, clock.now(), () => deps.morning.preview())
    },

    getIntakeInfo: () => ({ url: system.intakeUrl(), token: system.ingestToken }),

    getSystemInfo: () => ({
      version: system.version,
      data_dir: system.dataDir,
      database_bytes: databaseBytes(system.dbFile),
      started_at: system.startedAt,
      log_location: system.logLocation,
    }),

    getStats: () => {
      const now = clock.now()
      const list = endpoints.list()
      const byStatus = views.countsByStatus()
      const deliveryEnabled = settings.get().delivery_enabled
      const offlineSince = engine.offlineSince()
      return {
        state: !deliveryEnabled ? ('paused' as const) : offlineSince !== null ? ('offline' as const) : ('running' as const),
        offline_since: offlineSince,
        queue_depth: byStatus.pending + byStatus.retrying + byStatus.sending,
        timeline: views.timeline(now, 24),
        events: views.eventCounts(now - DAY),
        deliveries: byStatus,
        delivered_last_24h: views.countSince('delivered', now - DAY),
        failed_last_24h: views.countSince('failed', now - DAY),
        oldest_pending_at: views.oldestPendingAt(),
        endpoints: {
          total: list.length,
          enabled: list.filter((e) => e.enabled).length,
          needs_attention: list.filter((e) => e.needsAttention).length,
        },
        delivery_enabled: deliveryEnabled,
      }
    },

    ...pollerHandlers(deps.pollers),
    ...relaySourceHandlers(deps.relaySources),
    ...routingHandlers({ endpoints, settings, clock }),
  }

  const api = {} as Record<AdminCallName, (input: unknown) => Promise<unknown>>
  for (const name of Object.keys(adminContracts) as AdminCallName[]) {
    const contract = adminContracts[name]
    const handler = handlers[name] as (input: unknown) => unknown
    api[name] = async (input: unknown) => {
      const parsed = contract.input.safeParse(input ?? {})
      if (!parsed.success) throw invalidRequest(parsed.error)
      return handler(parsed.data)
    }
  }
  return api as unknown as AdminApi
}

function pick(source: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => source[k] !== undefined).map((k) => [k, source[k]]))
}

/** The database and its WAL, as they take up disk space. */
function databaseBytes(file: string): number | null {
  if (file === ':memory:') return null
  let total = 0
  for (const part of [file, `${file}-wal`]) {
    try {
      total += statSync(part).size
    } catch {
      // no WAL right now
    }
  }
  return total
}

function throwError(error: Error): never {
  throw error
}
