// Manual retries; both make the list, the open detail and the counters stale.
import { useMutation, useQueryClient } from '@tanstack/react-query'
import type { AdminInput } from '../../../../shared/contracts'
import { useApi } from '../../auth'
import { queryKeys } from '../../queryKeys'

function useInvalidateAfterRetry() {
  const queryClient = useQueryClient()
  return () => {
    void queryClient.invalidateQueries({ queryKey: queryKeys.deliveries })
    void queryClient.invalidateQueries({ queryKey: queryKeys.stats })
    void queryClient.invalidateQueries({ queryKey: queryKeys.endpoints })
  }
}

export function useRetryDelivery() {
  const api = useApi()
  const invalidate = useInvalidateAfterRetry()
  return useMutation({
    mutationFn: (id: number) => api.retryDelivery({ id }),
    onSettled: invalidate,
  })
}

export function useRetryFailed() {
  const api = useApi()
  const invalidate = useInvalidateAfterRetry()
  return useMutation({
    mutationFn: (input: AdminInput<'retryFailed'>) => api.retryFailed(input),
    onSettled: invalidate,
  })
}
