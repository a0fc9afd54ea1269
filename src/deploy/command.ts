/**
 * What the `deploy` and `destroy` commands share around their services: the endpoint (--endpoint-url, else
 * AWS_ENDPOINT_URL), the CDK toolkit built for it, and the terminal I/O (plan and questions on stderr, which
 * --quiet and --json never silence; progress through the command's own channel, which they do).
 */
import {terminalConfirmer} from './confirm.js'
import type {DeployIo} from './service.js'
import {createCdkToolkit} from './toolkit.js'
import type {StackToolkit, ToolkitOptions} from './toolkit.js'

/** The toolkit, and the endpoint it was pointed at (for the plan and the next steps). */
export async function commandToolkit(options: ToolkitOptions): Promise<{endpointUrl?: string; toolkit: StackToolkit}> {
  const endpointUrl = options.endpointUrl ?? process.env.AWS_ENDPOINT_URL
  return {endpointUrl, toolkit: await createCdkToolkit({...options, endpointUrl})}
}

export function terminalIo(progress: (line: string) => void): DeployIo {
  return {...terminalConfirmer(), show: (line) => process.stderr.write(line + '\n'), progress}
}
