// better-sqlite3 is a native module built for one ABI. `npm ci` builds it for Node (the tests
// and `knocker serve`); Electron needs its own build. The two live side by side:
//   node_modules/better-sqlite3/build/Release/   Node's build (never touched by the desktop paths)
//   .electron-native/<name from electronBindingFile>  Electron's build, made by `npm run electron:native`
// A packaged app carries its own (rebuilt for Electron by `npm run dist`) in app.asar.unpacked.
// No `electron` import here: the scripts and the Node tests use the same functions.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

/** The folder of Electron builds, at the project root (kept out of git and of the package). */
export const ELECTRON_NATIVE_DIR = '.electron-native'
/** The one command that builds (or rebuilds) the Electron binding. */
export const ELECTRON_NATIVE_COMMAND = 'npm run electron:native'

export interface BindingTarget {
  electronVersion: string
  sqliteVersion: string
  platform: NodeJS.Platform
  arch: string
}

/** One file per Electron and better-sqlite3 version and platform, so an upgrade never loads a stale build. */
export function electronBindingFile(projectRoot: string, target: BindingTarget): string {
  const name = `better_sqlite3-${target.sqliteVersion}-electron-${target.electronVersion}-${target.platform}-${target.arch}.node`
  return join(projectRoot, ELECTRON_NATIVE_DIR, name)
}

export interface RuntimeFacts {
  /** process.versions: `electron` is set only inside Electron. */
  versions: NodeJS.ProcessVersions & { electron?: string }
  isPackaged: boolean
  /** app.getAppPath(): the project root in a development run. */
  appPath: string
  platform: NodeJS.Platform
  arch: string
  /** better-sqlite3's version (read only when the Electron build is wanted). */
  sqliteVersion: () => string
}

/**
 * Which native binding better-sqlite3 should load (its `nativeBinding` option):
 * - under Node (tests, `knocker serve`), and in a packaged app (rebuilt in place by
 *   `npm run dist`): undefined, i.e. better-sqlite3's own build/Release file;
 * - in a development run of Electron (`npm run dev`, `npm start`): the Electron build.
 */
export function sqliteBindingFor(facts: RuntimeFacts): string | undefined {
  const electronVersion = facts.versions.electron
  if (!electronVersion || facts.isPackaged) return undefined
  return electronBindingFile(facts.appPath, {
    electronVersion,
    sqliteVersion: facts.sqliteVersion(),
    platform: facts.platform,
    arch: facts.arch,
  })
}

/**
 * The NODE_MODULE_VERSION a native module was built for, read from the symbol every
 * non-N-API module exports (`node_register_module_v<ABI>`; ELF, Mach-O and PE alike).
 * Null when the file has none.
 */
export function nativeModuleAbi(file: string): number | null {
  const found = /node_register_module_v(\d+)/.exec(readFileSync(file).toString('latin1'))
  return found ? Number(found[1]) : null
}

/** Words for a person: what is wrong with the database module and the one thing to do. */
export function missingBindingMessage(opts: { electronVersion: string; file: string }): string {
  return (
    `Knocker's database module (better-sqlite3) has no build for Electron ${opts.electronVersion} yet ` +
    `(looked for ${opts.file}). Run \`${ELECTRON_NATIVE_COMMAND}\` in the project folder ` +
    '(it needs internet access, and a C++ toolchain where no prebuilt binary exists), then start again. ' +
    '`npm run dev` and `npm start` run it for you.'
  )
}

/**
 * Turns better-sqlite3's ABI mismatch ("was compiled against a different Node.js version
 * using NODE_MODULE_VERSION 115 …") into what to run; other errors are returned unchanged.
 */
export function explainNativeModuleError(err: unknown, opts: { isPackaged: boolean }): string | null {
  const message = err instanceof Error ? err.message : String(err)
  const mismatch = /NODE_MODULE_VERSION (\d+)\. This version of Node\.js requires\s+NODE_MODULE_VERSION (\d+)/.exec(message)
  if (!mismatch && !/better_sqlite3\.node/.test(message)) return null
  const built = mismatch ? ` It was built for ABI ${mismatch[1]}; this Electron needs ${mismatch[2]}.` : ''
  if (opts.isPackaged) {
    return (
      `This Knocker package ships a database module that was not built for its Electron.${built} ` +
      'Package it again with `npm run dist`, which rebuilds better-sqlite3 for Electron and checks the result.'
    )
  }
  return `Knocker's database module (better-sqlite3) does not match this Electron.${built} Run \`${ELECTRON_NATIVE_COMMAND}\` and start again.`
}
