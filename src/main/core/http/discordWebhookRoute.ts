// Discord-compatible source URLs: POST /api/webhooks/<id>/<token> (also /api/v<N>/…) answers
// like Discord's execute-webhook: 204, or 200 and a message object with ?wait=true, and
// Discord's error shapes. Any 2xx means the message is on disk. Not behind the admin token or
// the loopback check: the source's token is its credential, as on Discord.
import { isUtf8 } from 'node:buffer'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { APIMessage, MessageType } from 'discord-api-types/v10'
import { relayLabel, type RelayedMessage } from '../../../shared/relay'
import { snowflake, type RelaySourceRecord } from '../db/relaySourcesRepo'
import {
  bodyFromForm,
  DiscordError,
  invalidFormBody,
  invalidJson,
  invalidToken,
  parseExecuteWebhook,
  tooLarge,
  unknownWebhook,
} from '../intake/discordBody'
import type { KnockerCore } from '../knocker'
import { MAX_BODY_BYTES, readRawBody } from './requestBody'

/** /api/webhooks/<id>/<token>, optionally versioned (/api/v10/…), as Discord's clients build it. */
export const DISCORD_WEBHOOK_PATH = /^\/api(?:\/v\d{1,2})?\/webhooks\/([^/]+)\/([^/]+)(\/[^?]*)?$/

export async function handleDiscordWebhook(core: KnockerCore, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  try {
    const [, id, token, rest] = DISCORD_WEBHOOK_PATH.exec(url.pathname)!
    const source = core.relaySources.get(id)
    if (!source) throw unknownWebhook()
    if (!core.relaySources.tokenMatches(id, decodeURIComponent(token))) throw invalidToken()
    if (rest && rest !== '/') {
      // Editing or deleting a sent message (…/messages/<id>) and the /slack and /github
      // flavours are Discord's, not relayed: answer as Discord does for what it can't find.
      return rest.startsWith('/messages/')
        ? send(res, 404, { code: 10008, message: 'Unknown Message' })
        : send(res, 404, { code: 0, message: '404: Not Found' })
    }
    if (req.method === 'GET') return send(res, 200, webhookObject(source))
    if (req.method !== 'POST') return send(res, 405, { code: 0, message: '405: Method Not Allowed' })

    const raw = await readDiscordBody(req)
    const { body, notes } = parseExecuteWebhook(raw)
    if (url.searchParams.has('thread_id')) notes.push('thread_id is not relayed: each Knocker endpoint posts where it is set to')
    const now = core.clock.now()
    const message: RelayedMessage = {
      message_id: snowflake(now),
      source_id: source.id,
      source_name: source.name,
      label: relayLabel(body),
      received_at: new Date(now).toISOString(),
      body,
      notes,
    }
    await core.acceptRelayed(message)
    const wait = /^(true|1)$/i.test(url.searchParams.get('wait') ?? '')
    if (!wait) return send(res, 204, null)
    return send(res, 200, messageObject(message, source))
  } catch (error) {
    if (error instanceof DiscordError) {
      req.resume()
      return send(res, error.status, error.body)
    }
    throw error
  }
}

async function readDiscordBody(req: IncomingMessage): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? NaN)
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) throw tooLarge()
  const contentType = req.headers['content-type'] ?? ''
  const type = contentType.split(';')[0].trim().toLowerCase()
  const { body, size } = await readRawBody(req)
  if (size > MAX_BODY_BYTES) throw tooLarge()
  if (type === 'application/json') {
    if (!isUtf8(body)) throw invalidJson()
    try {
      return JSON.parse(body.toString('utf8'))
    } catch {
      throw invalidJson()
    }
  }
  if (type === 'multipart/form-data' || type === 'application/x-www-form-urlencoded') {
    let form: FormData
    try {
      form = await new Response(new Uint8Array(body), { headers: { 'content-type': contentType } }).formData()
    } catch {
      throw invalidFormBody([{ path: [], code: 'BASE_TYPE_BAD', message: 'The form body could not be read.' }])
    }
    return bodyFromForm(form)
  }
  throw invalidFormBody([
    {
      path: [],
      code: 'CONTENT_TYPE_INVALID',
      message: `Expected "Content-Type" header to be one of {'application/json', 'multipart/form-data', 'application/x-www-form-urlencoded'}.`,
    },
  ])
}

/** A plain message's type (types only from discord-api-types: see intake/discordBody.ts). */
const DEFAULT_MESSAGE_TYPE: MessageType.Default = 0

/** What Discord answers with ?wait=true. Knocker has no channel: channel_id is the source's id. */
export function messageObject(message: RelayedMessage, source: Pick<RelaySourceRecord, 'id' | 'name'>): APIMessage {
  const { body } = message
  return {
    id: message.message_id,
    type: DEFAULT_MESSAGE_TYPE,
    channel_id: source.id,
    author: {
      id: source.id,
      username: body.username ?? source.name,
      avatar: null,
      discriminator: '0000',
      global_name: null,
      bot: true,
    },
    content: body.content ?? '',
    timestamp: message.received_at,
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: (body.embeds ?? []).map((embed) => ({ type: 'rich' as never, ...embed })),
    pinned: false,
    webhook_id: source.id,
    ...(body.flags ? { flags: body.flags } : {}),
    components: [],
  }
}

/** GET on the URL, as Discord answers it (clients check the URL this way). */
function webhookObject(source: RelaySourceRecord) {
  return { type: 1, id: source.id, name: source.name, avatar: null, channel_id: source.id, guild_id: null, application_id: null }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) {
    res.end()
    return
  }
  if (body === null) {
    res.writeHead(status, { 'cache-control': 'no-store' })
    res.end()
    return
  }
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  })
  res.end(text)
}
