// The syntax of a title or summary template: literal text with {dotted.placeholder}s, and
// {{ / }} for a literal brace. Nothing else: no expressions, helpers or conditionals, so no
// code ever runs in a template. Pure: the core renders with it, the admin API and the
// console check templates with it.

export type TemplatePart = { text: string } | { placeholder: string }

export type ParsedTemplate = { ok: true; parts: TemplatePart[] } | { ok: false; error: string }

const NAME = /^[a-z_]+(?:\.[a-z_]+)*$/

/** The parts of a template, or why it cannot be one. */
export function parseTemplate(template: string): ParsedTemplate {
  const parts: TemplatePart[] = []
  let text = ''
  for (let i = 0; i < template.length; i += 1) {
    const char = template[i]
    if ((char === '{' || char === '}') && template[i + 1] === char) {
      text += char
      i += 1
    } else if (char === '}') {
      return { ok: false, error: `a "}" at character ${i + 1} closes nothing (write }} for a literal brace)` }
    } else if (char === '{') {
      const end = template.indexOf('}', i + 1)
      if (end === -1) return { ok: false, error: `the "{" at character ${i + 1} is never closed (write {{ for a literal brace)` }
      const name = template.slice(i + 1, end).trim()
      if (!NAME.test(name)) {
        return { ok: false, error: `"{${template.slice(i + 1, end)}}" is not a placeholder: only names like {machine.name} are allowed, no expressions` }
      }
      if (text) parts.push({ text })
      text = ''
      parts.push({ placeholder: name })
      i = end
    } else {
      text += char
    }
  }
  if (text) parts.push({ text })
  return { ok: true, parts }
}

/** The placeholders a template names, in order (empty when it does not parse). */
export function placeholdersOf(template: string): string[] {
  const parsed = parseTemplate(template)
  return parsed.ok ? parsed.parts.flatMap((p) => ('placeholder' in p ? [p.placeholder] : [])) : []
}
