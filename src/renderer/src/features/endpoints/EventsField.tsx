// Which event types an endpoint receives.
import { Checkbox, SimpleGrid } from '@mantine/core'
import { EVENT_LABELS, EVENT_TYPES, type EventType } from '../../../../shared/events'

export function EventsField({ value, onChange }: { value: EventType[]; onChange: (events: EventType[]) => void }) {
  return (
    <Checkbox.Group
      label="Events"
      description="Which events this endpoint receives"
      value={value}
      onChange={(v) => onChange(v as EventType[])}
    >
      <SimpleGrid cols={{ base: 1, sm: 2 }} mt="xs" spacing="xs">
        {EVENT_TYPES.map((type) => (
          <Checkbox key={type} value={type} label={EVENT_LABELS[type]} />
        ))}
      </SimpleGrid>
    </Checkbox.Group>
  )
}
