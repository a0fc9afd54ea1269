/**
 * Fitting the text report to the terminal. Line breaking is wrap-ansi's (colour-aware, breaks at spaces only, so an
 * id, an ARN or a path longer than the line stays whole on a line of its own); this module adds the hanging indent
 * that keeps a wrapped line under its own marker, and decides the width.
 */
import {stripVTControlCharacters} from 'node:util'

/** Below this a report is unreadable whatever we do; a narrower terminal gets lines of this width. */
export const MIN_WIDTH = 40

/**
 * The width to wrap the text report to, or undefined for no wrapping: `COLUMNS` when set to a number (the user's
 * explicit choice, honoured even in a pipe), else the terminal's width when stdout is a terminal. Piped or
 * redirected output is not wrapped, so that `grep` and other tools see one finding per line.
 */
export function outputWidth(stdout: {isTTY?: boolean; columns?: number}, env: Record<string, string | undefined>): number | undefined {
  const fromEnv = /^\d+$/.test(env.COLUMNS?.trim() ?? '') ? Number(env.COLUMNS) : undefined
  const width = fromEnv || (stdout.isTTY && stdout.columns ? stdout.columns : undefined)
  return width ? Math.max(width, MIN_WIDTH) : undefined
}

/** Visible width of a short plain or coloured marker (indents, bullets, labels: one column a character). */
const visible = (s: string) => [...stripVTControlCharacters(s)].length

/**
 * Lays `text` out after `first` (e.g. `    · `), continuing on lines that start with `rest` (spaces the width of
 * `first` unless given). Returns the lines.
 */
export type Hanging = (first: string, text: string, rest?: string) => string[]

/** No wrapping: each piece of prose on one line, as it is (piped output). */
export const unwrapped: Hanging = (first, text) => [first + text]

/**
 * Hanging-indent layout within `width` columns, or `unwrapped` without a width. wrap-ansi is loaded only when
 * there is something to wrap: its Unicode tables cost about 35 ms of CPU to load, which piped, --json and markdown
 * output need not pay.
 */
export async function hangingTo(width: number | undefined): Promise<Hanging> {
  if (!width) return unwrapped
  const {default: wrapAnsi} = await import('wrap-ansi')
  return (first, text, rest = ' '.repeat(visible(first))) => {
    const room = Math.max(width - visible(rest), 1)
    // The first line has `first` before it, not `rest`: a filler glued to the first word (wrap-ansi breaks at spaces
    // only, and would trim blank filler) takes up the difference while wrapping, and `first` replaces it after.
    const extra = Math.max(visible(first) - visible(rest), 0)
    const lines = wrapAnsi('x'.repeat(extra) + text.trimStart(), room, {hard: false, trim: true}).split('\n')
    return lines.map((line, i) => (i === 0 ? first + line.slice(extra) : rest + line))
  }
}
