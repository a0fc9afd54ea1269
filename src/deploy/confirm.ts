/**
 * Whether a mutation may go ahead: `--yes` confirms in advance, a terminal gets a question, and anything else
 * (a pipe, CI) is refused with one clear sentence, since silence must never count as consent.
 */
import {createInterface} from 'node:readline/promises'
import {UserError} from '../lib/errors.js'

export type ConfirmMode = 'proceed' | 'ask' | 'refuse'

export function confirmMode(opts: {yes: boolean; interactive: boolean}): ConfirmMode {
  if (opts.yes) return 'proceed'
  return opts.interactive ? 'ask' : 'refuse'
}

export interface Confirmer {
  /** Whether a person can answer (stdin and stderr are terminals). */
  readonly interactive: boolean
  ask(question: string): Promise<boolean>
}

/**
 * Resolves true to go ahead, false when the person said no; throws a UserError when nobody can be asked.
 * `action` completes "There is no terminal to confirm ..." (e.g. "the deployment of stack web").
 */
export async function confirmOrRefuse(confirmer: Confirmer, opts: {yes: boolean; question: string; action: string}): Promise<boolean> {
  const mode = confirmMode({yes: opts.yes, interactive: confirmer.interactive})
  if (mode === 'proceed') return true
  if (mode === 'refuse') throw new UserError(`There is no terminal to confirm ${opts.action} on, so nothing was changed.`, 'Review the plan above and run the command again with --yes to confirm it in advance.')
  return confirmer.ask(opts.question)
}

/** Only an explicit yes counts. */
export function isYes(answer: string): boolean {
  return /^\s*(y|yes)\s*$/i.test(answer)
}

/** The terminal confirmer: asks on stderr (stdout stays clean), reads one line from stdin. */
export function terminalConfirmer(): Confirmer {
  return {
    interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY),
    async ask(question: string): Promise<boolean> {
      const rl = createInterface({input: process.stdin, output: process.stderr})
      try {
        return isYes(await rl.question(`${question} [y/N] `))
      } finally {
        rl.close()
      }
    },
  }
}
