// The one start-up sequence of both shells: data folder → lock → credentials → secret box →
// core → server → listen. The shells differ only in their ports (where the secret box's key
// is kept, where the log goes) and in what a failed listen means: the headless service exits,
// the desktop app goes on without intake and says so. A step that fails undoes the ones
// before it, so a failed start leaves no lock behind and no database open.
import { mkdirSync } from 'node:fs'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { loadOrCreateCredentials, type Credentials } from './credentials'
import { lockDataDir } from './dataDirLock'
import { createKnockerServer } from './http/server'
import { KnockerCore, type KnockerOptions } from './knocker'
import type { Logger } from './log/logger'
import type { SecretBox } from './secrets/secretBox'

/** Intake, the admin API and the console listen here unless told otherwise (KNOCKER_PORT, --port). */
export const DEFAULT_PORT = 8727

export interface LaunchOptions {
  dataDir: string
  env: NodeJS.ProcessEnv
  logger: Logger
  /** Opens the secret box (after the lock: its key file lives in the data folder). */
  openSecretBox(dataDir: string): SecretBox
  /** Everything else the core needs. */
  core: Omit<KnockerOptions, 'dataDir' | 'secretBox' | 'logger' | 'ingestToken' | 'adminToken'>
  host: string
  port: number
  /** Where the built console is served from (the headless shell); the desktop app loads it itself. */
  rendererDir?: string
  /** True: a port that can't be had is reported in `listenError` and the rest keeps running. */
  tolerateListenFailure?: boolean
  /** Called with the core before it starts: subscribe here to hear about its very first events. */
  beforeStart?(core: KnockerCore): void
}

export interface LaunchedKnocker {
  core: KnockerCore
  server: Server
  credentials: Credentials
  /** http://host:port once listening; null when listening failed (tolerated). */
  baseUrl: string | null
  listenError: Error | null
  /** Releases the data folder (after core.stop()). */
  unlock(): void
}

export async function launchKnocker(opts: LaunchOptions): Promise<LaunchedKnocker> {
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 })
  // Also keeps the desktop app and `knocker serve` off each other's data.
  const unlock = lockDataDir(opts.dataDir)
  let core: KnockerCore | null = null
  try {
    const credentials = loadOrCreateCredentials(opts.dataDir, opts.env)
    if (credentials.created) opts.logger.info({ file: credentials.file }, 'created intake and admin tokens')
    core = new KnockerCore({
      ...opts.core,
      dataDir: opts.dataDir,
      secretBox: opts.openSecretBox(opts.dataDir),
      logger: opts.logger,
      ingestToken: credentials.ingestToken,
      adminToken: credentials.adminToken,
    })
    opts.beforeStart?.(core)
    await core.start()
    const server = createKnockerServer(core, { rendererDir: opts.rendererDir, logger: opts.logger })
    let baseUrl: string | null = null
    let listenError: Error | null = null
    try {
      await listen(server, opts.port, opts.host)
      baseUrl = `http://${opts.host}:${(server.address() as AddressInfo).port}`
      core.setIntakeUrl(`${baseUrl}/v1/events`) // shown in the console's set-up instructions
    } catch (err) {
      if (!opts.tolerateListenFailure) throw err
      listenError = err as Error
      opts.logger.error({ err, port: opts.port }, 'intake server could not start')
    }
    return { core, server, credentials, baseUrl, listenError, unlock }
  } catch (err) {
    await core?.stop().catch(() => undefined)
    unlock()
    throw err
  }
}

/** KNOCKER_PORT or the default; refuses anything that is not a port number. */
export function portFrom(value: string | undefined): number {
  const port = Number(value ?? DEFAULT_PORT)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port: ${value}`)
  return port
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
}
