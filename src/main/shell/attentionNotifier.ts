// A native notification when an endpoint gets flagged "needs attention", at most one per
// endpoint per hour: a destination that breaks again right after each fix must not nag.
export const ATTENTION_NOTICE_INTERVAL_MS = 60 * 60 * 1000

export interface AttentionNotice {
  title: string
  body: string
}

export function createAttentionNotifier(opts: {
  show(notice: AttentionNotice): void
  now?: () => number
  intervalMs?: number
}): (endpoint: { id: string; name: string; reason: string }) => boolean {
  const now = opts.now ?? Date.now
  const interval = opts.intervalMs ?? ATTENTION_NOTICE_INTERVAL_MS
  const lastShown = new Map<string, number>()
  return (endpoint) => {
    const at = now()
    const last = lastShown.get(endpoint.id)
    if (last !== undefined && at - last < interval) return false
    lastShown.set(endpoint.id, at)
    // The reason was redacted by the engine: it never carries a URL's token.
    opts.show({ title: `Knocker: ${endpoint.name} needs attention`, body: endpoint.reason })
    return true
  }
}
