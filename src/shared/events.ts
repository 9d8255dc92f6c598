// The event contract Knocker accepts (schema "flipfix.notification/v1").
// Pure zod + types: imported by the core, the admin contracts and the renderer.
import { z } from 'zod'

export const EVENT_SCHEMA = 'flipfix.notification/v1'

export const EVENT_TYPES = [
  'problem_report.created',
  'problem_report.closed',
  'problem_report.reopened',
  'log_entry.created',
  'machine.created',
  'machine.status_changed',
  'machine.location_changed',
] as const
export type EventType = (typeof EVENT_TYPES)[number]
export const EventTypeSchema = z.enum(EVENT_TYPES)

export const EVENT_LABELS: Record<EventType, string> = {
  'problem_report.created': 'Problem report created',
  'problem_report.closed': 'Problem report closed',
  'problem_report.reopened': 'Problem report reopened',
  'log_entry.created': 'Log entry created',
  'machine.created': 'Machine added',
  'machine.status_changed': 'Machine status changed',
  'machine.location_changed': 'Machine location changed',
}

/** One line on what each event is, for the switches on the Events & sources page. */
export const EVENT_DESCRIPTIONS: Record<EventType, string> = {
  'problem_report.created': 'A visitor or maintainer reports a problem with a machine (by its QR code or the app).',
  'problem_report.closed': 'A maintainer closes a problem report: the machine is fixed.',
  'problem_report.reopened': 'A closed problem report is opened again: the problem came back.',
  'log_entry.created': 'A maintainer logs work on a machine (with or without a problem report).',
  'machine.created': 'A new machine is added to the collection.',
  'machine.status_changed': 'A machine becomes Good, Fixing, Broken or Unknown.',
  'machine.location_changed': 'A machine moves (for example from the Workshop to the Museum floor).',
}

const httpUrl = z.url({ protocol: /^https?$/, message: 'must be an absolute http(s) URL' })
const isoDate = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' })
const text = (max: number) => z.string().max(max)

export const ActorSchema = z.object({
  username: text(150),
  display_name: text(300),
  is_shared_account: z.boolean().default(false),
})

export const LocationSchema = z.object({
  name: text(200),
  slug: text(200),
  zone: z.enum(['front', 'workshop', 'storage', 'hidden']).or(text(50)),
})

export const MachineSchema = z.object({
  asset_id: text(50),
  name: z.string().min(1).max(200),
  short_name: text(30).nullable().optional(),
  slug: text(200),
  operational_status: z.enum(['good', 'fixing', 'broken', 'unknown']),
  operational_status_label: text(50),
  location: LocationSchema.nullable().optional(),
  url: httpUrl,
})

export const ProblemReportSchema = z.object({
  id: z.number().int().nonnegative(),
  status: z.enum(['open', 'closed']),
  previous_status: z.enum(['open', 'closed']).nullable().optional(),
  problem_type: text(50),
  problem_type_label: text(100),
  priority: text(50),
  priority_label: text(100),
  description: z.string().max(100_000).default(''),
  // reporter contact is deliberately absent: it is stripped on intake and never stored.
  reporter: z
    .object({ display: text(300).nullable().optional(), username: text(150).nullable().optional() })
    .nullable()
    .optional(),
  url: httpUrl,
})

export const LogEntrySchema = z.object({
  id: z.number().int().nonnegative(),
  text: z.string().max(100_000),
  auto_generated: z.boolean().default(false),
  occurred_at: isoDate,
  time_spent_hours: z.number().nonnegative().nullable().optional(),
  maintainers: z.array(z.object({ username: text(150), display_name: text(300) })).max(100).default([]),
  maintainer_names: text(1000).default(''),
  problem_report: z
    .object({ id: z.number().int().nonnegative(), status: z.enum(['open', 'closed']), url: httpUrl })
    .nullable()
    .optional(),
  url: httpUrl,
})

export const ChangeSchema = z.object({
  field: text(100),
  from: text(200).nullable(),
  from_label: text(200).nullable().optional(),
  to: text(200).nullable(),
  to_label: text(200).nullable().optional(),
})

const envelope = {
  schema: z.literal(EVENT_SCHEMA),
  event_id: z.string().min(1).max(200),
  occurred_at: isoDate,
  site_url: httpUrl,
  actor: ActorSchema.nullable().optional(),
  machine: MachineSchema,
  problem_report: ProblemReportSchema.optional(),
  log_entry: LogEntrySchema.optional(),
  change: ChangeSchema.optional(),
}
const required = {
  actor: ActorSchema,
  problem_report: ProblemReportSchema,
  log_entry: LogEntrySchema,
  change: ChangeSchema,
}

/** One variant per event type, each with the parts that event must carry. */
export const EventSchema = z.discriminatedUnion('event', [
  z.object({ ...envelope, event: z.literal('problem_report.created'), problem_report: required.problem_report }),
  z.object({
    ...envelope,
    event: z.literal('problem_report.closed'),
    problem_report: required.problem_report,
    actor: required.actor,
  }),
  z.object({
    ...envelope,
    event: z.literal('problem_report.reopened'),
    problem_report: required.problem_report,
    actor: required.actor,
  }),
  z.object({ ...envelope, event: z.literal('log_entry.created'), log_entry: required.log_entry }),
  z.object({ ...envelope, event: z.literal('machine.created'), actor: required.actor }),
  z.object({
    ...envelope,
    event: z.literal('machine.status_changed'),
    change: required.change,
    actor: required.actor,
  }),
  z.object({
    ...envelope,
    event: z.literal('machine.location_changed'),
    change: required.change,
    actor: required.actor,
  }),
])
export type KnockerEvent = z.infer<typeof EventSchema>
export type Machine = z.infer<typeof MachineSchema>
export type ProblemReport = z.infer<typeof ProblemReportSchema>
export type LogEntry = z.infer<typeof LogEntrySchema>

export const MAX_BATCH = 500
export const IntakeBatchSchema = z.object({ events: z.array(z.unknown()).min(1).max(MAX_BATCH) })

/** The name people know a machine by in notifications (short name first, as the host app does). */
export function machineDisplayName(machine: Machine): string {
  return machine.short_name?.trim() || machine.name
}
