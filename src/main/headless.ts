// Headless composition root: `knocker serve` runs the core, intake, admin API and the
// renderer on one port, without Electron (museum server, CI, end-to-end tests).
import { readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { setFlagsFromString } from 'node:v8'
import { DEFAULT_PORT, launchKnocker, portFrom } from './core/launch'
import { createLogger } from './core/log/logger'
import { AesGcmSecretBox, loadOrCreateKeyFile } from './core/secrets/secretBox'

// undici parses HTTP answers with llhttp compiled to WebAssembly. On the first answers V8
// recompiles that parser with its optimising tier in background threads, which briefly takes
// ~35 MB of compiler memory (heaptrack) and left the shell's peak RSS under load ~10 MB higher,
// for no measurable gain in parsing speed. The baseline compiler is enough.
setFlagsFromString('--liftoff-only')

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
  const port = portFrom(values.port ?? process.env.KNOCKER_PORT)
  const dataDir = resolve(values['data-dir'] ?? process.env.KNOCKER_DATA_DIR ?? join(homedir(), '.knocker'))

  const logger = createLogger()
  const { core, server, credentials, baseUrl, unlock } = await launchKnocker({
    dataDir,
    env: process.env,
    logger,
    openSecretBox: (dir) => new AesGcmSecretBox(loadOrCreateKeyFile(join(dir, 'secret.key'))),
    core: {
      migrationsFolder: join(appRoot, 'resources/migrations'),
      allowPrivateTargets: values['allow-private-targets'],
      version: (JSON.parse(readFileSync(join(appRoot, 'package.json'), 'utf8')) as { version: string }).version,
    },
    host: values.host,
    port,
    rendererDir: join(appRoot, 'out/renderer'),
  })
  const base = baseUrl!

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
