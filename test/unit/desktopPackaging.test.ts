// The desktop app's native module and packaging, tested without Electron: which better-sqlite3
// build each runtime loads, what is said when Electron's is missing, how `npm run electron:native`
// and `npm run dist` handle builds and @electron/rebuild's marker, and electron-builder.yml as
// electron-builder's own validator reads it.
import { createRequire } from 'node:module'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { inflateSync } from 'node:zlib'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { openDb } from '../../src/main/core/db/openDb'
import {
  ELECTRON_NATIVE_COMMAND,
  electronBindingFile,
  explainNativeModuleError,
  missingBindingMessage,
  nativeModuleAbi,
  sqliteBindingFor,
} from '../../src/main/shell/nativeSqlite'
import { TRAY_STATES } from '../../src/main/shell/trayState'
import { ElectronBindingError, electronAbi, electronBinaryProblem, ensureElectronBinding, type BuildBinding } from '../../scripts/electron-native'
import { checkPackagedNative, dist, NATIVE_MODULE, REBUILD_MARKER } from '../../scripts/dist'
import { BUILD_ONLY_PACKAGES, runtimeClosure } from '../../scripts/check-package'

const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
const require = createRequire(import.meta.url)
const nodeBuild = join(repoRoot, 'node_modules/better-sqlite3', NATIVE_MODULE)
const migrations = join(repoRoot, 'resources/migrations')

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'knocker-native-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** A file that reads as a native module built for `abi` (the symbol is all nativeModuleAbi looks at). */
const fakeNativeModule = (file: string, abi: number) => {
  mkdirSync(join(file, '..'), { recursive: true })
  writeFileSync(file, Buffer.concat([Buffer.from('\x7fELF padding '), Buffer.from(`node_register_module_v${abi}\0more`)]))
}

describe('which better-sqlite3 build is loaded', () => {
  const facts = { isPackaged: false, appPath: '/src/knocker', platform: 'linux' as const, arch: 'x64', sqliteVersion: () => '12.11.1' }

  it('the Node tests and `knocker serve` load better-sqlite3’s own build (Node’s ABI)', () => {
    expect(sqliteBindingFor({ ...facts, versions: process.versions })).toBeUndefined()
    expect(process.versions).not.toHaveProperty('electron')
    expect(nativeModuleAbi(nodeBuild)).toBe(Number(process.versions.modules))
  })

  it('a development run of Electron loads the Electron build beside it, named for its versions', () => {
    const versions = { ...process.versions, electron: '39.8.10', modules: '140' }
    expect(sqliteBindingFor({ ...facts, versions })).toBe(
      join('/src/knocker', '.electron-native', 'better_sqlite3-12.11.1-electron-39.8.10-linux-x64.node'),
    )
    // A packaged app carries its own build, rebuilt for Electron by `npm run dist`.
    expect(sqliteBindingFor({ ...facts, versions, isPackaged: true })).toBeUndefined()
  })

  it('openDb loads the binding it is given, and fails clearly on a missing or foreign one', () => {
    const copy = join(dir, 'better_sqlite3-copy.node')
    copyFileSync(nodeBuild, copy)
    const db = openDb(join(dir, 'a.db'), migrations, { nativeBinding: copy })
    expect(db.$client.pragma('journal_mode', { simple: true })).toBe('wal')
    db.$client.close()
    expect(() => openDb(join(dir, 'b.db'), migrations, { nativeBinding: join(dir, 'missing.node') })).toThrow(/missing\.node/)
    fakeNativeModule(join(dir, 'fake.node'), 140)
    expect(() => openDb(join(dir, 'c.db'), migrations, { nativeBinding: join(dir, 'fake.node') })).toThrow()
  })

  it('says what to run when the Electron build is missing or of another ABI', () => {
    const missing = missingBindingMessage({ electronVersion: '39.8.10', file: '/src/knocker/.electron-native/x.node' })
    expect(missing).toContain('Electron 39.8.10')
    expect(missing).toContain(ELECTRON_NATIVE_COMMAND)
    const mismatch = new Error(
      "The module '/src/knocker/node_modules/better-sqlite3/build/Release/better_sqlite3.node'\nwas compiled against a different Node.js version using\nNODE_MODULE_VERSION 115. This version of Node.js requires\nNODE_MODULE_VERSION 140. Please try re-compiling or re-installing",
    )
    expect(explainNativeModuleError(mismatch, { isPackaged: false })).toBe(
      "Knocker's database module (better-sqlite3) does not match this Electron. It was built for ABI 115; this Electron needs 140. Run `npm run electron:native` and start again.",
    )
    expect(explainNativeModuleError(mismatch, { isPackaged: true })).toContain('npm run dist')
    expect(explainNativeModuleError(new Error('disk full'), { isPackaged: false })).toBeNull()
  })
})

describe('npm run electron:native', () => {
  /** A project folder with the two package.json files the script reads and a better-sqlite3 with Node's build. */
  function project() {
    const root = join(dir, 'project')
    for (const [pkg, version] of [['electron', '39.8.10'], ['better-sqlite3', '12.11.1']]) {
      mkdirSync(join(root, 'node_modules', pkg), { recursive: true })
      writeFileSync(join(root, 'node_modules', pkg, 'package.json'), JSON.stringify({ name: pkg, version }))
    }
    writeFileSync(join(root, 'node_modules/better-sqlite3/binding.gyp'), '{}')
    fakeNativeModule(join(root, 'node_modules/better-sqlite3', NATIVE_MODULE), 115)
    const target = electronBindingFile(root, { electronVersion: '39.8.10', sqliteVersion: '12.11.1', platform: 'linux', arch: 'x64' })
    return { root, target, options: { root, platform: 'linux' as const, arch: 'x64', abiOf: () => 140, log: () => {} } }
  }
  const buildingFor = (abi: number): BuildBinding & ReturnType<typeof vi.fn> =>
    vi.fn(async ({ moduleDir }) => {
      // The copy the build gets has no build/ of Node's: it cannot be mistaken for done.
      expect(existsSync(join(moduleDir, 'build'))).toBe(false)
      expect(existsSync(join(moduleDir, 'binding.gyp'))).toBe(true)
      fakeNativeModule(join(moduleDir, NATIVE_MODULE), abi)
    })

  it('knows Electron’s ABI from node-abi', () => {
    expect(electronAbi('39.8.10')).toBe(140)
  })

  it('builds into .electron-native/ and leaves Node’s build untouched', async () => {
    const p = project()
    const build = buildingFor(140)
    expect(await ensureElectronBinding({ ...p.options, build })).toEqual({ file: p.target, built: true })
    expect(build).toHaveBeenCalledWith(expect.objectContaining({ electronVersion: '39.8.10', arch: 'x64' }))
    expect(nativeModuleAbi(p.target)).toBe(140)
    expect(nativeModuleAbi(join(p.root, 'node_modules/better-sqlite3', NATIVE_MODULE))).toBe(115)
    expect(existsSync(join(p.root, '.electron-native', `stage-${process.pid}`))).toBe(false) // cleaned up
  })

  it('returns at once when the build is there, and builds again with --force or for another ABI', async () => {
    const p = project()
    await ensureElectronBinding({ ...p.options, build: buildingFor(140) })
    const again = buildingFor(140)
    expect(await ensureElectronBinding({ ...p.options, build: again })).toEqual({ file: p.target, built: false })
    expect(again).not.toHaveBeenCalled()
    await ensureElectronBinding({ ...p.options, build: again, force: true })
    expect(again).toHaveBeenCalledTimes(1)
    fakeNativeModule(p.target, 115) // a stale or wrong file under the right name
    await ensureElectronBinding({ ...p.options, build: again })
    expect(again).toHaveBeenCalledTimes(2)
  })

  it('a failed build (no network, no compiler) ends in one clear message with what to run', async () => {
    const p = project()
    const offline: BuildBinding = async () => {
      throw new Error('getaddrinfo ENOTFOUND artifacts.electronjs.org\n    at GetAddrInfoReqWrap.onlookup')
    }
    const failure = await ensureElectronBinding({ ...p.options, build: offline }).catch((err: unknown) => err)
    expect(failure).toBeInstanceOf(ElectronBindingError)
    const message = (failure as Error).message
    expect(message).toContain('Could not build better-sqlite3 for Electron 39.8.10 (ABI 140): getaddrinfo ENOTFOUND artifacts.electronjs.org')
    expect(message).not.toContain('GetAddrInfoReqWrap') // one line of the cause, no stack
    expect(message).toContain('C++ toolchain')
    expect(message).toContain(`Then run: ${ELECTRON_NATIVE_COMMAND}`)
    expect(existsSync(p.target)).toBe(false)
  })

  it('refuses a build for the wrong ABI instead of installing it', async () => {
    const p = project()
    await expect(ensureElectronBinding({ ...p.options, build: buildingFor(115) })).rejects.toThrow(/the build is for ABI 115, not 140/)
    expect(existsSync(p.target)).toBe(false)
  })

  it('npm run dev / npm start say how to get Electron’s binary when it was skipped at install', () => {
    const root = join(dir, 'no-binary')
    mkdirSync(join(root, 'node_modules/electron'), { recursive: true })
    expect(electronBinaryProblem(root)).toContain('node node_modules/electron/install.js')
    writeFileSync(join(root, 'node_modules/electron/path.txt'), 'electron')
    expect(electronBinaryProblem(root)).toBeNull()
  })
})

describe('npm run dist', () => {
  /** A project where electron-builder is simulated: it rebuilds in place (unless the marker says it is done) and packages. */
  function distProject() {
    const root = join(dir, 'dist-project')
    const moduleDir = join(root, 'node_modules/better-sqlite3')
    mkdirSync(join(root, 'node_modules/electron'), { recursive: true })
    writeFileSync(join(root, 'node_modules/electron/package.json'), JSON.stringify({ version: '39.8.10' }))
    fakeNativeModule(join(moduleDir, NATIVE_MODULE), 115)
    const steps: string[] = []
    const run = (script: string) => {
      steps.push(script)
      if (!script.includes('electron-builder')) return
      // @electron/rebuild: skip when the marker says it is built for this ABI, else rebuild and mark.
      const marker = join(moduleDir, REBUILD_MARKER)
      if (!existsSync(marker) || readFileSync(marker, 'utf8') !== 'x64--140') {
        fakeNativeModule(join(moduleDir, NATIVE_MODULE), 140)
        writeFileSync(marker, 'x64--140')
      }
      const packaged = join(root, 'release/linux-unpacked/resources')
      mkdirSync(packaged, { recursive: true })
      writeFileSync(join(packaged, 'app.asar'), '')
      copyFileSync(join(moduleDir, NATIVE_MODULE), join(mkdirp(join(packaged, 'app.asar.unpacked/node_modules/better-sqlite3/build/Release')), 'better_sqlite3.node'))
    }
    return { root, moduleDir, run, steps }
  }
  const mkdirp = (path: string) => (mkdirSync(path, { recursive: true }), path)

  it('twice in a row ships Electron’s build both times, and puts Node’s build back without the marker', () => {
    const p = distProject()
    for (let round = 0; round < 2; round++) {
      rmSync(join(p.root, 'release'), { recursive: true, force: true })
      dist({ root: p.root, run: p.run, expectedAbi: 140 })
      expect(nativeModuleAbi(join(p.root, 'release/linux-unpacked/resources/app.asar.unpacked/node_modules/better-sqlite3', NATIVE_MODULE))).toBe(140)
      expect(nativeModuleAbi(join(p.moduleDir, NATIVE_MODULE))).toBe(115) // the tests keep working
      expect(existsSync(join(p.moduleDir, REBUILD_MARKER))).toBe(false)
    }
    expect(p.steps.filter((s) => s.includes('electron-builder'))).toHaveLength(2)
  })

  it('removes a marker left by an earlier run before building', () => {
    const p = distProject()
    writeFileSync(join(p.moduleDir, REBUILD_MARKER), 'x64--140') // beside Node's build: a lie
    dist({ root: p.root, run: p.run, expectedAbi: 140 })
    expect(nativeModuleAbi(join(p.root, 'release/linux-unpacked/resources/app.asar.unpacked/node_modules/better-sqlite3', NATIVE_MODULE))).toBe(140)
  })

  it('fails, and says why, when a package carries Node’s build or the marker', () => {
    const packaged = join(dir, 'release/win-unpacked/resources')
    mkdirSync(packaged, { recursive: true })
    writeFileSync(join(packaged, 'app.asar'), '')
    const moduleDir = join(packaged, 'app.asar.unpacked/node_modules/better-sqlite3')
    fakeNativeModule(join(moduleDir, NATIVE_MODULE), 115)
    writeFileSync(join(moduleDir, REBUILD_MARKER), 'x64--140')
    const problems = checkPackagedNative(join(dir, 'release'), 140)
    expect(problems).toEqual([
      `${join(moduleDir, NATIVE_MODULE)} is built for ABI 115, not Electron's 140`,
      `${join(moduleDir, REBUILD_MARKER)} was shipped`,
    ])
    expect(checkPackagedNative(join(dir, 'nothing'), 140)).toEqual([`no packaged app found under ${join(dir, 'nothing')}`])
    // dist itself refuses: the simulated builder here ships whatever is in node_modules without rebuilding.
    const p = distProject()
    expect(() => dist({ root: p.root, run: () => p.run('node_modules/electron-vite/bin/electron-vite.js'), expectedAbi: 140 })).toThrow(
      /no packaged app found/,
    )
    expect(nativeModuleAbi(join(p.moduleDir, NATIVE_MODULE))).toBe(115)
  })
})

describe('electron-builder.yml', () => {
  const config = () => require('js-yaml').load(readFileSync(join(repoRoot, 'electron-builder.yml'), 'utf8'))

  it("passes electron-builder's own schema validation", async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config')
    const { DebugLogger } = require('builder-util')
    await expect(validateConfiguration(config(), new DebugLogger(false))).resolves.toBeUndefined()
  })

  it('re-signs the Electron binary ad hoc after the fuses rewrite it (Apple Silicon kills an invalid signature)', () => {
    expect(config().electronFuses).toMatchObject({ resetAdHocDarwinSignature: true, runAsNode: false, onlyLoadAppFromAsar: true })
  })

  it('the deb recommends the AppIndicator library (tray) next to the keyring (safeStorage)', () => {
    const recommends: string[] = config().deb.recommends
    expect(recommends.some((r) => /appindicator3-1/.test(r))).toBe(true)
    expect(recommends).toContain('gnome-keyring')
  })

  it('ships neither the rebuild marker nor prebuild-install and what only it needs', () => {
    const files: string[] = config().files
    expect(files).toContain('!node_modules/better-sqlite3/build/Release/.forge-meta')
    const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8'))
    const runtime = runtimeClosure(lock, BUILD_ONLY_PACKAGES)
    const buildOnly = [...runtimeClosure(lock)].filter((p) => !runtime.has(p)).map((p) => p.replace('node_modules/', ''))
    expect(buildOnly).toContain('prebuild-install')
    const excluded = /^!node_modules\/\{([^}]+)\}\/\*\*$/.exec(files.find((f) => f.includes('prebuild-install'))!)![1].split(',')
    expect(excluded.sort()).toEqual(buildOnly.sort())
    expect(runtime.has('node_modules/bindings')).toBe(true) // better-sqlite3 needs this one at run time
  })

  it('package.json names the Linux desktop entry and the product', () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'))
    expect(pkg.desktopName).toBe('knocker.desktop')
    expect(pkg.productName).toBe('Knocker')
    expect(pkg.scripts.postinstall).toBeUndefined() // never rebuild for Electron at install
    expect(pkg.scripts.dev).toContain('scripts/electron-native.ts')
    expect(pkg.scripts.start).toContain('scripts/electron-native.ts')
  })
})

describe('tray icons', () => {
  const size = (file: string) => {
    const png = readFileSync(join(repoRoot, 'resources/tray', file))
    return [png.readUInt32BE(16), png.readUInt32BE(20)]
  }

  it('16 px with an @2x of 32 px for every state, coloured and template', () => {
    for (const state of TRAY_STATES) {
      for (const variant of ['', 'Template']) {
        expect(size(`${state}${variant}.png`), `${state}${variant}.png`).toEqual([16, 16])
        expect(size(`${state}${variant}@2x.png`), `${state}${variant}@2x.png`).toEqual([32, 32])
      }
    }
  })

  it('template images are black and alpha only (macOS tints them), and the states differ in shape', () => {
    // The PNGs are written unfiltered (filter byte 0 per row), so inflating IDAT gives the pixels.
    const pixels = (file: string) => {
      const png = readFileSync(join(repoRoot, 'resources/tray', file))
      const idat = png.indexOf('IDAT')
      const raw = inflateSync(png.subarray(idat + 4, idat + 4 + png.readUInt32BE(idat - 4)))
      const width = png.readUInt32BE(16)
      const rgba: number[][] = []
      for (let row = 0; row * (1 + width * 4) < raw.length; row++) {
        const start = row * (1 + width * 4)
        expect(raw[start]).toBe(0)
        for (let x = 0; x < width; x++) rgba.push([...raw.subarray(start + 1 + x * 4, start + 5 + x * 4)])
      }
      return rgba
    }
    const alphas = new Set<string>()
    for (const state of TRAY_STATES) {
      const image = pixels(`${state}Template@2x.png`)
      expect(image.every(([r, g, b]) => r === 0 && g === 0 && b === 0), state).toBe(true)
      expect(image.some(([, , , a]) => a > 0), state).toBe(true)
      alphas.add(image.map(([, , , a]) => a).join(','))
    }
    expect(alphas.size).toBe(TRAY_STATES.length)
  })
})
