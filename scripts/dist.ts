// `npm run dist`: build, rebuild the native modules for Electron and package with
// electron-builder (config: electron-builder.yml; extra arguments are passed on, e.g.
// `npm run dist -- --linux deb`). Needs network: Electron's headers or a prebuilt
// better-sqlite3 for Electron's ABI, and electron-builder's packaging tools.
//
// electron-builder rebuilds better-sqlite3 in place in node_modules. The Node build is put
// back afterwards, so the tests (which run under Node's ABI) keep working. @electron/rebuild
// leaves a marker (build/Release/.forge-meta) that says "already built for Electron": left
// beside the restored Node build it would make the next `npm run dist` skip the rebuild and
// ship Node's build, so it is removed before building and again after restoring. Then every
// packaged app in release/ is checked: its better-sqlite3 must be built for Electron's ABI.
import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { nativeModuleAbi } from '../src/main/shell/nativeSqlite'
import { electronAbi } from './electron-native'

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..')

/** @electron/rebuild's "built for this ABI" marker, relative to a module's folder. */
export const REBUILD_MARKER = join('build', 'Release', '.forge-meta')
export const NATIVE_MODULE = join('build', 'Release', 'better_sqlite3.node')

export type RunStep = (script: string, args: string[]) => void

const runNode: RunStep = (script, args) => {
  const result = spawnSync(process.execPath, [join(projectRoot, script), ...args], { cwd: projectRoot, stdio: 'inherit' })
  if (result.status !== 0) throw new Error(`${script} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`)
}

/** Folders holding a packaged app.asar under release/ (linux-unpacked, win-unpacked, mac*\/Knocker.app/Contents/Resources). */
export function packagedResourceDirs(releaseDir: string, depth = 4): string[] {
  if (depth < 0 || !existsSync(releaseDir) || !statSync(releaseDir).isDirectory()) return []
  const entries = readdirSync(releaseDir)
  if (entries.includes('app.asar')) return [releaseDir]
  return entries.flatMap((entry) => packagedResourceDirs(join(releaseDir, entry), depth - 1))
}

/** What is wrong with the packaged better-sqlite3 builds (empty when each is Electron's). */
export function checkPackagedNative(releaseDir: string, expectedAbi: number): string[] {
  const dirs = packagedResourceDirs(releaseDir)
  if (dirs.length === 0) return [`no packaged app found under ${releaseDir}`]
  return dirs.flatMap((dir) => {
    const moduleDir = join(dir, 'app.asar.unpacked', 'node_modules', 'better-sqlite3')
    const native = join(moduleDir, NATIVE_MODULE)
    if (!existsSync(native)) return [`${native} is missing`]
    const problems: string[] = []
    const abi = nativeModuleAbi(native)
    if (abi !== expectedAbi) problems.push(`${native} is built for ABI ${abi ?? 'unknown'}, not Electron's ${expectedAbi}`)
    if (existsSync(join(moduleDir, REBUILD_MARKER))) problems.push(`${join(moduleDir, REBUILD_MARKER)} was shipped`)
    return problems
  })
}

export function dist(opts: { root?: string; args?: string[]; run?: RunStep; expectedAbi?: number } = {}): void {
  const root = opts.root ?? projectRoot
  const run = opts.run ?? runNode
  const moduleDir = join(root, 'node_modules', 'better-sqlite3')
  const nodeBuild = join(moduleDir, NATIVE_MODULE)
  const marker = join(moduleDir, REBUILD_MARKER)
  const backupDir = mkdtempSync(join(tmpdir(), 'knocker-dist-'))
  const backup = join(backupDir, 'better_sqlite3.node')
  const hadNodeBuild = existsSync(nodeBuild)
  if (hadNodeBuild) copyFileSync(nodeBuild, backup)
  rmSync(marker, { force: true }) // a marker from an earlier run would skip the rebuild
  try {
    run('node_modules/electron-vite/bin/electron-vite.js', ['build'])
    run('node_modules/electron-builder/cli.js', ['--publish', 'never', ...(opts.args ?? [])])
    const electronVersion = (JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string }).version
    const problems = checkPackagedNative(join(root, 'release'), opts.expectedAbi ?? electronAbi(electronVersion))
    if (problems.length > 0) throw new Error(`the package is not ready for Electron:\n- ${problems.join('\n- ')}`)
  } finally {
    if (hadNodeBuild) copyFileSync(backup, nodeBuild)
    rmSync(marker, { force: true }) // the Node build is back: the marker would lie
    rmSync(backupDir, { recursive: true, force: true })
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    dist({ args: process.argv.slice(2) })
  } catch (err) {
    console.error(`dist: ${(err as Error).message}`)
    process.exitCode = 1
  }
}
