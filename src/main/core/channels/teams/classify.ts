// Workflows' answer → what the engine should do. Pure. Workflows says 202 when the run is
// queued (not when Teams shows the card), and reports problems as {"error":{"code","message"}}.
import { httpRung, noAnswer, permanent } from '../outbound/httpLadder'
import type { Outcome, SendResult } from '../types'

interface WorkflowsError {
  code?: string
  message?: string
}

/** What a person must do for each error that means the workflow itself is broken. */
const ENDPOINT_PROBLEMS: Readonly<Record<string, string>> = {
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

export function classifyTeams(result: SendResult, now: number = Date.now()): Outcome {
  if (!result.ok) return noAnswer(result, LABEL)
  const { status, headers, body } = result.response
  const rung = httpRung(result.response, now)

  if (rung.rung === 'delivered') {
    // 202 = the run was queued; its id is what to look for in the flow's run history.
    const runId = headers['x-ms-workflow-run-id']
    return { result: 'delivered', ...(runId && { remoteId: runId.slice(0, 200) }) }
  }
  const error = parseError(body)
  if (rung.rung === 'rate_limited') {
    const waitMs = rung.retryAfterMs
    return { result: 'retry', errorClass: 'rate_limited', message: `${LABEL}: rate limited (429).`, ...(waitMs && { retryAfterMs: waitMs, rateLimit: { waitMs } }) }
  }
  if (rung.rung === 'server_error' || rung.rung === 'timeout') {
    const timeout = rung.rung === 'timeout'
    return {
      result: 'retry',
      errorClass: timeout ? 'timeout' : 'server_error',
      message: `${LABEL}: ${timeout ? 'request timeout' : 'server error'} ${status} (${says(error, status)}); will retry.`,
      ...(rung.retryAfterMs && { retryAfterMs: rung.retryAfterMs }),
    }
  }
  const known = error?.code ? ENDPOINT_PROBLEMS[error.code] : undefined
  const endpointProblem = known ?? (rung.rung === 'endpoint' ? STATUS_PROBLEMS[status] : undefined)
  if (endpointProblem) return permanent(`${LABEL}: ${says(error, status)} — ${endpointProblem}.`, true)
  if (rung.rung === 'redirect') {
    return permanent(`${LABEL} answered ${status} (a redirect); redirects are not followed — check the Workflows URL.`, true)
  }
  // Anything else (400 InvalidRequestContent, 413 …) is about this message, not the workflow.
  return permanent(`${LABEL} rejected the message: ${says(error, status)}.`, false)
}
