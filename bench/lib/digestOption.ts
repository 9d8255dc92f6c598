// Digests (several waiting events as one message) are a per-endpoint option of this version
// of Knocker, on unless switched off. The admin contract says which options a Discord
// endpoint takes, so the bench looks there instead of assuming.
import { KIND_OPTIONS } from '../../src/shared/endpointKinds'

const ON_VALUES: unknown[] = [true, 'on', 'always', 'auto']
const OFF_VALUES: unknown[] = [false, 'off', 'never']

export interface DigestOptions {
  on: Record<string, unknown>
  off: Record<string, unknown>
}

/** Discord endpoint options that turn digests on and off, or null when there is no such option. */
export function discordDigestOptions(): DigestOptions | null {
  const schema = KIND_OPTIONS.discord
  for (const key of Object.keys(schema.shape).filter((name) => /digest/i.test(name))) {
    const on = ON_VALUES.find((value) => schema.safeParse({ [key]: value }).success)
    const off = OFF_VALUES.find((value) => schema.safeParse({ [key]: value }).success)
    if (on !== undefined && off !== undefined) return { on: { [key]: on }, off: { [key]: off } }
  }
  return null
}
