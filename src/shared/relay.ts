// Discord-compatible sources: any app that posts to a Discord webhook URL can post to Knocker
// instead. What a relayed message is, how it is labelled (Flipfix's own shapes are recognised)
// and the admin views of a source. No Node, no DOM: the renderer reads it too.
import type { APIEmbed, RESTPostAPIWebhookWithTokenJSONBody } from 'discord-api-types/v10'
import { z } from 'zod'

/** What a relayed message is recognised as. Flipfix's own Discord messages get their own
 * labels (so they can be routed apart); anything else is a plain relayed message. */
export const RELAY_LABELS = [
  'flipfix.problem_report',
  'flipfix.log_entry',
  'flipfix.digest',
  'flipfix.nightly_report',
  'relayed',
] as const
export type RelayLabel = (typeof RELAY_LABELS)[number]
export const RelayLabelSchema = z.enum(RELAY_LABELS)

export const RELAY_LABEL_NAMES: Record<RelayLabel, string> = {
  'flipfix.problem_report': 'Flipfix problem report',
  'flipfix.log_entry': 'Flipfix log entry',
  'flipfix.digest': 'Flipfix digest',
  'flipfix.nightly_report': 'Flipfix nightly report',
  relayed: 'Relayed message',
}

/** The event type a relayed message is stored and delivered under: one per label, so the
 * history's event filter, time to live and counts treat each label as its own kind. */
export const RELAY_EVENT_TYPES = RELAY_LABELS.map((label) => `relay.${label}` as const)
export type RelayEventType = `relay.${RelayLabel}`
export const relayEventType = (label: RelayLabel): RelayEventType => `relay.${label}`
export const isRelayEventType = (type: string): type is RelayEventType => (RELAY_EVENT_TYPES as readonly string[]).includes(type)

/** A relayed message is about the moment it was sent, like an event: retried this long, then failed. */
export const RELAY_TTL_HOURS = 48

/** The parts of Discord's execute-webhook body Knocker relays (components, attachments, tts,
 * polls and tags are dropped with a note). */
export type RelayedBody = Pick<
  RESTPostAPIWebhookWithTokenJSONBody,
  'content' | 'embeds' | 'username' | 'avatar_url' | 'allowed_mentions' | 'thread_name' | 'flags'
>

/** The stored payload of a relayed message (events.payload), what every channel formats. */
export interface RelayedMessage {
  /** The Discord-shaped message id Knocker answered with (a snowflake). */
  message_id: string
  source_id: string
  source_name: string
  label: RelayLabel
  /** When Knocker received it (ISO 8601). */
  received_at: string
  /** The message as sent, minus what Knocker ignores. */
  body: RelayedBody
  /** What was ignored ("components are not relayed"). */
  notes: string[]
}

/** Recognises Flipfix's Discord messages by their documented shapes: "⚠️ <machine>" problem
 * reports, "🗒️ <machine>" log entries, the per-person digest "🔧 <name> — N updates", and the
 * nightly report (plain content linking to /logs/daily-report/). */
export function relayLabel(body: Pick<RelayedBody, 'content' | 'embeds'>): RelayLabel {
  const title = (body.embeds?.[0] as APIEmbed | undefined)?.title ?? ''
  if (title.startsWith('⚠️ ') || title.startsWith('⚠ ')) return 'flipfix.problem_report'
  if (title.startsWith('🗒️ ') || title.startsWith('🗒 ')) return 'flipfix.log_entry'
  if (/^🔧 .+ — \d+ updates?$/u.test(title)) return 'flipfix.digest'
  if (!body.embeds?.length && /\/logs\/daily-report\/?/.test(body.content ?? '')) return 'flipfix.nightly_report'
  return 'relayed'
}

/** One plain line for history lists: "Flipfix problem report: ⚠️ Eight Ball Deluxe". */
export function relaySummary(message: Pick<RelayedMessage, 'label' | 'body' | 'source_name'>): string {
  const embed = message.body.embeds?.[0]
  const first = embed?.title || embed?.author?.name || embed?.description || message.body.content || ''
  const line = first.replace(/\s+/g, ' ').trim().slice(0, 150)
  return `${RELAY_LABEL_NAMES[message.label]} from ${message.source_name}${line ? `: ${line}` : ''}`
}

// ── admin views ──

const timestamp = z.number().int()

/** Which endpoints get a source's messages, and of which labels. */
export const RelayRouteSchema = z.object({
  endpoint_id: z.string().min(1).max(100),
  labels: z.array(RelayLabelSchema).min(1, 'pick at least one kind of message').max(RELAY_LABELS.length),
})
export type RelayRoute = z.infer<typeof RelayRouteSchema>

export const RelaySourceViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** The source's URL with its token redacted ("…/api/webhooks/1234…/[redacted]…wxyz"). */
  url: z.string().nullable(),
  /** The token's last 4 characters. */
  token_hint: z.string(),
  routes: z.array(RelayRouteSchema),
  messages_received: z.number().int(),
  last_message_at: timestamp.nullable(),
  created_at: timestamp,
  updated_at: timestamp,
})
export type RelaySourceView = z.infer<typeof RelaySourceViewSchema>

/** The full URL (with its token) is shown once: when a source is created or its token rotated. */
export const RelaySourceWithUrlSchema = RelaySourceViewSchema.extend({ full_url: z.string().nullable(), token: z.string() })

export const RelaySourceCreateSchema = z.object({
  name: z.string().trim().min(1, 'name is required').max(80),
  routes: z.array(RelayRouteSchema).max(200).default([]),
})

export const RelaySourceUpdateSchema = z.object({
  id: z.string().min(1).max(100),
  name: z.string().trim().min(1, 'name is required').max(80).optional(),
  routes: z.array(RelayRouteSchema).max(200).optional(),
})
