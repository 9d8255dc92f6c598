// Endpoint writes and what each one makes stale.
import { useMutation, useQueryClient } from '@tanstack/react-query'
import type { AdminInput } from '../../../../shared/contracts'
import { useApi } from '../../auth'
import { queryKeys } from '../../queryKeys'

export function useCreateEndpoint() {
  const api = useApi()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (input: AdminInput<'createEndpoint'>) => api.createEndpoint(input),
    // The answer may carry a signing secret: don't keep it in the mutation cache once unused.
    gcTime: 0,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.endpoints })
      void queryClient.invalidateQueries({ queryKey: queryKeys.stats })
    },
  })
}

export function useUpdateEndpoint() {
  const api = useApi()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (input: AdminInput<'updateEndpoint'>) => api.updateEndpoint(input),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.endpoints })
      void queryClient.invalidateQueries({ queryKey: queryKeys.stats })
    },
  })
}

export function useTestEndpoint() {
  const api = useApi()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (input: AdminInput<'testEndpoint'>) => api.testEndpoint(input),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.deliveries })
      void queryClient.invalidateQueries({ queryKey: queryKeys.endpoints })
      void queryClient.invalidateQueries({ queryKey: queryKeys.stats })
    },
  })
}

/** "Send morning report now": queued like any message. */
export function useSendMorningReport() {
  const api = useApi()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (input: AdminInput<'sendMorningReport'>) => api.sendMorningReport(input),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.deliveries })
      void queryClient.invalidateQueries({ queryKey: queryKeys.endpoints })
      void queryClient.invalidateQueries({ queryKey: queryKeys.stats })
    },
  })
}

/** A new signing secret for a webhook endpoint; the answer carries it once. */
export function useRotateSecret() {
  const api = useApi()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (input: AdminInput<'rotateSecret'>) => api.rotateSecret(input),
    gcTime: 0,
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.endpoints })
    },
  })
}

/** Deletes an endpoint; its history stays and still names it. */
export function useDeleteEndpoint() {
  const api = useApi()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (input: AdminInput<'deleteEndpoint'>) => api.deleteEndpoint(input),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.endpoints })
      void queryClient.invalidateQueries({ queryKey: queryKeys.stats })
    },
  })
}
