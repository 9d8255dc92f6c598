// The morning report of an endpoint (an option): each day at a set time (the computer's time
// zone), machine health by zone, open problem reports, stalled workshop repairs and yesterday's work.
import { Stack, Switch, Text, TextInput } from '@mantine/core'
import { DEFAULT_MORNING_REPORT, type MorningReportOption } from '../../../../shared/morningReport'

export function MorningReportField({
  value,
  onChange,
  error,
}: {
  value: MorningReportOption | null
  onChange: (value: MorningReportOption | null) => void
  error?: string
}) {
  return (
    <Stack gap="xs">
      <Switch
        label="Morning report"
        description="Each day at this time (this computer's time zone): machine health by zone, open problem reports, workshop repairs stalled for over two weeks, yesterday's work."
        checked={value !== null}
        onChange={(e) => onChange(e.currentTarget.checked ? DEFAULT_MORNING_REPORT : null)}
        data-testid="morning-report-switch"
      />
      {value && (
        <TextInput
          label="Morning report at"
          type="time"
          value={value.time}
          onChange={(e) => onChange({ ...value, time: e.currentTarget.value })}
          w={140}
          error={error}
          data-testid="morning-report-time"
        />
      )}
      {!value && error && (
        <Text size="xs" c="red" role="alert">
          {error}
        </Text>
      )}
    </Stack>
  )
}
