#!/usr/bin/env node
// `knocker serve …`: runs the built headless shell (build first with `npm run build`).
import '../out/main/headless.js'
