// The headless shell as a child process (tsx, real data dir, port 0), for tests that kill it.
import { spawn, type ChildProcess } from 'node:child_process'
import { resolve } from 'node:path'
import { waitFor } from './harness'

const ROOT = resolve(__dirname, '../..')
export const CHILD_INGEST = 'crash-test-ingest-token-000'
export const CHILD_ADMIN = 'crash-test-admin-token-0000'

export interface ChildShell {
  child: ChildProcess
  url: string
  output: () => string
  exited: Promise<number | null>
}

export async function startChildShell(dataDir: string, timeoutMs = 20_000): Promise<ChildShell> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/main/headless.ts', 'serve', '--port', '0', '--data-dir', dataDir, '--allow-private-targets'],
    { cwd: ROOT, env: { ...process.env, KNOCKER_INGEST_TOKEN: CHILD_INGEST, KNOCKER_ADMIN_TOKEN: CHILD_ADMIN, KNOCKER_LOG_LEVEL: 'warn' } },
  )
  let out = ''
  child.stdout!.on('data', (d) => (out += d))
  child.stderr!.on('data', (d) => (out += d))
  const exited = new Promise<number | null>((ok) => child.on('exit', (code) => ok(code)))
  const url = await waitFor(() => /listening on (http:\/\/\S+)/.exec(out)?.[1], timeoutMs, `the shell to listen:\n${out}`)
  return { child, url, output: () => out, exited }
}

/** One call to the child's HTTP API with a token; JSON both ways. */
export async function callChild(shell: ChildShell, method: string, path: string, token: string, body?: unknown) {
  const res = await fetch(shell.url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: res.status, json: await res.json() }
}
