// One measurement of the issue = one section module; the runner runs them and keeps the results.
import type { SectionFigures } from './report'

export interface SectionContext {
  log(line: string): void
  /** --full: run what is otherwise shortened to fit the 10-minute budget. */
  full: boolean
}

export interface Section {
  name: string
  title: string
  run(ctx: SectionContext): Promise<SectionFigures>
}
