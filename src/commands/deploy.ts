import {Flags} from '@oclif/core'
import {ToolkitCommand} from '../deploy/toolkit-command.js'
import {propsFromFlags, stackFlags, watchdogFlags, watchdogPropsFromFlags} from '../deploy/flags.js'
import {deployStack, formatOutcome} from '../deploy/service.js'
import type {DeployOutcome} from '../deploy/service.js'
import type {WatchdogDeployOutcome} from '../deploy/watchdog.js'

export default class Deploy extends ToolkitCommand<typeof Deploy> {
  static override summary = 'Deploy the reference web tier (VPC, ALB, Auto Scaling group of nginx instances, SSM endpoints, alarms).'
  static override description = [
    'Synthesises the CDK stack and deploys it in-process (no global `cdk` needed). Shows the plan and an hourly cost',
    'estimate first, and asks before creating anything (or takes --yes). Ends with the load balancer\'s URL and the',
    '`asg-doctor diagnose` command to run. --scenario deploys a deliberately broken variant, such as the reference',
    'incident (nginx-missing), to practise diagnosis on.',
    '',
    'With --watchdog, deploys the watchdog instead: a scheduled diagnosis of every ALB of the --targets, on Lambda',
    'and Step Functions, publishing metrics, events, notifications and reports (docs/watchdog.md); its plan shows the',
    'monthly cost.',
  ].join('\n')
  static override examples = [
    '<%= config.bin %> deploy --region eu-west-1',
    '<%= config.bin %> deploy --scenario nginx-missing --nat-gateways 1 --region eu-west-1 --yes',
    '<%= config.bin %> deploy --watchdog --targets eu-west-1,111122223333:eu-west-1 --alert-email ops@example.com --bootstrap --region eu-west-1',
  ]

  static override flags = {
    ...stackFlags,
    ...watchdogFlags,
    yes: Flags.boolean({char: 'y', summary: 'Confirm the plan in advance (needed without a terminal).'}),
    bootstrap: Flags.boolean({summary: 'Run "cdk bootstrap" first: needed for templates too large to send inline, and for the watchdog\'s Lambda code in an account never bootstrapped.'}),
  }

  public async run(): Promise<DeployOutcome | WatchdogDeployOutcome> {
    if (this.flags.watchdog) return this.watchdog()
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

  private async watchdog(): Promise<WatchdogDeployOutcome> {
    const props = watchdogPropsFromFlags(this.flags)
    const region = await this.awsClients().region()
    const {endpointUrl, toolkit, io} = await this.toolkit(region)
    const {deployWatchdog} = await import('../deploy/watchdog.js')
    const outcome = await deployWatchdog({props, region, profile: this.flags.profile, endpointUrl, yes: this.flags.yes, bootstrap: this.flags.bootstrap}, {io, toolkit})
    if (!this.jsonEnabled() && outcome.stack) {
      this.log(`Stack ${outcome.stack.stackName} is deployed.`)
      for (const [key, value] of Object.entries(outcome.stack.outputs).sort()) this.log(`  ${key}: ${value}`)
      for (const line of outcome.next ?? []) this.log(line)
    }
    return outcome
  }
}
