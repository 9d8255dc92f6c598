// SecretBox port: seals secrets (webhook URLs, passwords) before they touch the database.
// The headless shell keeps an AES-256-GCM key in a 0600 file; the Electron shell plugs in
// a key protected by safeStorage.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs'

export interface SecretBox {
  seal(plaintext: string): string
  open(sealed: string): string
}

const VERSION = 'v1'

export class AesGcmSecretBox implements SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('SecretBox key must be 32 bytes')
  }

  seal(plaintext: string): string {
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.key, iv)
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
    return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64')}`
  }

  open(sealed: string): string {
    const [version, data] = sealed.split(':', 2)
    if (version !== VERSION || !data) throw new Error('unknown sealed secret format')
    const raw = Buffer.from(data, 'base64')
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12))
    decipher.setAuthTag(raw.subarray(12, 28))
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')
  }
}

/** Loads the key from `file`, creating it (mode 0600) on first start. */
export function loadOrCreateKeyFile(file: string): Buffer {
  if (!existsSync(file)) {
    writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' })
  }
  chmodSync(file, 0o600)
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64')
  if (key.length !== 32) throw new Error(`secret key file ${file} is corrupt (expected 32 bytes of base64)`)
  return key
}
