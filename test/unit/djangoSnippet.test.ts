// The console's Django tab sets up the Django package: its settings must be ones the
// package knows, and its push address the one the package posts /v1/events under.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { djangoPackageSnippet } from '../../src/renderer/src/features/sources/pushSnippets'

const CONF = readFileSync(join(__dirname, '../../integrations/django/knocker_outbox/conf.py'), 'utf8')
const knownSettings = new Set([...CONF.slice(CONF.indexOf('DEFAULTS = {')).matchAll(/^ {4}"([A-Z_]+)":/gm)].map((m) => m[1]))

describe('the Django package snippet', () => {
  const snippet = djangoPackageSnippet('http://192.168.1.20:8727/v1/events')

  it('pushes to Knocker’s address, where the package adds /v1/events', () => {
    // The intake URL was http://192.168.1.20:8727/v1/events: PUSH_URL is Knocker's address without it.
    expect(snippet).toContain('"PUSH_URL": "http://192.168.1.20:8727",')
    expect(snippet).toContain('python manage.py knocker_push')
  })

  it('uses only settings the package knows', () => {
    expect(knownSettings.size).toBeGreaterThan(10)
    const used = [...snippet.matchAll(/^ {4}"([A-Z_]+)":/gm)].map((m) => m[1])
    expect(used).toEqual(['SITE_URL', 'PUSH_URL', 'PUSH_TOKEN', 'MODELS'])
    for (const name of used) expect(knownSettings, name).toContain(name)
  })
})
