// The ingest token (the museum app pushes with it) and the admin token (the UI and admin API
// use it). Created on first start in <data dir>/credentials.json (0600); env vars win.
import { randomBytes } from 'node:crypto'
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export interface Credentials {
  ingestToken: string
  adminToken: string
  file: string
  created: boolean
}

const newToken = (prefix: string) => `${prefix}_${randomBytes(24).toString('base64url')}`

export function loadOrCreateCredentials(dataDir: string, env: NodeJS.ProcessEnv = process.env): Credentials {
  const file = join(dataDir, 'credentials.json')
  let created = false
  if (!existsSync(file)) {
    const fresh = { ingest_token: newToken('kin'), admin_token: newToken('kad') }
    writeFileSync(file, JSON.stringify(fresh, null, 2) + '\n', { mode: 0o600, flag: 'wx' })
    created = true
  }
  chmodSync(file, 0o600)
  const stored = JSON.parse(readFileSync(file, 'utf8')) as { ingest_token?: string; admin_token?: string }
  const ingestToken = env.KNOCKER_INGEST_TOKEN || stored.ingest_token
  const adminToken = env.KNOCKER_ADMIN_TOKEN || stored.admin_token
  if (!ingestToken || !adminToken) throw new Error(`${file} is missing ingest_token or admin_token`)
  if (ingestToken.length < 16 || adminToken.length < 16) throw new Error('tokens must be at least 16 characters long')
  if (ingestToken === adminToken) throw new Error('the ingest token and the admin token must differ')
  return { ingestToken, adminToken, file, created }
}
