// The morning report (an endpoint option, and a message of Knocker's own): at a set time each
// day, machine health by zone, open problem reports per machine, workshop repairs that have
// stalled, and yesterday's work. Stored and delivered like an event, under an internal type
// intake never accepts. No Node, no DOM: the renderer's form and preview read it too.
import { z } from 'zod'

export const MORNING_REPORT_TYPE = 'knocker.morning_report'
export type MorningReportType = typeof MORNING_REPORT_TYPE

/** A morning report says how things stand this morning: half a day later it is stale, and fails. */
export const MORNING_REPORT_TTL_HOURS = 12

/** A workshop repair with no work logged for longer than this has stalled. */
export const STALLED_AFTER_DAYS = 14

/** The endpoint option: a report each day at `time` (HH:MM, the computer's time zone). */
export const MorningReportOptionSchema = z
  .object({
    enabled: z.boolean(),
    time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time as HH:MM (24 h)'),
  })
  .strict()
export type MorningReportOption = z.infer<typeof MorningReportOptionSchema>
export const DEFAULT_MORNING_REPORT: MorningReportOption = { enabled: true, time: '08:00' }

/** An endpoint's morning report option when it is on, else null (also when malformed). */
export function morningReportOf(options: Record<string, unknown>): MorningReportOption | null {
  if (options.morning_report === undefined) return null
  const parsed = MorningReportOptionSchema.safeParse(options.morning_report)
  return parsed.success && parsed.data.enabled ? parsed.data : null
}

/** A machine's health: the worst of its status and its open reports' priorities, worst first. */
export const HEALTH_LEVELS = ['broken', 'fixing', 'reported', 'unknown', 'good'] as const
export type Health = (typeof HEALTH_LEVELS)[number]
export const HEALTH_LABELS: Record<Health, string> = {
  broken: 'Broken',
  fixing: 'Fixing',
  reported: 'Open reports',
  unknown: 'Unknown',
  good: 'Good',
}

export const ZONES = ['front', 'workshop', 'storage', 'hidden'] as const
export const ZONE_LABELS: Record<string, string> = { front: 'Floor', workshop: 'Workshop', storage: 'Storage', hidden: 'Hidden', '': 'Zone not known' }

const MachineRefSchema = z.object({
  asset_id: z.string(),
  name: z.string(),
  url: z.string().nullable(),
})

/** The stored payload (events.payload) and what each channel formats; the webhook's data. */
export const MorningReportSchema = z.object({
  /** The local day the report is for (YYYY-MM-DD). */
  date: z.string(),
  /** When it was built (ISO 8601). */
  generated_at: z.string(),
  /** Set when sent from the console ("Send morning report now"), not at its time. */
  on_demand: z.boolean(),
  /** The host app's site, when any event named it. */
  site_url: z.string().nullable(),
  zones: z.array(
    z.object({
      zone: z.string(),
      label: z.string(),
      counts: z.record(z.enum(HEALTH_LEVELS), z.number().int().nonnegative()),
      /** Machines that are not good, worst first. */
      machines: z.array(MachineRefSchema.extend({ health: z.enum(HEALTH_LEVELS), location: z.string().nullable() })),
    }),
  ),
  /** Machines with open problem reports, the worst first; each report with its age. */
  open_reports: z.array(
    MachineRefSchema.extend({
      reports: z.array(
        z.object({
          id: z.number().int(),
          priority: z.string(),
          priority_label: z.string(),
          title: z.string(),
          reporter: z.string().nullable(),
          opened_at: z.string(),
          age_days: z.number().int().nonnegative(),
          url: z.string().nullable(),
        }),
      ),
    }),
  ),
  /** Workshop machines not good, with no work logged for over STALLED_AFTER_DAYS days. */
  stalled: z.array(MachineRefSchema.extend({ health: z.enum(HEALTH_LEVELS), since: z.string(), days: z.number().int().nonnegative() })),
  /** Log entries (not auto-generated) whose work date was yesterday. */
  yesterday: z.object({ date: z.string(), entries: z.number().int().nonnegative(), machines: z.number().int().nonnegative() }),
})
export type MorningReport = z.infer<typeof MorningReportSchema>

/** One report per endpoint and day, whenever (and however often) its time is handled. */
export function morningReportEventId(endpointId: string, day: string): string {
  return `morning:${endpointId}:${day}`
}

/** A report sent from the console: one per press. */
export function onDemandMorningReportEventId(endpointId: string, now: number): string {
  return `morning:${endpointId}:now:${now}`
}
