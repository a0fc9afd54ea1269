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

export function terminalIo(progress: (line: string) => void): DeployIo {
  return {...terminalConfirmer(), show: (line) => process.stderr.write(line + '\n'), progress}
}

/**
 * Routes toolkit-lib's messages: errors always reach stderr, whatever --quiet or --json say; its results (outputs,
 * stack ARN) and debug lines go to --verbose, since the commands print the outcome themselves; the rest is progress.
 */
export function routeToolkitEvents(out: {trace(line: string): void; progress(line: string): void}): (e: ToolkitEvent) => void {
  return (e) => {
    if (e.level === 'error') process.stderr.write(e.message + '\n')
    else if (e.level === 'result' || e.level === 'debug' || e.level === 'trace') out.trace(e.message)
    else if (e.message) out.progress(e.message)
  }
}
