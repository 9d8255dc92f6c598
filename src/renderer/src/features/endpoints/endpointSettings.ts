// Reads an endpoint's non-secret `settings` (and options) for display and for pre-filling the
// edit form. The shapes come from each channel's publicSettings(), so the readers are lenient:
// a missing or differently shaped field is simply not shown.
import type { EndpointView } from '../../../../shared/contracts'
import { REPORT_UPDATES, type ReportUpdates } from '../../../../shared/endpointKinds'
import { describeRule, type RoutingRule } from '../../../../shared/routingRules'
import { formatAgo, formatDateTime } from '../../time'

export type SmtpSecurity = 'tls' | 'starttls' | 'none'
export type WebhookAuthType = 'none' | 'bearer' | 'basic' | 'header'

export const SECURITY_LABELS: Record<SmtpSecurity, string> = {
  tls: 'TLS',
  starttls: 'STARTTLS',
  none: 'no encryption',
}

export const AUTH_LABELS: Record<WebhookAuthType, string> = {
  none: 'No authentication',
  bearer: 'Bearer token',
  basic: 'Basic auth',
  header: 'Custom header',
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined)
const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined
const strings = (v: unknown): string[] | undefined =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' && v ? [v] : undefined

export interface EmailSettings {
  host?: string
  port?: number
  security?: SmtpSecurity
  user?: string
  from?: string
  to: string[]
}

export function emailSettings(settings: Record<string, unknown>): EmailSettings {
  const smtp = isRecord(settings.smtp) ? settings.smtp : settings
  const security = str(smtp.security)
  return {
    host: str(smtp.host),
    port: num(smtp.port),
    security: security === 'tls' || security === 'starttls' || security === 'none' ? security : undefined,
    user: str(smtp.user),
    from: str(settings.from),
    to: strings(settings.to) ?? strings(settings.recipients) ?? [],
  }
}

export interface WebhookSettings {
  headerNames: string[]
  authType?: WebhookAuthType
  authName?: string
  /** How many signing secrets sign each request (2 during a rotation's grace period). */
  signingSecrets?: number
  /** When the previous secret stops signing, during a rotation's grace period. */
  previousSecretExpiresAt?: number
}

export function webhookSettings(settings: Record<string, unknown>): WebhookSettings {
  const headers = settings.headers ?? settings.header_names
  const headerNames = strings(headers) ?? (isRecord(headers) ? Object.keys(headers) : [])
  const auth = settings.auth ?? settings.auth_type
  const type = isRecord(auth) ? str(auth.type) : str(auth)
  const authType = type === 'none' || type === 'bearer' || type === 'basic' || type === 'header' ? type : undefined
  const authName = isRecord(auth) ? str(auth.name) : str(settings.auth_header)
  const expires = num(settings.previous_secret_expires_at)
  return {
    headerNames,
    authType,
    authName,
    signingSecrets: num(settings.signing_secrets),
    previousSecretExpiresAt: expires !== undefined && expires > Date.now() ? expires : undefined,
  }
}

export const isForum = (endpoint: Pick<EndpointView, 'options'>) => endpoint.options.forum === true

/** The endpoint form's choices for a report's closed/reopened (Discord). */
export const REPORT_UPDATE_LABELS: Record<ReportUpdates, string> = {
  post: 'Post a new message',
  edit: "Edit the report's post",
  edit_and_post: "Edit the report's post and post a new message",
}
const REPORT_UPDATE_SUMMARY: Record<ReportUpdates, string | null> = {
  post: null,
  edit: 'closed/reopened reports edit their post',
  edit_and_post: 'closed/reopened reports edit their post and post',
}

/** What a report's closed/reopened does at this (Discord) endpoint. */
export function reportUpdatesOf(endpoint: Pick<EndpointView, 'options'>): ReportUpdates {
  const value = endpoint.options.report_updates
  return (REPORT_UPDATES as readonly unknown[]).includes(value) ? (value as ReportUpdates) : 'post'
}

/** The time of the endpoint's morning report, when it has one on. */
function morningTime(endpoint: Pick<EndpointView, 'options'>): string | null {
  const option = endpoint.options.morning_report
  return isRecord(option) && option.enabled === true && typeof option.time === 'string' ? option.time : null
}

/** One short line for the endpoints table, under the redacted target
 * ("smtp.example.org:587 → 3 recipients" is followed by "to ken@museum.example, 2 more"). */
export function settingsSummary(endpoint: Pick<EndpointView, 'kind' | 'settings' | 'options' | 'target'> & Partial<Pick<EndpointView, 'rules'>>): string | null {
  // Routing and timing options any kind may have, after the kind's own line.
  const general = [
    rulesSummary(endpoint.rules ?? []),
    endpoint.options.person_digests === true ? 'one message per maintainer' : null,
    endpoint.options.quiet_hours ? 'quiet hours' : null,
    morningTime(endpoint) ? `morning report at ${morningTime(endpoint)}` : null,
  ]
  return [kindSummary(endpoint), ...general].filter(Boolean).join(' · ') || null
}

/** "only when zone is workshop", or how many rules there are. */
function rulesSummary(rules: RoutingRule[]): string | null {
  if (rules.length === 0) return null
  return rules.length === 1 ? `only when ${describeRule(rules[0])}` : `${rules.length} routing rules`
}

function kindSummary(endpoint: Pick<EndpointView, 'kind' | 'settings' | 'options' | 'target'>): string | null {
  switch (endpoint.kind) {
    case 'email': {
      const s = emailSettings(endpoint.settings)
      // The redacted target usually names the server already; say it only when it doesn't.
      const server = s.host && !endpoint.target.includes(s.host) ? `${s.host}${s.port ? `:${s.port}` : ''}` : null
      const to = s.to.length === 0 ? null : `to ${s.to[0]}${s.to.length > 1 ? `, ${s.to.length - 1} more` : ''}`
      if (!server && !to) return null
      return [server, to].filter(Boolean).join(' ')
    }
    case 'webhook': {
      const s = webhookSettings(endpoint.settings)
      const parts: string[] = []
      if (s.authType) parts.push(s.authType === 'none' ? 'no auth' : `auth: ${AUTH_LABELS[s.authType]}`)
      if (s.headerNames.length > 0) parts.push(`headers: ${s.headerNames.join(', ')}`)
      if (s.previousSecretExpiresAt) parts.push(`rotating: old secret ends ${formatAgo(s.previousSecretExpiresAt)}`)
      return parts.length > 0 ? parts.join(' · ') : null
    }
    case 'discord': {
      const parts = [isForum(endpoint) ? 'Forum channel: a thread per problem' : null, REPORT_UPDATE_SUMMARY[reportUpdatesOf(endpoint)]]
      return parts.filter(Boolean).join(' · ') || null
    }
    default:
      return null
  }
}

/** Every setting as label → text, for the read-only details in the edit dialog. */
export function settingsDetails(endpoint: Pick<EndpointView, 'kind' | 'settings' | 'options'>): Array<[string, string]> {
  const rows: Array<[string, string]> = []
  if (endpoint.kind === 'email') {
    const s = emailSettings(endpoint.settings)
    if (s.host) rows.push(['SMTP server', `${s.host}${s.port ? `:${s.port}` : ''}`])
    if (s.security) rows.push(['Security', SECURITY_LABELS[s.security]])
    rows.push(['SMTP user', s.user ?? '—'])
    if (s.from) rows.push(['From', s.from])
    if (s.to.length > 0) rows.push([`Recipients (${s.to.length})`, s.to.join(', ')])
    return rows
  }
  if (endpoint.kind === 'webhook') {
    const s = webhookSettings(endpoint.settings)
    if (s.authType) rows.push(['Authentication', AUTH_LABELS[s.authType] + (s.authName ? ` (${s.authName})` : '')])
    rows.push(['Custom headers', s.headerNames.length > 0 ? s.headerNames.join(', ') : 'none'])
    if (s.previousSecretExpiresAt) {
      rows.push([
        'Signing secret rotation',
        `old and new secret both sign until ${formatDateTime(s.previousSecretExpiresAt)} (${formatAgo(s.previousSecretExpiresAt)})`,
      ])
    }
    return rows
  }
  if (endpoint.kind === 'discord') rows.push(['Forum channel', isForum(endpoint) ? 'yes' : 'no'])
  // Anything a channel exposes that the readers above don't know yet.
  for (const [key, value] of Object.entries(endpoint.settings)) {
    if (value === undefined || value === null || isRecord(value)) continue
    rows.push([key, Array.isArray(value) ? value.join(', ') : String(value)])
  }
  return rows
}
