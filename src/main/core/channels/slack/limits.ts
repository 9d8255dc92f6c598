// Block Kit's limits and the one function that makes a message fit them. Slack rejects the
// whole message (400 invalid_blocks) when one limit is broken, so we cut instead.
import type { ContextBlock, HeaderBlock, KnownBlock, SectionBlock } from '@slack/types'
import { cutChars, truncateChars } from '../../text/truncate'
import { commonCap } from '../../text/commonCap'

export const BLOCK_LIMITS = {
  blocks: 50,
  blockId: 255,
  headerText: 150,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  contextElements: 10,
  /** Any text object. */
  text: 3000,
} as const

/** Slack also rejects messages whose blocks are too long in total (msg_blocks_too_long, seen
 * around 13,000 characters, undocumented). We stay well under it, counting the blocks' JSON,
 * which is always at least their text. */
export const BLOCKS_JSON_BUDGET = 10_000

// A field value keeps at least this much ("Diana", "Anonymous" survive whole).
const FIELD_FLOOR = 16
// The description is cut first, but only down to this before field values share the cut.
const DESCRIPTION_SOFT_FLOOR = 1000

/** What a notification is made of, before it becomes blocks. Texts are mrkdwn except the header. */
export interface MessageParts {
  /** plain_text */
  header: string
  /** "⏱ 2 h 11 min late — …" as a context line under the header, when the message is late. */
  late?: string
  /** The test-send notice, when there is one. */
  notice?: string
  fields: Array<{ name: string; value: string }>
  description?: string
  /** Who and when (one context line). */
  context: string[]
  /** <url|label> to the record. */
  link: string
}

/**
 * Cut mrkdwn to at most maxChars (ellipsis included) without leaving half an entity
 * ("&am…") or half a link ("<https://…") behind: both would show as garbage.
 */
export function cutMrkdwn(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text
  return repairCut(truncateChars(text, maxChars))
}

/** Drop a dangling "<…" or "&…" at the end of a cut text (which ends in "…"). */
export function repairCut(text: string): string {
  if (!text.endsWith('…')) return text
  let body = text.slice(0, -1)
  const open = body.lastIndexOf('<')
  if (open > body.lastIndexOf('>')) body = body.slice(0, open)
  body = body.replace(/&[a-z]{0,4}$/, '')
  return body.trimEnd() + '…'
}

const mrkdwn = (text: string, verbatim = true) => ({ type: 'mrkdwn' as const, text, verbatim })

/** The blocks, in reading order. Each block has a short fixed block_id. */
export function toBlocks(parts: MessageParts): KnownBlock[] {
  const header: HeaderBlock = {
    type: 'header',
    block_id: 'header',
    text: { type: 'plain_text', text: parts.header, emoji: true },
  }
  const blocks: KnownBlock[] = [header]
  if (parts.late) blocks.push({ type: 'context', block_id: 'late', elements: [mrkdwn(parts.late)] })
  if (parts.notice) blocks.push({ type: 'section', block_id: 'notice', text: mrkdwn(parts.notice) })
  if (parts.fields.length) {
    const fields: SectionBlock = {
      type: 'section',
      block_id: 'fields',
      fields: parts.fields.map((f) => mrkdwn(`*${f.name}*\n${f.value}`)),
    }
    blocks.push(fields)
  }
  if (parts.description) blocks.push({ type: 'section', block_id: 'description', text: mrkdwn(parts.description) })
  if (parts.context.length) {
    const context: ContextBlock = { type: 'context', block_id: 'context', elements: parts.context.map((t) => mrkdwn(t)) }
    blocks.push(context)
  }
  blocks.push({ type: 'section', block_id: 'link', text: mrkdwn(parts.link) })
  return blocks.slice(0, BLOCK_LIMITS.blocks).map((b) => ({ ...b, block_id: cutChars(b.block_id ?? '', BLOCK_LIMITS.blockId) }))
}

export function blocksJsonLength(blocks: KnownBlock[]): number {
  return JSON.stringify(blocks).length
}

const fieldOverhead = (name: string) => `*${name}*\n`.length

/** Every per-part limit: lengths and counts. */
function clampParts(parts: MessageParts): MessageParts {
  const fields = parts.fields.slice(0, BLOCK_LIMITS.fields).map((f) => {
    const name = truncateChars(f.name, 100)
    const value = cutMrkdwn(f.value, BLOCK_LIMITS.fieldText - fieldOverhead(name))
    return { name, value: value.trim() ? value : '–' }
  })
  return {
    header: truncateChars(parts.header, BLOCK_LIMITS.headerText) || '–',
    ...(parts.late && { late: cutMrkdwn(parts.late, BLOCK_LIMITS.text) }),
    ...(parts.notice && { notice: cutMrkdwn(parts.notice, BLOCK_LIMITS.sectionText) }),
    fields,
    ...(parts.description?.trim() && { description: cutMrkdwn(parts.description, BLOCK_LIMITS.sectionText) }),
    context: parts.context
      .filter((t) => t.trim())
      .slice(0, BLOCK_LIMITS.contextElements)
      .map((t) => cutMrkdwn(t, BLOCK_LIMITS.text)),
    link: parts.link.length <= BLOCK_LIMITS.sectionText ? parts.link : 'Open in Flipfix',
  }
}

/**
 * Shorten the longest texts first, all to one common cap, until `excess` characters are gone
 * or every text is down to `floor`.
 */
function shrinkLongestFirst(texts: string[], excess: number, floor: number): string[] {
  if (excess <= 0) return texts
  const cap = commonCap(texts.map((t) => t.length), excess, floor)
  return texts.map((t) => cutMrkdwn(t, cap))
}

/**
 * Parts that satisfy every Block Kit limit and whose blocks stay within `budget` JSON
 * characters. Cut order: the description (longest, least essential), then the description
 * and field values together, longest first. Header, late line, context and link are short by
 * construction and never cut for the total.
 */
export function fitParts(parts: MessageParts, budget: number = BLOCKS_JSON_BUDGET): MessageParts {
  const out = clampParts(parts)
  const excess = () => blocksJsonLength(toBlocks(out)) - budget
  // Removing n characters of text removes at least n characters of JSON, so one pass of each
  // step normally suffices; the loop covers cuts that land next to escaped characters.
  for (let round = 0; round < 3 && excess() > 0; round++) {
    if (out.description) {
      const floor = Math.min(out.description.length, DESCRIPTION_SOFT_FLOOR)
      out.description = shrinkLongestFirst([out.description], excess(), floor)[0]
    }
    if (excess() > 0) {
      const texts = shrinkLongestFirst([out.description ?? '', ...out.fields.map((f) => f.value)], excess(), FIELD_FLOOR)
      if (out.description !== undefined) out.description = texts[0] || undefined
      out.fields = out.fields.map((f, i) => ({ ...f, value: texts[i + 1] }))
    }
  }
  // Tiny budgets only: drop fields from the end.
  while (excess() > 0 && out.fields.length) out.fields = out.fields.slice(0, -1)
  if (!out.description) delete out.description
  return out
}
