// A FormatContext for formatter tests.
import type { FormatContext } from '../../src/main/core/channels/types'

export function formatCtx(patch: Partial<FormatContext> = {}): FormatContext {
  return {
    test: false,
    options: {},
    delivery: { id: 1, eventId: 'problem_report:412:created', endpointId: 'ep_test' },
    conversation: null,
    threadId: null,
    ...patch,
  }
}
