// Workflows' answer → what the engine should do. Pure. Workflows says 202 when the run is
// queued (not when Teams shows the card), and reports problems as {"error":{"code","message"}}.
import { retryAfterMs } from '../outbound/postJson'
import type { Outcome, RateLimitHint, SendResult } from '../types'

interface WorkflowsError {
  code?: string
  message?: string
}

/** What a person must do for each error that means the workflow itself is broken. */
export const ENDPOINT_PROBLEMS: Readonly<Record<string, string>> = {
  WorkflowTriggerIsNotEnabled: 'the workflow is turned off; turn it on in Power Automate (Teams → Workflows)',
  TriggerInputSchemaMismatch:
    'the workflow expects a different request body; use the "Post to a channel when a webhook request is received" template or remove the schema from its trigger',
  DirectApiAuthorizationRequired: "the URL has no signature; copy the workflow's whole URL again and edit the endpoint",
  DirectApiInvalidAuthorizationSignature:
    "the URL's signature is wrong or was regenerated; copy the workflow's URL again and edit the endpoint",
  WorkflowNotFound: 'the workflow was deleted; create a new one and edit the endpoint with its URL',
}

// Answers by HTTP status alone, when the body names no code we know.
const STATUS_PROBLEMS: Partial<Record<number, string>> = {
  401: "the workflow refused the URL's signature; copy the workflow's URL again and edit the endpoint",
  403: 'the workflow may not be triggered this way; check who may trigger it ("Anyone") in Power Automate',
  404: 'the workflow was not found; check that it still exists and edit the endpoint with its URL',
}

const LABEL = 'Teams Workflows'

function parseError(body: string): WorkflowsError | undefined {
  try {
    const value = JSON.parse(body) as { error?: unknown }
    const error = value && typeof value === 'object' ? value.error : undefined
    if (!error || typeof error !== 'object') return undefined
    const { code, message } = error as Record<string, unknown>
    return {
      ...(typeof code === 'string' && { code: code.slice(0, 100) }),
      ...(typeof message === 'string' && { message: message.slice(0, 300) }),
    }
  } catch {
    return undefined
  }
}

/** "WorkflowNotFound: The workflow 'x' could not be found" or "HTTP 404". */
function says(error: WorkflowsError | undefined, status: number): string {
  const message = error?.message?.replace(/[.\s]+$/, '')
  if (error?.code && message) return `${error.code}: ${message}`
  return error?.code ?? message ?? `HTTP ${status}`
}

function permanent(message: string, flagEndpoint: boolean): Outcome {
  return { result: 'permanent', errorClass: 'rejected', message, flagEndpoint }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`
}

export function classifyTeams(result: SendResult, now: number = Date.now()): Outcome {
  if (!result.ok) return { result: 'retry', errorClass: result.errorClass, message: `${LABEL}: ${result.message}` }
  const { status, headers, body } = result.response

  if (status >= 200 && status < 300) {
    // 202 = the run was queued; its id is what to look for in the flow's run history.
    const runId = headers['x-ms-workflow-run-id']
    return { result: 'delivered', ...(runId && { remoteId: runId.slice(0, 200) }) }
  }
  const error = parseError(body)
  const waitMs = retryAfterMs(headers['retry-after'], now)

  if (status === 429) {
    const rateLimit: RateLimitHint | undefined = waitMs ? { waitMs } : undefined
    return {
      result: 'retry',
      errorClass: 'rate_limited',
      message: `${LABEL}: rate limited (429)${waitMs ? `; retrying in ${seconds(waitMs)}` : ''}.`,
      ...(waitMs && { retryAfterMs: waitMs }),
      ...(rateLimit && { rateLimit }),
    }
  }
  if (status >= 500 || status === 408) {
    return {
      result: 'retry',
      errorClass: status === 408 ? 'timeout' : 'server_error',
      message: `${LABEL}: ${status === 408 ? 'request timeout' : 'server error'} ${status} (${says(error, status)}); will retry.`,
      ...(waitMs && { retryAfterMs: waitMs }),
    }
  }
  const known = error?.code ? ENDPOINT_PROBLEMS[error.code] : undefined
  const endpointProblem = known ?? STATUS_PROBLEMS[status]
  if (endpointProblem) return permanent(`${LABEL}: ${says(error, status)} — ${endpointProblem}.`, true)
  if (status >= 300 && status < 400) {
    return permanent(`${LABEL} answered ${status} (a redirect); redirects are not followed — check the Workflows URL.`, true)
  }
  // Anything else (400 InvalidRequestContent, 413 …) is about this message, not the workflow.
  return permanent(`${LABEL} rejected the message: ${says(error, status)}.`, false)
}
