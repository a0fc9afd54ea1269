/**
 * Shell quoting for every command asg-doctor prints for a user to paste, and for every value that goes into a
 * script or user data. Values taken from an AWS account (names, paths, tags) are untrusted: each must reach the
 * shell as exactly one literal argument, whatever quotes, `$(...)`, backticks, spaces or newlines it holds.
 *
 * POSIX single quotes turn off every expansion; a single quote inside is written as '\'' (close, escaped quote,
 * reopen). Words made only of characters no POSIX shell treats specially are left bare, so the common case stays
 * readable: `--group-id sg-0123`, `--target-group-arn arn:aws:elasticloadbalancing:...`.
 */

const SAFE = /^[A-Za-z0-9@%+=:,./_-]+$/

/** One shell word that the shell reads back as exactly `value`. */
export function shq(value: string | number): string {
  const s = String(value)
  if (s !== '' && SAFE.test(s)) return s
  return `'${s.replaceAll("'", `'\\''`)}'`
}

/** A token written as is: flags and fixed syntax of asg-doctor's own making, never a value from an account. */
export interface Raw {
  readonly raw: string
}

/**
 * Marks text of the tool's own making that must not be quoted (a flag, a redirection, a literal JSON we wrote).
 * It prints as its text in a plain template literal too.
 */
export const raw = (text: string): Raw => ({raw: text, toString: () => text}) as Raw

/** A JSON argument (`--ip-permissions`, `--launch-template-data`, `--parameters`) as one shell word. */
export const jsonArg = (value: unknown): string => shq(JSON.stringify(value))

export type Token = string | number | Raw | undefined | false

/**
 * A pasteable command line: plain strings and numbers are quoted with {@link shq}; {@link raw} tokens go as they
 * are; `undefined` and `false` are dropped, so optional flags can be written inline.
 */
export function shellCommand(...tokens: Token[]): string {
  return tokens
    .filter((t): t is string | number | Raw => t !== undefined && t !== false)
    .map((t) => (typeof t === 'object' ? t.raw : shq(t)))
    .join(' ')
}

/**
 * A tagged template for commands: interpolated values are quoted, the literal text is kept.
 * `` cmd`aws autoscaling update-auto-scaling-group --auto-scaling-group-name ${name}` ``.
 * An interpolated {@link raw} token or array of tokens is spliced in (arrays joined by spaces, each quoted).
 */
export function cmd(strings: TemplateStringsArray, ...values: (Token | Token[])[]): string {
  let out = strings[0] ?? ''
  values.forEach((v, i) => {
    const piece = Array.isArray(v) ? shellCommand(...v) : shellCommand(v)
    const next = strings[i + 1] ?? ''
    // A dropped token takes one of the spaces around it along; spaces inside quoted values are never touched.
    if (piece === '' && out.endsWith(' ') && (next.startsWith(' ') || next === '')) out = out.slice(0, -1)
    out += piece + next
  })
  return out.trim()
}
