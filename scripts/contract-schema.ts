// Writes the JSON Schema of the event contract (flipfix.notification/v1), generated from the
// zod schema Knocker validates intake with, into the Django package that ships it. The
// package validates every event against this copy before storing it; a vitest test fails
// when the copy differs from what this generates. Run: npm run contract:schema
import { writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import { EventSchema } from '../src/shared/events'

export const SHIPPED_SCHEMA_PATH = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'integrations/django/knocker_outbox/contract/flipfix.notification.v1.schema.json',
)

/** The contract as what a sender may send (the input side: fields with defaults are optional). */
export function contractJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(EventSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>
}

/** The file's exact text: stable key order from zod, two-space indent, a final newline. */
export function contractJsonSchemaText(): string {
  return `${JSON.stringify(contractJsonSchema(), null, 2)}\n`
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(SHIPPED_SCHEMA_PATH, contractJsonSchemaText())
  console.log(`wrote ${SHIPPED_SCHEMA_PATH}`)
}
