import {Flags} from '@oclif/core'
import {ToolkitCommand} from '../deploy/toolkit-command.js'
import {propsFromFlags, stackNameFlag, watchdogFlag, watchdogPropsFromFlags} from '../deploy/flags.js'
import {destroyStack} from '../deploy/service.js'

export default class Destroy extends ToolkitCommand<typeof Destroy> {
  static override summary = 'Delete the reference web tier stack (or, with --watchdog, the watchdog) and everything in it.'
  static override description = 'Asks before deleting (or takes --yes). Use the same --stack-name and --region as the deployment.'
  static override examples = ['<%= config.bin %> destroy --region eu-west-1', '<%= config.bin %> destroy --stack-name web-test --region eu-west-1 --yes', '<%= config.bin %> destroy --watchdog --region eu-west-1']

  static override flags = {
    ...stackNameFlag,
    ...watchdogFlag,
    yes: Flags.boolean({char: 'y', summary: 'Confirm the deletion in advance (needed without a terminal).'}),
  }

  public async run(): Promise<{status: 'destroyed' | 'declined'; stackName: string}> {
    const stackName = {'stack-name': this.flags['stack-name']}
    const props = this.flags.watchdog ? watchdogPropsFromFlags(stackName) : propsFromFlags(stackName)
    const region = await this.awsClients().region()
    const {endpointUrl, toolkit, io} = await this.toolkit(region)
    const {destroyWatchdog} = await import('../deploy/watchdog.js')
    const result = 'rateMinutes' in props
      ? await destroyWatchdog({props, region, endpointUrl, yes: this.flags.yes}, {io, toolkit})
      : await destroyStack({props, region, endpointUrl, yes: this.flags.yes}, {io, toolkit})
    if (!this.jsonEnabled() && result.status === 'destroyed') this.log(`Stack ${result.stackName} is deleted.`)
    return result
  }
}
