// "Delete endpoint?": says what happens to its queue and history before anything is deleted.
import { Button, Group, Modal, Stack, Text } from '@mantine/core'
import type { EndpointView } from '../../../../shared/contracts'
import { ApiErrorAlert } from '../../ApiErrorAlert'
import { useDeleteEndpoint } from './endpointMutations'

export function DeleteEndpointModal({ endpoint, onClose }: { endpoint: EndpointView | null; onClose: () => void }) {
  const remove = useDeleteEndpoint()
  const close = () => {
    remove.reset()
    onClose()
  }
  const waiting = endpoint?.queue.pending ?? 0
  return (
    <Modal opened={endpoint !== null} onClose={close} title="Delete endpoint?">
      {endpoint && (
        <Stack>
          <Text>
            <strong>{endpoint.name}</strong> will stop receiving notifications. Its delivery history stays, under its
            name.
          </Text>
          {waiting > 0 && (
            <Text c="orange" fw={500}>
              {waiting} {waiting === 1 ? 'notification is' : 'notifications are'} still waiting to go to it and will not
              be sent.
            </Text>
          )}
          <ApiErrorAlert error={remove.error} title="The endpoint was not deleted" />
          <Group justify="flex-end">
            <Button variant="default" onClick={close} data-autofocus>
              Keep it
            </Button>
            <Button color="red" loading={remove.isPending} onClick={() => remove.mutate({ id: endpoint.id }, { onSuccess: close })}>
              Delete {endpoint.name}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  )
}
