// The API's field issues ("smtp.host: …", "to.1: …") as errors on the form's own fields, so a
// problem shows next to what needs fixing, not only in the alert at the bottom of a long form.
export type FieldErrors = Record<string, string>

export function fieldErrors(error: unknown): FieldErrors {
  const issues = (error as { issues?: unknown } | null)?.issues
  if (!Array.isArray(issues)) return {}
  const errors: FieldErrors = {}
  for (const issue of issues as Array<{ path?: unknown; message?: unknown }>) {
    if (typeof issue?.path !== 'string' || typeof issue.message !== 'string') continue
    // "to.1" → the recipients field; "headers.X-Foo" → the headers; "auth.token" stays as is.
    const path = /^to\.\d+$/.test(issue.path) ? 'to' : issue.path.startsWith('headers.') ? 'headers' : issue.path
    errors[path] ??= issue.message
  }
  return errors
}

/** The error of a field or of any of its sub-fields ("auth" matches "auth.token"). */
export function errorFor(errors: FieldErrors | undefined, ...paths: string[]): string | undefined {
  if (!errors) return undefined
  for (const p of paths) if (errors[p]) return errors[p]
  return undefined
}

/** The first error of a field's sub-fields ("options.quiet_hours" matches "options.quiet_hours.ranges.0.start"). */
export function errorUnder(errors: FieldErrors | undefined, prefix: string): string | undefined {
  return Object.entries(errors ?? {}).find(([path]) => path === prefix || path.startsWith(`${prefix}.`))?.[1]
}
