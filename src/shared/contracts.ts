// The admin API, defined once: name → method, path, zod input, zod output.
// The headless HTTP API, the Electron IPC adapter and the renderer's client are all built
// from this table, so they cannot drift.
import { z } from 'zod'
import { DeliveryEventTypeSchema } from './attentionAlert'
import { DeliveryStatusSchema, ENDPOINT_KINDS, ERROR_CLASSES } from './domain'
import { KIND_OPTIONS, TARGET_FIELDS, type EndpointKind } from './endpointKinds'
import { EVENT_TYPES, EventTypeSchema } from './events'
import { MORNING_REPORT_TYPE } from './morningReport'
import { PollerIdSchema, PollerUpdateSchema, PollerViewSchema } from './pollers'
import { RoutingRuleSchema, RoutingRulesSchema } from './routingRules'
import { RelaySourceCreateSchema, RelaySourceUpdateSchema, RelaySourceViewSchema, RelaySourceWithUrlSchema } from './relay'

const id = z.string().min(1).max(100)
const numericId = z.coerce.number().int().positive()
const timestamp = z.number().int().describe('milliseconds since the epoch')

export const EndpointViewSchema = z.object({
  id,
  name: z.string(),
  kind: z.enum(ENDPOINT_KINDS),
  enabled: z.boolean(),
  events: z.array(EventTypeSchema),
  /** Routing rules on top of the event types (see routingRules.ts); empty: every event of them. */
  rules: z.array(RoutingRuleSchema),
  /** Redacted target: host + last 4 characters. The secret itself is never returned. */
  target: z.string(),
  /** Non-secret target settings (SMTP host and recipients, webhook header names …). */
  settings: z.record(z.string(), z.unknown()),
  options: z.record(z.string(), z.unknown()),
  needs_attention: z.string().nullable(),
  needs_attention_at: timestamp.nullable(),
  created_at: timestamp,
  updated_at: timestamp,
  queue: z.object({ pending: z.number().int(), failed: z.number().int() }),
  health: z.object({
    last_success_at: timestamp.nullable(),
    last_failure_at: timestamp.nullable(),
    /** Delivered ÷ (delivered + failed) of its last 100 deliveries, tests excluded; null when none. */
    success_rate: z.number().min(0).max(1).nullable(),
  }),
})
export type EndpointView = z.infer<typeof EndpointViewSchema>

/** A webhook endpoint's signing secret is shown once: when it is created or rotated. */
export const EndpointWithSecretSchema = EndpointViewSchema.extend({ signing_secret: z.string().optional() })

const common = {
  name: z.string().trim().min(1, 'name is required').max(100),
  enabled: z.boolean().default(true),
  events: z.array(EventTypeSchema).max(EVENT_TYPES.length).default([...EVENT_TYPES]),
  /** Rules that can never match the subscribed event types are refused by the core. */
  rules: RoutingRulesSchema.default([]),
}

/** One variant per kind, with that kind's target fields and options. */
type CreateVariant<K extends EndpointKind> = z.ZodObject<
  typeof common & { kind: z.ZodLiteral<K>; options: z.ZodDefault<(typeof KIND_OPTIONS)[K]> } & (typeof TARGET_FIELDS)[K]
>
type AnyCreateVariant = { [K in EndpointKind]: CreateVariant<K> }[EndpointKind]
function createVariant<K extends EndpointKind>(kind: K): CreateVariant<K> {
  return z.object({ ...common, kind: z.literal(kind), ...TARGET_FIELDS[kind], options: KIND_OPTIONS[kind].default({}) }) as unknown as CreateVariant<K>
}
export const EndpointCreateSchema = z.discriminatedUnion('kind', ENDPOINT_KINDS.map(createVariant) as [AnyCreateVariant, ...AnyCreateVariant[]])
export type EndpointCreate = z.input<typeof EndpointCreateSchema>

/** Any field may change; target fields must belong to the endpoint's kind (checked by the core). */
export const EndpointUpdateSchema = z.object({
  id,
  name: common.name.optional(),
  enabled: z.boolean().optional(),
  events: z.array(EventTypeSchema).max(EVENT_TYPES.length).optional(),
  /** Replaces the rules; [] removes them. */
  rules: RoutingRulesSchema.optional(),
  options: z.record(z.string(), z.unknown()).optional(),
  url: TARGET_FIELDS.webhook.url.optional(),
  smtp: TARGET_FIELDS.email.smtp.partial().optional(),
  from: TARGET_FIELDS.email.from.optional(),
  to: TARGET_FIELDS.email.to.optional(),
  headers: TARGET_FIELDS.webhook.headers,
  auth: TARGET_FIELDS.webhook.auth,
  /** Clear the "needs attention" flag after fixing the destination (resumes its queue). */
  clear_attention: z.boolean().optional(),
})

export const SettingsSchema = z.object({
  /** Master switch: off records every event as suppressed. */
  delivery_enabled: z.boolean(),
  /** Per event type switch. */
  events: z.record(EventTypeSchema, z.boolean()),
  /** Lets endpoints point at http:// and loopback/LAN hosts (tests, LAN receivers). */
  allow_private_targets: z.boolean(),
  /** Delivered and suppressed history older than this many days is pruned. */
  retention_days: z.number().int().min(1).max(3650),
  /** Per event type: retry for this many hours, then fail with the reason. */
  ttl_hours: z.record(EventTypeSchema, z.number()),
})
export type Settings = z.infer<typeof SettingsSchema>

export const SettingsUpdateSchema = z.object({
  delivery_enabled: z.boolean().optional(),
  events: z.partialRecord(EventTypeSchema, z.boolean()).optional(),
  allow_private_targets: z.boolean().optional(),
  retention_days: z.number().int().min(1, 'keep at least 1 day').max(3650, 'at most 3650 days (10 years)').optional(),
  ttl_hours: z
    .partialRecord(EventTypeSchema, z.number().min(1, 'at least 1 hour').max(24 * 30, 'at most 30 days (720 hours)'))
    .optional(),
})

export const AttemptViewSchema = z.object({
  id: z.number().int(),
  attempt_no: z.number().int(),
  trigger: z.enum(['scheduled', 'manual', 'test']),
  started_at: timestamp,
  duration_ms: z.number().int(),
  outcome: z.enum(['delivered', 'retry', 'failed']),
  status_code: z.number().int().nullable(),
  error_class: z.enum(ERROR_CLASSES).nullable(),
  error_message: z.string().nullable(),
  note: z.string().nullable(),
  request_body: z.string().nullable(),
  response_headers: z.record(z.string(), z.string()).nullable(),
  response_body: z.string().nullable(),
})
export type AttemptView = z.infer<typeof AttemptViewSchema>

export const DeliveryViewSchema = z.object({
  id: z.number().int(),
  event_id: z.string(),
  /** One of the host app's event types, a relayed message's, or Knocker's own: the
   * "knocker.endpoint_attention" alert, the "knocker.morning_report". */
  event: DeliveryEventTypeSchema,
  summary: z.string(),
  endpoint_id: id,
  endpoint_name: z.string(),
  endpoint_kind: z.enum(ENDPOINT_KINDS),
  status: DeliveryStatusSchema,
  is_test: z.boolean(),
  attempt_count: z.number().int(),
  next_attempt_at: timestamp.nullable(),
  last_error_class: z.enum(ERROR_CLASSES).nullable(),
  last_error: z.string().nullable(),
  last_status_code: z.number().int().nullable(),
  remote_id: z.string().nullable(),
  occurred_at: z.string(),
  created_at: timestamp,
  updated_at: timestamp,
  delivered_at: timestamp.nullable(),
  /** How late the delivery was compared with when the event happened. */
  latency_ms: z.number().int().nullable(),
  /** The routing rule that sent it here ("matched: zone is workshop"), then why it waits or what
   * it changes, when that isn't the usual: "edited: report closed" (it edits the report's
   * earlier post), "held: quiet hours until 07:00"; joined by " · ". */
  why: z.string().nullable(),
})
export type DeliveryView = z.infer<typeof DeliveryViewSchema>

export const DeliveryDetailSchema = DeliveryViewSchema.extend({
  payload: z.unknown(),
  attempts: z.array(AttemptViewSchema),
})

export const TestResultSchema = z.object({
  delivery_id: z.number().int(),
  ok: z.boolean(),
  status: DeliveryStatusSchema,
  status_code: z.number().int().nullable(),
  duration_ms: z.number().int(),
  error_class: z.enum(ERROR_CLASSES).nullable(),
  error: z.string().nullable(),
})
export type TestResult = z.infer<typeof TestResultSchema>

/** "Send morning report now": the report is queued like any message (the history shows how it went). */
export const MorningReportQueuedSchema = z.object({
  delivery_id: z.number().int(),
  /** suppressed: the master switch or the endpoint's own switch is off (reason says which). */
  status: z.enum(['pending', 'suppressed']),
  reason: z.string().nullable(),
})

export const ENGINE_STATES = ['running', 'paused', 'offline'] as const
export type EngineState = (typeof ENGINE_STATES)[number]

export const StatsSchema = z.object({
  /** paused: master switch off · offline: the network is down, sends wait for it · running. */
  state: z.enum(ENGINE_STATES),
  offline_since: timestamp.nullable(),
  /** Deliveries waiting to go out (pending, retrying, sending). */
  queue_depth: z.number().int(),
  /** Deliveries finished per hour over the last 24 hours, oldest first. */
  timeline: z.array(z.object({ start: timestamp, delivered: z.number().int(), failed: z.number().int() })),
  events: z.object({ total: z.number().int(), last_24h: z.number().int() }),
  deliveries: z.record(DeliveryStatusSchema, z.number().int()),
  delivered_last_24h: z.number().int(),
  failed_last_24h: z.number().int(),
  oldest_pending_at: timestamp.nullable(),
  endpoints: z.object({ total: z.number().int(), enabled: z.number().int(), needs_attention: z.number().int() }),
  delivery_enabled: z.boolean(),
})

/** What a message preview can show: an event of each type, or the morning report. */
export const PreviewEventSchema = z.enum([...EVENT_TYPES, MORNING_REPORT_TYPE])
export type PreviewEvent = z.infer<typeof PreviewEventSchema>

export const PreviewInputSchema = z
  .object({
    /** Preview with this endpoint's kind and options … */
    endpoint_id: id.optional(),
    /** … or with a kind's defaults. */
    kind: z.enum(ENDPOINT_KINDS).optional(),
    /** The morning report shows what Knocker knows of the machines now (a sample while it knows none). */
    event: PreviewEventSchema.default('problem_report.created'),
    /** Draft options (unsaved, e.g. the endpoint form's message templates), checked like a
     * save's: the preview shows the message these would send. */
    options: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((v) => v.endpoint_id !== undefined || v.kind !== undefined, {
    message: 'give an endpoint_id or a kind',
    path: ['kind'],
  })

export const PreviewSchema = z.object({
  kind: z.enum(ENDPOINT_KINDS),
  event: PreviewEventSchema,
  summary: z.string(),
  /** The request body exactly as it would be sent (no secrets: the target is added at send time). */
  body: z.unknown(),
})
export type Preview = z.infer<typeof PreviewSchema>

export const IntakeInfoSchema = z.object({
  /** Where the museum app pushes events; null until the intake server listens. */
  url: z.string().nullable(),
  /** The ingest token (Knocker's own credential, needed to set up the museum app). */
  token: z.string(),
})

export const SystemInfoSchema = z.object({
  version: z.string(),
  data_dir: z.string(),
  database_bytes: z.number().int().nullable(),
  started_at: timestamp,
  /** Where the log is: a file in the desktop app, the service's standard output headless. */
  log_location: z.string(),
})

/** "Who gets this?": one of the sample events, or an event as the host app would send it. */
export const RoutingExplainInputSchema = z
  .object({ sample: EventTypeSchema.optional(), event: z.unknown().optional() })
  .refine((v) => (v.sample === undefined) !== (v.event === undefined), {
    message: 'give either a sample (an event type) or an event',
    path: ['event'],
  })

export const ROUTE_OUTCOMES = ['gets', 'suppressed', 'not_subscribed', 'no_rule_matched'] as const
export const RoutingExplanationSchema = z.object({
  event: z.object({ event_id: z.string(), event: EventTypeSchema, summary: z.string() }),
  endpoints: z.array(
    z.object({
      endpoint_id: id,
      endpoint_name: z.string(),
      endpoint_kind: z.enum(ENDPOINT_KINDS),
      /** Whether a delivery would be sent (a suppressed one is recorded but not sent). */
      gets: z.boolean(),
      outcome: z.enum(ROUTE_OUTCOMES),
      /** One sentence: "Subscribed, and rule 1 matched: zone is workshop". */
      reason: z.string(),
      /** What intake records on the delivery ("matched: zone is workshop"), or null. */
      matched: z.string().nullable(),
      /** Per rule, the first condition the event fails, when no rule matched. */
      misses: z.array(z.string()),
      /** Quiet hours that would hold it right now ("held: quiet hours until 07:00"), or null. */
      held: z.string().nullable(),
    }),
  ),
})
export type RoutingExplanation = z.infer<typeof RoutingExplanationSchema>

const Empty = z.object({})
const Ok = z.object({ ok: z.literal(true) })

export const DeliveryFilterSchema = z.object({
  status: DeliveryStatusSchema.optional(),
  endpoint_id: id.optional(),
  event: DeliveryEventTypeSchema.optional(),
  /** Created at or after (ms). */
  since: z.coerce.number().int().nonnegative().optional(),
  /** Created before (ms). */
  until: z.coerce.number().int().nonnegative().optional(),
  /** Text in the event's summary (machine name, report text …), case-insensitive. */
  q: z.string().trim().max(100).optional(),
})
export type DeliveryFilter = z.infer<typeof DeliveryFilterSchema>

export const DeliveryListQuerySchema = DeliveryFilterSchema.extend({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  /** Opaque cursor from the previous page's next_cursor. */
  cursor: z.string().max(100).optional(),
})

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE'
interface Contract<I extends z.ZodType, O extends z.ZodType> {
  method: Method
  path: string
  input: I
  output: O
  /** Status code of a successful answer. */
  status?: number
}
const contract = <I extends z.ZodType, O extends z.ZodType>(c: Contract<I, O>) => c

export const adminContracts = {
  listEndpoints: contract({
    method: 'GET',
    path: '/api/endpoints',
    input: Empty,
    output: z.object({ endpoints: z.array(EndpointViewSchema) }),
  }),
  createEndpoint: contract({
    method: 'POST',
    path: '/api/endpoints',
    input: EndpointCreateSchema,
    output: EndpointWithSecretSchema,
    status: 201,
  }),
  getEndpoint: contract({ method: 'GET', path: '/api/endpoints/:id', input: z.object({ id }), output: EndpointViewSchema }),
  updateEndpoint: contract({
    method: 'PATCH',
    path: '/api/endpoints/:id',
    input: EndpointUpdateSchema,
    output: EndpointViewSchema,
  }),
  rotateSecret: contract({
    method: 'POST',
    path: '/api/endpoints/:id/rotate-secret',
    input: z.object({ id, grace_hours: z.number().min(0).max(168).default(24) }),
    output: EndpointWithSecretSchema,
  }),
  deleteEndpoint: contract({ method: 'DELETE', path: '/api/endpoints/:id', input: z.object({ id }), output: Ok }),
  testEndpoint: contract({
    method: 'POST',
    path: '/api/endpoints/:id/test',
    input: z.object({ id, event: EventTypeSchema.default('problem_report.created') }),
    output: TestResultSchema,
  }),
  sendMorningReport: contract({
    method: 'POST',
    path: '/api/endpoints/:id/morning-report',
    input: z.object({ id }),
    output: MorningReportQueuedSchema,
  }),
  getSettings: contract({ method: 'GET', path: '/api/settings', input: Empty, output: SettingsSchema }),
  updateSettings: contract({ method: 'PATCH', path: '/api/settings', input: SettingsUpdateSchema, output: SettingsSchema }),
  listDeliveries: contract({
    method: 'GET',
    path: '/api/deliveries',
    input: DeliveryListQuerySchema,
    output: z.object({ deliveries: z.array(DeliveryViewSchema), next_cursor: z.string().nullable() }),
  }),
  getDelivery: contract({
    method: 'GET',
    path: '/api/deliveries/:id',
    input: z.object({ id: numericId }),
    output: DeliveryDetailSchema,
  }),
  retryDelivery: contract({
    method: 'POST',
    path: '/api/deliveries/:id/retry',
    input: z.object({ id: numericId }),
    output: DeliveryViewSchema,
  }),
  retryFailed: contract({
    method: 'POST',
    path: '/api/deliveries/retry-failed',
    input: z.object({ endpoint_id: id.optional(), since: timestamp.optional() }),
    output: z.object({ retried: z.number().int() }),
  }),
  exportDeliveries: contract({
    method: 'GET',
    path: '/api/deliveries/export',
    input: DeliveryFilterSchema,
    output: z.object({ filename: z.string(), csv: z.string(), rows: z.number().int(), truncated: z.boolean() }),
  }),
  getStats: contract({ method: 'GET', path: '/api/stats', input: Empty, output: StatsSchema }),
  previewMessage: contract({ method: 'POST', path: '/api/preview', input: PreviewInputSchema, output: PreviewSchema }),
  explainRouting: contract({ method: 'POST', path: '/api/routing/explain', input: RoutingExplainInputSchema, output: RoutingExplanationSchema }),
  getIntakeInfo: contract({ method: 'GET', path: '/api/intake', input: Empty, output: IntakeInfoSchema }),
  getSystemInfo: contract({ method: 'GET', path: '/api/system', input: Empty, output: SystemInfoSchema }),
  // Pollers: the host app's machines list and event feed.
  getPollers: contract({
    method: 'GET',
    path: '/api/pollers',
    input: Empty,
    output: z.object({ pollers: z.array(PollerViewSchema) }),
  }),
  updatePoller: contract({ method: 'PATCH', path: '/api/pollers/:id', input: PollerUpdateSchema, output: PollerViewSchema }),
  pollNow: contract({
    method: 'POST',
    path: '/api/pollers/:id/poll',
    input: z.object({ id: PollerIdSchema }),
    output: PollerViewSchema,
  }),
  // Discord-compatible sources: apps that post to a Discord webhook URL post here instead.
  listRelaySources: contract({
    method: 'GET',
    path: '/api/sources',
    input: Empty,
    output: z.object({ sources: z.array(RelaySourceViewSchema) }),
  }),
  createRelaySource: contract({
    method: 'POST',
    path: '/api/sources',
    input: RelaySourceCreateSchema,
    output: RelaySourceWithUrlSchema,
    status: 201,
  }),
  updateRelaySource: contract({
    method: 'PATCH',
    path: '/api/sources/:id',
    input: RelaySourceUpdateSchema,
    output: RelaySourceViewSchema,
  }),
  rotateRelaySourceToken: contract({
    method: 'POST',
    path: '/api/sources/:id/rotate-token',
    input: z.object({ id }),
    output: RelaySourceWithUrlSchema,
  }),
  deleteRelaySource: contract({ method: 'DELETE', path: '/api/sources/:id', input: z.object({ id }), output: Ok }),
} as const

export type AdminContracts = typeof adminContracts
export type AdminCallName = keyof AdminContracts
export type AdminInput<N extends AdminCallName> = z.input<AdminContracts[N]['input']>
export type AdminOutput<N extends AdminCallName> = z.infer<AdminContracts[N]['output']>
/** What every transport implements and the renderer calls. */
export type AdminApi = { [N in AdminCallName]: (input: AdminInput<N>) => Promise<AdminOutput<N>> }

/** The error shape of intake and the admin API alike. */
export const ApiErrorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
})
export type ApiErrorBody = z.infer<typeof ApiErrorBodySchema>

// The preload's name list must be exactly the contract table's keys.
import type { ADMIN_CALL_NAMES } from './adminCallNames'
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
const namesMatch: Same<(typeof ADMIN_CALL_NAMES)[number], AdminCallName> = true
void namesMatch
