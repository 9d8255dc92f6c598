// scripts/test-prerequisites.ts decides what the tests need and how to get it, per system,
// without installing anything here (fake hosts).
import { describe, expect, it } from 'vitest'
import { findChromium, isDebianLike, planChromium, planDjango, type Host } from '../../scripts/test-prerequisites'

const DEBIAN = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nID=debian\n'
const UBUNTU = 'NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\n'
const MINT = 'NAME="Linux Mint"\nID=linuxmint\nID_LIKE="ubuntu debian"\n'
const FEDORA = 'NAME="Fedora Linux"\nID=fedora\n'

function host(over: Partial<Host> & { files?: string[] } = {}): Host {
  const files = new Set(over.files ?? [])
  return {
    platform: 'linux',
    env: {},
    isRoot: false,
    osRelease: DEBIAN,
    exists: (path) => files.has(path),
    playwrightChromium: () => '/home/dev/.cache/ms-playwright/chromium-1200/chrome-linux/chrome',
    ...over,
  }
}
const commands = (plan: ReturnType<typeof planChromium>) => ('steps' in plan ? plan.steps.map((s) => [s.command, ...s.args].join(' ')) : plan)

describe('test prerequisites', () => {
  it('recognises Debian and its derivatives from os-release', () => {
    expect(isDebianLike(DEBIAN)).toBe(true)
    expect(isDebianLike(UBUNTU)).toBe(true)
    expect(isDebianLike(MINT)).toBe(true)
    expect(isDebianLike(FEDORA)).toBe(false)
    expect(isDebianLike('')).toBe(false)
  })

  it('finds Chromium: CHROMIUM_PATH, then Debian’s, then Playwright’s own', () => {
    expect(findChromium(host({ env: { CHROMIUM_PATH: '/opt/chrome' }, files: ['/opt/chrome', '/usr/bin/chromium'] }))).toEqual({
      path: '/opt/chrome',
      source: 'CHROMIUM_PATH',
    })
    expect(findChromium(host({ env: { CHROMIUM_PATH: '/opt/missing' }, files: ['/usr/bin/chromium'] }))).toBeNull()
    expect(findChromium(host({ files: ['/usr/bin/chromium'] }))).toEqual({ path: '/usr/bin/chromium', source: 'system' })
    const playwrights = host({ platform: 'darwin', playwrightChromium: () => '/Users/dev/Library/Caches/ms-playwright/chromium/Chromium' })
    expect(findChromium({ ...playwrights, exists: (p) => p.includes('ms-playwright') })).toEqual({ path: undefined, source: 'playwright' })
    expect(findChromium(host({ platform: 'darwin' }))).toBeNull()
    expect(findChromium(host({ playwrightChromium: () => { throw new Error('unsupported platform') } }))).toBeNull()
  })

  it('nothing to do when Chromium and Django are there', () => {
    expect(planChromium(host({ files: ['/usr/bin/chromium'], isRoot: true }))).toEqual({ steps: [] })
    expect(planDjango(host({ isRoot: true }), () => true)).toEqual({ steps: [] })
  })

  it('Debian or Ubuntu as root: apt-get, announced before it runs', () => {
    for (const osRelease of [DEBIAN, UBUNTU]) {
      const plan = planChromium(host({ isRoot: true, osRelease }))
      expect(commands(plan)).toEqual(['apt-get update -qq', 'apt-get install -y -qq chromium'])
      expect('steps' in plan && plan.steps[0].say).toMatch(/installing chromium with apt-get.*KNOCKER_NO_INSTALL=1/)
      expect(commands(planDjango(host({ isRoot: true, osRelease }), () => false))).toEqual([
        'apt-get update -qq',
        'apt-get install -y -qq python3-django',
      ])
    }
  })

  it('Debian without root: Playwright’s Chromium, like every system apt-get can’t serve', () => {
    expect(commands(planChromium(host()))).toEqual([expect.stringMatching(/cli\.js install chromium$/)])
  })

  it('macOS, Windows and other Linux: Playwright’s Chromium and a Django virtual environment', () => {
    for (const h of [host({ platform: 'darwin', osRelease: '' }), host({ osRelease: FEDORA, isRoot: true })]) {
      const chromium = commands(planChromium(h)) as string[]
      expect(chromium).toHaveLength(1)
      expect(chromium[0]).toMatch(/cli\.js install chromium$/)
      expect(commands(planDjango(h, () => false))).toEqual([
        'python3 -m venv .venv-django',
        '.venv-django/bin/python -m pip install --quiet Django>=4.2,<6',
      ])
    }
    expect(commands(planDjango(host({ platform: 'win32', osRelease: '' }), () => false))).toEqual([
      'python -m venv .venv-django',
      '.venv-django\\Scripts\\python.exe -m pip install --quiet Django>=4.2,<6'.replaceAll('\\', process.platform === 'win32' ? '\\' : '/'),
    ])
  })

  it('KNOCKER_NO_INSTALL=1 installs nothing and says what is missing', () => {
    const env = { KNOCKER_NO_INSTALL: '1' }
    expect(planChromium(host({ env, isRoot: true }))).toEqual({ missing: expect.stringContaining('apt-get install -y chromium') })
    expect(planChromium(host({ env, platform: 'darwin' }))).toEqual({ missing: expect.stringContaining('npx playwright install chromium') })
    expect(planDjango(host({ env, isRoot: true }), () => false)).toEqual({ missing: expect.stringContaining('python3-django') })
    expect(planDjango(host({ env, platform: 'darwin' }), () => false)).toEqual({ missing: expect.stringContaining('.venv-django') })
  })
})
