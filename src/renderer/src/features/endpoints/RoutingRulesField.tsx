// Routing rules of an endpoint, on top of its event types: an event goes when any rule matches,
// and a rule matches when every one of its conditions holds. Checked as the core checks them
// (the shared schema, and whether a rule can match the chosen event types), as they are typed;
// the core's refusal of the same rules shows in the form's alert.
import { ActionIcon, Button, Fieldset, Group, MultiSelect, Paper, Select, Stack, TagsInput, Text } from '@mantine/core'
import type { EventType } from '../../../../shared/events'
import {
  CONDITIONS,
  LOG_ORIGINS,
  LOG_ORIGIN_LABELS,
  MAX_RULES,
  PRIORITIES,
  PRIORITY_LABELS,
  PROBLEM_TYPES,
  PROBLEM_TYPE_LABELS,
  REPORTERS,
  REPORTER_LABELS,
  RoutingRuleSchema,
  ZONES,
  ZONE_LABELS,
  describeRule,
  unmatchableRules,
  type RoutingCondition,
  type RoutingRule,
} from '../../../../shared/routingRules'

const CONDITION_LABELS: Record<RoutingCondition, string> = {
  machines: 'Machines (asset ids)',
  locations: 'Locations (slugs)',
  zones: 'Zones',
  priorities: 'Problem priorities',
  problem_types: 'Problem types',
  reporters: 'Reported by',
  log_origins: 'Log entry origin',
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1)
const CHOICES: Partial<Record<RoutingCondition, Array<{ value: string; label: string }>>> = {
  zones: ZONES.map((value) => ({ value, label: ZONE_LABELS[value] })),
  priorities: PRIORITIES.map((value) => ({ value, label: PRIORITY_LABELS[value] })),
  problem_types: PROBLEM_TYPES.map((value) => ({ value, label: PROBLEM_TYPE_LABELS[value] })),
  reporters: REPORTERS.map((value) => ({ value, label: capitalised(REPORTER_LABELS[value]) })),
  log_origins: LOG_ORIGINS.map((value) => ({ value, label: capitalised(LOG_ORIGIN_LABELS[value]) })),
}
const PLACEHOLDERS: Partial<Record<RoutingCondition, string>> = {
  machines: 'M0031, then Enter',
  locations: 'workshop, then Enter',
}

/** What is wrong with each rule, as the core would say it (first problem per rule), by index. */
export function ruleProblems(rules: RoutingRule[], events: EventType[]): Map<number, string> {
  const problems = new Map<number, string>()
  rules.forEach((rule, i) => {
    const parsed = RoutingRuleSchema.safeParse(rule)
    if (!parsed.success) problems.set(i, parsed.error.issues[0].message)
  })
  for (const issue of unmatchableRules(rules, events)) if (!problems.has(Number(issue.path))) problems.set(Number(issue.path), issue.message)
  return problems
}

export function RoutingRulesField({
  value,
  onChange,
  events,
}: {
  value: RoutingRule[]
  onChange: (rules: RoutingRule[]) => void
  /** The event types chosen above: a rule must be able to match one of them. */
  events: EventType[]
}) {
  const problems = ruleProblems(value, events)
  const setRule = (i: number, rule: RoutingRule) => onChange(value.map((r, j) => (j === i ? rule : r)))
  return (
    <Fieldset legend="Routing rules" variant="filled" data-testid="routing-rules">
      <Stack gap="sm">
        <Text size="xs" c="dimmed">
          {value.length === 0
            ? 'None: this endpoint gets every event of the types above. Add a rule to get only some (workshop machines, unplayable reports …).'
            : 'An event goes here when any rule matches; a rule matches when all of its conditions hold, and a condition when the event has any of its values. Other events are not sent here at all.'}
        </Text>
        {value.map((rule, i) => (
          <RuleCard
            key={i}
            index={i}
            rule={rule}
            onChange={(next) => setRule(i, next)}
            onRemove={() => onChange(value.filter((_, j) => j !== i))}
            problem={problems.get(i)}
          />
        ))}
        <Group>
          <Button variant="light" size="xs" onClick={() => onChange([...value, {}])} disabled={value.length >= MAX_RULES}>
            Add a rule
          </Button>
        </Group>
      </Stack>
    </Fieldset>
  )
}

function RuleCard({
  index,
  rule,
  onChange,
  onRemove,
  problem,
}: {
  index: number
  rule: RoutingRule
  onChange: (rule: RoutingRule) => void
  onRemove: () => void
  problem?: string
}) {
  const name = `Rule ${index + 1}`
  const present = CONDITIONS.filter((c) => rule[c] !== undefined)
  const missing = CONDITIONS.filter((c) => rule[c] === undefined)
  const setValues = (condition: RoutingCondition, values: string[]) => onChange({ ...rule, [condition]: values })
  const remove = (condition: RoutingCondition) => {
    const { [condition]: _dropped, ...rest } = rule
    onChange(rest)
  }
  const problemId = `rule-${index}-problem`
  return (
    <Paper withBorder p="sm" component="section" aria-label={name}>
      <Stack gap="xs">
        <Group justify="space-between" wrap="nowrap">
          <Text size="sm" fw={600}>
            {name}
            {present.length > 0 && (
              <Text span size="sm" fw={400} c="dimmed" data-testid="rule-description">
                {' '}
                — when {describeRule(rule)}
              </Text>
            )}
          </Text>
          <Button variant="subtle" color="red" size="xs" onClick={onRemove} aria-label={`Remove rule ${index + 1}`}>
            Remove
          </Button>
        </Group>
        {present.map((condition) => {
          const values = (rule[condition] as string[] | undefined) ?? []
          const label = CONDITION_LABELS[condition]
          const choices = CHOICES[condition]
          const input = choices ? (
            <MultiSelect
              label={label}
              data={choices}
              value={values}
              onChange={(v) => setValues(condition, v)}
              placeholder={values.length === 0 ? 'Pick one or more' : undefined}
              style={{ flex: 1 }}
              aria-describedby={problem ? problemId : undefined}
            />
          ) : (
            <TagsInput
              label={label}
              value={values}
              onChange={(v) => setValues(condition, v)}
              placeholder={PLACEHOLDERS[condition]}
              style={{ flex: 1 }}
              aria-describedby={problem ? problemId : undefined}
            />
          )
          return (
            <Group key={condition} align="flex-end" gap="xs" wrap="nowrap">
              {input}
              <ActionIcon variant="subtle" color="red" mb={4} aria-label={`Remove ${label.toLowerCase()} from rule ${index + 1}`} onClick={() => remove(condition)}>
                ✕
              </ActionIcon>
            </Group>
          )
        })}
        {missing.length > 0 && (
          <Select
            aria-label={`Add a condition to rule ${index + 1}`}
            placeholder={present.length === 0 ? 'Add a condition…' : 'And also…'}
            data={missing.map((c) => ({ value: c, label: CONDITION_LABELS[c] }))}
            value={null}
            onChange={(c) => c && onChange({ ...rule, [c]: [] })}
            size="xs"
            w={240}
          />
        )}
        {problem && (
          <Text size="xs" c="red" id={problemId} role="alert">
            {problem}
          </Text>
        )}
      </Stack>
    </Paper>
  )
}
