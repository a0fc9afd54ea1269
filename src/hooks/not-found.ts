/**
 * A mistyped command is a user error like any other: one sentence with the closest command, exit 2, on a terminal
 * or not. (@oclif/plugin-not-found suggests only on a terminal, by a prompt, and exits 127 otherwise.)
 */
import type {Hook} from '@oclif/core'
import {nearest} from '../lib/suggest.js'
import {EXIT} from '../lib/errors.js'

const hook: Hook.CommandNotFound = async function (opts) {
  const ids = opts.config.commands.filter((c) => !c.hidden).flatMap((c) => [c.id, ...c.aliases])
  // With a space as the topic separator, oclif hands over the command and its arguments as one id: "diagnos:web-alb".
  const typed = opts.id.split(':')[0]
  const shown = typed.length > 60 ? `${typed.slice(0, 57)}...` : typed
  const near = nearest(typed, ids)
  process.stderr.write(`Error: "${shown}" is not an ${opts.config.bin} command.${near ? ` Did you mean "${opts.config.bin} ${near}"?` : ''}\n`)
  process.stderr.write(`Hint: ${opts.config.bin} help lists the commands.\n`)
  // The hook's own exit: the process ends here with the user-error code, as a command's user error does.
  process.exit(EXIT.user)
}

export default hook
