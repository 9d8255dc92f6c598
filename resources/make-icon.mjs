// Generates the icons (RGBA PNGs): an orange disc with a dark ring and a "knocker" bolt head.
//   resources/icon.png              32x32, the window and the tray's "ok" state
//   resources/icon-512.png          512x512, the packaged app's icon (electron-builder)
//   resources/tray/<state>.png      16x16 tray icons (and <state>@2x.png, 32x32, for HiDPI):
//                                   ok, attention (red badge), offline (grey), paused (pause
//                                   bars instead of the bolt)
//   resources/tray/<state>Template.png (and @2x) the same shapes in black and alpha only, for
//                                   the macOS menu bar (template images follow its light/dark)
// Run: node resources/make-icon.mjs (the PNGs are committed).
import { mkdirSync, writeFileSync } from 'node:fs'
import { deflateSync } from 'node:zlib'

const ORANGE = [245, 130, 32]
const RING = [150, 70, 10]
const BOLT = [255, 236, 200]
const GREY = [150, 150, 150]
const GREY_RING = [90, 90, 90]
const RED = [220, 38, 38]
const WHITE = [255, 255, 255]

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

// Coverage of a pixel by a shape, sampled 4x4 for soft edges.
function coverage(x, y, inside) {
  let hits = 0
  for (let sy = 0; sy < 4; sy++)
    for (let sx = 0; sx < 4; sx++) if (inside(x + (sx + 0.5) / 4, y + (sy + 0.5) / 4)) hits++
  return hits / 16
}
const disc = (cx, cy, r) => (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r
const box = (x0, y0, x1, y1) => (x, y) => x >= x0 && x <= x1 && y >= y0 && y <= y1
function mix(a, b, t) {
  return a.map((v, i) => Math.round(v * (1 - t) + b[i] * t))
}

// The bolt head in the middle, or pause bars when paused.
function centerShape(variant, c, s) {
  if (variant !== 'paused') return disc(c, c, 5 * s)
  return (x, y) => box(c - 5 * s, c - 6 * s, c - 1.5 * s, c + 6 * s)(x, y) || box(c + 1.5 * s, c - 6 * s, c + 5 * s, c + 6 * s)(x, y)
}

// Shapes are drawn on a 32-unit grid and scaled to `size`.
function render(size, variant) {
  const s = size / 32
  const c = 16 * s
  const fill = variant === 'offline' ? GREY : ORANGE
  const ring = variant === 'offline' ? GREY_RING : RING
  const center = centerShape(variant, c, s)
  return encode(size, (x, y) => {
    const outer = coverage(x, y, disc(c, c, 15 * s))
    const inner = coverage(x, y, disc(c, c, 12.5 * s))
    const bolt = coverage(x, y, center)
    let color = ring
    if (inner > 0) color = mix(ring, fill, inner)
    if (bolt > 0) color = mix(color, BOLT, bolt)
    let alpha = outer
    if (variant === 'attention') {
      // A red badge with a white rim, bottom right.
      const rim = coverage(x, y, disc(24 * s, 24 * s, 8 * s))
      const badge = coverage(x, y, disc(24 * s, 24 * s, 6.5 * s))
      if (rim > 0) color = mix(color, WHITE, rim)
      if (badge > 0) color = mix(color, RED, badge)
      alpha = Math.max(alpha, rim)
    }
    return [...color, Math.round(alpha * 255)]
  })
}

// The macOS menu bar's variant: shapes only (black, drawn by alpha), told apart without colour.
function renderTemplate(size, variant) {
  const s = size / 32
  const c = 16 * s
  const center = variant === 'offline' ? () => false : centerShape(variant, c, s)
  const ringAlpha = variant === 'offline' ? 0.5 : 1
  return encode(size, (x, y) => {
    let alpha = Math.max(0, coverage(x, y, disc(c, c, 15 * s)) - coverage(x, y, disc(c, c, 12 * s))) * ringAlpha
    alpha = Math.max(alpha, coverage(x, y, center))
    if (variant === 'attention') {
      // A solid badge, bottom right, cut free of the ring by a clear gap.
      const gap = coverage(x, y, disc(24 * s, 24 * s, 8.5 * s))
      alpha = Math.max(alpha * (1 - gap), coverage(x, y, disc(24 * s, 24 * s, 6.5 * s)))
    }
    return [0, 0, 0, Math.round(alpha * 255)]
  })
}

function encode(size, pixel) {
  const rows = []
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4) // leading 0: filter type "none"
    for (let x = 0; x < size; x++) row.set(pixel(x, y), 1 + x * 4)
    rows.push(row)
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(size, 0)
  header.writeUInt32BE(size, 4)
  header.set([8, 6, 0, 0, 0], 8) // 8-bit depth, RGBA, deflate, no filter, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

function write(path, png) {
  writeFileSync(new URL(path, import.meta.url), png)
  console.log(`wrote resources/${path.slice(2)} (${png.length} bytes)`)
}
write('./icon.png', render(32, 'ok'))
write('./icon-512.png', render(512, 'ok'))
mkdirSync(new URL('./tray/', import.meta.url), { recursive: true })
for (const state of ['ok', 'attention', 'offline', 'paused']) {
  write(`./tray/${state}.png`, render(16, state))
  write(`./tray/${state}@2x.png`, render(32, state))
  write(`./tray/${state}Template.png`, renderTemplate(16, state))
  write(`./tray/${state}Template@2x.png`, renderTemplate(32, state))
}
