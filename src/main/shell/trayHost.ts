// Whether this desktop can show a tray icon. Electron's Linux tray is a StatusNotifierItem, shown
// only when a StatusNotifier host watches the session bus (KDE, XFCE, Cinnamon, Ubuntu's GNOME;
// plain GNOME needs the AppIndicator extension). Without one, a window hidden "to the tray"
// would leave an app nobody can see or quit, so the shell asks the bus first.
import { execFile } from 'node:child_process'

export const STATUS_NOTIFIER_WATCHER = 'org.kde.StatusNotifierWatcher'

/** Runs a command and resolves with its standard output (rejects when it can't run or fails). */
export type RunCommand = (command: string, args: readonly string[]) => Promise<string>

const runCommand: RunCommand = (command, args) =>
  new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 2_000 }, (err, stdout) => (err ? reject(err) : resolve(stdout)))
  })

// NameHasOwner through whichever D-Bus client the system has (GLib's, then the reference one).
const QUERIES: ReadonlyArray<{ command: string; args: string[]; parse: (out: string) => boolean | null }> = [
  {
    command: 'gdbus',
    args: ['call', '--session', '--dest', 'org.freedesktop.DBus', '--object-path', '/org/freedesktop/DBus',
      '--method', 'org.freedesktop.DBus.NameHasOwner', STATUS_NOTIFIER_WATCHER],
    parse: (out) => (/\(true,?\)/.test(out) ? true : /\(false,?\)/.test(out) ? false : null),
  },
  {
    command: 'dbus-send',
    args: ['--session', '--dest=org.freedesktop.DBus', '--type=method_call', '--print-reply', '/org/freedesktop/DBus',
      'org.freedesktop.DBus.NameHasOwner', `string:${STATUS_NOTIFIER_WATCHER}`],
    parse: (out) => (/boolean true/.test(out) ? true : /boolean false/.test(out) ? false : null),
  },
]

/**
 * True where a tray icon will be seen. macOS and Windows always have one. On Linux, the
 * session bus is asked; when it can't be asked (no bus, no client), the answer is false: the
 * window then stays reachable instead of hiding.
 */
export async function canShowTrayIcon(platform: NodeJS.Platform = process.platform, run: RunCommand = runCommand): Promise<boolean> {
  if (platform !== 'linux') return true
  for (const query of QUERIES) {
    try {
      const answer = query.parse(await run(query.command, query.args))
      if (answer !== null) return answer
    } catch {
      // this client is missing or the bus did not answer: try the next one
    }
  }
  return false
}
