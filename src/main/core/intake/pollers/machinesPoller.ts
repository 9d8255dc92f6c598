// The machines poller: reads GET /api/v1/machines/ (the host app's API today), diffs it against
// the snapshot of the last read and commits the events with the new snapshot. The first read
// only records the baseline: everything already there is not news.
import { issuesFromZod } from '../../admin/apiError'
import { getHostJson } from './hostApi'
import { machineEvents, MachineListSchema, snapshotOf, SnapshotSchema, type MachineSnapshot } from './machinesDiff'
import { hostUrl, type Poller } from './poller'

const MACHINES_PATH = '/api/v1/machines/'

export const machinesPoller: Poller = {
  id: 'machines',
  async poll(ctx, commit) {
    const url = hostUrl(ctx.baseUrl, MACHINES_PATH)
    const answer = await getHostJson(url, ctx.apiKey, ctx.http)
    if (!answer.ok) return answer
    const where = `${url.host}${url.pathname}`
    const parsed = MachineListSchema.safeParse(answer.json)
    if (!parsed.success) {
      const issues = issuesFromZod(parsed.error).slice(0, 3).map((i) => `${i.path}: ${i.message}`)
      return { kind: 'bad_response', message: `${where} answered JSON that is not a machine list (${issues.join('; ')})` }
    }
    const ids = parsed.data.machines.map((m) => m.asset_id)
    const repeated = ids.find((id, i) => ids.indexOf(id) !== i)
    if (repeated !== undefined) {
      return { kind: 'bad_response', message: `${where} lists asset ${JSON.stringify(repeated.slice(0, 50))} twice` }
    }
    const current = snapshotOf(parsed.data.machines)
    const previous = storedSnapshot(ctx.state)
    const unchanged = previous !== null && JSON.stringify(previous) === JSON.stringify(current)
    if (unchanged) return null
    const version = ctx.stateVersion + 1
    const events = previous === null ? [] : machineEvents(previous, current, { version, siteUrl: ctx.baseUrl, now: ctx.now })
    const result = await commit({ events, state: JSON.stringify(current), stateVersion: version, source: where })
    return result.ok ? null : { kind: 'invalid_events', message: result.message }
  },
}

/** The last snapshot, or null before the first read (a baseline is due). */
function storedSnapshot(state: string | null): MachineSnapshot | null {
  if (state === null) return null
  const parsed = SnapshotSchema.safeParse(JSON.parse(state))
  if (!parsed.success) throw new Error('the stored machine snapshot is unreadable')
  return parsed.data
}
