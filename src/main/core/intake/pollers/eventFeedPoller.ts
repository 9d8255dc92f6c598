// The event feed poller, for host apps that would rather be read than push:
// GET /api/v1/notification-events/?after=<cursor>&limit=<n> → {"events": [...], "next_cursor"}.
// Each page's events are committed with the cursor after them, so a crash re-reads at most
// one page, and repeats (also pushed, or read twice) are dropped by event_id.
import { z } from 'zod'
import { MAX_BATCH } from '../../../../shared/events'
import { issuesFromZod } from '../../admin/apiError'
import { getHostJson } from './hostApi'
import { hostUrl, type Poller } from './poller'

const FEED_PATH = '/api/v1/notification-events/'
const FEED_PAGE_SIZE = 100
/** Pages read in one poll; the rest waits for the next (a backlog of days drains over a few polls). */
const FEED_PAGES_PER_POLL = 20

const FeedPageSchema = z.object({
  events: z.array(z.unknown()).max(MAX_BATCH),
  next_cursor: z.string().min(1).max(1000).nullable().optional(),
})

export const eventFeedPoller: Poller = {
  id: 'event_feed',
  async poll(ctx, commit) {
    let cursor = ctx.state
    for (let page = 0; page < FEED_PAGES_PER_POLL; page++) {
      const url = hostUrl(ctx.baseUrl, FEED_PATH)
      url.searchParams.set('limit', String(FEED_PAGE_SIZE))
      if (cursor !== null) url.searchParams.set('after', cursor)
      const answer = await getHostJson(url, ctx.apiKey, ctx.http)
      if (!answer.ok) return answer
      const where = `${url.host}${url.pathname}`
      const parsed = FeedPageSchema.safeParse(answer.json)
      if (!parsed.success) {
        const issues = issuesFromZod(parsed.error).slice(0, 3).map((i) => `${i.path}: ${i.message}`)
        return { kind: 'bad_response', message: `${where} answered JSON that is not an event feed page (${issues.join('; ')})` }
      }
      const { events } = parsed.data
      const next = parsed.data.next_cursor ?? cursor
      if (events.length === 0 && next === cursor) return null // nothing new
      const result = await commit({ events, state: next, stateVersion: ctx.stateVersion, source: `${where} (page ${page + 1})` })
      if (!result.ok) return { kind: 'invalid_events', message: result.message }
      // An empty page is the end (a host may serve fewer than asked for); a cursor that didn't
      // move would read the same page forever.
      if (events.length === 0 || next === cursor) return null
      cursor = next
    }
    return null
  },
}
