// The console's Mantine theme, made to meet WCAG 2.1 AA contrast (4.5:1 for text) in the light
// and the dark scheme for every page, including ones not written yet: the fixes live in the
// palettes and in CSS variables derived from them, never on single elements. The look stays
// calm: secondary text is a darker grey (a lighter one in dark), not heavier type.
import type { CSSProperties } from 'react'
import {
  DEFAULT_THEME,
  Drawer,
  Modal,
  NavLink,
  Tooltip,
  createTheme,
  darken,
  lighten,
  luminance,
  type CSSVariablesResolver,
  type MantineColorsTuple,
} from '@mantine/core'
import focus from './focus.module.css'

/** WCAG's minimum for normal-size text. */
const AA_TEXT = 4.5

function contrastRatio(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x)
  return (light + 0.05) / (dark + 0.05)
}

/** The first candidate readable on every background, else the last one (the strongest). */
function firstReadable(candidates: string[], backgrounds: string[]): string {
  return candidates.find((c) => backgrounds.every((bg) => contrastRatio(c, bg) >= AA_TEXT)) ?? candidates[candidates.length - 1]
}

/** `base` itself, then step by step darker (or lighter), up to 60 %. */
const steps = (base: string, shift: (c: string, amount: number) => string) =>
  [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6].map((amount) => (amount === 0 ? base : shift(base, amount)))

// Mantine's dimmed text is gray-6 in light (#868e96: 3.3:1 on white) and dark-2 in dark
// (#828282: 4.0:1 on the dark body). One shade each, still grey, now at least 4.5:1 on the
// backgrounds it sits on: white, gray-0 (main area, code), gray-1 (hover), indigo-1 (a selected
// card); dark-7 (body), dark-8 (main area), dark-6 (inputs, cards), dark-5 (hovered rows).
const withShade = (tuple: MantineColorsTuple, index: number, value: string) =>
  tuple.map((c, i) => (i === index ? value : c)) as unknown as MantineColorsTuple
const gray = withShade(DEFAULT_THEME.colors.gray, 6, '#5a626a')
const dark = withShade(DEFAULT_THEME.colors.dark, 2, '#a6a6a6')

export const theme = createTheme({
  primaryColor: 'indigo',
  // indigo-6 under white text is 4.3:1; indigo-7 is 5.0:1 (and indigo-8 in dark, 5.7:1).
  primaryShade: { light: 7, dark: 8 },
  defaultRadius: 'md',
  focusRing: 'auto',
  focusClassName: focus.ring,
  colors: { gray, dark },
  // Filled badges, alerts and buttons pick black or white text, whichever reads better: with
  // the threshold at the luminance where both are equal (0.179), the pick is always >= 4.58:1,
  // so a filled orange or yellow gets black text instead of white at 2.6:1.
  autoContrast: true,
  luminanceThreshold: 0.179,
  components: {
    // Their close buttons are bare icons: give every dialog's a name.
    Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } }),
    Drawer: Drawer.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } }),
    // What a tooltip says (an exact time, all of an endpoint's settings) is shown on keyboard
    // focus too, not on hover alone; the few non-button targets are made focusable for it.
    Tooltip: Tooltip.extend({ defaultProps: { events: { hover: true, focus: true, touch: false } } }),
    // The active link's description is drawn at 90 % opacity, which takes it under 4.5:1.
    NavLink: NavLink.extend({ styles: { description: { '--description-opacity': '1' } as CSSProperties } }),
  },
})

/**
 * Colour variables derived from the palettes so that coloured text (`c="teal"`, an input's
 * error) and the light variant (badges, light buttons and alerts) read at 4.5:1 or more, for
 * every palette colour, in both schemes. Placeholders get the dimmed grey: they are text too.
 */
export const cssVariablesResolver: CSSVariablesResolver = (t) => {
  const light: Record<string, string> = {
    '--mantine-color-placeholder': 'var(--mantine-color-dimmed)',
    '--mantine-color-error': 'var(--mantine-color-red-text)',
    '--mantine-color-anchor': `var(--mantine-color-${t.primaryColor}-text)`,
  }
  const darkVars: Record<string, string> = {
    '--mantine-color-placeholder': 'var(--mantine-color-dimmed)',
    '--mantine-color-error': 'var(--mantine-color-red-text)',
    '--mantine-color-anchor': `var(--mantine-color-${t.primaryColor}-text)`,
  }
  const lightPages = [t.white, t.colors.gray[0], t.colors.gray[1]]
  const darkPages = [t.colors.dark[7], t.colors.dark[8], t.colors.dark[6], t.colors.dark[5]]
  for (const [name, shades] of Object.entries(t.colors)) {
    if (name === 'dark' || name === 'gray') continue
    // Light scheme: text on the page; the light variant's text on shade 1 (and 2 when hovered).
    light[`--mantine-color-${name}-text`] = firstReadable([shades[7], shades[8], ...steps(shades[9], darken)], lightPages)
    light[`--mantine-color-${name}-light-color`] = firstReadable(steps(shades[9], darken), [shades[1], shades[2]])
    // Dark scheme: shade 4 on the dark backgrounds, lighter if that is not enough.
    darkVars[`--mantine-color-${name}-text`] = firstReadable([shades[4], shades[3], ...steps(shades[2], lighten)], darkPages)
  }
  return { variables: {}, light, dark: darkVars }
}
