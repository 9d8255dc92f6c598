// Live updates: the core's change notices (over the preload bridge in Electron, as server-sent
// events from the headless shell) mark the matching queries stale, so every page refreshes the
// moment something happens. Polling stays on, slower, as a safety net.
import { useEffect } from 'react'
import { useQueryClient, type QueryClient } from '@tanstack/react-query'
import type { ChangeTopic } from '../../shared/changes'
import { isChangeTopic } from '../../shared/changes'
import { queryKeys } from './queryKeys'

export type ChangeSubscriber = (listener: (topic: ChangeTopic) => void) => () => void

const STALE_BY_TOPIC: Record<ChangeTopic, ReadonlyArray<readonly unknown[]>> = {
  deliveries: [queryKeys.deliveries, queryKeys.stats],
  endpoints: [queryKeys.endpoints, queryKeys.stats],
  settings: [queryKeys.settings, queryKeys.stats],
  sources: [queryKeys.relaySources],
  state: [queryKeys.stats, queryKeys.endpoints],
}

export function invalidateFor(queryClient: QueryClient, topic: ChangeTopic): void {
  for (const queryKey of STALE_BY_TOPIC[topic]) void queryClient.invalidateQueries({ queryKey })
}

export function useLiveUpdates(subscribe: ChangeSubscriber | null): void {
  const queryClient = useQueryClient()
  useEffect(() => {
    if (!subscribe) return
    return subscribe((topic) => invalidateFor(queryClient, topic))
  }, [subscribe, queryClient])
}

/** Reads GET /api/changes (server-sent events) with the admin token; reconnects with backoff. */
export function httpChangeSubscriber(token: string): ChangeSubscriber {
  return (listener) => {
    const abort = new AbortController()
    let retryMs = 1_000
    const run = async () => {
      while (!abort.signal.aborted) {
        try {
          const res = await fetch('/api/changes', { headers: { authorization: `Bearer ${token}` }, signal: abort.signal })
          if (!res.ok || !res.body) throw new Error(`change stream answered ${res.status}`)
          retryMs = 1_000
          const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
          let buffer = ''
          for (;;) {
            const { value, done } = await reader.read()
            if (done) break
            buffer += value
            const events = buffer.split('\n\n')
            buffer = events.pop() ?? ''
            for (const event of events) {
              const data = event.split('\n').find((line) => line.startsWith('data: '))
              if (!data) continue
              const topic = (JSON.parse(data.slice(6)) as { topic?: unknown }).topic
              if (isChangeTopic(topic)) listener(topic)
            }
          }
        } catch {
          if (abort.signal.aborted) return
        }
        await new Promise((resolve) => setTimeout(resolve, retryMs))
        retryMs = Math.min(retryMs * 2, 30_000)
      }
    }
    void run()
    return () => abort.abort()
  }
}
