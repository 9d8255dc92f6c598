// Turns an intake body (one event or {"events": [...]}) into validated events, or an error
// that names every problem. Nothing is stored unless the whole body is valid.
import { EventSchema, IntakeBatchSchema, MAX_BATCH, type KnockerEvent } from '../../../shared/events'
import { ApiError, issuesFromZod, type Issue } from '../admin/apiError'

export function validateIntakeBody(body: unknown): { events: KnockerEvent[]; batch: boolean } {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ApiError(400, 'invalid_request', 'The body must be one event object or {"events": [...]}', [
      { path: '(root)', message: 'expected an object' },
    ])
  }
  if ('events' in body) {
    const batch = IntakeBatchSchema.safeParse(body)
    if (!batch.success) {
      throw new ApiError(400, 'invalid_request', `A batch holds 1 to ${MAX_BATCH} events`, issuesFromZod(batch.error))
    }
    const { events, issues } = validateEvents(batch.data.events)
    if (issues.length > 0) {
      throw new ApiError(400, 'invalid_event', `${countInvalid(issues)} of ${batch.data.events.length} events are invalid; none were accepted`, issues)
    }
    return { events, batch: true }
  }
  const parsed = EventSchema.safeParse(body)
  if (!parsed.success) throw new ApiError(400, 'invalid_event', 'The event is invalid', issuesFromZod(parsed.error))
  const broken = malformedTextIssues(parsed.data)
  if (broken.length > 0) throw new ApiError(400, 'invalid_event', 'The event is invalid', broken)
  return { events: [parsed.data], batch: false }
}

/** Each item checked as an event, the way intake checks a batch (pollers use it too). Issue
 * paths start with events.<i>. */
export function validateEvents(items: unknown[]): { events: KnockerEvent[]; issues: Issue[] } {
  const issues: Issue[] = []
  const events: KnockerEvent[] = []
  items.forEach((item, i) => {
    const parsed = EventSchema.safeParse(item)
    if (!parsed.success) issues.push(...issuesFromZod(parsed.error, ['events', i]))
    else {
      const broken = malformedTextIssues(parsed.data, ['events', i])
      if (broken.length > 0) issues.push(...broken)
      else events.push(parsed.data)
    }
  })
  return { events, issues }
}

// Half of a UTF-16 surrogate pair, written as a "\ud800" escape: valid JSON, but no character.
// Stored, it would turn into U+FFFD on the way to SQLite and every destination.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

/** Every text of a validated event must be real Unicode text. */
function malformedTextIssues(value: unknown, prefix: (string | number)[] = []): Issue[] {
  // Almost every event is fine: find that out without building a path per value (that walk
  // was a third of a single event's validation), and name the paths only when one is broken.
  return hasLoneSurrogate(value) ? malformedTextPaths(value, prefix) : []
}

function hasLoneSurrogate(value: unknown): boolean {
  if (typeof value === 'string') return LONE_SURROGATE.test(value)
  if (Array.isArray(value)) return value.some(hasLoneSurrogate)
  if (value && typeof value === 'object') {
    for (const key in value) if (hasLoneSurrogate((value as Record<string, unknown>)[key])) return true
  }
  return false
}

function malformedTextPaths(value: unknown, prefix: (string | number)[]): Issue[] {
  if (typeof value === 'string') {
    return LONE_SURROGATE.test(value)
      ? [{ path: prefix.join('.') || '(root)', message: 'contains half of a surrogate pair (not Unicode text)' }]
      : []
  }
  if (Array.isArray(value)) return value.flatMap((item, i) => malformedTextPaths(item, [...prefix, i]))
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => malformedTextPaths(item, [...prefix, key]))
  }
  return []
}

function countInvalid(issues: Issue[]): number {
  return new Set(issues.map((i) => i.path.split('.').slice(0, 2).join('.'))).size
}
