// Discord's execute-webhook body, as Discord checks it: JSON, or multipart/form-data with
// payload_json (or plain form fields). Answers with Discord's own error shapes, so a client
// written for Discord understands them. What Knocker ignores (components, tts, polls …) is
// dropped with a note; file uploads are refused.
import type { APIEmbed, MessageFlags, RESTPostAPIWebhookWithTokenJSONBody } from 'discord-api-types/v10'
import { z } from 'zod'
import type { RelayedBody } from '../../../shared/relay'
import { stripControls } from '../text/cleanText'

/** A Discord error answer: status and body. */
export class DiscordError extends Error {
  constructor(
    readonly status: number,
    readonly body: { code: number; message: string; errors?: unknown },
  ) {
    super(body.message)
  }
}

export const unknownWebhook = () => new DiscordError(404, { code: 10015, message: 'Unknown Webhook' })
export const invalidToken = () => new DiscordError(401, { code: 50027, message: 'Invalid Webhook Token' })
export const tooLarge = () => new DiscordError(413, { code: 40005, message: 'Request entity too large' })
export const invalidJson = () => new DiscordError(400, { code: 50109, message: 'The request body contains invalid JSON.' })
export const emptyMessage = () => new DiscordError(400, { code: 50006, message: 'Cannot send an empty message' })

/** 400 50035 with Discord's tree of `_errors`, e.g. {"embeds": {"0": {"title": {"_errors": […]}}}}. */
export function invalidFormBody(errors: Array<{ path: PropertyKey[]; code: string; message: string }>): DiscordError {
  const tree: Record<string, unknown> = {}
  for (const error of errors) {
    let node = tree
    for (const key of error.path) {
      const k = String(key)
      node[k] ??= {}
      node = node[k] as Record<string, unknown>
    }
    const list = (node._errors ??= []) as Array<{ code: string; message: string }>
    list.push({ code: error.code, message: error.message })
  }
  return new DiscordError(400, { code: 50035, message: 'Invalid Form Body', errors: tree })
}

export const filesRefused = () =>
  invalidFormBody([
    {
      path: ['files'],
      code: 'FILE_UPLOADS_NOT_RELAYED',
      message: 'Knocker relays text and embeds only; file uploads are not accepted. Send the file as a link instead.',
    },
  ])

// The limits Discord enforces (see destinations.md), counted with JS .length as Discord does.
export const LIMITS = {
  content: 2000,
  embeds: 10,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  author: 256,
  username: 80,
  threadName: 100,
  embedTotal: 6000,
} as const

const max = (n: number) => z.string().max(n, { message: `Must be ${n} or fewer in length.` })
const url = z.string().max(2048).regex(/^https?:\/\/\S+$/i, { message: 'Not a well formed URL.' })
const nonEmpty = (n: number) => max(n).min(1, { message: 'This field is required' })

const EmbedSchema = z.object({
  title: max(LIMITS.title).optional(),
  type: z.string().max(20).optional(),
  description: max(LIMITS.description).optional(),
  url: url.optional(),
  timestamp: z
    .string()
    .refine((v) => !Number.isNaN(Date.parse(v)), { message: 'Could not parse the timestamp.' })
    .optional(),
  color: z.number().int().min(0).max(0xffffff).nullable().optional(),
  footer: z.object({ text: max(LIMITS.footer), icon_url: url.optional() }).optional(),
  image: z.object({ url }).optional(),
  thumbnail: z.object({ url }).optional(),
  author: z.object({ name: max(LIMITS.author), url: url.optional(), icon_url: url.optional() }).optional(),
  fields: z
    .array(z.object({ name: nonEmpty(LIMITS.fieldName), value: nonEmpty(LIMITS.fieldValue), inline: z.boolean().optional() }))
    .max(LIMITS.fields, { message: `Must be ${LIMITS.fields} or fewer in length.` })
    .optional(),
})

const snowflakes = z.array(z.string().regex(/^\d{1,20}$/)).max(100)

export const ExecuteWebhookSchema = z.object({
  content: max(LIMITS.content).optional(),
  username: nonEmpty(LIMITS.username)
    .refine((v) => !/clyde|discord/i.test(v), { message: 'Username cannot contain "clyde" or "discord"' })
    .optional(),
  avatar_url: url.optional(),
  tts: z.boolean().optional(),
  embeds: z.array(EmbedSchema).max(LIMITS.embeds, { message: `Must be ${LIMITS.embeds} or fewer in length.` }).optional(),
  allowed_mentions: z
    .object({
      parse: z.array(z.enum(['roles', 'users', 'everyone'])).max(3).optional(),
      roles: snowflakes.optional(),
      users: snowflakes.optional(),
      replied_user: z.boolean().optional(),
    })
    .optional(),
  components: z.array(z.unknown()).optional(),
  attachments: z.array(z.unknown()).optional(),
  flags: z.number().int().min(0).optional(),
  thread_name: nonEmpty(LIMITS.threadName).optional(),
  applied_tags: z.array(z.unknown()).optional(),
  poll: z.unknown().optional(),
})

// discord-api-types is used for its types only: loading it at run time adds 39 modules and ~4 MB
// of live heap for two numbers. Discord's documented values (test/unit/relayedMessages.test.ts checks them).
const SUPPRESS_EMBEDS: MessageFlags.SuppressEmbeds = 1 << 2
const SUPPRESS_NOTIFICATIONS: MessageFlags.SuppressNotifications = 1 << 12
/** Flags a webhook message may carry (Discord ignores or refuses the rest). */
const RELAYED_FLAGS = SUPPRESS_EMBEDS | SUPPRESS_NOTIFICATIONS

// Half of a UTF-16 surrogate pair: valid JSON, but no character.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

/** Every string in a value, with its path. */
function* stringsIn(value: unknown, path: PropertyKey[] = []): Generator<[PropertyKey[], string]> {
  if (typeof value === 'string') yield [path, value]
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* stringsIn(v, [...path, i])
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) yield* stringsIn(v, [...path, k])
}

/** Each string without invisible control characters (they reach every destination otherwise). */
function cleanStrings<T>(value: T): T {
  if (typeof value === 'string') return stripControls(value) as T
  if (Array.isArray(value)) return value.map(cleanStrings) as T
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cleanStrings(v)])) as T
  return value
}

/** Sum of the embed texts Discord counts towards 6,000. */
export function embedsTextLength(embeds: APIEmbed[]): number {
  let total = 0
  for (const e of embeds) {
    total += (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0) + (e.author?.name.length ?? 0)
    for (const f of e.fields ?? []) total += f.name.length + f.value.length
  }
  return total
}

/** The body, checked like Discord checks it, as Knocker relays it (with what it ignored). */
export function parseExecuteWebhook(raw: unknown): { body: RelayedBody; notes: string[] } {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw invalidFormBody([{ path: [], code: 'DICT_TYPE_CONVERT', message: 'Only dictionaries may be used in a DictType' }])
  }
  const parsed = ExecuteWebhookSchema.safeParse(raw)
  if (!parsed.success) {
    throw invalidFormBody(parsed.error.issues.map((issue) => ({ path: issue.path, code: discordCode(issue), message: issue.message })))
  }
  const broken = [...stringsIn(parsed.data)].filter(([, text]) => LONE_SURROGATE.test(text))
  if (broken.length > 0) {
    throw invalidFormBody(broken.map(([path]) => ({ path, code: 'BASE_TYPE_BAD_STRING', message: 'Contains half of a surrogate pair.' })))
  }
  const input = cleanStrings(parsed.data)
  if (input.attachments?.length) throw filesRefused()
  const embeds = (input.embeds ?? []) as APIEmbed[]
  if (embedsTextLength(embeds) > LIMITS.embedTotal) {
    throw invalidFormBody([{ path: ['embeds'], code: 'MAX_EMBED_SIZE_EXCEEDED', message: `Embed size exceeds maximum size of ${LIMITS.embedTotal}` }])
  }
  const content = input.content ?? ''
  const hasEmbed = embeds.some((e) => Object.keys(e).some((k) => k !== 'type' && k !== 'color'))
  if (content.trim() === '' && !hasEmbed) throw emptyMessage()

  const notes: string[] = []
  if (input.components?.length) notes.push('components (buttons, menus) are not relayed')
  if (input.tts) notes.push('text-to-speech is not relayed')
  if (input.poll !== undefined) notes.push('polls are not relayed')
  if (input.applied_tags?.length) notes.push('forum tags are not relayed')
  const body: RelayedBody = {}
  if (content.trim() !== '') body.content = content
  if (embeds.length > 0) body.embeds = embeds.map(({ type: _type, ...embed }) => embed)
  if (input.username) body.username = input.username
  if (input.avatar_url) body.avatar_url = input.avatar_url
  if (input.allowed_mentions) body.allowed_mentions = input.allowed_mentions as RESTPostAPIWebhookWithTokenJSONBody['allowed_mentions']
  if (input.thread_name) body.thread_name = input.thread_name
  if (input.flags !== undefined) {
    const kept = input.flags & RELAYED_FLAGS
    if (kept !== input.flags) notes.push(`flags other than SUPPRESS_EMBEDS and SUPPRESS_NOTIFICATIONS are ignored`)
    if (kept) body.flags = kept
  }
  return { body, notes }
}

function discordCode(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'too_big':
      return 'BASE_TYPE_MAX_LENGTH'
    case 'too_small':
      return 'BASE_TYPE_REQUIRED'
    case 'invalid_type':
      return issue.expected === 'string' ? 'BASE_TYPE_STRING' : issue.expected === 'number' ? 'NUMBER_TYPE_COERCE' : 'BASE_TYPE_BAD'
    case 'invalid_format':
      return 'URL_TYPE_INVALID_URL'
    case 'invalid_value':
      return 'BASE_TYPE_CHOICES'
    default:
      return issue.message.includes('URL') ? 'URL_TYPE_INVALID_URL' : 'BASE_TYPE_BAD'
  }
}

/** Multipart or form fields as a body: payload_json, or Discord's plain fields. Any file refused. */
export function bodyFromForm(form: FormData): unknown {
  const fields: Record<string, unknown> = {}
  for (const [name, value] of form.entries()) {
    if (typeof value !== 'string') throw filesRefused()
    fields[name] = value
  }
  if (typeof fields.payload_json === 'string') {
    try {
      return JSON.parse(fields.payload_json)
    } catch {
      throw invalidJson()
    }
  }
  const body: Record<string, unknown> = {}
  for (const key of ['content', 'username', 'avatar_url', 'thread_name'] as const) if (fields[key] !== undefined) body[key] = fields[key]
  if (fields.tts !== undefined) body.tts = fields.tts === 'true'
  if (fields.flags !== undefined) body.flags = Number(fields.flags)
  for (const key of ['embeds', 'allowed_mentions', 'components'] as const) {
    if (typeof fields[key] !== 'string') continue
    try {
      body[key] = JSON.parse(fields[key] as string)
    } catch {
      throw invalidJson()
    }
  }
  return body
}
