// Per-person digests (Flipfix's own style): a maintainer's events wait until that person has
// been quiet for 5 minutes (at most 15), then go as one message grouped by machine.
import { Switch } from '@mantine/core'

export function PersonDigestsField({ value, onChange }: { value: boolean; onChange: (on: boolean) => void }) {
  return (
    <Switch
      label="One message per maintainer's burst"
      description="A maintainer's events wait until they have been quiet for 5 minutes (15 at most), then go as one message grouped by machine. Visitor reports go at once."
      checked={value}
      onChange={(e) => onChange(e.currentTarget.checked)}
      data-testid="person-digests-switch"
    />
  )
}
