// Keeps a webhook body under ~20 KB (receivers and their proxies reject big bodies). When
// the event is bigger, its longest free texts (report description, log text) are cut with
// an ellipsis, then, only if that is not enough, its other texts (names, labels); links,
// ids and enum values are never cut. The envelope lists every cut field in `truncated`.
import { truncateChars } from '../../text/truncate'

export const MAX_BODY_BYTES = 20_000
/** Free texts keep at least this many characters before names are cut too. */
const FREE_TEXT_FLOOR = 200
const NAME_FLOOR = 16

const FREE_TEXT_PATHS = new Set(['problem_report.description', 'log_entry.text'])
// Identifiers, links and enum values: a cut one would be wrong rather than short.
const NEVER_CUT = new Set([
  'schema',
  'event',
  'event_id',
  'occurred_at',
  'site_url',
  'url',
  'slug',
  'asset_id',
  'status',
  'previous_status',
  'operational_status',
  'priority',
  'problem_type',
  'field',
  'zone',
])

type Path = Array<string | number>
interface TextLeaf {
  path: Path
  text: string
}

export type Envelope = { data: object } & Record<string, unknown>
export type FittedEnvelope<E extends Envelope> = E & { truncated?: string[] }

export function byteLength(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8')
}

function textLeaves(node: unknown, path: Path = [], out: TextLeaf[] = []): TextLeaf[] {
  if (typeof node === 'string') out.push({ path, text: node })
  else if (Array.isArray(node)) node.forEach((child, i) => textLeaves(child, [...path, i], out))
  else if (node && typeof node === 'object') {
    for (const [key, child] of Object.entries(node)) textLeaves(child, [...path, key], out)
  }
  return out
}

function setAt(root: unknown, path: Path, value: string): void {
  let node = root as Record<string | number, unknown>
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>
  node[path[path.length - 1]] = value
}

/** The envelope with every listed text longer than `cap` cut to it, and the note. */
function withCap<E extends Envelope>(envelope: E, leaves: TextLeaf[], cap: number): FittedEnvelope<E> {
  const data = structuredClone(envelope.data)
  const truncated: string[] = []
  for (const leaf of leaves) {
    if (leaf.text.length <= cap) continue
    setAt(data, leaf.path, truncateChars(leaf.text, cap))
    truncated.push(leaf.path.join('.'))
  }
  return { ...envelope, data, truncated }
}

/**
 * Bytes of withCap(envelope, leaves, cap) without building it: the envelope with those texts
 * emptied, plus each cut text, plus the note. (JSON bytes add up part by part.)
 */
function sizeAtCap(emptiedBytes: number, leaves: TextLeaf[], cap: number): number {
  let bytes = emptiedBytes
  const cut: string[] = []
  for (const leaf of leaves) {
    const text = leaf.text.length <= cap ? leaf.text : truncateChars(leaf.text, cap)
    if (text !== leaf.text) cut.push(leaf.path.join('.'))
    bytes += byteLength(text) - 2 // the quotes are already counted
  }
  // ',"truncated":[…]' (the emptied envelope has no note yet)
  return bytes + byteLength({ truncated: cut }) - 1
}

/** The largest common cap on `leaves` that fits, or null when even `floor` is too much. */
function cutToFit<E extends Envelope>(envelope: E, leaves: TextLeaf[], floor: number, maxBytes: number): FittedEnvelope<E> | null {
  if (leaves.length === 0) return null
  const emptied = withCap(envelope, leaves, 0)
  delete emptied.truncated
  const emptiedBytes = byteLength(emptied)
  const fits = (cap: number) => sizeAtCap(emptiedBytes, leaves, cap) <= maxBytes
  if (!fits(floor)) return null
  let low = floor
  let high = Math.max(...leaves.map((l) => l.text.length))
  while (low < high) {
    const mid = Math.ceil((low + high) / 2)
    if (fits(mid)) low = mid
    else high = mid - 1
  }
  return withCap(envelope, leaves, low)
}

/** The envelope as is when it fits in maxBytes of JSON; otherwise shortened as described above. */
export function fitPayload<E extends Envelope>(envelope: E, maxBytes: number = MAX_BODY_BYTES): FittedEnvelope<E> {
  if (byteLength(envelope) <= maxBytes) return envelope
  const leaves = textLeaves(envelope.data)
  const freeTexts = leaves.filter((l) => FREE_TEXT_PATHS.has(l.path.join('.')))
  const cuttable = leaves.filter((l) => !NEVER_CUT.has(String(l.path[l.path.length - 1])))
  const fitted = cutToFit(envelope, freeTexts, FREE_TEXT_FLOOR, maxBytes) ?? cutToFit(envelope, cuttable, NAME_FLOOR, maxBytes)
  // The final check measures the real thing, not the sum of parts.
  if (!fitted || byteLength(fitted) > maxBytes) {
    throw new Error(`the event does not fit in ${maxBytes} bytes even with its texts shortened`)
  }
  return fitted
}
