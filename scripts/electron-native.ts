// `npm run electron:native`: builds better-sqlite3 for this project's Electron into
// .electron-native/, beside Node's build, which it never touches (the tests keep working).
// `npm run dev` and `npm start` run it first (with --require-electron) and it returns at once
// when the build is already there. Needs internet access (a prebuilt binary from better-sqlite3's
// releases, or Electron's headers) and, where no prebuilt binary exists, a C++ toolchain.
//
//   node --import tsx scripts/electron-native.ts [--force] [--require-electron]
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import {
  ELECTRON_NATIVE_COMMAND,
  ELECTRON_NATIVE_DIR,
  electronBindingFile,
  nativeModuleAbi,
} from '../src/main/shell/nativeSqlite'

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..')

export interface BuildRequest {
  /** A throw-away project whose node_modules holds a copy of better-sqlite3 (without its build). */
  stageDir: string
  moduleDir: string
  electronVersion: string
  arch: string
}
export type BuildBinding = (request: BuildRequest) => Promise<void>

export class ElectronBindingError extends Error {}

const readVersion = (root: string, pkg: string): string =>
  (JSON.parse(readFileSync(join(root, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version

/** @electron/rebuild: a prebuilt binary for Electron's ABI when one exists, else node-gyp with Electron's headers. */
export const rebuildForElectron: BuildBinding = async ({ stageDir, electronVersion, arch }) => {
  const { rebuild } = await import('@electron/rebuild')
  await rebuild({ buildPath: stageDir, electronVersion, arch, onlyModules: ['better-sqlite3'], force: true })
}

/** Electron's NODE_MODULE_VERSION for a version (node-abi's table). */
export function electronAbi(electronVersion: string): number {
  const { getAbi } = createRequire(import.meta.url)('node-abi') as { getAbi(target: string, runtime: string): string }
  return Number(getAbi(electronVersion, 'electron'))
}

export async function ensureElectronBinding(opts: {
  root?: string
  build?: BuildBinding
  force?: boolean
  platform?: NodeJS.Platform
  arch?: string
  abiOf?: (electronVersion: string) => number
  log?: (line: string) => void
}): Promise<{ file: string; built: boolean }> {
  const root = opts.root ?? projectRoot
  const platform = opts.platform ?? process.platform
  const arch = opts.arch ?? process.arch
  const log = opts.log ?? ((line) => console.log(line))
  const electronVersion = readVersion(root, 'electron')
  const sqliteVersion = readVersion(root, 'better-sqlite3')
  const abi = (opts.abiOf ?? electronAbi)(electronVersion)
  const file = electronBindingFile(root, { electronVersion, sqliteVersion, platform, arch })

  if (!opts.force && existsSync(file) && nativeModuleAbi(file) === abi) return { file, built: false }

  log(`Building better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} (ABI ${abi}) into ${ELECTRON_NATIVE_DIR}/ …`)
  const stageDir = join(root, ELECTRON_NATIVE_DIR, `stage-${process.pid}`)
  const moduleDir = join(stageDir, 'node_modules', 'better-sqlite3')
  try {
    rmSync(stageDir, { recursive: true, force: true })
    // A copy without Node's build: the rebuild can't mistake it for done, and Node's stays put.
    const nodeBuild = join(root, 'node_modules', 'better-sqlite3', 'build')
    cpSync(join(root, 'node_modules', 'better-sqlite3'), moduleDir, {
      recursive: true,
      filter: (source) => source !== nodeBuild && !source.startsWith(nodeBuild + sep),
    })
    writeFileSync(
      join(stageDir, 'package.json'),
      JSON.stringify({ name: 'knocker-electron-native', private: true, dependencies: { 'better-sqlite3': sqliteVersion } }),
    )
    try {
      await (opts.build ?? rebuildForElectron)({ stageDir, moduleDir, electronVersion, arch })
    } catch (err) {
      throw new ElectronBindingError(failureMessage(electronVersion, abi, (err as Error).message ?? String(err)))
    }
    const built = join(moduleDir, 'build', 'Release', 'better_sqlite3.node')
    if (!existsSync(built)) throw new ElectronBindingError(failureMessage(electronVersion, abi, `the build left no ${built}`))
    const builtAbi = nativeModuleAbi(built)
    if (builtAbi !== abi) {
      throw new ElectronBindingError(failureMessage(electronVersion, abi, `the build is for ABI ${builtAbi ?? 'unknown'}, not ${abi}`))
    }
    mkdirSync(dirname(file), { recursive: true })
    copyFileSync(built, `${file}.tmp`)
    renameSync(`${file}.tmp`, file) // never half a file under the name the app loads
    log(`Electron build of better-sqlite3 ready: ${file}`)
    return { file, built: true }
  } finally {
    rmSync(stageDir, { recursive: true, force: true })
  }
}

function failureMessage(electronVersion: string, abi: number, reason: string): string {
  return [
    `Could not build better-sqlite3 for Electron ${electronVersion} (ABI ${abi}): ${reason.trim().split('\n')[0]}`,
    'The desktop app needs it; the tests and `npm run serve` do not.',
    'It needs internet access (a prebuilt binary, or Electron’s headers) and, where no prebuilt binary exists, a C++ toolchain:',
    '  Linux: build-essential and python3 · macOS: xcode-select --install · Windows: Visual Studio Build Tools ("Desktop development with C++")',
    `Then run: ${ELECTRON_NATIVE_COMMAND}`,
  ].join('\n')
}

/** `npm run dev`/`npm start` need Electron's binary, which an install with ELECTRON_SKIP_BINARY_DOWNLOAD=1 lacks. */
export function electronBinaryProblem(root: string = projectRoot): string | null {
  if (existsSync(join(root, 'node_modules', 'electron', 'path.txt'))) return null
  return (
    "Electron's binary is not installed (npm ci ran with ELECTRON_SKIP_BINARY_DOWNLOAD=1, or its download failed). " +
    'Run: node node_modules/electron/install.js (needs internet access)'
  )
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: { force: { type: 'boolean', default: false }, 'require-electron': { type: 'boolean', default: false } },
  })
  const problem = values['require-electron'] ? electronBinaryProblem() : null
  if (problem) {
    console.error(problem)
    process.exit(1)
  }
  try {
    await ensureElectronBinding({ force: values.force })
  } catch (err) {
    console.error(err instanceof ElectronBindingError ? err.message : err)
    process.exit(1)
  }
}
