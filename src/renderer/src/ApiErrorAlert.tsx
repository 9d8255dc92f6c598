// Shows an admin API error as people need it: what failed, the server's message, and each
// field problem (zod issues) on its own line.
import { Alert, List, Text } from '@mantine/core'
import { AdminApiError } from './api'

interface Issue {
  path: string
  message: string
}

function describe(error: unknown): { message: string; code: string | null; issues: Issue[] } {
  if (error instanceof AdminApiError) {
    return { message: error.message, code: `${error.code} · HTTP ${error.status}`, issues: error.issues }
  }
  // Errors crossing the preload bridge lose their class but keep their fields.
  if (error && typeof error === 'object') {
    const e = error as { message?: unknown; code?: unknown; issues?: unknown }
    const issues = Array.isArray(e.issues) ? (e.issues as Issue[]) : []
    return {
      message: typeof e.message === 'string' ? e.message : String(error),
      code: typeof e.code === 'string' ? e.code : null,
      issues,
    }
  }
  return { message: String(error), code: null, issues: [] }
}

export function ApiErrorAlert({ error, title }: { error: unknown; title: string }) {
  if (!error) return null
  const { message, code, issues } = describe(error)
  return (
    <Alert color="red" variant="light" title={title} role="alert">
      <Text size="sm">{message}</Text>
      {issues.length > 0 && (
        <List size="sm" mt="xs">
          {issues.map((issue, i) => (
            <List.Item key={i}>
              {issue.path ? <strong>{issue.path}: </strong> : null}
              {issue.message}
            </List.Item>
          ))}
        </List>
      )}
      {code && (
        <Text size="xs" c="dimmed" mt="xs">
          {code}
        </Text>
      )}
    </Alert>
  )
}
