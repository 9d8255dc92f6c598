// "Send morning report now" (in the endpoint's edit dialog): queues a morning report for the
// endpoint at once, whatever its option says (it goes through the endpoint's queue like any
// message), and says so, inline.
import { Button, Stack, Text, VisuallyHidden } from '@mantine/core'
import type { EndpointView } from '../../../../shared/contracts'
import { useSendMorningReport } from './endpointMutations'

export function MorningReportControl({ endpoint }: { endpoint: EndpointView }) {
  const send = useSendMorningReport()
  return (
    <Stack gap={4} maw={340}>
      <Button type="button" size="xs" variant="light" w="fit-content" loading={send.isPending} onClick={() => send.mutate({ id: endpoint.id })}>
        Send morning report now
      </Button>
      <div role="status" aria-live="polite">
        {send.isError && (
          <Text size="xs" c="red">
            <VisuallyHidden>Morning report to {endpoint.name}: </VisuallyHidden>✗ {send.error.message}
          </Text>
        )}
        {send.isSuccess && (
          <Text size="xs" c={send.data.status === 'pending' ? 'teal' : 'orange'}>
            <VisuallyHidden>Morning report to {endpoint.name}: </VisuallyHidden>
            {send.data.status === 'pending' ? '✓ morning report queued (see Deliveries)' : `✗ ${send.data.reason}`}
          </Text>
        )}
      </div>
    </Stack>
  )
}
