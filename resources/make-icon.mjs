// Generates resources/icon.png (32x32 RGBA): an orange disc with a dark ring and a "knocker"
// bolt head in the middle. Run: node resources/make-icon.mjs (the PNG is committed).
import { writeFileSync } from 'node:fs'
import { deflateSync } from 'node:zlib'

const SIZE = 32
const ORANGE = [245, 130, 32]
const RING = [150, 70, 10]
const BOLT = [255, 236, 200]

// CRC-32 as PNG wants it (zlib.crc32 is not in every Node 20).
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})
function crc32(buf) {
  let c = 0xffffffff
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}
function chunk(type, data) {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([len, body, crc])
}

// Coverage of a pixel by a disc, sampled 4x4 for soft edges.
function coverage(x, y, radius) {
  let inside = 0
  for (let sy = 0; sy < 4; sy++)
    for (let sx = 0; sx < 4; sx++) {
      const dx = x + (sx + 0.5) / 4 - SIZE / 2
      const dy = y + (sy + 0.5) / 4 - SIZE / 2
      if (dx * dx + dy * dy <= radius * radius) inside++
    }
  return inside / 16
}

const rows = []
for (let y = 0; y < SIZE; y++) {
  const row = Buffer.alloc(1 + SIZE * 4) // leading 0: filter type "none"
  for (let x = 0; x < SIZE; x++) {
    const outer = coverage(x, y, 15)
    const inner = coverage(x, y, 12.5)
    const bolt = coverage(x, y, 5)
    let color = RING
    if (inner > 0) color = mix(RING, ORANGE, inner)
    if (bolt > 0) color = mix(color, BOLT, bolt)
    row.set([...color, Math.round(outer * 255)], 1 + x * 4)
  }
  rows.push(row)
}
function mix(a, b, t) {
  return a.map((v, i) => Math.round(v * (1 - t) + b[i] * t))
}

const header = Buffer.alloc(13)
header.writeUInt32BE(SIZE, 0)
header.writeUInt32BE(SIZE, 4)
header.set([8, 6, 0, 0, 0], 8) // 8-bit depth, RGBA, deflate, no filter, no interlace
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(Buffer.concat(rows))),
  chunk('IEND', Buffer.alloc(0)),
])
writeFileSync(new URL('./icon.png', import.meta.url), png)
console.log(`wrote resources/icon.png (${png.length} bytes)`)
