// One endpoint option in the forms: set in the options, or left out at its default (null), and
// sent in an update only when it changed. Each option's reader sits beside its field.
import type { EndpointView } from '../../../../shared/contracts'
import type { TargetPatch } from './targetForms/drafts'

/** The options with `key` set to `value`, or without it when `value` is null. */
export function withOption<O extends Record<string, unknown>>(options: O, key: string, value: unknown): O {
  const { [key]: _dropped, ...rest } = options
  return (value === null ? rest : { ...rest, [key]: value }) as unknown as O
}

/** The update with one option changed, when it differs from the endpoint's `current` value:
 * on top of any other option change. */
export function withOptionPatch(endpoint: EndpointView, patch: TargetPatch, key: string, value: unknown, current: unknown): TargetPatch {
  if (JSON.stringify(value) === JSON.stringify(current)) return patch
  return { ...patch, options: withOption(patch.options ?? endpoint.options, key, value) }
}
