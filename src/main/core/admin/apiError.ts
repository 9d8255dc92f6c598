// The one error type of intake and the admin API. Serialised as
// {"error": {"code", "message", "issues"?}} by both the HTTP server and the IPC adapter.
import type { z } from 'zod'

export interface Issue {
  path: string
  message: string
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues?: Issue[],
  ) {
    super(message)
  }

  toBody() {
    return { error: { code: this.code, message: this.message, ...(this.issues ? { issues: this.issues } : {}) } }
  }
}

export const notFound = (what: string) => new ApiError(404, 'not_found', `${what} not found`)
export const conflict = (message: string) => new ApiError(409, 'conflict', message)

export function issuesFromZod(error: z.ZodError, prefix: (string | number)[] = []): Issue[] {
  return error.issues.map((issue) => ({
    path: [...prefix, ...issue.path].map(String).join('.') || '(root)',
    message: issue.message,
  }))
}

export function invalidRequest(error: z.ZodError, message = 'The request is invalid', prefix: (string | number)[] = []) {
  return new ApiError(400, 'invalid_request', message, issuesFromZod(error, prefix))
}
