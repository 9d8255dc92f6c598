// Just enough of each service's inline markup to show a preview the way it will read there:
// links, bold, and the services' date tokens. Everything else stays literal text (React escapes
// it), so a preview can never run markup from an event.
import { Fragment, type ReactNode } from 'react'
import { Anchor } from '@mantine/core'

export type Syntax = 'discord' | 'slack' | 'teams'

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' })
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })

interface Rule {
  pattern: RegExp
  render: (m: RegExpExecArray, key: number) => ReactNode
}

const link = (href: string, text: ReactNode, key: number) =>
  /^https?:\/\//.test(href) ? (
    <Anchor key={key} href={href} target="_blank" rel="noreferrer" fz="inherit">
      {text}
    </Anchor>
  ) : (
    <Fragment key={key}>{text}</Fragment>
  )

const RULES: Record<Syntax, Rule[]> = {
  discord: [
    { pattern: /\[([^\]]+)\]\((https?:\/\/[^)\s]+)\)/g, render: (m, k) => link(m[2], m[1], k) },
    { pattern: /\*\*([^*]+)\*\*/g, render: (m, k) => <strong key={k}>{m[1]}</strong> },
    {
      pattern: /<t:(\d+)(?::([a-zA-Z]))?>/g,
      render: (m, k) => <Fragment key={k}>{(m[2] === 'D' ? dateFormat : dateTimeFormat).format(Number(m[1]) * 1000)}</Fragment>,
    },
  ],
  slack: [
    { pattern: /<!date\^\d+\^[^|>]*\|([^>]*)>/g, render: (m, k) => <Fragment key={k}>{m[1]}</Fragment> },
    { pattern: /<(https?:\/\/[^|>\s]+)\|([^>]+)>/g, render: (m, k) => link(m[1], m[2], k) },
    { pattern: /\*([^*\n]+)\*/g, render: (m, k) => <strong key={k}>{m[1]}</strong> },
  ],
  teams: [
    { pattern: /\[([^\]]+)\]\((https?:\/\/[^)\s]+)\)/g, render: (m, k) => link(m[2], m[1], k) },
    { pattern: /\*\*([^*]+)\*\*/g, render: (m, k) => <strong key={k}>{m[1]}</strong> },
    {
      pattern: /\{\{(DATE|TIME)\(([^,)]+)(?:,[^)]*)?\)\}\}/g,
      render: (m, k) => (
        <Fragment key={k}>
          {m[1] === 'DATE' ? dateFormat.format(new Date(m[2])) : new Date(m[2]).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}
        </Fragment>
      ),
    },
  ],
}

/** The text with the service's inline markup rendered; the earliest match wins at each point. */
export function InlineMarkup({ text, syntax }: { text: string; syntax: Syntax }) {
  const nodes: ReactNode[] = []
  let rest = text
  let key = 0
  for (;;) {
    let best: { m: RegExpExecArray; rule: Rule } | null = null
    for (const rule of RULES[syntax]) {
      rule.pattern.lastIndex = 0
      const m = rule.pattern.exec(rest)
      if (m && (!best || m.index < best.m.index)) best = { m, rule }
    }
    if (!best) break
    if (best.m.index > 0) nodes.push(rest.slice(0, best.m.index))
    nodes.push(best.rule.render(best.m, key++))
    rest = rest.slice(best.m.index + best.m[0].length)
  }
  if (rest) nodes.push(rest)
  return <>{nodes}</>
}
