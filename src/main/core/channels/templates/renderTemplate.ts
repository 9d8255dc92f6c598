// A title or summary template filled in from an event: plain substitution of each
// {placeholder} by the value at that path of the payload, nothing evaluated. Values are one
// line without control characters; a value the event lacks (no short name, no actor) is
// empty. The destination's `escapeValue` makes each value inert where its titles are styled.
import { machineDisplayName, type KnockerEvent } from '../../../../shared/events'
import { parseTemplate } from '../../../../shared/templateSyntax'
import { oneLine } from '../../text/cleanText'

const COMPUTED: Record<string, (event: KnockerEvent) => string> = {
  'machine.display_name': (event) => machineDisplayName(event.machine),
}

/** The value at a dotted path of the event, as text ('' when absent or not a single value). */
export function placeholderValue(event: KnockerEvent, name: string): string {
  if (Object.hasOwn(COMPUTED, name)) return oneLine(COMPUTED[name](event))
  let value: unknown = event
  for (const key of name.split('.')) {
    // Own properties only: a name never reaches a prototype ("constructor", "__proto__").
    value = value !== null && typeof value === 'object' && Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined
  }
  if (typeof value === 'string') return oneLine(value)
  if (typeof value === 'number') return String(value)
  if (typeof value === 'boolean') return value ? 'yes' : 'no'
  return ''
}

/** The template with its placeholders filled in, on one line. Templates are checked when an
 * endpoint is saved; one that does not parse renders as its literal text. */
export function renderTemplate(template: string, event: KnockerEvent, escapeValue: (text: string) => string = (t) => t): string {
  const parsed = parseTemplate(template)
  if (!parsed.ok) return oneLine(template)
  const text = parsed.parts.map((part) => ('text' in part ? part.text : escapeValue(placeholderValue(event, part.placeholder)))).join('')
  return oneLine(text)
}
