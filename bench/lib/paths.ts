// Where things are, relative to this repository.
import { join, resolve } from 'node:path'

export const ROOT = resolve(import.meta.dirname, '../..')
export const MIGRATIONS = join(ROOT, 'resources/migrations')
export const RESULTS_DIR = join(ROOT, 'bench/results')
