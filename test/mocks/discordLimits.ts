// Payload validation and rate-limit windows for the Discord Execute Webhook mock.
// Limits and error shapes follow /work/shared/reference/destinations.md (Discord section).
import { createHash } from 'node:crypto'

// ---------------------------------------------------------------------------
// Error tree: { embeds: { "0": { title: { _errors: [{ code, message }] } } } }
// ---------------------------------------------------------------------------

export interface FieldError {
  code: string
  message: string
}
export interface ErrorTree {
  _errors?: FieldError[]
  [key: string]: ErrorTree | FieldError[] | undefined
}

class ErrorCollector {
  readonly tree: ErrorTree = {}
  count = 0

  add(path: Array<string | number>, code: string, message: string): void {
    let node = this.tree
    for (const key of path) {
      const k = String(key)
      const next = (node[k] as ErrorTree | undefined) ?? {}
      node[k] = next
      node = next
    }
    ;(node._errors ??= []).push({ code, message })
    this.count++
  }
}

// ---------------------------------------------------------------------------
// Field checks
// ---------------------------------------------------------------------------

export const LIMITS = {
  content: 2000,
  username: 80,
  embeds: 10,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footerText: 2048,
  authorName: 256,
  threadName: 100,
  embedTotal: 6000,
  colorMax: 16777215,
} as const

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/

/** Optional string of at most `max` characters (JS .length). */
function checkString(errs: ErrorCollector, path: Array<string | number>, v: unknown, max: number, required = false): void {
  if (v === undefined || v === null) {
    if (required) errs.add(path, 'BASE_TYPE_REQUIRED', 'This field is required')
    return
  }
  if (typeof v !== 'string') {
    errs.add(path, 'BASE_TYPE_STRING', 'Must be a string.')
    return
  }
  if (required && v.length === 0) {
    errs.add(path, 'BASE_TYPE_BAD_LENGTH', `Must be between 1 and ${max} in length.`)
  } else if (v.length > max) {
    errs.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`)
  }
}

function checkUsername(errs: ErrorCollector, v: unknown): void {
  if (v === undefined || v === null) return
  if (typeof v !== 'string') return errs.add(['username'], 'BASE_TYPE_STRING', 'Must be a string.')
  if (v.length < 1 || v.length > LIMITS.username) {
    errs.add(['username'], 'BASE_TYPE_BAD_LENGTH', `Must be between 1 and ${LIMITS.username} in length.`)
  }
  for (const banned of ['clyde', 'discord']) {
    if (v.toLowerCase().includes(banned)) {
      errs.add(['username'], 'USERNAME_INVALID_CONTAINS', `Username cannot contain "${banned}"`)
    }
  }
}

function checkColor(errs: ErrorCollector, path: Array<string | number>, v: unknown): void {
  if (v === undefined || v === null) return
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    errs.add(path, 'NUMBER_TYPE_COERCE', `Value "${String(v)}" is not int.`)
  } else if (v < 0) {
    errs.add(path, 'NUMBER_TYPE_MIN', 'int value should be greater than or equal to 0.')
  } else if (v > LIMITS.colorMax) {
    errs.add(path, 'NUMBER_TYPE_MAX', `int value should be less than or equal to ${LIMITS.colorMax}.`)
  }
}

function checkTimestamp(errs: ErrorCollector, path: Array<string | number>, v: unknown): void {
  if (v === undefined || v === null) return
  if (typeof v !== 'string' || !ISO_8601.test(v) || Number.isNaN(Date.parse(v))) {
    errs.add(path, 'DATE_TYPE_PARSE', `Could not parse ${String(v)}. Should be ISO8601.`)
  }
}

function checkFields(errs: ErrorCollector, path: Array<string | number>, fields: unknown): void {
  if (fields === undefined || fields === null) return
  if (!Array.isArray(fields)) return errs.add(path, 'BASE_TYPE_ARRAY', 'Must be an array.')
  if (fields.length > LIMITS.fields) {
    errs.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${LIMITS.fields} or fewer in length.`)
  }
  fields.forEach((f, i) => {
    if (!isObj(f)) return errs.add([...path, i], 'DICT_TYPE_CONVERT', 'Only dictionaries may be used in a DictType')
    checkString(errs, [...path, i, 'name'], f.name, LIMITS.fieldName, true)
    checkString(errs, [...path, i, 'value'], f.value, LIMITS.fieldValue, true)
  })
}

function checkEmbed(errs: ErrorCollector, i: number, e: unknown): void {
  const p = ['embeds', i]
  if (!isObj(e)) return errs.add(p, 'DICT_TYPE_CONVERT', 'Only dictionaries may be used in a DictType')
  checkString(errs, [...p, 'title'], e.title, LIMITS.title)
  checkString(errs, [...p, 'description'], e.description, LIMITS.description)
  checkColor(errs, [...p, 'color'], e.color)
  checkTimestamp(errs, [...p, 'timestamp'], e.timestamp)
  checkFields(errs, [...p, 'fields'], e.fields)
  if (e.footer !== undefined && e.footer !== null) {
    if (!isObj(e.footer)) errs.add([...p, 'footer'], 'DICT_TYPE_CONVERT', 'Only dictionaries may be used in a DictType')
    else checkString(errs, [...p, 'footer', 'text'], e.footer.text, LIMITS.footerText, true)
  }
  if (e.author !== undefined && e.author !== null) {
    if (!isObj(e.author)) errs.add([...p, 'author'], 'DICT_TYPE_CONVERT', 'Only dictionaries may be used in a DictType')
    else checkString(errs, [...p, 'author', 'name'], e.author.name, LIMITS.authorName, true)
  }
}

const strLen = (v: unknown): number => (typeof v === 'string' ? v.length : 0)

/** Characters Discord counts against the 6000 total for one embed. */
export function embedSize(e: unknown): number {
  if (!isObj(e)) return 0
  let n = strLen(e.title) + strLen(e.description)
  if (Array.isArray(e.fields)) for (const f of e.fields) if (isObj(f)) n += strLen(f.name) + strLen(f.value)
  if (isObj(e.footer)) n += strLen(e.footer.text)
  if (isObj(e.author)) n += strLen(e.author.name)
  return n
}

function checkEmbeds(errs: ErrorCollector, embeds: unknown): void {
  if (embeds === undefined || embeds === null) return
  if (!Array.isArray(embeds)) return errs.add(['embeds'], 'BASE_TYPE_ARRAY', 'Must be an array.')
  if (embeds.length > LIMITS.embeds) {
    errs.add(['embeds'], 'BASE_TYPE_MAX_LENGTH', `Must be ${LIMITS.embeds} or fewer in length.`)
  }
  embeds.forEach((e, i) => checkEmbed(errs, i, e))
  const total = embeds.reduce((sum: number, e) => sum + embedSize(e), 0)
  if (total > LIMITS.embedTotal) {
    errs.add(['embeds'], 'MAX_EMBED_SIZE_EXCEEDED', `Embed size exceeds maximum size of ${LIMITS.embedTotal}`)
  }
}

/**
 * Validate a parsed Execute Webhook body. Returns Discord's `errors` tree, or null when the
 * form is valid. (Emptiness and forum rules are separate: they have their own codes.)
 */
export function validatePayload(body: unknown): ErrorTree | null {
  const errs = new ErrorCollector()
  if (!isObj(body)) {
    errs.add([], 'DICT_TYPE_CONVERT', 'Only dictionaries may be used in a DictType')
    return errs.tree
  }
  checkString(errs, ['content'], body.content, LIMITS.content)
  checkUsername(errs, body.username)
  checkEmbeds(errs, body.embeds)
  if (body.thread_name !== undefined && body.thread_name !== null) {
    checkString(errs, ['thread_name'], body.thread_name, LIMITS.threadName, true)
  }
  return errs.count > 0 ? errs.tree : null
}

/** No content (or only whitespace), no embeds: Discord answers 50006. */
export function isEmptyMessage(body: Obj): boolean {
  const content = typeof body.content === 'string' ? body.content.trim() : ''
  const embeds = Array.isArray(body.embeds) ? body.embeds.length : 0
  return content.length === 0 && embeds === 0
}

// ---------------------------------------------------------------------------
// Rate limiting: fixed windows that start at the first request.
// ---------------------------------------------------------------------------

export interface WindowState {
  /** true when this request fits in the window (and was counted). */
  ok: boolean
  limit: number
  remaining: number
  /** epoch ms at which the window ends. */
  resetAt: number
}

export class FixedWindowLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>()

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  private current(key: string, now: number): { start: number; count: number } {
    let w = this.windows.get(key)
    if (!w || now >= w.start + this.windowMs) {
      w = { start: now, count: 0 }
      this.windows.set(key, w)
    }
    return w
  }

  /** Count one request if it fits; report the window either way. */
  take(key: string, now: number): WindowState {
    const w = this.current(key, now)
    const ok = w.count < this.limit
    if (ok) w.count++
    return { ok, limit: this.limit, remaining: Math.max(0, this.limit - w.count), resetAt: w.start + this.windowMs }
  }

  clear(): void {
    this.windows.clear()
  }
}

/** A stable opaque bucket id per webhook, like Discord's X-RateLimit-Bucket. */
export function bucketHash(webhookId: string): string {
  return createHash('sha256').update(`webhook:${webhookId}`).digest('hex').slice(0, 32)
}
