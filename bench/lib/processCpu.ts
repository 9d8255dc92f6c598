// CPU time a child process has used (user + system), from /proc (Linux). CPU per event is a
// figure that a busy machine disturbs far less than events per second.
import { readFileSync } from 'node:fs'

/** Linux reports utime/stime in clock ticks of 1/100 s (USER_HZ) on every mainstream arch. */
const TICKS_PER_SECOND = 100

/** CPU seconds used so far, or null where /proc isn't available. */
export function processCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND
  } catch {
    return null
  }
}
