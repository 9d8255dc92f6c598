// The JSON Schema the Django package validates events with is a copy of what Knocker's zod
// contract generates; it must not drift.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { contractJsonSchema, contractJsonSchemaText, SHIPPED_SCHEMA_PATH } from '../../scripts/contract-schema'
import { EVENT_TYPES } from '../../src/shared/events'

describe('the JSON Schema shipped in integrations/django', () => {
  it('is exactly what the zod contract generates', () => {
    const shipped = readFileSync(SHIPPED_SCHEMA_PATH, 'utf8')
    expect(
      shipped,
      `${SHIPPED_SCHEMA_PATH} differs from src/shared/events.ts: regenerate it with \`npm run contract:schema\` and commit it`,
    ).toBe(contractJsonSchemaText())
  })

  it('has one branch per event type, each pinning its type', () => {
    const schema = contractJsonSchema() as { oneOf: Array<{ properties: { event: { const: string } } }> }
    expect(schema.oneOf.map((b) => b.properties.event.const)).toEqual([...EVENT_TYPES])
  })
})
