// Microsoft Teams: the URL of a Workflows "webhook request received" flow.
import type { FieldsProps, UrlDraft } from './drafts'
import { errorFor } from './fieldErrors'
import { SecretUrlInput, Steps } from './SecretUrlInput'

export function TeamsFields({ value, onChange, mode, errors }: FieldsProps<UrlDraft>) {
  return (
    <SecretUrlInput
      label="Webhook URL"
      hint={
        <>
          In the Teams channel: <Steps steps={['•••', 'Workflows', '“Post to a channel when a webhook request is received”']} />{' '}
          → finish the flow and copy its URL. It must carry <code>sig=</code>; that signature is what makes it secret.
        </>
      }
      placeholder="https://…logic.azure.com/workflows/…&sig=…"
      value={value.url}
      onChange={(url) => onChange({ url })}
      mode={mode}
      error={errorFor(errors, 'url')}
    />
  )
}
