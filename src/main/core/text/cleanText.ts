// Text written by the public, made safe to show anywhere: no invisible control characters.

// Characters nobody means to show: C0/C1 controls (NUL, ESC …) render as boxes, break mail
// (RFC 5322 forbids NUL) or drive terminals; bidi overrides and isolates can reorder what a
// reader sees ("Trojan source"). Tab, newline and carriage return are whitespace, not controls.
const INVISIBLE_CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g

/** Free text without invisible control characters (line breaks and tabs stay). */
export function stripControls(text: string): string {
  return text.replace(INVISIBLE_CONTROLS, '')
}

/** Collapse whitespace so a name or short value sits on one line, without control characters. */
export function oneLine(text: string): string {
  return stripControls(text).replace(/\s+/g, ' ').trim()
}
