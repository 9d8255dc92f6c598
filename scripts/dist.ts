// `npm run dist`: build, rebuild the native modules for Electron and package with
// electron-builder (config: electron-builder.yml; extra arguments are passed on, e.g.
// `npm run dist -- --linux deb`). Needs network: Electron's headers or a prebuilt
// better-sqlite3 for Electron's ABI, and electron-builder's packaging tools.
//
// electron-builder rebuilds better-sqlite3 in place in node_modules. The Node build is put
// back afterwards, so the tests (which run under Node's ABI) keep working.
import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const nativeBuild = join(root, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node')

function run(script, args) {
  const result = spawnSync(process.execPath, [join(root, script), ...args], { cwd: root, stdio: 'inherit' })
  if (result.status !== 0) throw new Error(`${script} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`)
}

const backupDir = mkdtempSync(join(tmpdir(), 'knocker-dist-'))
const backup = join(backupDir, 'better_sqlite3.node')
const hadNodeBuild = existsSync(nativeBuild)
if (hadNodeBuild) copyFileSync(nativeBuild, backup)
try {
  run('node_modules/electron-vite/bin/electron-vite.js', ['build'])
  run('node_modules/electron-builder/cli.js', ['--publish', 'never', ...process.argv.slice(2)])
} catch (err) {
  console.error(`dist: ${err.message}`)
  process.exitCode = 1
} finally {
  if (hadNodeBuild) copyFileSync(backup, nativeBuild)
  rmSync(backupDir, { recursive: true, force: true })
}
