// The headless shell as a black box: the built out/main/headless.js in a child process, on a
// free port of 127.0.0.1, with its own data dir. Only its HTTP API is used to talk to it.
import { createHttpAdminApi } from '../../src/shared/adminHttpClient'
import type { AdminApi } from '../../src/shared/contracts'
import { HEADLESS_JS } from './build'
import { startChildServer, type ChildServer } from './childServer'
import { tempDir } from './cleanup'

export const INGEST_TOKEN = 'bench-ingest-token-0000000000'
export const ADMIN_TOKEN = 'bench-admin-token-00000000000'

export interface Shell extends ChildServer {
  dataDir: string
  admin: AdminApi
}

export interface ShellOptions {
  /** A data dir to use and keep (seeded history); default a temp dir removed on stop/kill. */
  dataDir?: string
  /** Default: Knocker's own default (info), as a museum runs it. */
  logLevel?: string
}

export async function startShell(opts: ShellOptions = {}): Promise<Shell> {
  const temp = opts.dataDir ? null : tempDir('data')
  const dataDir = opts.dataDir ?? temp!.path
  const env: NodeJS.ProcessEnv = { ...process.env, KNOCKER_INGEST_TOKEN: INGEST_TOKEN, KNOCKER_ADMIN_TOKEN: ADMIN_TOKEN }
  if (opts.logLevel) env.KNOCKER_LOG_LEVEL = opts.logLevel
  else delete env.KNOCKER_LOG_LEVEL
  const child = await startChildServer(
    [HEADLESS_JS, 'serve', '--port', '0', '--data-dir', dataDir, '--allow-private-targets'],
    env,
  ).catch((error) => {
    temp?.remove()
    throw error
  })
  const thenRemove = (end: () => Promise<void>) => async () => {
    await end()
    temp?.remove()
  }
  return {
    ...child,
    dataDir,
    admin: createHttpAdminApi({ baseUrl: child.url, token: () => ADMIN_TOKEN }),
    stop: thenRemove(child.stop),
    kill: thenRemove(child.kill),
  }
}
