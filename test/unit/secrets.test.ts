import { mkdtempSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { AesGcmSecretBox, loadOrCreateKeyFile } from '../../src/main/core/secrets/secretBox'
import { redactText } from '../../src/main/core/log/redact'
import { createLogger } from '../../src/main/core/log/logger'

const URL = 'https://discord.com/api/webhooks/123456789012345678/SuperSecretToken_abcdefghijklmnopqrstuvwxyz'

describe('secret box', () => {
  it('seals with AES-256-GCM: no plaintext, fresh IV each time, tamper detected', () => {
    const box = new AesGcmSecretBox(Buffer.alloc(32, 1))
    const a = box.seal(URL)
    const b = box.seal(URL)
    expect(a).not.toContain('SuperSecret')
    expect(a).not.toBe(b)
    expect(box.open(a)).toBe(URL)
    const tampered = a.slice(0, -4) + (a.endsWith('AAAA') ? 'BBBB' : 'AAAA')
    expect(() => box.open(tampered)).toThrow()
    expect(() => new AesGcmSecretBox(Buffer.alloc(32, 2)).open(a)).toThrow()
  })

  it('creates its key file once with mode 0600', () => {
    const dir = mkdtempSync(join(tmpdir(), 'knocker-key-'))
    const file = join(dir, 'secret.key')
    const key = loadOrCreateKeyFile(file)
    expect(key).toHaveLength(32)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(loadOrCreateKeyFile(file).equals(key)).toBe(true)
    expect(readFileSync(file, 'utf8').trim()).toBe(key.toString('base64'))
  })
})

describe('redaction', () => {
  it('scrubs webhook tokens, Slack secrets, Teams signatures, whsec secrets and bearer tokens from text', () => {
    const text = [
      `POST ${URL} failed`,
      'https://hooks.slack.com/services/T0001/B0002/XXXXXXXXXXXXXXXXXXXXXXXX',
      'https://prod-1.westus.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?api-version=1&sig=SIGNATURE123',
      'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      'Authorization: Bearer kad_abcdefghijklmnop',
      'smtp://user:hunter2@mail.example.org',
    ].join('\n')
    const out = redactText(text)
    for (const secret of ['SuperSecretToken', 'XXXXXXXXXXXX', 'SIGNATURE123', 'MfKQ9r8GKYqr', 'kad_abcdefghijklmnop', 'hunter2']) {
      expect(out).not.toContain(secret)
    }
    expect(out).toContain('/webhooks/123456789012345678/[redacted]')
  })

  it('keeps secrets out of log lines, in messages and structured fields', () => {
    const lines: string[] = []
    const logger = createLogger({
      destination: new Writable({
        write(chunk, _e, done) {
          lines.push(String(chunk))
          done()
        },
      }),
    })
    logger.info({ url: URL, endpoint: { url: URL }, err: new Error(`connect to ${URL} failed`) }, `sending to ${URL}`)
    logger.flush()
    const all = lines.join('')
    expect(all).toContain('sending to')
    expect(all).not.toContain('SuperSecretToken')
  })
})
