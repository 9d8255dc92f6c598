// "Rotate signing secret" for a webhook endpoint: a grace period in which both the old and the
// new secret sign each request, then the new secret is shown once.
import { useState, type FormEvent } from 'react'
import { Button, Group, Modal, NumberInput, Stack, Text } from '@mantine/core'
import type { AdminOutput, EndpointView } from '../../../../shared/contracts'
import { ApiErrorAlert } from '../../ApiErrorAlert'
import { useRotateSecret } from './endpointMutations'

export function RotateSecretModal({
  endpoint,
  onClose,
  onRotated,
}: {
  endpoint: EndpointView | null
  onClose: () => void
  onRotated: (result: AdminOutput<'rotateSecret'>, graceHours: number) => void
}) {
  return (
    <Modal opened={endpoint !== null} onClose={onClose} title="Rotate signing secret">
      {endpoint && <RotateForm endpoint={endpoint} onCancel={onClose} onRotated={onRotated} />}
    </Modal>
  )
}

function RotateForm({
  endpoint,
  onCancel,
  onRotated,
}: {
  endpoint: EndpointView
  onCancel: () => void
  onRotated: (result: AdminOutput<'rotateSecret'>, graceHours: number) => void
}) {
  const rotate = useRotateSecret()
  const [hours, setHours] = useState<number | ''>(24)

  const submit = (e: FormEvent) => {
    e.preventDefault()
    const grace = hours === '' ? 0 : hours
    rotate.mutate({ id: endpoint.id, grace_hours: grace }, { onSuccess: (result) => onRotated(result, grace) })
  }

  return (
    <form onSubmit={submit}>
      <Stack>
        <Text size="sm">
          Knocker makes a new signing secret for <strong>{endpoint.name}</strong> and shows it once.
        </Text>
        <NumberInput
          label="Grace period (hours)"
          description="During the grace period every request carries two signatures, one with the old secret and one with the new, so the receiver keeps accepting them while you update it. 0 ends the old secret now."
          value={hours}
          onChange={(v) => setHours(typeof v === 'number' ? v : v === '' ? '' : Number(v))}
          min={0}
          max={168}
          allowNegative={false}
          clampBehavior="strict"
          data-autofocus
        />
        <ApiErrorAlert error={rotate.error} title="The secret was not rotated" />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" color="orange" loading={rotate.isPending}>
            Rotate secret
          </Button>
        </Group>
      </Stack>
    </form>
  )
}
