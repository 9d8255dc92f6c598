// npm run test:django: the Django package's own test suite (Django's test runner, sqlite in
// memory), with the first Python that has Django. Fails when there is none: CI installs
// Debian's python3-django (.ci/run).
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { DJANGO_TESTS_DIR, findDjangoPython } from './djangoPython'

const found = findDjangoPython()
if (found.python === null) {
  console.error(`No Python with Django found (${found.tried}). Install it: apt-get install -y python3-django, or set KNOCKER_PYTHON.`)
  process.exit(1)
}
console.log(`Django ${found.djangoVersion} (${found.python})`)
const run = spawnSync(found.python, [join(DJANGO_TESTS_DIR, 'runtests.py'), ...process.argv.slice(2)], { stdio: 'inherit' })
process.exit(run.status ?? 1)
