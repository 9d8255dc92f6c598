// The store's tables. Migrations in resources/migrations are generated from this file
// by `npm run db:generate` (drizzle-kit) and never edited or renumbered by hand.
import { sql } from 'drizzle-orm'
import { sqliteTable, text, integer, index, primaryKey, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { ATTENTION_ALERT_TYPE } from '../../../shared/attentionAlert'
import { MORNING_REPORT_TYPE } from '../../../shared/morningReport'

/** Events Knocker made itself (test sends, endpoint alerts, morning reports), not received from
 * the host app. Spelled with literals: a partial index on it serves only queries with the same expression. */
export const KNOCKERS_OWN_EVENTS = sql.raw(`(is_test = 1 or event_type in ('${ATTENTION_ALERT_TYPE}', '${MORNING_REPORT_TYPE}'))`)

/** Deliveries held back beyond their turn (quiet hours) and not yet released. Spelled with
 * literals, like KNOCKERS_OWN_EVENTS, so queries can use the partial index on it. */
export const HELD_SQL = `(hold_reason is not null and status = 'pending')`
const HELD = sql.raw(HELD_SQL)

/** Every accepted event, as validated (unknown fields and reporter contacts stripped). */
export const events = sqliteTable(
  'events',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    eventId: text('event_id').notNull(),
    eventType: text('event_type').notNull(),
    occurredAt: text('occurred_at').notNull(),
    receivedAt: integer('received_at').notNull(),
    payload: text('payload').notNull(),
    /** One line for history lists ("Eight Ball Deluxe: new problem report #412"). */
    summary: text('summary').notNull(),
    isTest: integer('is_test', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [
    uniqueIndex('events_event_id_unique').on(t.eventId),
    index('events_received_at_idx').on(t.receivedAt),
    // Knocker's own events only (few): stats subtract them from counts instead of reading every event.
    index('events_own_received_at_idx').on(t.receivedAt).where(KNOCKERS_OWN_EVENTS),
  ],
)

export const endpoints = sqliteTable('endpoints', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  kind: text('kind').notNull(),
  enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
  /** The destination's secret settings (webhook URL …), sealed by the SecretBox. */
  targetSealed: text('target_sealed').notNull(),
  /** Redacted description of the target, safe to show (host + last 4 characters). */
  targetHint: text('target_hint').notNull(),
  /** Non-secret, kind-specific options as JSON. */
  options: text('options').notNull().default('{}'),
  /** Routing rules on top of the subscribed event types (JSON, shared/routingRules.ts); an
   * empty list: every event of those types. */
  routingRules: text('routing_rules').notNull().default('[]'),
  needsAttention: text('needs_attention'),
  needsAttentionAt: integer('needs_attention_at'),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
  /** Deleted endpoints are kept so their delivery history still names them. */
  deletedAt: integer('deleted_at'),
})

export const subscriptions = sqliteTable(
  'subscriptions',
  {
    endpointId: text('endpoint_id')
      .notNull()
      .references(() => endpoints.id, { onDelete: 'cascade' }),
    eventType: text('event_type').notNull(),
  },
  (t) => [primaryKey({ columns: [t.endpointId, t.eventType] })],
)

export const deliveries = sqliteTable(
  'deliveries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    eventSeq: integer('event_seq')
      .notNull()
      .references(() => events.seq),
    endpointId: text('endpoint_id')
      .notNull()
      .references(() => endpoints.id),
    status: text('status').notNull(),
    isTest: integer('is_test', { mode: 'boolean' }).notNull().default(false),
    attemptCount: integer('attempt_count').notNull().default(0),
    /** Failures that count towards the retry schedule (rate limits don't). */
    failureCount: integer('failure_count').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at').notNull(),
    /** Trigger recorded on the next attempt: scheduled, or manual after a person pressed retry. */
    nextTrigger: text('next_trigger').notNull().default('scheduled'),
    leaseOwner: text('lease_owner'),
    leaseExpiresAt: integer('lease_expires_at'),
    lastErrorClass: text('last_error_class'),
    lastError: text('last_error'),
    lastStatusCode: integer('last_status_code'),
    remoteId: text('remote_id'),
    /** An edit of an earlier post (a Discord message about a problem report): that post's
     * delivery id. The edit is a delivery of its own: queued after the post, paced, retried. */
    editOf: integer('edit_of'),
    /** Why a waiting delivery is held back beyond its turn ("held: quiet hours until 07:00"). */
    holdReason: text('hold_reason'),
    /** The routing rule that sent the event here ("matched: zone is workshop"); null when the
     * endpoint has no rules. Kept for the history. */
    routeReason: text('route_reason'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    deliveredAt: integer('delivered_at'),
  },
  (t) => [
    index('deliveries_endpoint_queue_idx').on(t.endpointId, t.status, t.id),
    index('deliveries_status_idx').on(t.status, t.id),
    index('deliveries_event_idx').on(t.eventSeq),
    // History and stats at a million rows: an endpoint's newest deliveries (list filter,
    // health), finished per status since a time (stats, hourly timeline, pruner), a time range.
    index('deliveries_endpoint_idx').on(t.endpointId, t.id),
    index('deliveries_status_updated_idx').on(t.status, t.updatedAt),
    index('deliveries_created_at_idx').on(t.createdAt),
    // Deliveries held back (quiet hours): the scheduler asks when the next one is released.
    index('deliveries_held_idx').on(t.nextAttemptAt).where(HELD),
  ],
)

export const attempts = sqliteTable(
  'attempts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    deliveryId: integer('delivery_id')
      .notNull()
      .references(() => deliveries.id, { onDelete: 'cascade' }),
    attemptNo: integer('attempt_no').notNull(),
    /** scheduled · manual (a person pressed retry) · test */
    trigger: text('trigger').notNull(),
    startedAt: integer('started_at').notNull(),
    durationMs: integer('duration_ms').notNull(),
    /** delivered · retry · failed */
    outcome: text('outcome').notNull(),
    statusCode: integer('status_code'),
    errorClass: text('error_class'),
    errorMessage: text('error_message'),
    /** Kept although delivered, e.g. email recipients the server refused. */
    note: text('note'),
    requestBody: text('request_body'),
    responseHeaders: text('response_headers'),
    responseBody: text('response_body'),
  },
  (t) => [index('attempts_delivery_idx').on(t.deliveryId)],
)

export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
})

/** The destination thread of a conversation (a problem report) at one endpoint: its Discord
 * forum thread, so later events about the report are posted into it. */
export const threads = sqliteTable(
  'threads',
  {
    endpointId: text('endpoint_id')
      .notNull()
      .references(() => endpoints.id, { onDelete: 'cascade' }),
    conversation: text('conversation').notNull(),
    threadId: text('thread_id').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.endpointId, t.conversation] })],
)

/** The pollers that read the host app (its machines list, its optional event feed): settings,
 * sealed API key, what the last poll left behind (snapshot or cursor) and the status shown in
 * the admin UI. One row per poller, created with defaults on first use. */
export const pollers = sqliteTable('pollers', {
  /** machines · event_feed */
  id: text('id').primaryKey(),
  enabled: integer('enabled', { mode: 'boolean' }).notNull().default(false),
  /** The host app's site URL (not secret), e.g. https://flipfix.theflip.museum */
  baseUrl: text('base_url'),
  /** The host app's API key, sealed by the SecretBox. */
  apiKeySealed: text('api_key_sealed'),
  /** Its last 4 characters, for the UI. */
  apiKeyHint: text('api_key_hint'),
  intervalSeconds: integer('interval_seconds').notNull(),
  /** machines: the last snapshot (JSON) · event_feed: the cursor. Null until the first poll. */
  state: text('state'),
  /** Bumped whenever the snapshot changes; the ids of machine events carry it, so a repeated
   * diff against the same snapshot yields the same ids (and intake drops the repeats). */
  stateVersion: integer('state_version').notNull().default(0),
  lastPollAt: integer('last_poll_at'),
  lastSuccessAt: integer('last_success_at'),
  lastError: text('last_error'),
  consecutiveFailures: integer('consecutive_failures').notNull().default(0),
  nextPollAt: integer('next_poll_at'),
  eventsEmitted: integer('events_emitted').notNull().default(0),
  updatedAt: integer('updated_at').notNull(),
})

/** The post about a problem report at an endpoint (its first message, the report's
 * "created"): the delivery that carries it, and the message id the service answered with, so
 * the report's later events can edit it (Discord). One row per report and endpoint. */
export const reportPosts = sqliteTable(
  'report_posts',
  {
    endpointId: text('endpoint_id')
      .notNull()
      .references(() => endpoints.id, { onDelete: 'cascade' }),
    conversation: text('conversation').notNull(),
    deliveryId: integer('delivery_id').notNull(),
    /** Set once the post is delivered as a message of its own (not in a digest). */
    messageId: text('message_id'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.endpointId, t.conversation] }), index('report_posts_delivery_idx').on(t.deliveryId)],
)

/** Discord-compatible sources: apps that post to a Discord webhook URL post to
 * /api/webhooks/<id>/<token> on Knocker instead. The id is a Discord-style snowflake; the
 * token is sealed by the SecretBox and only ever compared, never shown again after creation. */
export const relaySources = sqliteTable('relay_sources', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  tokenSealed: text('token_sealed').notNull(),
  /** The token's last 4 characters, for the UI. */
  tokenHint: text('token_hint').notNull(),
  messagesReceived: integer('messages_received').notNull().default(0),
  lastMessageAt: integer('last_message_at'),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
})

/** A source's subscription: which endpoints get its messages, per label ("flipfix.digest" …). */
export const relayRoutes = sqliteTable(
  'relay_routes',
  {
    sourceId: text('source_id')
      .notNull()
      .references(() => relaySources.id, { onDelete: 'cascade' }),
    endpointId: text('endpoint_id')
      .notNull()
      .references(() => endpoints.id, { onDelete: 'cascade' }),
    label: text('label').notNull(),
  },
  (t) => [primaryKey({ columns: [t.sourceId, t.endpointId, t.label] })],
)

// ─────────────── machine health: a projection of the events (and the machines poller) ───────────────
// Maintained at intake in the transaction that stores each event, and rebuilt from the stored
// events by MachineHealthProjection.rebuild (it holds nothing the events don't). The morning
// report reads it.

/** Each machine as the latest event (or the machines poller's snapshot) about it showed it. */
export const machineHealth = sqliteTable('machine_health', {
  assetId: text('asset_id').primaryKey(),
  name: text('name').notNull(),
  shortName: text('short_name'),
  url: text('url'),
  siteUrl: text('site_url'),
  /** good · fixing · broken · unknown */
  status: text('status').notNull(),
  locationName: text('location_name'),
  /** front · workshop · storage · hidden, or '' when not known (the poller names locations only). */
  zone: text('zone').notNull(),
  /** When it was last seen entering its zone (ms, the event's time). */
  zoneSince: integer('zone_since').notNull(),
  /** The work date of its latest log entry that is not auto-generated (ms), if any. */
  lastWorkAt: integer('last_work_at'),
  /** The time of the newest event applied to its fields (ms): an older event arriving late changes nothing. */
  observedAt: integer('observed_at').notNull(),
})

/** Problem reports as their events showed them; closed ones are kept, so a reopen keeps its age. */
export const problemReports = sqliteTable(
  'problem_reports',
  {
    id: integer('id').primaryKey(),
    assetId: text('asset_id').notNull(),
    /** open · closed */
    status: text('status').notNull(),
    priority: text('priority').notNull(),
    priorityLabel: text('priority_label').notNull(),
    /** The description's first line, bounded (or the problem type's label). */
    title: text('title').notNull(),
    reporter: text('reporter'),
    url: text('url'),
    /** When it was first reported (ms). */
    openedAt: integer('opened_at').notNull(),
    observedAt: integer('observed_at').notNull(),
  },
  (t) => [index('problem_reports_open_idx').on(t.status, t.assetId)],
)

/** Work logged per local day and machine (log entries that are not auto-generated). */
export const workDays = sqliteTable(
  'work_days',
  {
    /** YYYY-MM-DD of the entry's work date, in the computer's time zone. */
    day: text('day').notNull(),
    assetId: text('asset_id').notNull(),
    entries: integer('entries').notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.assetId] })],
)
