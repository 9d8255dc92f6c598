// A message body, drawn roughly the way each service shows it: a Discord embed, Slack blocks, a
// Teams card, an email, or a webhook's JSON. Bodies come from the channel's own formatter.
import { Anchor, Box, Button, Code, Group, Paper, SimpleGrid, Stack, Tabs, Text } from '@mantine/core'
import type { Preview } from '../../../../shared/contracts'
import { InlineMarkup } from './inlineMarkup'

type Json = Record<string, any>

export function MessageView({ preview }: { preview: Preview }) {
  const body = (preview.body ?? {}) as Json
  switch (preview.kind) {
    case 'discord':
      return <DiscordMessage body={body} />
    case 'slack':
      return <SlackMessage body={body} />
    case 'teams':
      return <TeamsMessage body={body} />
    case 'email':
      return <EmailMessage body={body} />
    default:
      return (
        <Code block fz="xs" data-testid="preview-json">
          {JSON.stringify(body, null, 2)}
        </Code>
      )
  }
}

const hex = (color: unknown) => (typeof color === 'number' ? `#${color.toString(16).padStart(6, '0')}` : '#4f545c')

function DiscordMessage({ body }: { body: Json }) {
  const embeds = (body.embeds ?? []) as Json[]
  return (
    <Paper p="md" radius="md" bg="#313338" c="#dbdee1" data-testid="preview-discord">
      <Group gap="xs" mb={6}>
        <Text fw={600} c="#f2f3f5">
          {body.username ?? 'Knocker'}
        </Text>
        <Text size="xs" bg="#5865f2" c="white" px={4} style={{ borderRadius: 3 }}>
          APP
        </Text>
      </Group>
      {body.content && (
        <Text size="sm" mb="xs" style={{ whiteSpace: 'pre-wrap' }}>
          <InlineMarkup text={body.content} syntax="discord" />
        </Text>
      )}
      {body.thread_name && (
        <Text size="xs" c="#949ba4" mb="xs">
          Opens the forum thread “{body.thread_name}”
        </Text>
      )}
      <Stack gap="xs">
        {embeds.map((embed, i) => (
          <Box key={i} maw={520} p="sm" bg="#2b2d31" style={{ borderLeft: `4px solid ${hex(embed.color)}`, borderRadius: 4 }}>
            {embed.author?.name && (
              <Text size="xs" fw={600} c="#f2f3f5" mb={4}>
                {embed.author.name}
              </Text>
            )}
            {embed.title && (
              <Text fw={700} size="sm" mb={4}>
                {embed.url ? (
                  <Anchor href={embed.url} target="_blank" rel="noreferrer" c="#00a8fc" fz="inherit">
                    {embed.title}
                  </Anchor>
                ) : (
                  embed.title
                )}
              </Text>
            )}
            {embed.description && (
              <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                <InlineMarkup text={embed.description} syntax="discord" />
              </Text>
            )}
            {Array.isArray(embed.fields) && embed.fields.length > 0 && (
              <SimpleGrid cols={3} spacing="xs" verticalSpacing={6} mt="xs">
                {(embed.fields as Json[]).map((f, j) => (
                  <Box key={j} style={{ gridColumn: f.inline ? undefined : '1 / -1' }}>
                    <Text size="xs" fw={700} c="#f2f3f5">
                      {f.name}
                    </Text>
                    <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                      <InlineMarkup text={String(f.value)} syntax="discord" />
                    </Text>
                  </Box>
                ))}
              </SimpleGrid>
            )}
            {(embed.footer?.text || embed.timestamp) && (
              <Text size="xs" c="#949ba4" mt="xs">
                {[embed.footer?.text, embed.timestamp && new Date(embed.timestamp).toLocaleString()].filter(Boolean).join(' • ')}
              </Text>
            )}
          </Box>
        ))}
      </Stack>
    </Paper>
  )
}

function SlackMessage({ body }: { body: Json }) {
  const blocks = (body.blocks ?? []) as Json[]
  return (
    <Paper withBorder p="md" radius="md" bg="white" c="#1d1c1d" data-testid="preview-slack">
      <Text fw={900} size="sm" mb={4}>
        Knocker{' '}
        <Text span size="xs" c="dimmed" fw={400}>
          APP
        </Text>
      </Text>
      <Stack gap={8}>
        {blocks.map((block, i) => (
          <SlackBlock key={i} block={block} />
        ))}
      </Stack>
      <Text size="xs" c="dimmed" mt="sm">
        Notification text: {String(body.text ?? '')}
      </Text>
    </Paper>
  )
}

function SlackBlock({ block }: { block: Json }) {
  const mrkdwn = (text: Json | undefined) =>
    text ? (
      <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
        <InlineMarkup text={String(text.text ?? '')} syntax="slack" />
      </Text>
    ) : null
  switch (block.type) {
    case 'header':
      return (
        <Text fw={900} size="lg">
          {block.text?.text}
        </Text>
      )
    case 'section':
      return (
        <Stack gap={6}>
          {mrkdwn(block.text)}
          {Array.isArray(block.fields) && (
            <SimpleGrid cols={2} spacing="sm" verticalSpacing={6}>
              {(block.fields as Json[]).map((f, i) => (
                <div key={i}>{mrkdwn(f)}</div>
              ))}
            </SimpleGrid>
          )}
        </Stack>
      )
    case 'context':
      return (
        <Text size="xs" c="#616061">
          {((block.elements ?? []) as Json[]).map((e, i) => (
            <InlineMarkup key={i} text={String(e.text ?? '')} syntax="slack" />
          ))}
        </Text>
      )
    case 'divider':
      return <hr style={{ border: 0, borderTop: '1px solid #ddd', margin: 0 }} />
    default:
      return null
  }
}

function TeamsMessage({ body }: { body: Json }) {
  const card = (body.attachments?.[0]?.content ?? {}) as Json
  return (
    <Paper withBorder p="md" radius="md" bg="#f5f5f5" c="#242424" data-testid="preview-teams">
      <Paper p="md" bg="white" radius="sm" shadow="xs">
        <Stack gap={8}>
          {((card.body ?? []) as Json[]).map((element, i) => (
            <TeamsElement key={i} element={element} />
          ))}
          <Group gap="xs" mt={4}>
            {((card.actions ?? []) as Json[]).map((a, i) => (
              <Button key={i} component="a" href={a.url} target="_blank" rel="noreferrer" size="xs" variant="default">
                {a.title}
              </Button>
            ))}
          </Group>
        </Stack>
      </Paper>
    </Paper>
  )
}

function TeamsElement({ element }: { element: Json }) {
  if (element.type === 'TextBlock') {
    return (
      <Text
        size={element.size === 'small' ? 'xs' : element.size === 'medium' ? 'md' : element.size === 'large' ? 'lg' : 'sm'}
        fw={element.weight === 'bolder' ? 700 : 400}
        c={element.isSubtle ? 'dimmed' : element.color === 'accent' ? '#5b5fc7' : undefined}
        style={{ whiteSpace: 'pre-wrap' }}
      >
        <InlineMarkup text={String(element.text ?? '')} syntax="teams" />
      </Text>
    )
  }
  if (element.type === 'FactSet') {
    return (
      <Box component="dl" m={0} style={{ display: 'grid', gridTemplateColumns: 'max-content 1fr', gap: '2px 12px' }}>
        {((element.facts ?? []) as Json[]).map((f, i) => (
          <Box key={i} style={{ display: 'contents' }}>
            <Text component="dt" size="sm" fw={600}>
              {f.title}
            </Text>
            <Text component="dd" size="sm" m={0}>
              <InlineMarkup text={String(f.value ?? '')} syntax="teams" />
            </Text>
          </Box>
        ))}
      </Box>
    )
  }
  if (element.type === 'Container' || element.type === 'Column') {
    return (
      <Stack gap={6}>
        {((element.items ?? []) as Json[]).map((child, i) => (
          <TeamsElement key={i} element={child} />
        ))}
      </Stack>
    )
  }
  if (element.type === 'ColumnSet') {
    return (
      <Group align="flex-start" grow>
        {((element.columns ?? []) as Json[]).map((c, i) => (
          <TeamsElement key={i} element={{ ...c, type: 'Column' }} />
        ))}
      </Group>
    )
  }
  return null
}

function EmailMessage({ body }: { body: Json }) {
  return (
    <Paper withBorder radius="md" data-testid="preview-email">
      <Stack gap={2} p="sm" style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}>
        <Text fw={700}>{body.subject}</Text>
        <Text size="xs" c="dimmed">
          From {body.from ?? '(the endpoint’s sender)'} · To {(body.to ?? []).join(', ')}
        </Text>
      </Stack>
      <Tabs defaultValue="html">
        <Tabs.List px="sm">
          <Tabs.Tab value="html">HTML</Tabs.Tab>
          <Tabs.Tab value="text">Plain text</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="html">
          {/* A sandbox without scripts: the mail's HTML is shown, never run. */}
          <iframe
            title="Email preview"
            sandbox=""
            srcDoc={String(body.html ?? '')}
            style={{ width: '100%', height: 460, border: 0, background: 'white' }}
          />
        </Tabs.Panel>
        <Tabs.Panel value="text" p="sm">
          <Code block fz="xs" style={{ whiteSpace: 'pre-wrap' }}>
            {String(body.text ?? '')}
          </Code>
        </Tabs.Panel>
      </Tabs>
    </Paper>
  )
}
