// Starts the BUILT headless shell (out/main/headless.js) on a free port with a fresh data dir,
// exactly as `knocker serve` runs it, and stops it with SIGTERM like a service manager would.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export interface HeadlessShell {
  url: string
  adminToken: string
  ingestToken: string
  dataDir: string
  /** Everything the shell printed so far (stdout and stderr), for failure messages. */
  output(): string
  stop(): Promise<void>
}

const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
export const HEADLESS_ENTRY = join(repoRoot, 'out/main/headless.js')

const LISTENING = /listening on (http:\/\/127\.0\.0\.1:\d+)/

export async function startHeadlessShell(opts: { startTimeoutMs?: number } = {}): Promise<HeadlessShell> {
  if (!existsSync(HEADLESS_ENTRY)) {
    throw new Error(`${HEADLESS_ENTRY} is missing: run \`npx electron-vite build\` before the e2e tests`)
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'knocker-e2e-'))
  const adminToken = `e2e-admin-token-${randomBytes(12).toString('hex')}`
  const ingestToken = `e2e-ingest-token-${randomBytes(12).toString('hex')}`

  const child = spawn(
    process.execPath,
    [HEADLESS_ENTRY, 'serve', '--port', '0', '--data-dir', dataDir, '--allow-private-targets'],
    {
      cwd: repoRoot,
      env: { ...process.env, KNOCKER_ADMIN_TOKEN: adminToken, KNOCKER_INGEST_TOKEN: ingestToken },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let log = ''
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`headless shell did not print "listening on …" within ${opts.startTimeoutMs ?? 20_000} ms:\n${log}`)),
      opts.startTimeoutMs ?? 20_000,
    )
    const onData = (chunk: Buffer) => {
      log += chunk.toString('utf8')
      const match = LISTENING.exec(log)
      if (match) {
        clearTimeout(timer)
        resolve(match[1])
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`headless shell exited with code ${code} before listening:\n${log}`))
    })
  }).catch(async (error: unknown) => {
    child.kill('SIGKILL')
    await rm(dataDir, { recursive: true, force: true })
    throw error
  })

  let stopped: Promise<void> | null = null
  const stop = () => {
    stopped ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 10_000).unref())
        if ((await Promise.race([exited, timeout])) === 'timeout') {
          child.kill('SIGKILL')
          await exited
          throw new Error(`headless shell ignored SIGTERM for 10 s:\n${log}`)
        }
      }
      await rm(dataDir, { recursive: true, force: true })
    })()
    return stopped
  }

  return { url, adminToken, ingestToken, dataDir, output: () => log, stop }
}
