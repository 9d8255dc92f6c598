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
    const issues: Issue[] = []
    const events: KnockerEvent[] = []
    batch.data.events.forEach((item, i) => {
      const parsed = EventSchema.safeParse(item)
      if (parsed.success) events.push(parsed.data)
      else issues.push(...issuesFromZod(parsed.error, ['events', i]))
    })
    if (issues.length > 0) {
      throw new ApiError(400, 'invalid_event', `${countInvalid(issues)} of ${batch.data.events.length} events are invalid; none were accepted`, issues)
    }
    return { events, batch: true }
  }
  const parsed = EventSchema.safeParse(body)
  if (!parsed.success) throw new ApiError(400, 'invalid_event', 'The event is invalid', issuesFromZod(parsed.error))
  return { events: [parsed.data], batch: false }
}

function countInvalid(issues: Issue[]): number {
  return new Set(issues.map((i) => i.path.split('.').slice(0, 2).join('.'))).size
}
