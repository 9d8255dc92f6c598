// Headless composition root: `knocker serve` runs the core, intake, admin API and the
// renderer on one port, without Electron (museum server, CI, end-to-end tests).
import { mkdirSync, readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { homedir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { loadOrCreateCredentials } from './core/credentials'
import { lockDataDir } from './core/dataDirLock'
import { createKnockerServer } from './core/http/server'
import { KnockerCore } from './core/knocker'
import { createLogger } from './core/log/logger'
import { AesGcmSecretBox, loadOrCreateKeyFile } from './core/secrets/secretBox'

export const DEFAULT_PORT = 8727
const here = dirname(fileURLToPath(import.meta.url))
const appRoot = resolve(here, '../..')

const USAGE = `Usage: knocker serve [options]

  --port <n>                 port for intake, admin API and UI (default ${DEFAULT_PORT}, env KNOCKER_PORT; 0 = any free port)
  --host <addr>              address to listen on (default 127.0.0.1)
  --data-dir <dir>           where the database, key and tokens live (default ~/.knocker, env KNOCKER_DATA_DIR)
  --allow-private-targets    allow http:// and loopback/LAN endpoint URLs (tests, LAN receivers)
  -h, --help                 show this help

Env: KNOCKER_INGEST_TOKEN, KNOCKER_ADMIN_TOKEN override the generated tokens; KNOCKER_LOG_LEVEL (info).`

export async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      'data-dir': { type: 'string' },
      'allow-private-targets': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  const command = positionals[0] ?? 'serve'
  if (values.help || command !== 'serve') {
    console.log(USAGE)
    process.exitCode = values.help ? 0 : 2
    return
  }
  const port = Number(values.port ?? process.env.KNOCKER_PORT ?? DEFAULT_PORT)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port: ${values.port}`)
  const dataDir = resolve(values['data-dir'] ?? process.env.KNOCKER_DATA_DIR ?? join(homedir(), '.knocker'))

  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  const unlock = lockDataDir(dataDir)
  const logger = createLogger()
  const credentials = loadOrCreateCredentials(dataDir)
  const secretBox = new AesGcmSecretBox(loadOrCreateKeyFile(join(dataDir, 'secret.key')))
  const core = new KnockerCore({
    dataDir,
    migrationsFolder: join(appRoot, 'resources/migrations'),
    secretBox,
    logger,
    ingestToken: credentials.ingestToken,
    adminToken: credentials.adminToken,
    allowPrivateTargets: values['allow-private-targets'],
    version: (JSON.parse(readFileSync(join(appRoot, 'package.json'), 'utf8')) as { version: string }).version,
  })
  await core.start()
  const server = createKnockerServer(core, { rendererDir: join(appRoot, 'out/renderer'), logger })
  await new Promise<void>((ok, fail) => {
    server.once('error', fail)
    server.listen(port, values.host, () => ok())
  })
  const address = server.address() as AddressInfo
  const base = `http://${values.host}:${address.port}`
  core.setIntakeUrl(`${base}/v1/events`)

  if (credentials.created) console.log(`Created ${dataDir} with new tokens in ${credentials.file} (readable by you only).`)
  console.log(`Data dir: ${dataDir}`)
  console.log(`Intake: POST ${base}/v1/events with "Authorization: Bearer <ingest_token>"`)
  console.log(`Admin UI and API: ${base}/ (admin_token from ${credentials.file})`)
  console.log(`listening on ${base}`)

  let stopping = false
  const shutdown = async (signal: string) => {
    if (stopping) {
      console.log(`${signal} again: exiting now`)
      process.exit(1)
    }
    stopping = true
    console.log(`${signal}: finishing in-flight deliveries…`)
    server.close()
    server.closeIdleConnections()
    await core.stop()
    server.closeAllConnections()
    unlock()
    console.log('stopped')
    process.exit(0)
  }
  process.on('SIGINT', () => void shutdown('SIGINT'))
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
}

main(process.argv.slice(2)).catch((error) => {
  console.error(`knocker: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
