// Checks what electron-builder puts in the package, without network and without Electron's
// binary: `electron-builder --dir` for Linux with a stand-in Electron folder (a dummy
// executable), no native rebuild and no fuses (both need the real binary). Then it reads the
// asar: the migrations and icons must be inside it, better-sqlite3's native module outside it,
// built for the ABI expected (here Node's, since nothing was rebuilt; `npm run dist` checks its
// real packages for Electron's), without @electron/rebuild's marker, and no build-only package
// (prebuild-install and what only it needs) may ship while every runtime package does.
//
//   node --import tsx scripts/check-package.ts        (after `npm run build`)
//
// It proves the file layout only: that the packaged app starts, and the fuses, can only be
// checked with the real Electron binary (`npm run dist` on a machine with network).
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { listPackage } from '@electron/asar'
import { Arch, build, Platform } from 'electron-builder'
import { TRAY_STATES } from '../src/main/shell/trayState'
import { checkPackagedNative } from './dist'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

/** Packages that only install-time tools need: shipped, they are dead weight the app never runs. */
export const BUILD_ONLY_PACKAGES = ['prebuild-install']

export async function packageWithStandInElectron(workDir: string): Promise<string> {
  const electronDist = join(workDir, 'stand-in-electron')
  mkdirSync(join(electronDist, 'resources'), { recursive: true })
  writeFileSync(join(electronDist, 'electron'), '#!/bin/sh\necho "stand-in for Electron: not runnable" >&2\nexit 1\n')
  chmodSync(join(electronDist, 'electron'), 0o755)
  writeFileSync(join(electronDist, 'LICENSE'), 'stand-in\n')
  writeFileSync(join(electronDist, 'version'), 'stand-in\n')
  const output = join(workDir, 'release')
  await build({
    projectDir: root,
    targets: Platform.LINUX.createTarget('dir', Arch.x64),
    publish: 'never',
    config: {
      extends: join(root, 'electron-builder.yml'),
      electronDist,
      npmRebuild: false,
      electronFuses: null,
      directories: { output },
    },
  })
  return join(output, 'linux-unpacked')
}

interface LockPackage {
  dependencies?: Record<string, string>
  optionalDependencies?: Record<string, string>
}

/**
 * The runtime packages (package-lock paths) reachable from package.json's dependencies,
 * leaving out the subtrees of `skip` (their packages that nothing else needs).
 */
export function runtimeClosure(lock: { packages: Record<string, LockPackage> }, skip: readonly string[] = []): Set<string> {
  const packages = lock.packages
  const resolve = (from: string, name: string): string | null => {
    let base = from
    for (;;) {
      const candidate = `${base ? `${base}/` : ''}node_modules/${name}`
      if (packages[candidate]) return candidate
      if (!base) return null
      const parent = base.lastIndexOf('/node_modules/')
      base = parent < 0 ? '' : base.slice(0, parent)
    }
  }
  const skipped = new Set(skip.map((name) => `node_modules/${name}`))
  const seen = new Set<string>()
  const stack = Object.keys(packages['']?.dependencies ?? {}).map((name) => resolve('', name))
  while (stack.length > 0) {
    const path = stack.pop()
    if (!path || seen.has(path) || skipped.has(path)) continue
    seen.add(path)
    const deps = { ...packages[path].dependencies, ...packages[path].optionalDependencies }
    for (const name of Object.keys(deps)) stack.push(resolve(path, name))
  }
  return seen
}

/** What is wrong with the unpacked app (empty when the layout is right). */
export function checkLayout(appDir: string, opts: { expectedAbi: number }): string[] {
  const problems: string[] = []
  const resources = join(appDir, 'resources')
  const asar = join(resources, 'app.asar')
  if (!existsSync(asar)) return [`no ${asar}`]
  const inside = new Set(listPackage(asar, { isPack: false }).map((p) => p.replaceAll('\\', '/')))
  const migrations = readdirSync(join(root, 'resources/migrations')).filter((f) => f.endsWith('.sql'))
  for (const file of [...migrations, 'meta/_journal.json']) {
    if (!inside.has(`/resources/migrations/${file}`)) problems.push(`migration ${file} is not in app.asar`)
  }
  const trayIcons = TRAY_STATES.flatMap((s) => [`${s}.png`, `${s}@2x.png`, `${s}Template.png`, `${s}Template@2x.png`])
  for (const file of [
    '/out/main/index.js',
    '/out/preload/index.cjs',
    '/out/renderer/index.html',
    '/resources/icon-512.png',
    ...trayIcons.map((icon) => `/resources/tray/${icon}`),
    '/package.json',
  ]) {
    if (!inside.has(file)) problems.push(`${file} is not in app.asar`)
  }
  problems.push(...checkPackagedNative(resources, opts.expectedAbi))
  for (const leftover of ['deps', 'src']) {
    if (existsSync(join(resources, `app.asar.unpacked/node_modules/better-sqlite3/${leftover}`))) {
      problems.push(`better-sqlite3's ${leftover}/ was shipped`)
    }
  }
  for (const path of inside) {
    if (path.startsWith('/src/') || path.startsWith('/test/') || path.startsWith('/node_modules/electron/')) {
      problems.push(`${path} should not be packaged`)
      break
    }
  }
  // Shipped packages, asar and unpacked together, against the lockfile's runtime closure.
  const unpacked = join(resources, 'app.asar.unpacked', 'node_modules')
  const shipped = new Set([...inside].map((p) => /^\/(node_modules\/(?:@[^/]+\/)?[^/]+)\/package\.json$/.exec(p)?.[1]).filter(Boolean))
  if (existsSync(unpacked)) for (const name of readdirSync(unpacked)) shipped.add(`node_modules/${name}`)
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'))
  const runtime = runtimeClosure(lock, BUILD_ONLY_PACKAGES)
  const buildOnly = [...runtimeClosure(lock)].filter((p) => !runtime.has(p))
  for (const path of buildOnly) if (shipped.has(path)) problems.push(`${path} is only needed at install time but was packaged`)
  for (const path of runtime) {
    if (!path.includes('/node_modules/', 1) && !shipped.has(path)) problems.push(`${path} is needed at run time but is not packaged`)
  }
  return problems
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const workDir = mkdtempSync(join(tmpdir(), 'knocker-package-'))
  try {
    // The stand-in skips the rebuild, so the package carries Node's build of better-sqlite3.
    const problems = checkLayout(await packageWithStandInElectron(workDir), { expectedAbi: Number(process.versions.modules) })
    if (problems.length > 0) {
      console.error(`package layout check failed:\n- ${problems.join('\n- ')}`)
      process.exitCode = 1
    } else {
      console.log(
        'package layout ok: migrations and icons inside app.asar, better-sqlite3 unpacked without its rebuild marker, ' +
          'no install-time packages (fuses and the Electron rebuild not checked: stand-in Electron)',
      )
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true })
  }
}
