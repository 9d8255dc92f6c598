// The text helpers: link markup, truncation, Discord mention neutralising.
import { describe, expect, it } from 'vitest'
import { neutralizeDiscordMentions } from '../../src/main/core/channels/discord/mentions'
import { renderLinkMarkup } from '../../src/main/core/text/linkMarkup'
import { cutChars, truncateChars, truncateWords } from '../../src/main/core/text/truncate'

const SITE = 'https://flipfix.theflip.museum'
const md = (label: string, url: string) => `[${label}](${url})`
const html = (label: string, url: string) => `<a href="${url}">${label}</a>`

describe('renderLinkMarkup', () => {
  it('renders problem, log and machine-slug links as absolute links in the chosen syntax', () => {
    const text = 'See [[problem:398]], [[log:4842]] and [[machine:twilight-zone]].'
    expect(renderLinkMarkup(text, { siteUrl: SITE, link: md })).toBe(
      'See [Problem #398](https://flipfix.theflip.museum/problem-reports/398/), ' +
        '[Log #4842](https://flipfix.theflip.museum/logs/4842/) and ' +
        '[twilight-zone](https://flipfix.theflip.museum/machines/twilight-zone/).',
    )
    expect(renderLinkMarkup('[[problem:7]]', { siteUrl: SITE, link: html })).toBe(
      '<a href="https://flipfix.theflip.museum/problem-reports/7/">Problem #7</a>',
    )
  })

  it('labels a machine link with a known name', () => {
    const out = renderLinkMarkup('moved [[machine:twilight-zone]]', {
      siteUrl: SITE,
      link: md,
      machineNames: { 'twilight-zone': 'Twilight Zone' },
    })
    expect(out).toBe('moved [Twilight Zone](https://flipfix.theflip.museum/machines/twilight-zone/)')
  })

  it('renders storage-format machine links as plain text, since there is no page by id', () => {
    expect(renderLinkMarkup('same as [[machine:id:42]] had', { siteUrl: SITE, link: md })).toBe(
      'same as machine #42 had',
    )
  })

  it('never leaks raw [[…]] markup, even for types it cannot link', () => {
    const text = '[[page:id:3]] [[model:williams-system-11]] [[partrequest:9]] [[problem:abc]] [[machine:bad slug!]]'
    const out = renderLinkMarkup(text, { siteUrl: SITE, link: md })
    expect(out).toBe('page #3 williams-system-11 9 abc bad slug!')
    expect(out).not.toContain('[[')
  })

  it('leaves ordinary brackets and text alone', () => {
    const text = 'Coil [A-12] and [[not markup]] and [link](https://x.test)'
    expect(renderLinkMarkup(text, { siteUrl: SITE, link: md })).toBe(text)
  })

  it('keeps a path prefix of site_url and drops a trailing slash', () => {
    expect(renderLinkMarkup('[[log:1]]', { siteUrl: 'https://example.org/flipfix/', link: md })).toBe(
      '[Log #1](https://example.org/flipfix/logs/1/)',
    )
  })
})

describe('truncateWords', () => {
  const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i + 1}`).join(' ')

  it('keeps text of up to 200 words untouched, spacing and newlines included', () => {
    const text = `${words(199)}\n\nlast`
    expect(truncateWords(text)).toBe(text)
  })

  it('cuts after the 200th word and adds an ellipsis', () => {
    const out = truncateWords(words(250))
    expect(out).toBe(`${words(200)}…`)
    expect(out.split(/\s+/)).toHaveLength(200)
  })

  it('honours a custom word count', () => {
    expect(truncateWords('one two  three four', 2)).toBe('one two…')
  })

  it('does not cut inside a Markdown link', () => {
    const text = 'Fixed it, see [Problem #398: left flipper flaky](https://x.test/problem-reports/398/) later today'
    // the 5th word ("#398:") is inside the link label
    expect(truncateWords(text, 5)).toBe(
      'Fixed it, see [Problem #398: left flipper flaky](https://x.test/problem-reports/398/)…',
    )
  })

  it('applies the maxChars safety to one enormous "word"', () => {
    const out = truncateWords('x'.repeat(100_000), 200, 4000)
    expect(out).toHaveLength(4000)
    expect(out.endsWith('…')).toBe(true)
  })

  it('never splits a surrogate pair at the maxChars cut', () => {
    const text = 'a' + '😀'.repeat(50) // 101 UTF-16 units
    const out = truncateWords(text, 200, 10)
    expect(out.length).toBeLessThanOrEqual(10)
    expect(out).toBe('a😀😀😀😀…')
    expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(out)).toBe(false)
  })
})

describe('truncateChars / cutChars', () => {
  it('returns short text unchanged', () => {
    expect(truncateChars('Roto Pool', 9)).toBe('Roto Pool')
  })
  it('cuts to exactly maxChars including the ellipsis', () => {
    expect(truncateChars('abcdefghij', 5)).toBe('abcd…')
  })
  it('drops a high surrogate rather than leaving half an emoji', () => {
    expect(cutChars('ab😀', 3)).toBe('ab')
    expect(truncateChars('ab😀cd', 4)).toBe('ab…')
  })
})

describe('neutralizeDiscordMentions', () => {
  const ZW = '\u200b'
  it('breaks @everyone and @here while keeping them readable', () => {
    expect(neutralizeDiscordMentions('hey @everyone and @here!')).toBe(`hey @${ZW}everyone and @${ZW}here!`)
  })
  it('breaks user, nickname, role and channel mentions', () => {
    expect(neutralizeDiscordMentions('<@123> <@!456> <@&789> <#1011>')).toBe(
      `<${ZW}@123> <${ZW}@!456> <${ZW}@&789> <${ZW}#1011>`,
    )
  })
  it('leaves ordinary text, emails-without-mentions and timestamps alone', () => {
    const text = 'Coil <5 ohm> at <t:1721570400:D>, mail ken@example.org'
    expect(neutralizeDiscordMentions(text)).toBe(text)
  })
})
