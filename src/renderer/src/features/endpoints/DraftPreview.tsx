// The real message the endpoint form's unsaved options would send, beside the form: the
// admin API's message preview with the draft options (debounced while typing). Nothing is
// saved or sent.
import { Card, Skeleton, Text } from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { keepPreviousData, useQuery } from '@tanstack/react-query'
import type { EndpointKind } from '../../../../shared/endpointKinds'
import type { EventType } from '../../../../shared/events'
import { ApiErrorAlert } from '../../ApiErrorAlert'
import { useApi } from '../../auth'
import { queryKeys } from '../../queryKeys'
import { MessageView } from '../preview/MessageViews'

const DEBOUNCE_MS = 300

interface Props {
  /** The endpoint being edited (its own settings), or null for a new one (the kind's sample settings). */
  endpointId: string | null
  kind: EndpointKind
  event: EventType
  options: Record<string, unknown>
  /** The draft has a problem the form shows: keep the last good preview. */
  invalid: boolean
}

export function DraftPreview({ endpointId, kind, event, options, invalid }: Props) {
  const api = useApi()
  const [settled] = useDebouncedValue(JSON.stringify(options), DEBOUNCE_MS)
  const preview = useQuery({
    queryKey: queryKeys.draftPreview(endpointId ?? `new ${kind}`, event, settled),
    queryFn: () =>
      api.previewMessage({ ...(endpointId ? { endpoint_id: endpointId } : { kind }), event, options: JSON.parse(settled) as Record<string, unknown> }),
    placeholderData: keepPreviousData,
    enabled: !invalid,
  })
  return (
    <Card withBorder p="sm" data-testid="draft-preview" aria-label="Message preview" component="section" aria-busy={preview.isFetching}>
      <Text size="xs" c="dimmed" mb={6}>
        Preview with these settings (sample data, not saved):{' '}
        {preview.data && <strong data-testid="draft-preview-summary">{preview.data.summary}</strong>}
      </Text>
      {invalid && (
        <Text size="xs" c="red" mb={6}>
          Fix the template to update the preview.
        </Text>
      )}
      {preview.isError && <ApiErrorAlert error={preview.error} title="Could not make the preview" />}
      {!preview.data && !preview.isError && <Skeleton height={200} radius="md" />}
      {preview.data && <MessageView preview={preview.data} />}
    </Card>
  )
}
