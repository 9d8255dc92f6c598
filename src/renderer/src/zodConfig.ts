// Imported first by main.tsx. The console's CSP has no 'unsafe-eval' (in Electron and in the
// browser alike). Zod probes `new Function` once to decide whether to compile a faster object
// parser; the probe itself is a CSP violation (reported and logged by the browser). jitless
// skips the probe and the compiled path.
import { z } from 'zod'

z.config({ jitless: true })
