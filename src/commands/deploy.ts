import {Flags} from '@oclif/core'
import {ToolkitCommand} from '../deploy/toolkit-command.js'
import {propsFromFlags, stackFlags} from '../deploy/flags.js'
import {deployStack, formatOutcome} from '../deploy/service.js'
import type {DeployOutcome} from '../deploy/service.js'

export default class Deploy extends ToolkitCommand<typeof Deploy> {
  static override summary = 'Deploy the reference web tier (VPC, ALB, Auto Scaling group of nginx instances, SSM endpoints, alarms).'
  static override description = [
    'Synthesises the CDK stack and deploys it in-process (no global `cdk` needed). Shows the plan and an hourly cost',
    'estimate first, and asks before creating anything (or takes --yes). Ends with the load balancer\'s URL and the',
    '`asg-doctor diagnose` command to run. --scenario deploys a deliberately broken variant, such as the reference',
    'incident (nginx-missing), to practise diagnosis on.',
  ].join('\n')
  static override examples = [
    '<%= config.bin %> deploy --region eu-west-1',
    '<%= config.bin %> deploy --scenario nginx-missing --nat-gateways 1 --region eu-west-1 --yes',
  ]

  static override flags = {
    ...stackFlags,
    yes: Flags.boolean({char: 'y', summary: 'Confirm the plan in advance (needed without a terminal).'}),
    bootstrap: Flags.boolean({summary: 'Run "cdk bootstrap" first if the account needs it (only for templates too large to send inline).'}),
  }

  public async run(): Promise<DeployOutcome> {
    const props = propsFromFlags(this.flags)
    const clients = this.awsClients()
    const region = await clients.region()
    const {endpointUrl, toolkit, io} = await this.toolkit(region)
    const outcome = await deployStack(
      {props, region, profile: this.flags.profile, endpointUrl, yes: this.flags.yes, bootstrap: this.flags.bootstrap},
      {io, toolkit},
    )
    if (!this.jsonEnabled()) for (const line of formatOutcome(outcome, props)) this.log(line)
    return outcome
  }
}
