// Digests (several waiting events as one message) are a per-endpoint option that may or may
// not exist in this version of Knocker: the admin contract says which options a Discord
// endpoint takes, so the bench looks there instead of assuming.
import { KIND_OPTIONS } from '../../src/shared/endpointKinds'

/** Values that would mean "on" for an option named like /digest/, tried in order. */
const ON_VALUES: unknown[] = [true, 'on', 'always', 'auto', 'burst', { enabled: true }]

/** The Discord endpoint options that turn digests on, or null when there is no such option. */
export function discordDigestOptions(): Record<string, unknown> | null {
  const schema = KIND_OPTIONS.discord
  for (const key of Object.keys(schema.shape).filter((name) => /digest/i.test(name))) {
    for (const value of ON_VALUES) {
      if (schema.safeParse({ [key]: value }).success) return { [key]: value }
    }
  }
  return null
}
