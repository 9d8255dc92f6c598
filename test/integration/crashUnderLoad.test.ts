// The headless shell under load, killed with SIGKILL at seeded-random moments and restarted,
// again and again. A receiver that deduplicates by webhook-id (stable across retries) must in
// the end have every event that was answered 2xx, none twice after dedup; the re-sends it
// had to drop are counted and reported. CRASH_SEED=<seed> replays a run.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createRng, seedFromEnv } from '../hostile/prng'
import { startWebhookReceiver, type WebhookReceiver } from '../mocks/webhookReceiver'
import { CHILD_ADMIN, CHILD_INGEST, callChild, startChildShell, type ChildShell } from './childShell'
import { EVENT_TYPES, type EventType } from '../../src/shared/events'
import { sampleEvent } from './harness'

const KILLS = 6
const LOAD_WORKERS = 4
const ENDPOINT_EVENTS: Record<string, EventType[]> = {
  reports: ['problem_report.created', 'problem_report.closed', 'problem_report.reopened'],
  logs: ['log_entry.created'],
  machines: ['machine.created', 'machine.status_changed', 'machine.location_changed'],
}

let receiver: WebhookReceiver | undefined
let shells: ChildShell[] = []
let dataDir = ''
afterEach(async () => {
  for (const s of shells) s.child.kill('SIGKILL')
  shells = []
  await receiver?.close()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

describe('crash under load (child process, SIGKILL)', () => {
  it(`loses nothing answered 2xx and delivers nothing twice across ${KILLS} kills`, async () => {
    const seed = seedFromEnv('CRASH_SEED')
    console.log(`crash test: seed ${seed} (replay with CRASH_SEED=${seed})`)
    // One stream per concern, so the kill moments replay the same whatever the others draw.
    const killRng = createRng(seed)
    const loadRng = createRng(seed ^ 0x5bd1e995)
    const delayRng = createRng(seed ^ 0x27d4eb2f)
    const started = Date.now()
    // A receiver that takes a few milliseconds, so kills also land while a send is out.
    receiver = await startWebhookReceiver({ answerDelayMs: () => delayRng.int(0, 8) })
    dataDir = mkdtempSync(join(tmpdir(), 'knocker-crash-load-'))

    let shell = await startChildShell(dataDir)
    shells.push(shell)
    // Three endpoints, each with its own event types: three queues drain side by side, and
    // every event still has exactly one delivery.
    const secrets: string[] = []
    for (const [name, events] of Object.entries(ENDPOINT_EVENTS)) {
      const created = await callChild(shell, 'POST', '/api/endpoints', CHILD_ADMIN, { name, kind: 'webhook', url: receiver.urlFor(`/hooks/${name}`), events })
      expect(created.status).toBe(201)
      secrets.push(created.json.signing_secret)
    }
    receiver.setSecrets(secrets)

    // --- load: workers post single events and small batches to whichever shell is up ------------
    const acknowledged = new Set<string>() // answered 2xx: must be delivered
    const unanswered = new Set<string>() // the connection died first: may or may not be stored
    let next = 0
    let loading = true
    let current: ChildShell | null = shell
    const worker = async () => {
      while (loading) {
        const target = current
        if (!target) {
          await new Promise((r) => setTimeout(r, 10))
          continue
        }
        const count = loadRng.chance(0.7) ? 1 : loadRng.int(2, 5)
        const events = Array.from({ length: count }, () => sampleEvent(loadRng.pick(EVENT_TYPES), { event_id: `crash:${next++}` } as any))
        try {
          const res = await fetch(`${target.url}/v1/events`, {
            method: 'POST',
            headers: { authorization: `Bearer ${CHILD_INGEST}`, 'content-type': 'application/json' },
            body: JSON.stringify(count === 1 ? events[0] : { events }),
          })
          await res.arrayBuffer()
          if (res.status !== 202) throw new Error(`intake answered ${res.status}`)
          for (const e of events) acknowledged.add(e.event_id)
        } catch (error) {
          if (current === target && target.child.exitCode === null && !target.child.killed) throw error
          for (const e of events) unanswered.add(e.event_id)
        }
        // A steady load, not a flood: each endpoint's queue is sent in order, one at a time, so
        // a flood would only grow a backlog to wait for at the end.
        await new Promise((r) => setTimeout(r, loadRng.int(100, 200)))
      }
    }
    const workers = Array.from({ length: LOAD_WORKERS }, worker)

    // --- kill and restart, at random moments -------------------------------------------------------
    const killedAfterMs: number[] = []
    for (let kill = 0; kill < KILLS; kill++) {
      const after = killRng.int(200, 1200)
      killedAfterMs.push(after)
      await new Promise((r) => setTimeout(r, after))
      shell.child.kill('SIGKILL')
      current = null
      await shell.exited
      shell = await startChildShell(dataDir)
      shells.push(shell)
      current = shell
    }
    await new Promise((r) => setTimeout(r, killRng.int(300, 800)))
    loading = false
    await Promise.all(workers)
    const loadEnded = Date.now()

    // --- drain: the last shell delivers whatever is left -----------------------------------------
    const byId = () => {
      const map = new Map<string, { eventId: string; count: number; bodies: Set<string> }>()
      for (const request of receiver!.requests) {
        if (request.status !== 200 && request.status !== 0) continue
        const id = request.headers['webhook-id']
        const entry = map.get(id) ?? { eventId: receiver!.json(request).data.event_id, count: 0, bodies: new Set<string>() }
        entry.count += 1
        entry.bodies.add(request.rawBody.toString('utf8'))
        map.set(id, entry)
      }
      return map
    }
    const deliveredEvents = () => new Set([...byId().values()].map((e) => e.eventId))
    const deadline = Date.now() + 30_000
    for (;;) {
      const stats = (await callChild(shell, 'GET', '/api/stats', CHILD_ADMIN)).json
      const delivered = deliveredEvents()
      const missing = [...acknowledged].filter((id) => !delivered.has(id))
      if (missing.length === 0 && stats.queue_depth === 0) break
      if (Date.now() > deadline) throw new Error(`not drained: ${missing.length} acknowledged events missing (${missing.slice(0, 5).join(', ')}); stats ${JSON.stringify(stats.deliveries)}`)
      await new Promise((r) => setTimeout(r, 100))
    }

    // --- the verdict ---------------------------------------------------------------------------------
    const unverified = receiver.requests.filter((r) => !r.verified)
    expect(unverified).toEqual([])
    const ids = byId()
    const perEvent = new Map<string, string[]>()
    for (const [webhookId, entry] of ids) perEvent.set(entry.eventId, [...(perEvent.get(entry.eventId) ?? []), webhookId])
    // Every event reached the receiver under exactly one webhook-id: dedup leaves one copy.
    const twice = [...perEvent].filter(([, webhookIds]) => webhookIds.length > 1)
    expect(twice).toEqual([])
    // A re-send is the same message: same id, same bytes.
    expect([...ids.values()].filter((e) => e.bodies.size > 1).map((e) => e.eventId)).toEqual([])
    const delivered = new Set(perEvent.keys())
    expect([...acknowledged].filter((id) => !delivered.has(id))).toEqual([])
    // Nothing arrives that intake never saw.
    expect([...delivered].filter((id) => !acknowledged.has(id) && !unanswered.has(id))).toEqual([])
    // The database agrees: every delivery delivered, one per stored event.
    const list = await callChild(shell, 'GET', '/api/stats', CHILD_ADMIN)
    expect(list.json.deliveries.delivered).toBe(list.json.events.total)
    expect(list.json.events.total).toBe(delivered.size)

    const resends = [...ids.values()].reduce((sum, e) => sum + e.count - 1, 0)
    const resent = [...ids.values()].filter((e) => e.count > 1).length
    const storedUnanswered = [...delivered].filter((id) => unanswered.has(id)).length
    console.log(
      [
        `crash test: ${KILLS} SIGKILLs in ${loadEnded - started} ms of load, drained ${Date.now() - loadEnded} ms later`,
        `  ${acknowledged.size} events answered 2xx, all delivered; ${unanswered.size} unanswered (connection died), ${storedUnanswered} of them stored and delivered`,
        `  ${receiver.count} requests for ${ids.size} webhook-ids: ${resends} re-sends of ${resent} messages (dropped by the receiver's dedup), 0 delivered twice`,
        `  killed after ${killedAfterMs.join(', ')} ms of load`,
      ].join('\n'),
    )
    expect(ids.size).toBeGreaterThan(50)
  }, 90_000)
})
