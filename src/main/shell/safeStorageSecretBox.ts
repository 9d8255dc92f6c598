// The Electron shell's secret box key: a random AES key kept on disk encrypted by the OS
// keychain (safeStorage), so copying the data dir alone does not reveal the endpoint secrets.
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { SecretStorageKind } from '../../shared/desktop'
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

export interface SafeStorageKey {
  secretBox: AesGcmSecretBox
  /** What actually protects the key (shown in Settings; anything but `os` gets a warning). */
  storage: SecretStorageKind
}

/** What safeStorage can offer on this machine right now. */
function secretStorageKind(safeStorage: SafeStorageLike): SecretStorageKind {
  if (!safeStorage.isEncryptionAvailable()) return 'unavailable'
  let backend: string | undefined
  try {
    backend = safeStorage.getSelectedStorageBackend?.()
  } catch {
    return 'os' // Linux-only API; other platforms always use the real keychain
  }
  // Linux without a keyring: safeStorage "encrypts" with a hard-coded password.
  return backend === 'basic_text' ? 'basic_text' : 'os'
}

export function createSafeStorageKey(dataDir: string, safeStorage: SafeStorageLike, logger?: LoggerLike): SafeStorageKey {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  const encFile = join(dataDir, ENCRYPTED_KEY_FILE)
  const plainFile = join(dataDir, PLAIN_KEY_FILE)
  const storage = secretStorageKind(safeStorage)

  if (storage !== 'os') {
    // Never replace a keychain-protected key: the sealed secrets would become unreadable.
    if (existsSync(encFile)) {
      throw new Error(
        `${encFile} is protected by the OS keychain, which is not available now (is the keyring unlocked?)`,
      )
    }
    // basic_text would be no better than a file: keep the key in a 0600 file and say so.
    logger?.warn({ file: plainFile, storage }, 'OS keychain unavailable: keeping the secret key in a 0600 file instead')
    return { secretBox: new AesGcmSecretBox(loadOrCreateKeyFile(plainFile)), storage }
  }

  if (existsSync(plainFile)) {
    // A key from an earlier run without keychain: seal that same key, so the secrets it
    // encrypted stay readable, then drop the plain copy.
    const key = loadOrCreateKeyFile(plainFile)
    if (!existsSync(encFile)) writeSealedKey(encFile, key, safeStorage)
    if (readSealedKey(encFile, safeStorage).equals(key)) rmSync(plainFile)
    else logger?.warn({ file: plainFile }, 'an older secret key file differs from the keychain-protected one; left in place')
  }
  if (!existsSync(encFile)) writeSealedKey(encFile, randomBytes(32), safeStorage)
  return { secretBox: new AesGcmSecretBox(readSealedKey(encFile, safeStorage)), storage }
}

function writeSealedKey(file: string, key: Buffer, safeStorage: SafeStorageLike): void {
  writeFileSync(file, safeStorage.encryptString(key.toString('base64')), { mode: 0o600, flag: 'wx' })
}

function readSealedKey(file: string, safeStorage: SafeStorageLike): Buffer {
  const key = Buffer.from(safeStorage.decryptString(readFileSync(file)).trim(), 'base64')
  if (key.length !== 32) throw new Error(`${file} is corrupt (expected a 32-byte key)`)
  return key
}
