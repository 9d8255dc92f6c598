// What an email endpoint is configured with: SMTP server, login, sender and recipients.
// The shapes come from TARGET_FIELDS.email; here we check what they mean (a public host, a
// single sender address, TLS unless the relay is on the LAN). The password is a secret: it
// never appears in an error, redactTarget or publicSettings.
import { isIP } from 'node:net'
import addressparser from 'nodemailer/lib/addressparser'
import { z } from 'zod'
import { TARGET_FIELDS } from '../../../../shared/endpointKinds'
import { isPrivateHost } from '../outbound/targetUrl'
import { TargetError } from '../types'

export type SmtpSecurity = 'tls' | 'starttls' | 'none'

export interface EmailTarget {
  smtp: {
    /** Lower-case host name or IP address, no port, no scheme. */
    host: string
    port: number
    security: SmtpSecurity
    user?: string
    password?: string
  }
  /** "Knocker <knocker@museum.example>": exactly one mailbox. */
  from: string
  /** Recipient addresses, duplicates removed (case-insensitively). */
  to: string[]
}

const EmailFieldsSchema = z.object(TARGET_FIELDS.email)
const SingleAddress = z.email()

// One DNS label; a name is a dot-separated list of them (trailing dot allowed, dropped).
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/

/** Friendlier words for zod's type errors (a missing port reads "expected number"). */
const FIELD_MESSAGES: Record<string, string> = {
  smtp: 'SMTP settings are required (host, port, security)',
  'smtp.host': 'SMTP host is required, e.g. smtp.example.org',
  'smtp.port': 'SMTP port must be a whole number from 1 to 65535 (usually 587 or 465)',
  'smtp.security': 'security must be "starttls" (port 587), "tls" (port 465) or "none"',
  'smtp.user': 'SMTP user must be text of at most 255 characters',
  'smtp.password': 'SMTP password must be text of at most 1000 characters',
  from: 'from must be a sender address such as Knocker <knocker@museum.example>',
  to: 'to must be a list of 1 to 50 email addresses',
}

function zodIssueToTargetError(issue: z.core.$ZodIssue): TargetError {
  const path = issue.path.map(String).join('.') || 'smtp'
  const recipient = /^to\.(\d+)$/.exec(path)
  if (recipient) return new TargetError(`Recipient ${Number(recipient[1]) + 1} must be an email address`, path)
  // zod's own wording for type/enum problems is technical; a custom message (min/max) is clear.
  const generic =
    issue.code === 'invalid_type' || issue.code === 'invalid_value' || issue.code === 'invalid_format' || path === 'smtp.port'
  const message = (generic && FIELD_MESSAGES[path]) || issue.message || FIELD_MESSAGES[path] || 'invalid value'
  return new TargetError(message, path)
}

/** A bare host name or IP address, lower-cased; anything with a scheme, port or path is refused. */
function normaliseHost(raw: string): string {
  const host = raw.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '')
  if (isIP(host)) return host
  const labels = host.split('.')
  if (host.length > 253 || !labels.every((label) => LABEL.test(label))) {
    throw new TargetError('Enter only the SMTP server name, e.g. smtp.example.org (no "smtp://", port or path)', 'smtp.host')
  }
  return host
}

/** Loopback/LAN addresses and single-label or local names are only for "allow private targets". */
export function isLocalHost(host: string): boolean {
  return isPrivateHost(host) || (!isIP(host) && !host.includes('.'))
}

/** Empty strings from a form mean "not set". */
function optionalText(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value
}

function parseFrom(raw: string): string {
  const from = raw.trim()
  // Header injection guard: a sender is one line.
  if (/[\u0000-\u001f\u007f]/.test(from)) throw new TargetError('from must be on one line', 'from')
  const mailboxes = addressparser(from, { flatten: true })
  if (mailboxes.length !== 1 || !SingleAddress.safeParse(mailboxes[0].address).success) {
    throw new TargetError(FIELD_MESSAGES.from, 'from')
  }
  return from
}

function uniqueAddresses(addresses: string[]): string[] {
  const seen = new Set<string>()
  return addresses
    .map((address) => address.trim())
    .filter((address) => {
      const key = address.toLowerCase()
      if (seen.has(key)) return false
      seen.add(key)
      return true
    })
}

/** Check and normalise the API fields; accepts its own output again (updates re-parse). */
export function parseEmailTarget(input: Record<string, unknown> & { allowPrivate: boolean }): EmailTarget {
  const { allowPrivate, ...fields } = input
  const parsed = EmailFieldsSchema.safeParse(fields)
  if (!parsed.success) throw zodIssueToTargetError(parsed.error.issues[0])
  const { smtp, from, to } = parsed.data

  const host = normaliseHost(smtp.host)
  if (isLocalHost(host) && !allowPrivate) {
    throw new TargetError(
      'The SMTP host is a local/LAN address; enable the "allow private targets" setting to send through it',
      'smtp.host',
    )
  }
  if (smtp.security === 'none' && !allowPrivate) {
    throw new TargetError(
      'Unencrypted SMTP ("none") is only for a relay on your own network and needs the "allow private targets" setting; use "starttls" (port 587) or "tls" (port 465)',
      'smtp.security',
    )
  }
  const user = optionalText(smtp.user)?.trim()
  // No user means no login: clearing the user in the UI removes the stored password too
  // (the edit form never resends a password it cannot show).
  const password = user === undefined ? undefined : optionalText(smtp.password)
  if (user !== undefined && password === undefined) {
    throw new TargetError('Enter the SMTP password for this user', 'smtp.password')
  }

  return {
    smtp: {
      host,
      port: smtp.port,
      security: smtp.security,
      ...(user !== undefined && { user }),
      ...(password !== undefined && { password }),
    },
    from: parseFrom(from),
    to: uniqueAddresses(to),
  }
}

/** "smtp.example.org:587 → 2 recipients" */
export function redactEmailTarget(target: EmailTarget): string {
  const host = target.smtp.host.includes(':') ? `[${target.smtp.host}]` : target.smtp.host
  const n = target.to.length
  return `${host}:${target.smtp.port} → ${n} recipient${n === 1 ? '' : 's'}`
}

/** Everything the UI may show and edit, minus the password. */
export function emailPublicSettings(target: EmailTarget): Record<string, unknown> {
  return {
    host: target.smtp.host,
    port: target.smtp.port,
    security: target.smtp.security,
    user: target.smtp.user ?? null,
    from: target.from,
    to: [...target.to],
  }
}
