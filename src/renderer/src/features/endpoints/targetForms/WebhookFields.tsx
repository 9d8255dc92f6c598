// Signed webhook: any HTTPS receiver. Every request is signed (Standard Webhooks); custom headers
// and an authentication scheme are optional, and all their values are secrets.
import { ActionIcon, Button, Group, Input, PasswordInput, Select, SimpleGrid, Stack, Switch, Text, TextInput } from '@mantine/core'
import { AUTH_LABELS, type WebhookAuthType } from '../endpointSettings'
import { headerRow, type FieldsProps, type HeaderRow, type WebhookDraft } from './drafts'
import { errorFor } from './fieldErrors'
import { SecretUrlInput } from './SecretUrlInput'

const AUTH_OPTIONS = (Object.keys(AUTH_LABELS) as WebhookAuthType[]).map((t) => ({ value: t, label: AUTH_LABELS[t] }))

export function WebhookFields({
  value,
  onChange,
  mode,
  errors,
  initialAuthType,
}: FieldsProps<WebhookDraft> & { initialAuthType?: WebhookAuthType }) {
  // Editing with the same scheme: blank secrets keep the stored ones.
  const keeping = mode === 'edit' && value.authType === initialAuthType
  return (
    <Stack gap="sm">
      <SecretUrlInput
        label="Receiver URL"
        hint="The HTTPS address of the service that receives the events (a POST with a JSON body, signed with the endpoint's signing secret)."
        placeholder="https://receiver.example.org/hooks/knocker"
        value={value.url}
        onChange={(url) => onChange({ url })}
        mode={mode}
        error={errorFor(errors, 'url')}
      />

      <HeadersEditor value={value} onChange={onChange} mode={mode} errors={errors} />

      <Select
        label="Authentication"
        description="Sent with every request, in addition to the signature"
        data={AUTH_OPTIONS}
        value={value.authType}
        onChange={(v) => v && onChange({ authType: v as WebhookAuthType })}
        allowDeselect={false}
        error={errorFor(errors, 'auth.type', 'auth')}
      />
      {value.authType === 'bearer' && (
        <PasswordInput
          label="Bearer token"
          description="Sent as Authorization: Bearer <token>"
          placeholder={keeping ? 'Unchanged' : undefined}
          value={value.token}
          onChange={(e) => onChange({ token: e.currentTarget.value })}
          autoComplete="off"
          required={!keeping}
          error={errorFor(errors, 'auth.token')}
        />
      )}
      {value.authType === 'basic' && (
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <TextInput
            label="Username"
            placeholder={keeping ? 'Unchanged' : undefined}
            value={value.username}
            onChange={(e) => onChange({ username: e.currentTarget.value })}
            autoComplete="off"
            required={!keeping}
            error={errorFor(errors, 'auth.username')}
          />
          <PasswordInput
            label="Basic auth password"
            placeholder={keeping ? 'Unchanged' : undefined}
            value={value.password}
            onChange={(e) => onChange({ password: e.currentTarget.value })}
            autoComplete="new-password"
            error={errorFor(errors, 'auth.password')}
          />
          {keeping && (
            <Text size="xs" c="dimmed" style={{ gridColumn: '1 / -1' }} mt={-6}>
              To change the credentials, type both again.
            </Text>
          )}
        </SimpleGrid>
      )}
      {value.authType === 'header' && (
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <TextInput
            label="Auth header name"
            placeholder="X-Api-Key"
            value={value.headerName}
            onChange={(e) => onChange({ headerName: e.currentTarget.value })}
            autoComplete="off"
            spellCheck={false}
            required={!keeping}
            error={errorFor(errors, 'auth.name')}
          />
          <PasswordInput
            label="Auth header value"
            placeholder={keeping ? 'Unchanged' : undefined}
            value={value.headerValue}
            onChange={(e) => onChange({ headerValue: e.currentTarget.value })}
            autoComplete="off"
            required={!keeping}
            error={errorFor(errors, 'auth.value')}
          />
        </SimpleGrid>
      )}

      {mode === 'create' ? (
        <PasswordInput
          label="Signing secret (optional)"
          description="Leave empty and Knocker generates one, shown once after adding. Paste your own only if the receiver already has one (whsec_ + base64)."
          value={value.secret}
          onChange={(e) => onChange({ secret: e.currentTarget.value })}
          autoComplete="off"
          spellCheck={false}
          error={errorFor(errors, 'secret')}
        />
      ) : (
        <Text size="xs" c="dimmed">
          The signing secret is changed with “Rotate signing secret” in the endpoint's menu.
        </Text>
      )}
    </Stack>
  )
}

/** Key/value rows. Editing: the stored headers stay unless "Replace custom headers" is on. */
function HeadersEditor({ value, onChange, mode, errors }: FieldsProps<WebhookDraft>) {
  const rows = value.headers
  const setRow = (key: number, patch: Partial<HeaderRow>) =>
    onChange({ headers: rows.map((r) => (r.key === key ? { ...r, ...patch } : r)) })
  const storedNames = rows.map((r) => r.name).filter(Boolean)

  return (
    <Stack gap={6}>
      <div>
        <Input.Label>Custom headers</Input.Label>
        <Input.Description>
          Optional. Sent with every request; the values are stored encrypted and never shown again.
        </Input.Description>
      </div>
      {mode === 'edit' && (
        <Switch
          label="Replace custom headers"
          description={
            value.replaceHeaders
              ? 'The headers below replace the stored ones; type every value again (no rows removes them all).'
              : storedNames.length > 0
                ? `Stored: ${storedNames.join(', ')}`
                : 'None stored'
          }
          checked={value.replaceHeaders}
          onChange={(e) => onChange({ replaceHeaders: e.currentTarget.checked })}
        />
      )}
      {value.replaceHeaders && (
        <>
          {rows.map((row, i) => (
            <Group key={row.key} gap="xs" wrap="nowrap" align="flex-start" data-testid="header-row">
              <TextInput
                aria-label={`Header ${i + 1} name`}
                placeholder="X-Header-Name"
                value={row.name}
                onChange={(e) => setRow(row.key, { name: e.currentTarget.value })}
                autoComplete="off"
                spellCheck={false}
                style={{ flex: 2 }}
              />
              <PasswordInput
                aria-label={`Header ${i + 1} value`}
                placeholder="value"
                value={row.value}
                onChange={(e) => setRow(row.key, { value: e.currentTarget.value })}
                autoComplete="off"
                style={{ flex: 3 }}
              />
              <ActionIcon
                variant="subtle"
                color="gray"
                size="lg"
                aria-label={`Remove header ${i + 1}`}
                onClick={() => onChange({ headers: rows.filter((r) => r.key !== row.key) })}
              >
                ✕
              </ActionIcon>
            </Group>
          ))}
          {errorFor(errors, 'headers') && <Input.Error>{errorFor(errors, 'headers')}</Input.Error>}
          <Group>
            <Button variant="default" size="xs" onClick={() => onChange({ headers: [...rows, headerRow()] })}>
              Add header
            </Button>
          </Group>
        </>
      )}
    </Stack>
  )
}
