// Cutting text to a destination's limits: by characters, never splitting a surrogate pair,
// and by words, never inside a Markdown link.

/** Cut to at most maxChars UTF-16 units without splitting a surrogate pair. */
export function cutChars(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text
  if (maxChars <= 0) return ''
  let end = maxChars
  const last = text.charCodeAt(end - 1)
  if (last >= 0xd800 && last <= 0xdbff) end -= 1
  return text.slice(0, end)
}

/** Cut to at most maxChars (ellipsis included), never splitting a surrogate pair. */
export function truncateChars(text: string, maxChars: number, ellipsis = '…'): string {
  if (text.length <= maxChars) return text
  if (maxChars <= ellipsis.length) return cutChars(text, maxChars)
  return cutChars(text, maxChars - ellipsis.length).trimEnd() + ellipsis
}

const MARKDOWN_LINK = /\[[^\]\n]*\]\([^)\s]*\)/g

/**
 * Keep the first maxWords words (the host app's lesson: ~200 words, not 200 chars), with an
 * ellipsis when anything was cut. A cut that would fall inside a Markdown link moves to the
 * link's end so the link stays whole. maxChars is a hard safety cap on top.
 */
export function truncateWords(text: string, maxWords = 200, maxChars = 4000): string {
  let cut = -1
  let count = 0
  for (const word of text.matchAll(/\S+/g)) {
    count += 1
    if (count === maxWords) cut = word.index + word[0].length
    if (count > maxWords) break
  }
  let result = text
  if (count > maxWords && cut >= 0) {
    for (const m of text.matchAll(MARKDOWN_LINK)) {
      if (m.index < cut && cut < m.index + m[0].length) {
        cut = m.index + m[0].length
        break
      }
    }
    result = text.slice(0, cut).trimEnd() + '…'
  }
  return truncateChars(result, maxChars)
}
