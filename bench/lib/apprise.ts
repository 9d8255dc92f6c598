// Apprise (the Debian package), for the peer comparison: found on PATH, installed with apt
// when missing, and run with a shim that points its Discord plugin at the local mock.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { runCommand } from './command'
import { ROOT } from './paths'

export interface AppriseInstall {
  cli: string
  /** The interpreter of the apprise script (its shebang): the one that can import apprise. */
  python: string
  version: string
  installed_now: boolean
  install_seconds: number
}

export const SHIM_DIR = join(ROOT, 'bench/peer/apprise-shim')

async function which(command: string): Promise<string | null> {
  const found = await runCommand('sh', ['-c', `command -v ${command}`])
  return found.code === 0 ? found.stdout.trim() : null
}

/** apprise on PATH, or installed now with apt-get (as root, or through sudo without a password). */
export async function ensureApprise(log: (line: string) => void): Promise<AppriseInstall | { error: string }> {
  let installedNow = false
  let installSeconds = 0
  if (!(await which('apprise'))) {
    const apt = process.getuid?.() === 0 ? ['apt-get'] : ['sudo', '-n', 'apt-get']
    log(`peer: installing apprise (${apt.join(' ')} install -y apprise)…`)
    const started = performance.now()
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
    const install = () => runCommand(apt[0], [...apt.slice(1), 'install', '-y', 'apprise'], { env })
    let result = await install()
    if (result.code !== 0) {
      await runCommand(apt[0], [...apt.slice(1), 'update'], { env }) // a fresh machine has no package lists yet
      result = await install()
    }
    installSeconds = (performance.now() - started) / 1000
    if (result.code !== 0 || !(await which('apprise'))) {
      return { error: `apt-get install apprise failed: ${(result.stderr || result.stdout).trim().split('\n').pop()}` }
    }
    installedNow = true
  }
  const cli = (await which('apprise'))!
  const shebang = readFileSync(cli, 'utf8').split('\n')[0]
  const python = shebang.startsWith('#!') ? shebang.slice(2).trim().split(/\s+/)[0] : 'python3'
  if (!existsSync(python)) return { error: `apprise's interpreter ${python} is missing` }
  const version = (await runCommand(python, ['-c', 'import apprise; print(apprise.__version__)'])).stdout.trim()
  return { cli, python, version, installed_now: installedNow, install_seconds: installSeconds }
}

/** Environment for an apprise process talking to the mock at `mockUrl` instead of discord.com. */
export function appriseEnv(mockUrl: string): NodeJS.ProcessEnv {
  return { ...process.env, PYTHONPATH: SHIM_DIR, KNOCKER_BENCH_DISCORD_BASE: mockUrl }
}
