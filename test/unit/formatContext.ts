// A FormatContext for formatter tests.
import type { FormatContext } from '../../src/main/core/channels/types'

export function formatCtx(patch: Partial<FormatContext> = {}): FormatContext {
  return {
    test: false,
    options: {},
    settings: {},
    delivery: { id: 1, eventId: 'problem_report:412:created', endpointId: 'ep_test', createdAt: Date.parse('2026-07-18T19:02:12Z') },
    conversation: null,
    threadId: null,
    ...patch,
  }
}
