// Discord's embed limits and the one function that makes any embed fit them.
// Discord rejects the whole message (400/50035) if one limit is broken, so we cut instead.
import type { APIEmbed, APIEmbedField } from 'discord-api-types/v10'
import { truncateChars } from '../../text/truncate'
import { commonCap } from '../../text/commonCap'

export const EMBED_LIMITS = {
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footerText: 2048,
  authorName: 256,
  /** Sum of title, description, field names and values, footer text and author name. */
  total: 6000,
} as const

export const MESSAGE_LIMITS = { content: 2000, username: 80, embeds: 10 } as const

const MAX_COLOR = 0xffffff

// A field must keep a little text to stay meaningful ("Diana", "Anonymous" survive whole).
const FIELD_FLOOR = 16
// Description is cut first, but only down to this before fields share the cut with it.
const DESCRIPTION_SOFT_FLOOR = 1000
// Discord rejects empty field names/values.
const BLANK = '\u200b'

/** The characters Discord counts against the 6000 total (JS .length, as Discord does). */
export function embedTextLength(embed: APIEmbed): number {
  let total = (embed.title ?? '').length + (embed.description ?? '').length
  for (const field of embed.fields ?? []) total += field.name.length + field.value.length
  total += (embed.footer?.text ?? '').length + (embed.author?.name ?? '').length
  return total
}

/**
 * Shorten the longest texts first, all to one common cap, until `excess` characters are gone
 * or every text is down to `floor`. Returns the new texts and what is still in excess.
 */
function shrinkLongestFirst(texts: string[], excess: number, floor: number): { texts: string[]; excess: number } {
  if (excess <= 0) return { texts, excess }
  const cap = commonCap(texts.map((t) => t.length), excess, floor)
  const shrunk = texts.map((t) => truncateChars(t, cap))
  const removed = texts.reduce((sum, t, i) => sum + t.length - shrunk[i].length, 0)
  return { texts: shrunk, excess: excess - removed }
}

function shrinkOne(text: string, excess: number, floor: number): { text: string; excess: number } {
  const shrunk = shrinkLongestFirst([text], excess, floor)
  return { text: shrunk.texts[0], excess: shrunk.excess }
}

function clampField(field: APIEmbedField): APIEmbedField {
  return {
    ...field,
    name: truncateChars(field.name.trim() === '' ? BLANK : field.name, EMBED_LIMITS.fieldName),
    value: truncateChars(field.value.trim() === '' ? BLANK : field.value, EMBED_LIMITS.fieldValue),
  }
}

/** Apply every per-part limit (lengths, field count, colour range). */
function clampParts(embed: APIEmbed): APIEmbed {
  const out: APIEmbed = { ...embed }
  if (out.title !== undefined) out.title = truncateChars(out.title, EMBED_LIMITS.title)
  if (out.description !== undefined) out.description = truncateChars(out.description, EMBED_LIMITS.description)
  if (out.fields) out.fields = out.fields.slice(0, EMBED_LIMITS.fields).map(clampField)
  if (out.footer) out.footer = { ...out.footer, text: truncateChars(out.footer.text, EMBED_LIMITS.footerText) }
  if (out.author) out.author = { ...out.author, name: truncateChars(out.author.name, EMBED_LIMITS.authorName) }
  if (out.color !== undefined) out.color = Math.min(MAX_COLOR, Math.max(0, Math.trunc(out.color) || 0))
  return out
}

/**
 * Return a copy of `embed` that satisfies every Discord embed limit, within `budget` total
 * characters (6000 for a single embed; less when several embeds share a message).
 * Cut order: the description (it is the longest, least essential text), then the longest
 * field values, then field names, footer, author, and the title last. Short fields such as
 * the attribution ("Reporter: Anonymous") are never dropped.
 */
export function fitEmbed(embed: APIEmbed, budget: number = EMBED_LIMITS.total): APIEmbed {
  const out = clampParts(embed)
  let excess = embedTextLength(out) - budget
  const fields = out.fields ?? []

  // 1. Description alone, down to a soft floor.
  if (excess > 0 && out.description) {
    const floor = Math.min(out.description.length, DESCRIPTION_SOFT_FLOOR)
    ;({ text: out.description, excess } = shrinkOne(out.description, excess, floor))
  }
  // 2. Description and field values together, longest first.
  if (excess > 0) {
    const values = [out.description ?? '', ...fields.map((f) => f.value)]
    const shrunk = shrinkLongestFirst(values, excess, FIELD_FLOOR)
    excess = shrunk.excess
    if (out.description !== undefined) out.description = shrunk.texts[0]
    fields.forEach((f, i) => (f.value = shrunk.texts[i + 1]))
  }
  // 3. Field names.
  if (excess > 0 && fields.length) {
    const shrunk = shrinkLongestFirst(
      fields.map((f) => f.name),
      excess,
      FIELD_FLOOR,
    )
    excess = shrunk.excess
    fields.forEach((f, i) => (f.name = shrunk.texts[i]))
  }
  // 4. Footer, author, then the title, which always keeps at least one character.
  if (excess > 0 && out.footer) {
    ;({ text: out.footer.text, excess } = shrinkOne(out.footer.text, excess, 0))
    if (!out.footer.text) delete out.footer
  }
  if (excess > 0 && out.author) {
    ;({ text: out.author.name, excess } = shrinkOne(out.author.name, excess, 0))
    if (!out.author.name) delete out.author
  }
  if (excess > 0 && out.title) {
    ;({ text: out.title, excess } = shrinkOne(out.title, excess, 1))
  }
  // 5. Tiny budgets only: drop fields from the end.
  while (excess > 0 && fields.length) {
    const dropped = fields.pop()!
    excess -= dropped.name.length + dropped.value.length
  }
  if (out.description === '') delete out.description
  if (out.fields && !fields.length) delete out.fields
  return out
}

/**
 * fitEmbed with `line` kept whole as the description's first line: the rest is fitted into
 * what the line leaves of the description and total limits, then the line goes on top.
 */
export function fitEmbedUnderLine(embed: APIEmbed, line: string, budget: number = EMBED_LIMITS.total): APIEmbed {
  const head = truncateChars(line, EMBED_LIMITS.description)
  const reserve = head.length + '\n\n'.length
  const rest: APIEmbed = { ...embed }
  if (rest.description !== undefined) rest.description = truncateChars(rest.description, EMBED_LIMITS.description - reserve)
  const out = fitEmbed(rest, Math.max(0, budget - reserve))
  out.description = out.description ? `${head}\n\n${out.description}` : head
  return out
}
