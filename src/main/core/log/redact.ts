// Secrets must never reach logs, errors or the UI. Two defences: structured fields with
// secret names are censored by the logger, and free text is scrubbed of anything that looks
// like a webhook token or signing secret.

import { SECRET_PATTERNS } from '../../../shared/endpointKinds'

// Each destination's own secrets (webhook tokens, signatures, signing secrets) are described
// with the destination in the kind table; these two can appear with any of them.
const PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  ...SECRET_PATTERNS,
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
