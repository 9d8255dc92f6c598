// The loop both schedulers (deliveries, pollers) run on: a pass looks at what is due, launches
// it and says when it wants to look again. Asking for a pass (kick) any number of times in one
// turn of the event loop runs it once, on the next turn; a timer runs it at the time the last
// pass asked for.
import type { Clock } from './clock'

export class CoalescedPump {
  private active = false
  private queued = false
  private timer: NodeJS.Timeout | null = null

  /** pass: runs the due work; returns when (clock time) to run again at the latest. */
  constructor(
    private readonly pass: () => number,
    private readonly clock: Clock,
  ) {}

  get running(): boolean {
    return this.active
  }

  start(): void {
    this.active = true
    this.kick()
  }

  /** No pass runs after this, whether kicked or timed. */
  stop(): void {
    this.active = false
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }

  /** Run a pass as soon as possible (coalesced). */
  kick(): void {
    if (!this.active || this.queued) return
    this.queued = true
    setImmediate(() => {
      this.queued = false
      this.run()
    })
  }

  private run(): void {
    if (!this.active) return
    const wakeAt = this.pass()
    if (this.timer) clearTimeout(this.timer)
    this.timer = setTimeout(() => this.kick(), Math.max(wakeAt - this.clock.now(), 1))
    this.timer.unref?.()
  }
}
