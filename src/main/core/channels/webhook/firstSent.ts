// The envelope's "timestamp" is when Knocker first sent the delivery, the same on every
// retry, so a retried body is byte for byte the first one. Formatters get no clock and no
// first-attempt time, so the time of the first format (made right before the first send) is
// remembered here, per delivery, in memory: after a restart a retry gets a fresh timestamp.
export class FirstSentTimes {
  private readonly times = new Map<string, string>()

  constructor(
    private readonly limit = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The ISO time this key was first asked about. */
  at(key: string): string {
    const known = this.times.get(key)
    if (known) return known
    const iso = new Date(this.now()).toISOString()
    this.times.set(key, iso)
    // Oldest first (Map keeps insertion order): deliveries that long ago are done.
    if (this.times.size > this.limit) this.times.delete(this.times.keys().next().value!)
    return iso
  }
}
