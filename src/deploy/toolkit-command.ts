/**
 * The base of the commands that drive the CDK toolkit (`deploy`, `destroy`): the toolkit built for the command's
 * region, profile and endpoint, its messages routed to the command's trace and progress channels, and the terminal
 * I/O for the plan and the question.
 */
import type {Command} from '@oclif/core'
import {BaseCommand} from '../lib/base-command.js'
import {commandToolkit, routeToolkitEvents, terminalIo} from './command.js'
import type {DeployIo} from './service.js'
import type {StackToolkit} from './toolkit.js'

export abstract class ToolkitCommand<T extends typeof Command> extends BaseCommand<T> {
  protected async toolkit(region: string): Promise<{endpointUrl?: string; toolkit: StackToolkit; io: DeployIo}> {
    const flags = this.flags as {profile?: string; 'endpoint-url'?: string}
    const {endpointUrl, toolkit} = await commandToolkit({
      region,
      profile: flags.profile,
      endpointUrl: flags['endpoint-url'],
      logger: this.sdkLogger(),
      onEvent: routeToolkitEvents({trace: (l) => this.trace(l), progress: (l) => this.progress(l)}),
    })
    return {endpointUrl, toolkit, io: terminalIo((line) => this.progress(line), () => this.progressDone())}
  }
}
