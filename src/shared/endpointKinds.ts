// Every kind of destination, described once: its label, the target fields the API accepts
// (shapes only; each channel module checks the meaning: a Discord URL must look like a
// Discord webhook …), its options, which pasted URLs are its, what a preview shows without
// an endpoint, and how its secrets look in free text. The contract's variants, the "Add
// endpoint" form's URL recognition, the message preview and redaction all derive from here.
// No Node, no DOM: the renderer reads it too.
import { z } from 'zod'
import { MessageTemplatesSchema } from './messageTemplates'
import { MorningReportOptionSchema } from './morningReport'
import { QuietHoursSchema } from './quietHours'

const url = z.string().trim().min(1, 'url is required').max(2000)

export const SmtpSchema = z.object({
  host: z.string().trim().min(1, 'SMTP host is required').max(255),
  port: z.number().int().min(1).max(65535),
  /** tls: TLS from the first byte (usually 465) · starttls: upgrade required (587) · none: plain (LAN relays only). */
  security: z.enum(['tls', 'starttls', 'none']),
  user: z.string().max(255).optional(),
  password: z.string().max(1000).optional(),
})

export const WebhookAuthSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }),
  z.object({ type: z.literal('bearer'), token: z.string().min(1).max(2000) }),
  z.object({ type: z.literal('basic'), username: z.string().min(1).max(255), password: z.string().max(1000) }),
  z.object({
    type: z.literal('header'),
    name: z.string().regex(/^[A-Za-z0-9-]{1,100}$/, 'a header name (letters, digits, dashes)'),
    value: z.string().min(1).max(2000),
  }),
])

/** Backlogs (after an outage, or a burst) go as one digest message; false sends one each. */
const digests = z.boolean().optional()
/** Another endpoint told when this one gets flagged "needs attention" (checked by the core:
 * it must exist and not be this one). */
const fallback_endpoint_id = z.string().trim().min(1, 'pick an endpoint').max(100).optional()

/** What a report's "closed"/"reopened" does at Discord, which can edit its own posts: a new
 * message (post, the default), an edit of the report's original post (edit), or both. */
export const REPORT_UPDATES = ['post', 'edit', 'edit_and_post'] as const
export type ReportUpdates = (typeof REPORT_UPDATES)[number]
const report_updates = z.enum(REPORT_UPDATES).optional()

/** Routine events held during these hours (see quietHours.ts). */
const quiet_hours = QuietHoursSchema.optional()
/** A maintainer's events wait until that person has been quiet for 5 minutes (at most 15),
 * then go together, grouped by machine; visitor reports go at once. */
const person_digests = z.boolean().optional()
/** Per event type: which fields the message shows, in what order, and title/summary
 * templates (see messageTemplates.ts). Webhooks send the event as is: a customisation
 * changes nothing they receive. */
const messages = MessageTemplatesSchema.optional()
/** A morning report each day at a set time (see morningReport.ts). */
const morning_report = MorningReportOptionSchema.optional()

const DISCORD_HOSTS = /^(?:(?:ptb|canary)\.)?discord(?:app)?\.com$/
const TEAMS_HOSTS = /(?:\.logic\.azure\.com|\.api\.powerplatform\.com|\.webhook\.office\.com|^outlook\.office(?:365)?\.com)$/

interface Description {
  label: string
  /** The secret fields, as the API accepts them. */
  target: z.ZodRawShape
  options: z.ZodObject
  /** Whether a pasted URL is this kind's (checked in the table's order; host and path only). */
  recognises?: (url: URL) => boolean
  /** What a message preview shows when no endpoint gives its settings (email sender …). */
  sampleSettings: Record<string, unknown>
  /** This kind's secrets as they appear in free text, and what replaces them. */
  secretPatterns: ReadonlyArray<readonly [RegExp, string]>
}

const DESTINATIONS = {
  discord: {
    label: 'Discord',
    target: { url },
    options: z
      .object({
        forum: z.boolean().optional(),
        digests,
        fallback_endpoint_id,
        report_updates,
        quiet_hours,
        person_digests,
        messages,
        morning_report,
        /** Messages relayed from Discord-compatible sources keep their sender's name and
         * avatar (username, avatar_url); false posts them as the webhook's own identity. */
        relay_identity: z.boolean().optional(),
      })
      .strict(),
    recognises: (u: URL) => DISCORD_HOSTS.test(u.hostname.toLowerCase()) && /^\/api\/(?:v\d+\/)?webhooks\//.test(u.pathname),
    sampleSettings: {},
    // Webhook tokens: /webhooks/<id>/<token>
    secretPatterns: [[/(\/webhooks\/\d+\/)[A-Za-z0-9_.-]+/g, '$1[redacted]']],
  },
  slack: {
    label: 'Slack',
    target: { url },
    options: z.object({ digests, fallback_endpoint_id, quiet_hours, person_digests, messages, morning_report }).strict(),
    recognises: (u: URL) => u.hostname.toLowerCase() === 'hooks.slack.com',
    sampleSettings: {},
    // Incoming webhooks: /services/T…/B…/<secret>
    secretPatterns: [[/(\/services\/[A-Z0-9]+\/[A-Z0-9]+\/)[A-Za-z0-9]+/g, '$1[redacted]']],
  },
  teams: {
    label: 'Microsoft Teams',
    target: { url },
    options: z.object({ digests, fallback_endpoint_id, quiet_hours, person_digests, messages, morning_report }).strict(),
    recognises: (u: URL) => TEAMS_HOSTS.test(u.hostname.toLowerCase()),
    sampleSettings: {},
    // Workflows signatures, and any sig= query parameter
    secretPatterns: [[/([?&]sig=)[^&\s"']+/gi, '$1[redacted]']],
  },
  email: {
    label: 'Email (SMTP)',
    target: {
      smtp: SmtpSchema,
      /** "Knocker <knocker@museum.example>" */
      from: z.string().trim().min(3, 'from is required').max(320),
      to: z
        .array(z.email('must be an email address'))
        .min(1, 'an email endpoint needs at least one recipient')
        .max(50),
    },
    options: z.object({ digests, fallback_endpoint_id, quiet_hours, person_digests, messages, morning_report }).strict(),
    sampleSettings: { from: 'Knocker <knocker@museum.example>', to: ['maintainers@museum.example'] },
    // The password is scrubbed by value (see secretValues in the channel).
    secretPatterns: [],
  },
  webhook: {
    label: 'Signed webhook',
    target: {
      url,
      headers: z.record(z.string().regex(/^[A-Za-z0-9-]{1,100}$/, 'a header name'), z.string().max(2000)).optional(),
      auth: WebhookAuthSchema.optional(),
      /** Your own signing secret (whsec_…); generated when left out. */
      secret: z.string().regex(/^whsec_[A-Za-z0-9+/]{32,}={0,2}$/, 'a Standard Webhooks secret: whsec_ + base64').optional(),
    },
    options: z.object({ fallback_endpoint_id, quiet_hours, person_digests, messages, morning_report }).strict(),
    // Any other web address is a receiver of signed webhooks.
    recognises: () => true,
    sampleSettings: {},
    // Standard Webhooks secrets
    secretPatterns: [[/whsec_[A-Za-z0-9+/=]+/g, 'whsec_[redacted]']],
  },
} as const satisfies Record<string, Description>

type Table = typeof DESTINATIONS
export type EndpointKind = keyof Table
export const ENDPOINT_KINDS = Object.keys(DESTINATIONS) as [EndpointKind, ...EndpointKind[]]

function byKind<T>(pick: (description: Description) => T): Record<EndpointKind, T> {
  return Object.fromEntries(ENDPOINT_KINDS.map((kind) => [kind, pick(DESTINATIONS[kind])])) as Record<EndpointKind, T>
}

export const KIND_LABELS: Record<EndpointKind, string> = byKind((d) => d.label)
/** The secret fields of each kind, as the API accepts them. */
export const TARGET_FIELDS = byKind((d) => d.target) as { [K in EndpointKind]: Table[K]['target'] }
export const KIND_OPTIONS = byKind((d) => d.options) as { [K in EndpointKind]: Table[K]['options'] }
export const SAMPLE_SETTINGS: Record<EndpointKind, Record<string, unknown>> = byKind((d) => d.sampleSettings)
/** Every kind's secret patterns, for redacting free text. */
export const SECRET_PATTERNS: ReadonlyArray<readonly [RegExp, string]> = ENDPOINT_KINDS.flatMap<readonly [RegExp, string]>((kind) => DESTINATIONS[kind].secretPatterns)

/** The kind a pasted URL belongs to (first match in the table's order), or null if it isn't one. */
export function kindOfUrl(url: URL): EndpointKind | null {
  return ENDPOINT_KINDS.find((kind) => (DESTINATIONS[kind] as Description).recognises?.(url)) ?? null
}

export const targetFieldNames = (kind: EndpointKind): string[] => Object.keys(TARGET_FIELDS[kind])
export const ALL_TARGET_FIELD_NAMES = [...new Set(ENDPOINT_KINDS.flatMap(targetFieldNames))]
