// The Electron shell's secret box key: a random AES key kept on disk encrypted by the OS
// keychain (safeStorage), so copying the data dir alone does not reveal the endpoint secrets.
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { AesGcmSecretBox, loadOrCreateKeyFile } from '../core/secrets/secretBox'

/** The parts of Electron's safeStorage used here (a fake in tests). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean
  encryptString(plainText: string): Buffer
  decryptString(encrypted: Buffer): string
  getSelectedStorageBackend?(): string
}
type LoggerLike = { warn(obj: object, msg?: string): void }

export const ENCRYPTED_KEY_FILE = 'secret.key.enc'
export const PLAIN_KEY_FILE = 'secret.key'

export function createSafeStorageKey(dataDir: string, safeStorage: SafeStorageLike, logger?: LoggerLike): AesGcmSecretBox {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  const encFile = join(dataDir, ENCRYPTED_KEY_FILE)
  const plainFile = join(dataDir, PLAIN_KEY_FILE)

  if (!keychainUsable(safeStorage)) {
    // Never replace a keychain-protected key: the sealed secrets would become unreadable.
    if (existsSync(encFile)) {
      throw new Error(
        `${encFile} is protected by the OS keychain, which is not available now (is the keyring unlocked?)`,
      )
    }
    logger?.warn({ file: plainFile }, 'OS keychain unavailable: keeping the secret key in a 0600 file instead')
    return new AesGcmSecretBox(loadOrCreateKeyFile(plainFile))
  }

  // A key from an earlier run without keychain keeps being used, so existing secrets stay readable.
  if (!existsSync(encFile) && existsSync(plainFile)) {
    return new AesGcmSecretBox(loadOrCreateKeyFile(plainFile))
  }
  if (!existsSync(encFile)) {
    const encrypted = safeStorage.encryptString(randomBytes(32).toString('base64'))
    writeFileSync(encFile, encrypted, { mode: 0o600, flag: 'wx' })
  }
  const key = Buffer.from(safeStorage.decryptString(readFileSync(encFile)).trim(), 'base64')
  if (key.length !== 32) throw new Error(`${encFile} is corrupt (expected a 32-byte key)`)
  return new AesGcmSecretBox(key)
}

// On Linux without a keyring safeStorage "works" with a hard-coded password: no better than a file.
function keychainUsable(safeStorage: SafeStorageLike): boolean {
  if (!safeStorage.isEncryptionAvailable()) return false
  try {
    return safeStorage.getSelectedStorageBackend?.() !== 'basic_text'
  } catch {
    return true // Linux-only API; other platforms always use the real keychain
  }
}
