// Per-endpoint message customisation (the `messages` option of every endpoint kind): for each
// event type, which of the event's fields a message shows and in what order, and templates for
// its title and its one-line summary. Placeholders come from the event contract (events.ts):
// every value of the event type's payload, by its dotted path. Checked here once, so the admin
// API refuses an unknown placeholder or field (naming it, listing the valid ones) and the
// console says the same beside the form. Pure zod: the core and the renderer read it.
import { z } from 'zod'
import { EVENT_TYPES, EventSchema, type EventType } from './events'
import { SAMPLE_EVENTS } from './samples'
import { parseTemplate, placeholdersOf } from './templateSyntax'

/** The parts of a message that can be shown, hidden or reordered. */
export const MESSAGE_FIELDS = {
  location: 'Location',
  problem_type: 'Problem type',
  priority: 'Priority',
  reporter: 'Reported by',
  actor: 'Who did it (closed by, added by …)',
  maintainers: 'Maintainers',
  work_date: 'Work date',
  time_spent: 'Time spent',
  problem_report: 'Problem report (of a log entry)',
  description: 'Description (report or log text)',
} as const
export type MessageField = keyof typeof MESSAGE_FIELDS

/** Which fields each event type can show, in the order today's messages show them. The
 * default message is not a list: it also hides a report's "Untriaged" priority, which a
 * customised list naming `priority` shows. */
export const FIELDS_BY_EVENT: Record<EventType, readonly MessageField[]> = {
  'problem_report.created': ['location', 'problem_type', 'priority', 'reporter', 'description'],
  'problem_report.closed': ['location', 'problem_type', 'priority', 'actor', 'reporter', 'description'],
  'problem_report.reopened': ['location', 'problem_type', 'priority', 'actor', 'reporter', 'description'],
  'log_entry.created': ['location', 'maintainers', 'actor', 'work_date', 'time_spent', 'problem_report', 'description'],
  'machine.created': ['location', 'actor', 'description'],
  'machine.status_changed': ['location', 'actor', 'description'],
  'machine.location_changed': ['actor', 'description'],
}

/** The fields of today's messages, in their order (what the console starts a custom list
 * from). Today's messages show a report's priority only once it is triaged: every visitor
 * report is "Untriaged"; a custom list naming `priority` always shows it. */
export const DEFAULT_FIELDS: Record<EventType, readonly MessageField[]> = {
  'problem_report.created': ['location', 'problem_type', 'priority', 'reporter', 'description'],
  'problem_report.closed': ['problem_type', 'actor', 'description'],
  'problem_report.reopened': ['problem_type', 'priority', 'actor', 'description'],
  'log_entry.created': ['maintainers', 'work_date', 'time_spent', 'problem_report', 'description'],
  'machine.created': ['location', 'actor', 'description'],
  'machine.status_changed': ['location', 'actor', 'description'],
  'machine.location_changed': ['actor', 'description'],
}

/** Placeholders computed from the payload rather than read from it. */
export const COMPUTED_PLACEHOLDERS: Record<string, string> = {
  'machine.display_name': 'the machine’s short name, else its name (as every message names it)',
}

type Introspectable = { def: { type: string; innerType?: Introspectable; shape?: Record<string, Introspectable> } }

/** The dotted paths of a schema's scalar values (lists and the schema tag left out). */
function scalarPaths(schema: Introspectable, prefix: string): string[] {
  let inner = schema
  while (inner.def.innerType && ['optional', 'nullable', 'default', 'prefault'].includes(inner.def.type)) inner = inner.def.innerType
  if (inner.def.type === 'array') return []
  if (inner.def.type !== 'object' || !inner.def.shape) return [prefix]
  return Object.entries(inner.def.shape).flatMap(([key, value]) => scalarPaths(value, prefix ? `${prefix}.${key}` : key))
}

function placeholdersFor(type: EventType): string[] {
  const variant = (EventSchema.options as unknown as Introspectable[]).find(
    (v) => (v.def.shape?.event as unknown as { def: { values: string[] } }).def.values[0] === type,
  )!
  const shape = variant.def.shape!
  const sample = SAMPLE_EVENTS[type] as Record<string, unknown>
  // A part the contract makes optional is offered when the event type carries it (its sample
  // does): a status change's log entry, yes; a machine event's problem report, no.
  const parts = Object.keys(shape).filter((key) => key !== 'schema' && (shape[key].def.type !== 'optional' || key in sample))
  const paths = parts.flatMap((key) => scalarPaths(shape[key], key))
  return [...paths, ...Object.keys(COMPUTED_PLACEHOLDERS)].sort()
}

/** Every placeholder a template of each event type may use. */
export const PLACEHOLDERS: Record<EventType, readonly string[]> = Object.fromEntries(
  EVENT_TYPES.map((type) => [type, placeholdersFor(type)]),
) as Record<EventType, string[]>

const TEMPLATE_MAX = 300

function templateSchema(type: EventType) {
  return z
    .string()
    .max(TEMPLATE_MAX, `at most ${TEMPLATE_MAX} characters`)
    .superRefine((template, ctx) => {
      const parsed = parseTemplate(template)
      if (!parsed.ok) return void ctx.addIssue({ code: 'custom', message: parsed.error })
      if (!template.trim()) return void ctx.addIssue({ code: 'custom', message: 'a template cannot be empty (leave it out for the default)' })
      const valid = PLACEHOLDERS[type]
      for (const name of placeholdersOf(template)) {
        if (!valid.includes(name)) {
          ctx.addIssue({ code: 'custom', message: `unknown placeholder {${name}} for ${type}; valid: ${valid.map((p) => `{${p}}`).join(', ')}` })
        }
      }
    })
    .optional()
}

function fieldsSchema(type: EventType) {
  const valid = FIELDS_BY_EVENT[type]
  return z
    .array(z.string())
    .max(valid.length)
    .superRefine((fields, ctx) => {
      fields.forEach((name, i) => {
        if (!(valid as readonly string[]).includes(name)) {
          ctx.addIssue({ code: 'custom', path: [i], message: `unknown field "${name}" for ${type}; valid: ${valid.join(', ')}` })
        } else if (fields.indexOf(name) !== i) {
          ctx.addIssue({ code: 'custom', path: [i], message: `field "${name}" is listed twice` })
        }
      })
    })
    .optional()
}

function eventTemplateSchema(type: EventType) {
  return z
    .object({
      /** The fields shown, in this order; left out: today's message. */
      fields: fieldsSchema(type),
      /** The message's title ("{machine.display_name} — new report"); left out: today's. */
      title: templateSchema(type),
      /** The message's one-line summary (Slack's and Teams' notification text, the subject of an
       * email outside a report's thread); left out: today's. The history list keeps the event's. */
      summary: templateSchema(type),
    })
    .strict()
}

/** The `messages` endpoint option: a customisation per event type, each part optional. */
export const MessageTemplatesSchema = z
  .object(Object.fromEntries(EVENT_TYPES.map((type) => [type, eventTemplateSchema(type).optional()])) as {
    [K in EventType]: z.ZodOptional<ReturnType<typeof eventTemplateSchema>>
  })
  .strict()
export type MessageTemplates = z.infer<typeof MessageTemplatesSchema>
export type EventTemplate = NonNullable<MessageTemplates[EventType]>

/** An endpoint's customisation of one event type's message, or null for today's message. */
export function eventTemplateOf(options: Record<string, unknown>, type: EventType): EventTemplate | null {
  // Most endpoints customise nothing, and every message asks.
  if (options.messages === undefined) return null
  const parsed = MessageTemplatesSchema.safeParse(options.messages)
  return (parsed.success && parsed.data[type]) || null
}
