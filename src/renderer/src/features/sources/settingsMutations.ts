// Settings writes (master switch, event switches, retention …) and what they make stale.
import { useMutation, useQueryClient } from '@tanstack/react-query'
import type { AdminInput, Settings } from '../../../../shared/contracts'
import { useApi } from '../../auth'
import { queryKeys } from '../../queryKeys'

export function useUpdateSettings() {
  const api = useApi()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (patch: AdminInput<'updateSettings'>) => api.updateSettings(patch),
    onSuccess: (settings) => queryClient.setQueryData(queryKeys.settings, settings),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.settings })
      void queryClient.invalidateQueries({ queryKey: queryKeys.stats })
    },
  })
}

/** The settings as they will be once the pending change lands, so switches move at once. */
export function withPending(settings: Settings, patch: AdminInput<'updateSettings'> | undefined): Settings {
  if (!patch) return settings
  return {
    delivery_enabled: patch.delivery_enabled ?? settings.delivery_enabled,
    allow_private_targets: patch.allow_private_targets ?? settings.allow_private_targets,
    retention_days: patch.retention_days ?? settings.retention_days,
    events: { ...settings.events, ...patch.events },
    ttl_hours: { ...settings.ttl_hours, ...patch.ttl_hours },
  }
}
