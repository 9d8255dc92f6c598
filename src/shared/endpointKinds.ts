// What each kind of endpoint is configured with. The shapes are checked here; each channel
// module then checks the meaning (a Discord URL must look like a Discord webhook …).
import { z } from 'zod'

export const ENDPOINT_KINDS = ['discord', 'slack', 'teams', 'email', 'webhook'] as const
export type EndpointKind = (typeof ENDPOINT_KINDS)[number]

export const KIND_LABELS: Record<EndpointKind, string> = {
  discord: 'Discord',
  slack: 'Slack',
  teams: 'Microsoft Teams',
  email: 'Email (SMTP)',
  webhook: 'Signed webhook',
}

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

/** The secret fields of each kind, as the API accepts them. */
export const TARGET_FIELDS = {
  discord: { url },
  slack: { url },
  teams: { url },
  email: {
    smtp: SmtpSchema,
    /** "Knocker <knocker@museum.example>" */
    from: z.string().trim().min(3, 'from is required').max(320),
    to: z
      .array(z.email('must be an email address'))
      .min(1, 'an email endpoint needs at least one recipient')
      .max(50),
  },
  webhook: {
    url,
    headers: z.record(z.string().regex(/^[A-Za-z0-9-]{1,100}$/, 'a header name'), z.string().max(2000)).optional(),
    auth: WebhookAuthSchema.optional(),
    /** Your own signing secret (whsec_…); generated when left out. */
    secret: z.string().regex(/^whsec_[A-Za-z0-9+/]{32,}={0,2}$/, 'a Standard Webhooks secret: whsec_ + base64').optional(),
  },
} as const

/** Backlogs (after an outage, or a burst) go as one digest message; false sends one each. */
const digests = z.boolean().optional()
/** Another endpoint told when this one gets flagged "needs attention" (checked by the core:
 * it must exist and not be this one). */
const fallback_endpoint_id = z.string().trim().min(1, 'pick an endpoint').max(100).optional()

export const KIND_OPTIONS = {
  discord: z.object({ forum: z.boolean().optional(), digests, fallback_endpoint_id }).strict(),
  slack: z.object({ digests, fallback_endpoint_id }).strict(),
  teams: z.object({ digests, fallback_endpoint_id }).strict(),
  email: z.object({ digests, fallback_endpoint_id }).strict(),
  webhook: z.object({ fallback_endpoint_id }).strict(),
} as const

export const targetFieldNames = (kind: EndpointKind): string[] => Object.keys(TARGET_FIELDS[kind])
export const ALL_TARGET_FIELD_NAMES = [...new Set(ENDPOINT_KINDS.flatMap(targetFieldNames))]
