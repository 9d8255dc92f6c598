// A destination URL that carries its own secret (a token or signature in the path or query):
// typed into a password field, never shown again. Editing: left blank, the stored URL stays.
import type { ReactNode } from 'react'
import { PasswordInput } from '@mantine/core'
import type { FormMode } from './drafts'

export function SecretUrlInput({
  label,
  hint,
  value,
  onChange,
  mode,
  placeholder,
  error,
}: {
  label: string
  hint: ReactNode
  value: string
  onChange: (url: string) => void
  mode: FormMode
  placeholder?: string
  error?: string
}) {
  return (
    <PasswordInput
      label={label}
      description={hint}
      placeholder={mode === 'edit' ? 'Unchanged. Paste a new URL to replace it' : placeholder}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      autoComplete="off"
      spellCheck={false}
      required={mode === 'create'}
      error={error}
    />
  )
}

/** "A → B → C" steps of a hint, with the steps in bold so they are easy to follow. */
export function Steps({ steps }: { steps: string[] }) {
  return (
    <>
      {steps.map((s, i) => (
        <span key={i}>
          {i > 0 && ' → '}
          <strong>{s}</strong>
        </span>
      ))}
    </>
  )
}
