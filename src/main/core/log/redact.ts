// Secrets must never reach logs, errors or the UI. Two defences: structured fields with
// secret names are censored by the logger, and free text is scrubbed of anything that looks
// like a webhook token or signing secret.

const PATTERNS: Array<[RegExp, string]> = [
  // Discord webhook tokens: /webhooks/<id>/<token>
  [/(\/webhooks\/\d+\/)[A-Za-z0-9_.-]+/g, '$1[redacted]'],
  // Slack incoming webhooks: /services/T…/B…/<secret>
  [/(\/services\/[A-Z0-9]+\/[A-Z0-9]+\/)[A-Za-z0-9]+/g, '$1[redacted]'],
  // Teams Workflows signatures and any sig= query parameter
  [/([?&]sig=)[^&\s"']+/gi, '$1[redacted]'],
  // Standard Webhooks secrets
  [/whsec_[A-Za-z0-9+/=]+/g, 'whsec_[redacted]'],
  // Bearer tokens in echoed headers
  [/(bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi, '$1[redacted]'],
  // user:password@ in URLs
  [/(\/\/[^/\s:@]+:)[^@\s/]+@/g, '$1[redacted]@'],
]

export function redactText(text: string): string {
  let out = text
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement)
  return out
}

/** Field names whose values are always censored in structured logs. */
export const SECRET_FIELD_PATHS = [
  'url',
  '*.url',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'password',
  '*.password',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'target',
  '*.target',
]
