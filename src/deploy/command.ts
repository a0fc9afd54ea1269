/**
 * What the `deploy` and `destroy` commands share around their services: the endpoint (--endpoint-url, else
 * AWS_ENDPOINT_URL), the CDK toolkit built for it, and the terminal I/O (plan and questions on stderr, which
 * --quiet and --json never silence; progress through the command's own channel, which they do).
 */
import {terminalConfirmer} from './confirm.js'
import type {DeployIo} from './service.js'
import {createCdkToolkit} from './toolkit.js'
import type {StackToolkit, ToolkitEvent, ToolkitOptions} from './toolkit.js'

/** The toolkit, and the endpoint it was pointed at (for the plan and the next steps). */
export async function commandToolkit(options: ToolkitOptions): Promise<{endpointUrl?: string; toolkit: StackToolkit}> {
  const endpointUrl = options.endpointUrl ?? process.env.AWS_ENDPOINT_URL
  return {endpointUrl, toolkit: await createCdkToolkit({...options, endpointUrl})}
}

/** `done` ends the spinner of the step under way before the plan or a question is shown. */
export function terminalIo(progress: (line: string) => void, done: () => void = () => {}): DeployIo {
  const confirmer = terminalConfirmer()
  return {
    interactive: confirmer.interactive,
    ask: (question) => {
      done()
      return confirmer.ask(question)
    },
    show: (line) => {
      done()
      process.stderr.write(line + '\n')
    },
    progress,
  }
}

/**
 * toolkit-lib's informational messages that would repeat what asg-doctor already says or prints: synthesis, deploy
 * and total times (the spinner shows the elapsed time), "deploying... [1/1]" / "Deploying" / "Completed" (our own
 * step line says it), the outputs and stack ARN (the command prints them on stdout). They go to --verbose.
 */
const REPEATS = new Set(['CDK_TOOLKIT_I1000', 'CDK_TOOLKIT_I5000', 'CDK_TOOLKIT_I5001', 'CDK_TOOLKIT_I5100', 'CDK_TOOLKIT_I5501', 'CDK_TOOLKIT_I5503', 'CDK_TOOLKIT_I5900', 'CDK_TOOLKIT_I5901', 'CDK_TOOLKIT_I7900'])

/**
 * Routes toolkit-lib's messages: errors always reach stderr, whatever --quiet or --json say; its results, debug
 * lines, uncoded chatter and the messages in REPEATS go to --verbose; the rest (the stack's resource events,
 * warnings) is progress, each line once.
 */
export function routeToolkitEvents(out: {trace(line: string): void; progress(line: string): void}): (e: ToolkitEvent) => void {
  let last = ''
  return (e) => {
    const message = e.message.trim()
    if (e.level === 'error') {
      process.stderr.write(e.message + '\n')
      return
    }
    if (!message) return
    const quiet = e.level === 'result' || e.level === 'debug' || e.level === 'trace' || (e.level === 'info' && (!e.code || REPEATS.has(e.code)))
    if (quiet) {
      out.trace(message)
      return
    }
    if (message === last) return
    last = message
    out.progress(message)
  }
}
