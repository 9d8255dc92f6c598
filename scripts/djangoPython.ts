// Finds a Python that can import Django, for the Django package's tests: KNOCKER_PYTHON if
// set, else python3 on PATH, else Debian's /usr/bin/python3 (apt's python3-django lives
// there; a pyenv or venv python3 earlier on PATH may not have it), else the project's own
// virtual environment (.venv-django, made by scripts/test-prerequisites.ts where apt can't help).
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const DJANGO_PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'integrations/django')
export const DJANGO_TESTS_DIR = join(DJANGO_PACKAGE_DIR, 'tests')

export interface DjangoPython {
  python: string
  djangoVersion: string
}

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..')
/** The project's virtual environment for Django, relative to the project root. */
export const VENV_DIR = '.venv-django'

/** The venv's Python (relative to the project root). */
export function venvPython(platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' ? join(VENV_DIR, 'Scripts', 'python.exe') : join(VENV_DIR, 'bin', 'python')
}

export function pythonCandidates(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string[] {
  const list = env.KNOCKER_PYTHON ? [env.KNOCKER_PYTHON] : ['python3', '/usr/bin/python3', join(projectRoot, venvPython(platform))]
  return [...new Set(list)]
}

/** The first candidate that imports Django, or null with what each one said. */
export function findDjangoPython(env: NodeJS.ProcessEnv = process.env): DjangoPython | { python: null; tried: string } {
  const tried: string[] = []
  for (const python of pythonCandidates(env)) {
    const probe = spawnSync(python, ['-c', 'import django; print(django.get_version())'], { encoding: 'utf8', timeout: 15_000 })
    if (probe.status === 0) return { python, djangoVersion: probe.stdout.trim() }
    tried.push(`${python}: ${probe.error ? probe.error.message : (probe.stderr.trim().split('\n').pop() ?? `exit ${probe.status}`)}`)
  }
  return { python: null, tried: tried.join('; ') }
}
