// The pollers that read the host app instead of waiting for its pushes: the machines list it
// has today (GET /api/v1/machines/, diffed against the last snapshot) and the event feed a
// host app may expose (GET /api/v1/notification-events/, read with a stored cursor). Their
// admin views and settings; the API key is write-only.
import { z } from 'zod'

export const POLLER_IDS = ['machines', 'event_feed'] as const
export type PollerId = (typeof POLLER_IDS)[number]
export const PollerIdSchema = z.enum(POLLER_IDS)

export const POLLER_INFO: Record<PollerId, { name: string; description: string; defaultIntervalSeconds: number }> = {
  machines: {
    name: 'Machines (Flipfix API)',
    description:
      'Reads the machine list every few minutes and reports machines added, status changes and moves. The first read only records what is there.',
    defaultIntervalSeconds: 300,
  },
  event_feed: {
    name: 'Event feed',
    description:
      "Reads the host app's notification event feed, if it has one, from where the last read stopped. Events it also pushed are delivered once.",
    defaultIntervalSeconds: 60,
  },
}

export const POLL_INTERVAL_LIMITS = { min: 15, max: 86_400 } as const

const timestamp = z.number().int().describe('milliseconds since the epoch')

export const POLLER_STATES = ['off', 'not_configured', 'waiting', 'ok', 'backing_off'] as const

export const PollerViewSchema = z.object({
  id: PollerIdSchema,
  name: z.string(),
  description: z.string(),
  enabled: z.boolean(),
  /** The host app's site URL, e.g. https://flipfix.theflip.museum (not a secret). */
  base_url: z.string().nullable(),
  /** Redacted ("…ab12"), null when none is stored. The key itself is never returned. */
  api_key: z.string().nullable(),
  interval_seconds: z.number().int(),
  status: z.object({
    /** off · not_configured (no address or key) · waiting (no poll yet) · ok · backing_off (the last poll failed) */
    state: z.enum(POLLER_STATES),
    last_poll_at: timestamp.nullable(),
    last_success_at: timestamp.nullable(),
    /** What went wrong on the last poll, in plain words; null after a good one. */
    last_error: z.string().nullable(),
    consecutive_failures: z.number().int(),
    next_poll_at: timestamp.nullable(),
    /** Set while polls are spaced out after failures. */
    backing_off_until: timestamp.nullable(),
    /** New events this poller has handed to intake (repeats of pushed events not counted). */
    events_emitted: z.number().int(),
    /** machines: how many the snapshot knows (null before the first poll) · event_feed: null. */
    machines_known: z.number().int().nullable(),
    /** event_feed: a cursor is stored (the next read continues from it). */
    has_cursor: z.boolean(),
  }),
})
export type PollerView = z.infer<typeof PollerViewSchema>

export const PollerUpdateSchema = z.object({
  id: PollerIdSchema,
  enabled: z.boolean().optional(),
  /** Changing it starts over: a new baseline (machines) or reading the feed from its start. */
  base_url: z.string().trim().max(2000).optional(),
  /** Write-only. null removes the stored key. */
  api_key: z
    .string()
    .trim()
    .min(16, 'an API key is at least 16 characters')
    .max(512, 'an API key is at most 512 characters')
    .regex(/^[\x21-\x7e]+$/, 'an API key has no spaces or special characters')
    .nullable()
    .optional(),
  interval_seconds: z
    .number()
    .int()
    .min(POLL_INTERVAL_LIMITS.min, `at least ${POLL_INTERVAL_LIMITS.min} seconds`)
    .max(POLL_INTERVAL_LIMITS.max, 'at most a day (86400 seconds)')
    .optional(),
})
export type PollerUpdate = z.input<typeof PollerUpdateSchema>
