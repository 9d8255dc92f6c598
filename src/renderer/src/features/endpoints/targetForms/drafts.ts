// The form state of each kind's target fields, and how it becomes the API's input: the full
// target when creating, and only what the user changed when editing (a blank secret field means
// "keep the stored one").
import type { AdminInput, EndpointView } from '../../../../../shared/contracts'
import type { EndpointKind, ReportUpdates } from '../../../../../shared/endpointKinds'
import { quietHoursOf as quietHoursOfOptions, type QuietHours } from '../../../../../shared/quietHours'
import { withOption, withOptionPatch } from '../endpointOption'
import type { FieldErrors } from './fieldErrors'
import { emailSettings, isForum, reportUpdatesOf, webhookSettings, type SmtpSecurity, type WebhookAuthType } from '../endpointSettings'

export type FormMode = 'create' | 'edit'

export interface FieldsProps<D> {
  value: D
  onChange: (patch: Partial<D>) => void
  mode: FormMode
  /** The API's field issues by path ("url", "smtp.host", "auth.token" …). */
  errors?: FieldErrors
}

export interface DiscordDraft {
  url: string
  forum: boolean
  /** What a report's closed/reopened does: a new message, an edit of the report's post, or both. */
  reportUpdates: ReportUpdates
}
export interface UrlDraft {
  url: string
}
export interface EmailDraft {
  host: string
  port: number | ''
  security: SmtpSecurity
  user: string
  password: string
  from: string
  /** As typed: one address per line, or comma-separated. */
  to: string
}
export interface HeaderRow {
  /** Stable React key. */
  key: number
  name: string
  value: string
}
export interface WebhookDraft {
  url: string
  /** Editing: the stored headers are only replaced when this is on. Creating: always true. */
  replaceHeaders: boolean
  headers: HeaderRow[]
  authType: WebhookAuthType
  token: string
  username: string
  password: string
  headerName: string
  headerValue: string
  secret: string
}

export interface Drafts {
  discord: DiscordDraft
  slack: UrlDraft
  teams: UrlDraft
  email: EmailDraft
  webhook: WebhookDraft
}

/** The usual port of each SMTP security mode. */
export const DEFAULT_PORTS: Record<SmtpSecurity, number> = { tls: 465, starttls: 587, none: 25 }

let rowKey = 0
export const headerRow = (name = '', value = ''): HeaderRow => ({ key: ++rowKey, name, value })

export function emptyDrafts(): Drafts {
  return {
    discord: { url: '', forum: false, reportUpdates: 'post' },
    slack: { url: '' },
    teams: { url: '' },
    email: { host: '', port: 587, security: 'starttls', user: '', password: '', from: '', to: '' },
    webhook: {
      url: '',
      replaceHeaders: true,
      headers: [],
      authType: 'none',
      token: '',
      username: '',
      password: '',
      headerName: '',
      headerValue: '',
      secret: '',
    },
  }
}

/** The edit form's starting point: what the endpoint shows of itself; secrets stay blank. */
export function draftFromEndpoint(endpoint: EndpointView): Drafts[EndpointKind] {
  const drafts = emptyDrafts()
  switch (endpoint.kind) {
    case 'discord':
      return { ...drafts.discord, forum: isForum(endpoint), reportUpdates: reportUpdatesOf(endpoint) }
    case 'email': {
      const s = emailSettings(endpoint.settings)
      return {
        ...drafts.email,
        host: s.host ?? '',
        port: s.port ?? '',
        security: s.security ?? drafts.email.security,
        user: s.user ?? '',
        from: s.from ?? '',
        to: s.to.join('\n'),
      }
    }
    case 'webhook': {
      const s = webhookSettings(endpoint.settings)
      return {
        ...drafts.webhook,
        replaceHeaders: false,
        // Names are known, values are secret: replacing the headers means typing the values again.
        headers: s.headerNames.map((n) => headerRow(n)),
        authType: s.authType ?? 'none',
        headerName: s.authName ?? '',
      }
    }
    default:
      return drafts[endpoint.kind]
  }
}

/** Recipients as typed → addresses (one per line, or separated by commas, semicolons or spaces). */
export function parseRecipients(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter(Boolean)
}

function headersObject(rows: HeaderRow[]): Record<string, string> {
  return Object.fromEntries(rows.filter((r) => r.name.trim() !== '').map((r) => [r.name.trim(), r.value]))
}

type WebhookAuth = NonNullable<Extract<AdminInput<'createEndpoint'>, { kind: 'webhook' }>['auth']>

function authOf(d: WebhookDraft): WebhookAuth {
  switch (d.authType) {
    case 'bearer':
      return { type: 'bearer', token: d.token }
    case 'basic':
      return { type: 'basic', username: d.username, password: d.password }
    case 'header':
      return { type: 'header', name: d.headerName.trim(), value: d.headerValue }
    default:
      return { type: 'none' }
  }
}

type Common = { name: string; enabled: boolean; events: NonNullable<AdminInput<'createEndpoint'>['events']> }

/** The options with this fallback endpoint, or with none (options are always sent whole). */
export function withFallback<O extends Record<string, unknown>>(options: O, fallbackId: string | null): O {
  return withOption(options, 'fallback_endpoint_id', fallbackId || null)
}

/** The endpoint's fallback endpoint, if it names one. */
export function fallbackOf(endpoint: EndpointView): string | null {
  const id = endpoint.options.fallback_endpoint_id
  return typeof id === 'string' ? id : null
}

/** The options with the Discord draft's choices; the defaults (no forum, new messages) are left out. */
function discordOptions<O extends Record<string, unknown>>(options: O, d: DiscordDraft): O {
  const { forum: _forum, report_updates: _updates, ...rest } = options
  return { ...rest, ...(d.forum && { forum: true }), ...(d.reportUpdates !== 'post' && { report_updates: d.reportUpdates }) } as unknown as O
}

export function createInput(kind: EndpointKind, drafts: Drafts, common: Common, fallbackId: string | null = null): AdminInput<'createEndpoint'> {
  const options = withFallback({}, fallbackId)
  switch (kind) {
    case 'discord':
      return { ...common, kind, url: drafts.discord.url.trim(), options: discordOptions(options, drafts.discord) }
    case 'slack':
    case 'teams':
      return { ...common, kind, url: drafts[kind].url.trim(), options }
    case 'email': {
      const d = drafts.email
      return {
        ...common,
        kind,
        smtp: {
          host: d.host.trim(),
          // Left empty: the server says "port is required" with the rest of the issues.
          port: d.port === '' ? (undefined as unknown as number) : d.port,
          security: d.security,
          ...(d.user.trim() ? { user: d.user.trim() } : {}),
          ...(d.password ? { password: d.password } : {}),
        },
        from: d.from.trim(),
        to: parseRecipients(d.to),
        options,
      }
    }
    case 'webhook': {
      const d = drafts.webhook
      const headers = headersObject(d.headers)
      return {
        ...common,
        kind,
        url: d.url.trim(),
        ...(Object.keys(headers).length > 0 ? { headers } : {}),
        ...(d.authType !== 'none' ? { auth: authOf(d) } : {}),
        ...(d.secret.trim() ? { secret: d.secret.trim() } : {}),
        options,
      }
    }
  }
}

export type TargetPatch = Omit<AdminInput<'updateEndpoint'>, 'id' | 'name' | 'enabled' | 'events' | 'clear_attention'>

/** Only the target fields (and options) the user changed, compared with the form's start. */
export function targetPatch(
  endpoint: EndpointView,
  draft: Drafts[EndpointKind],
  initial: Drafts[EndpointKind],
): TargetPatch {
  const patch: TargetPatch = {}
  switch (endpoint.kind) {
    case 'discord': {
      const d = draft as DiscordDraft
      if (d.url.trim()) patch.url = d.url.trim()
      const i = initial as DiscordDraft
      if (d.forum !== i.forum || d.reportUpdates !== i.reportUpdates) patch.options = discordOptions(endpoint.options, d)
      return patch
    }
    case 'slack':
    case 'teams': {
      const d = draft as UrlDraft
      if (d.url.trim()) patch.url = d.url.trim()
      return patch
    }
    case 'email': {
      const d = draft as EmailDraft
      const i = initial as EmailDraft
      const smtp: NonNullable<TargetPatch['smtp']> = {}
      if (d.host.trim() !== i.host) smtp.host = d.host.trim()
      if (d.port !== i.port && d.port !== '') smtp.port = d.port
      if (d.security !== i.security) smtp.security = d.security
      if (d.user.trim() !== i.user) smtp.user = d.user.trim()
      if (d.password) smtp.password = d.password
      if (Object.keys(smtp).length > 0) patch.smtp = smtp
      if (d.from.trim() !== i.from) patch.from = d.from.trim()
      const to = parseRecipients(d.to)
      if (to.join('\n') !== parseRecipients(i.to).join('\n')) patch.to = to
      return patch
    }
    case 'webhook': {
      const d = draft as WebhookDraft
      const i = initial as WebhookDraft
      if (d.url.trim()) patch.url = d.url.trim()
      if (d.replaceHeaders) patch.headers = headersObject(d.headers)
      const typed =
        d.authType === 'bearer'
          ? d.token !== ''
          : d.authType === 'basic'
            ? d.username !== '' || d.password !== ''
            : d.authType === 'header'
              ? d.headerValue !== '' || d.headerName.trim() !== i.headerName
              : false
      if (d.authType !== i.authType || typed) patch.auth = authOf(d)
      return patch
    }
  }
}

/** The endpoint's quiet hours, if it has them. */
export const quietHoursOf = (endpoint: EndpointView): QuietHours | null => quietHoursOfOptions(endpoint.options)

/** The options with these quiet hours, or with none. */
export function withQuietHours<O extends Record<string, unknown>>(options: O, quiet: QuietHours | null): O {
  return withOption(options, 'quiet_hours', quiet)
}

/** The update with the quiet hours changed, when they were: on top of any other option change. */
export function withQuietHoursPatch(endpoint: EndpointView, patch: TargetPatch, quiet: QuietHours | null): TargetPatch {
  return withOptionPatch(endpoint, patch, 'quiet_hours', quiet, quietHoursOf(endpoint))
}

/** Whether the endpoint groups each maintainer's events into one message. */
export const personDigestsOf = (endpoint: EndpointView) => endpoint.options.person_digests === true

/** The options with per-person digests on (set) or off (left out, the default). */
export function withPersonDigests<O extends Record<string, unknown>>(options: O, on: boolean): O {
  return withOption(options, 'person_digests', on || null)
}

/** The update with per-person digests switched, when they were: on top of any other option change. */
export function withPersonDigestsPatch(endpoint: EndpointView, patch: TargetPatch, on: boolean): TargetPatch {
  return withOptionPatch(endpoint, patch, 'person_digests', on || null, personDigestsOf(endpoint) || null)
}

/** The update with the fallback endpoint changed, when it was: on top of any other option change. */
export function withFallbackPatch(endpoint: EndpointView, patch: TargetPatch, fallbackId: string | null): TargetPatch {
  return withOptionPatch(endpoint, patch, 'fallback_endpoint_id', fallbackId || null, fallbackOf(endpoint))
}
