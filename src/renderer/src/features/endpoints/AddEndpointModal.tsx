// "Add endpoint": the webhook URL is a secret (it carries Discord's token), so it is typed into
// a password field and never shown again; the table only ever gets the redacted target.
import { useState, type FormEvent } from 'react'
import { Button, Checkbox, Group, Modal, PasswordInput, Select, SimpleGrid, Stack, Switch, TextInput } from '@mantine/core'
import { ENDPOINT_KINDS, type EndpointKind } from '../../../../shared/domain'
import { EVENT_LABELS, EVENT_TYPES, type EventType } from '../../../../shared/events'
import { ApiErrorAlert } from '../../ApiErrorAlert'
import { useCreateEndpoint } from './endpointMutations'

const KIND_LABELS: Record<EndpointKind, string> = { discord: 'Discord' }
const URL_HINTS: Record<EndpointKind, string> = {
  discord: 'Channel settings → Integrations → Webhooks → Copy Webhook URL (https://discord.com/api/webhooks/…)',
}

export function AddEndpointModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const create = useCreateEndpoint()
  const [name, setName] = useState('')
  const [kind, setKind] = useState<EndpointKind>('discord')
  const [url, setUrl] = useState('')
  const [events, setEvents] = useState<string[]>([...EVENT_TYPES])
  const [enabled, setEnabled] = useState(true)

  const close = () => {
    setName('')
    setUrl('')
    setEvents([...EVENT_TYPES])
    setEnabled(true)
    create.reset()
    onClose()
  }

  const submit = (e: FormEvent) => {
    e.preventDefault()
    create.mutate({ name, kind, url, enabled, events: events as EventType[] }, { onSuccess: close })
  }

  return (
    <Modal opened={opened} onClose={close} title="Add endpoint" size="lg">
      <form onSubmit={submit}>
        <Stack>
          <ApiErrorAlert error={create.error} title="The endpoint was not added" />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label="Name"
              placeholder="Workshop channel"
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              required
              data-autofocus
            />
            <Select
              label="Kind"
              data={ENDPOINT_KINDS.map((k) => ({ value: k, label: KIND_LABELS[k] }))}
              value={kind}
              onChange={(v) => v && setKind(v as EndpointKind)}
              allowDeselect={false}
            />
          </SimpleGrid>
          <PasswordInput
            label="Webhook URL"
            description={URL_HINTS[kind]}
            value={url}
            onChange={(e) => setUrl(e.currentTarget.value)}
            autoComplete="off"
            required
          />
          <Checkbox.Group label="Events" description="Which events this endpoint receives" value={events} onChange={setEvents}>
            <SimpleGrid cols={{ base: 1, sm: 2 }} mt="xs" spacing="xs">
              {EVENT_TYPES.map((type) => (
                <Checkbox key={type} value={type} label={EVENT_LABELS[type]} />
              ))}
            </SimpleGrid>
          </Checkbox.Group>
          <Switch label="Enabled" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Add endpoint
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}
