// Checks what electron-builder puts in the package, without network and without Electron's
// binary: `electron-builder --dir` for Linux with a stand-in Electron folder (a dummy
// executable), no native rebuild and no fuses (both need the real binary). Then it reads the
// asar: the migrations must be inside it, better-sqlite3's native module outside it.
//
//   node scripts/check-package.mjs        (after `npm run build`)
//
// It proves the file layout only: that the packaged app starts, and the fuses, can only be
// checked with the real Electron binary (`npm run dist` on a machine with network).
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { listPackage } from '@electron/asar'
import { Arch, build, Platform } from 'electron-builder'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

export async function packageWithStandInElectron(workDir) {
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

/** What is wrong with the unpacked app (empty when the layout is right). */
export function checkLayout(appDir) {
  const problems = []
  const resources = join(appDir, 'resources')
  const asar = join(resources, 'app.asar')
  if (!existsSync(asar)) return [`no ${asar}`]
  const inside = new Set(listPackage(asar, { isPack: false }).map((p) => p.replaceAll('\\', '/')))
  const migrations = readdirSync(join(root, 'resources/migrations')).filter((f) => f.endsWith('.sql'))
  for (const file of [...migrations, 'meta/_journal.json']) {
    if (!inside.has(`/resources/migrations/${file}`)) problems.push(`migration ${file} is not in app.asar`)
  }
  for (const file of ['/out/main/index.js', '/out/preload/index.cjs', '/out/renderer/index.html', '/resources/tray/attention.png', '/package.json']) {
    if (!inside.has(file)) problems.push(`${file} is not in app.asar`)
  }
  const native = join(resources, 'app.asar.unpacked/node_modules/better-sqlite3/build/Release/better_sqlite3.node')
  if (!existsSync(native)) problems.push('better_sqlite3.node is not unpacked next to the asar')
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
  return problems
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const workDir = mkdtempSync(join(tmpdir(), 'knocker-package-'))
  try {
    const problems = checkLayout(await packageWithStandInElectron(workDir))
    if (problems.length > 0) {
      console.error(`package layout check failed:\n- ${problems.join('\n- ')}`)
      process.exitCode = 1
    } else {
      console.log('package layout ok: migrations inside app.asar, better-sqlite3 unpacked (fuses not checked: stand-in Electron)')
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true })
  }
}
