// Shows a webhook endpoint's signing secret, the one time the API hands it out (created or
// rotated). It lives only in this dialog's props: closing it forgets it.
import { Alert, Button, Code, CopyButton, Group, Modal, Stack, Text, Tooltip } from '@mantine/core'

export interface RevealedSecret {
  endpointName: string
  secret: string
  reason: 'created' | 'rotated'
  graceHours?: number
}

export function SigningSecretModal({ revealed, onClose }: { revealed: RevealedSecret | null; onClose: () => void }) {
  return (
    <Modal
      opened={revealed !== null}
      onClose={onClose}
      title="Signing secret"
      size="lg"
      // Only an explicit close: a stray click must not throw away a secret shown once.
      closeOnClickOutside={false}
    >
      {revealed && (
        <Stack>
          <Text size="sm">
            {revealed.reason === 'created'
              ? `“${revealed.endpointName}” was added. Knocker signs every request to it with this secret (Standard Webhooks); give it to the receiver so it can check the webhook-signature header.`
              : `New signing secret for “${revealed.endpointName}”.` +
                (revealed.graceHours
                  ? ` For the next ${revealed.graceHours} ${revealed.graceHours === 1 ? 'hour' : 'hours'} requests carry signatures with both the old and the new secret; update the receiver before that ends.`
                  : ' The old secret stopped working right away.')}
          </Text>
          <Group gap="xs" wrap="nowrap" align="center">
            <Code
              data-testid="signing-secret"
              fz="sm"
              p="xs"
              style={{ flex: 1, wordBreak: 'break-all', userSelect: 'all' }}
            >
              {revealed.secret}
            </Code>
            <CopyButton value={revealed.secret} timeout={2000}>
              {({ copied, copy }) => (
                <Tooltip label={copied ? 'Copied' : 'Copy to the clipboard'} withArrow>
                  <Button variant={copied ? 'filled' : 'light'} color={copied ? 'teal' : undefined} onClick={copy}>
                    {copied ? 'Copied' : 'Copy'}
                  </Button>
                </Tooltip>
              )}
            </CopyButton>
          </Group>
          <Alert color="yellow" variant="light" title="Store it now">
            It won't be shown again. If it gets lost, rotate the secret from the endpoint's menu.
          </Alert>
          <Group justify="flex-end">
            <Button onClick={onClose}>I've stored it</Button>
          </Group>
        </Stack>
      )}
    </Modal>
  )
}
