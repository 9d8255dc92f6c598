// What the tests need beyond `npm ci`, found or provided: a Chromium for the end-to-end tests
// and a Python with Django for the Django package's tests. `npm test` runs this first, and so
// does CI (.ci/run), so the README's two lines are the whole set-up.
//
//   Chromium: CHROMIUM_PATH, else /usr/bin/chromium, else Playwright's own Chromium. Missing:
//     on Debian/Ubuntu as root `apt-get install chromium`; elsewhere `playwright install chromium`
//     (downloads it, so it needs the internet there).
//   Django: KNOCKER_PYTHON, python3, /usr/bin/python3 or the project's .venv-django, whichever
//     imports it. Missing: on Debian/Ubuntu as root `apt-get install python3-django`; elsewhere a
//     virtual environment in .venv-django with Django from the Python package index.
//
// Every install is announced before it runs; nothing outside the project changes except
// through the system's package manager. KNOCKER_NO_INSTALL=1 installs nothing: it says what is
// missing and exits with 3.
//
//   node --import tsx scripts/test-prerequisites.ts
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { findDjangoPython, VENV_DIR, venvPython } from './djangoPython'

const require = createRequire(import.meta.url)
const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..')

export const MISSING_EXIT_CODE = 3
export const DEBIAN_CHROMIUM = '/usr/bin/chromium'

export interface Host {
  platform: NodeJS.Platform
  env: NodeJS.ProcessEnv
  isRoot: boolean
  /** /etc/os-release's text, or '' where there is none. */
  osRelease: string
  exists(path: string): boolean
  /** Where Playwright's own Chromium is (installed or not). */
  playwrightChromium(): string
}

export const currentHost = (): Host => ({
  platform: process.platform,
  env: process.env,
  isRoot: process.getuid?.() === 0,
  osRelease: existsSync('/etc/os-release') ? readFileSync('/etc/os-release', 'utf8') : '',
  exists: existsSync,
  playwrightChromium: () => {
    // Resolved lazily: playwright-core reads its browser registry on import.
    const { chromium } = require('playwright-core') as typeof import('playwright-core')
    return chromium.executablePath()
  },
})

/** Debian or a derivative (Ubuntu, Mint …): apt-get is the package manager. */
export function isDebianLike(osRelease: string): boolean {
  const field = (name: string) => new RegExp(`^${name}=["']?([^"'\\n]*)`, 'm').exec(osRelease)?.[1] ?? ''
  return [field('ID'), ...field('ID_LIKE').split(/\s+/)].some((id) => id === 'debian' || id === 'ubuntu')
}

export type ChromiumChoice = { path: string; source: 'CHROMIUM_PATH' | 'system' } | { path: undefined; source: 'playwright' }

/**
 * The Chromium the end-to-end tests use (playwright.config.ts asks the same question), or null
 * when none is installed. `path: undefined` means Playwright's own, found where it installs it.
 */
export function findChromium(host: Host): ChromiumChoice | null {
  const fromEnv = host.env.CHROMIUM_PATH
  if (fromEnv) return host.exists(fromEnv) ? { path: fromEnv, source: 'CHROMIUM_PATH' } : null
  if (host.platform === 'linux' && host.exists(DEBIAN_CHROMIUM)) return { path: DEBIAN_CHROMIUM, source: 'system' }
  try {
    if (host.exists(host.playwrightChromium())) return { path: undefined, source: 'playwright' }
  } catch {
    // Playwright knows no Chromium build for this system.
  }
  return null
}

export interface Step {
  /** Said before it runs. */
  say: string
  command: string
  args: string[]
}

export type Plan = { steps: Step[] } | { missing: string }

const apt = (packageName: string): Step[] => [
  { say: `installing ${packageName} with apt-get (set KNOCKER_NO_INSTALL=1 to skip)`, command: 'apt-get', args: ['update', '-qq'] },
  { say: '', command: 'apt-get', args: ['install', '-y', '-qq', packageName] },
]

export function planChromium(host: Host): Plan {
  if (findChromium(host)) return { steps: [] }
  if (host.env.CHROMIUM_PATH) return { missing: `CHROMIUM_PATH is set to ${host.env.CHROMIUM_PATH}, which does not exist.` }
  const debianRoot = host.platform === 'linux' && isDebianLike(host.osRelease) && host.isRoot
  if (host.env.KNOCKER_NO_INSTALL) {
    return {
      missing:
        'No Chromium for the end-to-end tests. ' +
        (debianRoot ? 'Install it: apt-get install -y chromium' : 'Install it: npx playwright install chromium (needs the internet), or set CHROMIUM_PATH.'),
    }
  }
  if (debianRoot) return { steps: apt('chromium') }
  return {
    steps: [
      {
        say: "downloading Playwright's Chromium (npx playwright install chromium; needs the internet; set KNOCKER_NO_INSTALL=1 to skip)",
        command: process.execPath,
        args: [require.resolve('@playwright/test/cli'), 'install', 'chromium'],
      },
    ],
  }
}

export function planDjango(host: Host, hasDjango: () => boolean): Plan {
  if (hasDjango()) return { steps: [] }
  const debianRoot = host.platform === 'linux' && isDebianLike(host.osRelease) && host.isRoot
  if (host.env.KNOCKER_NO_INSTALL) {
    return {
      missing:
        'No Python with Django for the Django package’s tests. ' +
        (debianRoot
          ? 'Install it: apt-get install -y python3-django'
          : `Install it: python3 -m venv ${VENV_DIR} && ${venvPython(host.platform)} -m pip install "Django>=4.2,<6" (or set KNOCKER_PYTHON).`),
    }
  }
  if (debianRoot) return { steps: apt('python3-django') }
  const python = host.platform === 'win32' ? 'python' : 'python3'
  return {
    steps: [
      { say: `creating ${VENV_DIR}/ with Django from the Python package index (set KNOCKER_NO_INSTALL=1 to skip)`, command: python, args: ['-m', 'venv', VENV_DIR] },
      { say: '', command: venvPython(host.platform), args: ['-m', 'pip', 'install', '--quiet', 'Django>=4.2,<6'] },
    ],
  }
}

function carryOut(plan: Plan, what: string): string | null {
  if ('missing' in plan) return plan.missing
  for (const step of plan.steps) {
    if (step.say) console.log(`== ${step.say}`)
    const run = spawnSync(step.command, step.args, { cwd: projectRoot, stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
    if (run.status !== 0) return `${what}: \`${[step.command, ...step.args].join(' ')}\` failed (${run.error?.message ?? `exit ${run.status}`}).`
  }
  return null
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const host = currentHost()
  const problems = [
    carryOut(planChromium(host), 'Chromium'),
    carryOut(planDjango(host, () => findDjangoPython().python !== null), 'Django'),
  ].filter((p): p is string => p !== null)
  // Whatever was installed must now be found.
  if (problems.length === 0 && !findChromium(host)) problems.push('Chromium was installed but is still not found.')
  if (problems.length === 0 && findDjangoPython().python === null) problems.push('Django was installed but no Python imports it.')
  if (problems.length > 0) {
    for (const problem of problems) console.error(`test prerequisites: ${problem}`)
    process.exit(MISSING_EXIT_CODE)
  }
  const chromium = findChromium(host)!
  const django = findDjangoPython()
  console.log(
    `test prerequisites: Chromium ${chromium.path ?? "(Playwright's own)"}; Django ${'djangoVersion' in django ? django.djangoVersion : '?'} (${django.python})`,
  )
}
