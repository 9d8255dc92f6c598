// Quiet hours of an endpoint: ranges per weekday (the computer's time zone) when routine
// events are held, to go as one digest when the quiet time ends; what goes through anyway;
// on Discord, posting silently instead of holding.
import { ActionIcon, Button, Chip, Fieldset, Group, MultiSelect, SegmentedControl, Stack, Switch, Text, TextInput } from '@mantine/core'
import type { EndpointKind } from '../../../../shared/endpointKinds'
import {
  DEFAULT_LET_THROUGH,
  LET_THROUGH,
  LET_THROUGH_LABELS,
  WEEKDAYS,
  type LetThrough,
  type QuietHours,
  type QuietRange,
} from '../../../../shared/quietHours'

const DAY_LABELS: Record<(typeof WEEKDAYS)[number], string> = { sun: 'Sun', mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat' }
/** Monday first, as a museum's week is read. */
const WEEK = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const
export const DEFAULT_QUIET_HOURS: QuietHours = { ranges: [{ days: [...WEEKDAYS], start: '22:00', end: '07:00' }] }

export function QuietHoursField({
  value,
  onChange,
  kind,
  error,
}: {
  value: QuietHours | null
  onChange: (value: QuietHours | null) => void
  kind: EndpointKind
  error?: string
}) {
  const setRange = (i: number, patch: Partial<QuietRange>) =>
    value && onChange({ ...value, ranges: value.ranges.map((r, j) => (j === i ? { ...r, ...patch } : r)) })
  return (
    <Stack gap="xs">
      <Switch
        label="Quiet hours"
        description="Routine events are held and go as one message when the quiet time ends (this computer's time zone)."
        checked={value !== null}
        onChange={(e) => onChange(e.currentTarget.checked ? DEFAULT_QUIET_HOURS : null)}
        data-testid="quiet-hours-switch"
      />
      {value && (
        <Fieldset legend="Quiet hours" variant="filled">
          <Stack gap="sm">
            {value.ranges.map((range, i) => (
              <Stack key={i} gap={4}>
                <Group gap="xs" align="flex-end">
                  <TextInput label="From" type="time" value={range.start} onChange={(e) => setRange(i, { start: e.currentTarget.value })} w={120} />
                  <TextInput label="Until" type="time" value={range.end} onChange={(e) => setRange(i, { end: e.currentTarget.value })} w={120} />
                  {value.ranges.length > 1 && (
                    <ActionIcon
                      variant="subtle"
                      color="red"
                      aria-label={`Remove range ${i + 1}`}
                      onClick={() => onChange({ ...value, ranges: value.ranges.filter((_, j) => j !== i) })}
                      mb={4}
                    >
                      ✕
                    </ActionIcon>
                  )}
                </Group>
                <Chip.Group multiple value={range.days} onChange={(days) => setRange(i, { days: days as QuietRange['days'] })}>
                  <Group gap={4} aria-label={`Days range ${i + 1} starts on`} role="group">
                    {WEEK.map((day) => (
                      <Chip key={day} value={day} size="xs">
                        {DAY_LABELS[day]}
                      </Chip>
                    ))}
                  </Group>
                </Chip.Group>
              </Stack>
            ))}
            <Group>
              <Button
                variant="light"
                size="xs"
                onClick={() => onChange({ ...value, ranges: [...value.ranges, { days: ['sat', 'sun'], start: '00:00', end: '09:00' }] })}
                disabled={value.ranges.length >= 14}
              >
                Add a range
              </Button>
            </Group>
            <Text size="xs" c="dimmed">
              A range ends the next day when its end is not later than its start (22:00 until 07:00).
            </Text>
            <MultiSelect
              label="Goes through anyway"
              data={LET_THROUGH.map((v) => ({ value: v, label: LET_THROUGH_LABELS[v] }))}
              value={value.let_through ?? DEFAULT_LET_THROUGH}
              onChange={(v) => onChange({ ...value, let_through: v as LetThrough[] })}
            />
            {kind === 'discord' && (
              <Stack gap={4}>
                <Text size="sm" fw={500} id="quiet-mode-label">
                  During quiet hours
                </Text>
                <SegmentedControl
                  aria-labelledby="quiet-mode-label"
                  data={[
                    { value: 'hold', label: 'Hold until they end' },
                    { value: 'silent', label: 'Post silently' },
                  ]}
                  value={value.mode ?? 'hold'}
                  onChange={(mode) => onChange({ ...value, mode: mode as 'hold' | 'silent' })}
                />
              </Stack>
            )}
            {error && (
              <Text size="xs" c="red" role="alert">
                {error}
              </Text>
            )}
          </Stack>
        </Fieldset>
      )}
    </Stack>
  )
}
