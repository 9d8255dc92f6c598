// Email: the SMTP server Knocker logs in to, the sender, and the recipients.
import { Grid, NumberInput, PasswordInput, Select, SimpleGrid, Stack, Text, TextInput, Textarea } from '@mantine/core'
import type { SmtpSecurity } from '../endpointSettings'
import { errorFor } from './fieldErrors'
import { DEFAULT_PORTS, parseRecipients, type EmailDraft, type FieldsProps } from './drafts'

const SECURITY_OPTIONS: Array<{ value: SmtpSecurity; label: string }> = [
  { value: 'starttls', label: 'STARTTLS' },
  { value: 'tls', label: 'TLS' },
  { value: 'none', label: 'None' },
]

const SECURITY_HINTS: Record<SmtpSecurity, string> = {
  starttls: 'STARTTLS: connects, then upgrades to TLS (required); usually port 587.',
  tls: 'TLS from the first byte ("SMTPS"); usually port 465.',
  none: 'No encryption: only for a relay on the local network; usually port 25.',
}

export function EmailFields({ value, onChange, mode, errors }: FieldsProps<EmailDraft>) {
  const recipients = parseRecipients(value.to)
  const invalid = recipients.filter((r) => !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(r))

  const setSecurity = (security: SmtpSecurity) => {
    // Follow the mode's usual port unless the user picked a port of their own.
    const usualPort = value.port === '' || value.port === DEFAULT_PORTS[value.security]
    onChange(usualPort ? { security, port: DEFAULT_PORTS[security] } : { security })
  }

  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        The SMTP server Knocker sends through: your mail provider's submission server, or a relay on the museum's LAN.
      </Text>
      <Grid gap="sm">
        <Grid.Col span={{ base: 12, sm: 5 }}>
          <TextInput
            label="SMTP host"
            placeholder="smtp.example.org"
            value={value.host}
            onChange={(e) => onChange({ host: e.currentTarget.value })}
            autoComplete="off"
            spellCheck={false}
            required
            error={errorFor(errors, 'smtp.host', 'smtp')}
          />
        </Grid.Col>
        <Grid.Col span={{ base: 4, sm: 2 }}>
          <NumberInput
            label="Port"
            value={value.port}
            onChange={(v) => onChange({ port: typeof v === 'number' ? v : v === '' ? '' : Number(v) })}
            min={1}
            max={65535}
            allowDecimal={false}
            allowNegative={false}
            hideControls
            required
            error={errorFor(errors, 'smtp.port')}
          />
        </Grid.Col>
        <Grid.Col span={{ base: 8, sm: 5 }}>
          <Select
            label="Security"
            data={SECURITY_OPTIONS}
            value={value.security}
            onChange={(v) => v && setSecurity(v as SmtpSecurity)}
            allowDeselect={false}
            error={errorFor(errors, 'smtp.security')}
          />
        </Grid.Col>
      </Grid>
      <Text size="xs" c="dimmed" mt={-6}>
        {SECURITY_HINTS[value.security]}
      </Text>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        <TextInput
          label="SMTP user"
          description="Leave empty if the server needs no login"
          value={value.user}
          onChange={(e) => onChange({ user: e.currentTarget.value })}
          autoComplete="off"
          spellCheck={false}
          error={errorFor(errors, 'smtp.user')}
        />
        <PasswordInput
          label="SMTP password"
          description={mode === 'edit' ? 'Leave empty to keep the stored password' : 'An app password, where the provider has them'}
          placeholder={mode === 'edit' ? 'Unchanged' : undefined}
          value={value.password}
          onChange={(e) => onChange({ password: e.currentTarget.value })}
          autoComplete="new-password"
          error={errorFor(errors, 'smtp.password')}
        />
      </SimpleGrid>
      <TextInput
        label="From"
        description="The sender; most servers only accept their own account's address"
        placeholder="Knocker <knocker@museum.example>"
        value={value.from}
        onChange={(e) => onChange({ from: e.currentTarget.value })}
        spellCheck={false}
        required
        error={errorFor(errors, 'from')}
      />
      <Textarea
        label="Recipients"
        description="One address per line, or comma-separated"
        placeholder={'ken@museum.example\nworkshop@museum.example'}
        value={value.to}
        onChange={(e) => onChange({ to: e.currentTarget.value })}
        autosize
        minRows={2}
        maxRows={8}
        spellCheck={false}
        required
        error={invalid.length > 0 ? `Not an email address: ${invalid.join(', ')}` : errorFor(errors, 'to')}
      />
      {recipients.length > 0 && invalid.length === 0 && (
        <Text size="xs" c="dimmed" mt={-6}>
          {recipients.length} {recipients.length === 1 ? 'recipient' : 'recipients'}
        </Text>
      )}
    </Stack>
  )
}
