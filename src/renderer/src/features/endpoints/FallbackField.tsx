// Which other endpoint hears about it when this one gets flagged "needs attention" (e.g. email
// when a Discord webhook is deleted). Optional; clearing it means no alert.
import { Select } from '@mantine/core'
import { useQuery } from '@tanstack/react-query'
import { KIND_LABELS } from '../../../../shared/endpointKinds'
import { useApi } from '../../auth'
import { queryKeys } from '../../queryKeys'

export function FallbackField({
  value,
  onChange,
  excludeId,
  error,
}: {
  value: string | null
  onChange: (id: string | null) => void
  /** The endpoint being edited: it cannot be its own fallback. */
  excludeId?: string
  error?: string
}) {
  const api = useApi()
  const endpoints = useQuery({ queryKey: queryKeys.endpoints, queryFn: () => api.listEndpoints({}) })
  const others = (endpoints.data?.endpoints ?? []).filter((e) => e.id !== excludeId)
  return (
    <Select
      label="Fallback when this endpoint needs attention"
      description="Gets one alert when this endpoint is paused by a permanent error (never for an outage)."
      placeholder={others.length > 0 ? 'No fallback' : 'No other endpoint yet'}
      data={others.map((e) => ({ value: e.id, label: `${e.name} (${KIND_LABELS[e.kind]})` }))}
      value={value}
      onChange={onChange}
      clearable
      disabled={others.length === 0 && value === null}
      error={error}
    />
  )
}
