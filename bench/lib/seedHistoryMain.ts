// Child-process entry of seedHistory: seeding a million rows takes the bench process's event
// loop for most of a minute, and the mocks other sections are using live in that loop.
// Usage: seedHistoryMain.ts <db file> <count> <endpoint id>…; prints the SeedResult as JSON.
import { seedHistory } from './seedHistory'

const [dbFile, count, ...endpointIds] = process.argv.slice(2)
console.log(JSON.stringify(seedHistory(dbFile, endpointIds, Number(count))))
