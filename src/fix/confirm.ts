/**
 * Nothing changes an account without an explicit yes: --yes, or a "y" typed at a terminal. --dry-run always
 * wins; with no terminal to ask on (a pipe, CI, --json) and no --yes, fix-nginx refuses rather than guesses.
 */
import {createInterface} from 'node:readline/promises'
import {UserError} from '../lib/errors.js'

export type Decision = 'dry-run' | 'apply' | 'ask' | 'refuse'

export interface DecisionInput {
  yes: boolean
  dryRun: boolean
  /** stdin and stderr (where the question goes) are terminals, and the output is not --json; stdout may be redirected. */
  interactive: boolean
}

export function decide(input: DecisionInput): Decision {
  if (input.dryRun) return 'dry-run'
  if (input.yes) return 'apply'
  return input.interactive ? 'ask' : 'refuse'
}

export function refusal(): UserError {
  return new UserError(
    'fix-nginx changes your instances and needs a yes, but there is no terminal to ask on.',
    'Run it again with --yes to apply the plan, or with --dry-run to only see it.',
  )
}

/** Reads y/yes (any case) as consent; anything else, including an empty line, as no. */
export function isYes(answer: string): boolean {
  return /^\s*y(es)?\s*$/i.test(answer)
}

export async function askOnTerminal(question: string): Promise<boolean> {
  const rl = createInterface({input: process.stdin, output: process.stderr})
  try {
    return isYes(await rl.question(question))
  } finally {
    rl.close()
  }
}
