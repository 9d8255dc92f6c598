// What a relayed Discord message says, independent of the destination: its content and, per
// embed, title, link, description, fields, colour, author, footer and image. Each channel that
// is not Discord renders it in its own syntax (Slack mrkdwn, Adaptive Card text, HTML email)
// through the same MessageSyntax as events, so text written by the sender is made exactly as
// inert as a visitor's report. Discord itself sends the message as sent (discord/format.ts).
import type { APIEmbed } from 'discord-api-types/v10'
import { RELAY_LABEL_NAMES, type RelayedMessage } from '../../../shared/relay'
import { oneLine, stripControls } from '../text/cleanText'
import { truncateChars } from '../text/truncate'
import type { MessageSyntax, Tone, ViewField } from './eventView'

export interface RelayCard {
  /** One line, escaped. */
  title?: string
  /** The title's link (http(s) only). */
  url?: string
  /** Free text in the destination's syntax. */
  description?: string
  fields: ViewField[]
  color: number
  tone: Tone
  /** One line, escaped. */
  author?: string
  authorUrl?: string
  /** One line, escaped. */
  footer?: string
  /** http(s) image URLs. */
  image?: string
  thumbnail?: string
  /** ISO 8601, as the sender gave it. */
  timestamp?: string
}

export interface RelayView {
  /** The message's content, in the destination's syntax. */
  content?: string
  cards: RelayCard[]
  /** Plain: "Relayed by Knocker from “Flipfix” · Flipfix problem report" (escape it yourself). */
  origin: string
  /** Plain: the name the sender posted as (Discord's username override), if any. */
  sender?: string
  /** Plain one-line summary for notification previews and subjects. */
  summary: string
  /** Plain: the first card's title, or the content's first line. */
  headline: string
}

export interface RelayLimits {
  /** Longest description (and content) kept, in characters of the source text. */
  description: number
  fieldValue: number
  /** Longest one-line text (title, author, footer, field name). */
  line: number
}

/** Discord's default embed colour (no colour given): neutral grey. */
const DEFAULT_COLOR = 0x95a5a6

export function isWebUrl(url: string | undefined): url is string {
  if (!url) return false
  try {
    const { protocol } = new URL(url)
    return protocol === 'https:' || protocol === 'http:'
  } catch {
    return false
  }
}

/** A colour's mood, for destinations with a fixed palette (Adaptive Cards, Slack's emoji). */
export function toneOf(color: number): Tone {
  const r = (color >> 16) & 0xff
  const g = (color >> 8) & 0xff
  const b = color & 0xff
  const max = Math.max(r, g, b)
  const min = Math.min(r, g, b)
  if (max - min < 40) return 'info'
  if (r === max && g < r * 0.6) return 'bad'
  if (r === max) return 'warning'
  if (g === max && b < g * 0.9) return 'good'
  return 'info'
}

export function describeRelay(message: RelayedMessage, s: MessageSyntax, limits: RelayLimits): RelayView {
  const line = (text: string | undefined) => {
    const plain = oneLine(text ?? '')
    return plain ? s.escape(truncateChars(plain, limits.line)) : undefined
  }
  const free = (text: string | undefined, max: number) => {
    const clean = stripControls(text ?? '').trim()
    if (!clean) return undefined
    const cut = truncateChars(clean, max)
    return s.escapeText ? s.escapeText(cut) : s.escape(cut)
  }
  const cards = (message.body.embeds ?? []).map((embed: APIEmbed): RelayCard => {
    const color = typeof embed.color === 'number' ? embed.color : DEFAULT_COLOR
    const card: RelayCard = {
      fields: (embed.fields ?? []).flatMap((f) => {
        const name = line(f.name)
        const value = free(f.value, limits.fieldValue)
        return name || value ? [{ name: name ?? '', value: value ?? '', inline: f.inline === true }] : []
      }),
      color,
      tone: toneOf(color),
    }
    const title = line(embed.title)
    if (title) card.title = title
    if (isWebUrl(embed.url)) card.url = embed.url
    const description = free(embed.description, limits.description)
    if (description) card.description = description
    const author = line(embed.author?.name)
    if (author) card.author = author
    if (isWebUrl(embed.author?.url)) card.authorUrl = embed.author!.url
    const footer = line(embed.footer?.text)
    if (footer) card.footer = footer
    if (isWebUrl(embed.image?.url)) card.image = embed.image!.url
    if (isWebUrl(embed.thumbnail?.url)) card.thumbnail = embed.thumbnail!.url
    if (embed.timestamp && Number.isFinite(Date.parse(embed.timestamp))) card.timestamp = new Date(embed.timestamp).toISOString()
    return card
  })
  const firstEmbed = message.body.embeds?.[0]
  const headline =
    oneLine(firstEmbed?.title ?? '') ||
    oneLine(firstEmbed?.author?.name ?? '') ||
    oneLine((message.body.content ?? '').split('\n').find((l) => l.trim()) ?? '') ||
    oneLine(firstEmbed?.description ?? '') ||
    RELAY_LABEL_NAMES[message.label]
  const sender = message.body.username ? oneLine(message.body.username) : undefined
  const view: RelayView = {
    cards,
    origin: `Relayed by Knocker from “${oneLine(message.source_name)}”${sender && sender !== oneLine(message.source_name) ? ` (as “${sender}”)` : ''} · ${RELAY_LABEL_NAMES[message.label]}`,
    summary: truncateChars(`${oneLine(message.source_name)}: ${headline}`, 200),
    headline: truncateChars(headline, 200),
  }
  if (sender) view.sender = sender
  const content = free(message.body.content, limits.description)
  if (content) view.content = content
  return view
}
