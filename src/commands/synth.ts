import {Flags} from '@oclif/core'
import {BaseCommand} from '../lib/base-command.js'
import {propsFromFlags, stackFlags, watchdogFlags, watchdogPropsFromFlags} from '../deploy/flags.js'

export default class Synth extends BaseCommand<typeof Synth> {
  static override summary = 'Print the CloudFormation template of the reference web tier, or of the watchdog (JSON) on stdout.'
  static override description = 'The same stack `asg-doctor deploy` creates, for review, cfn-lint, or other tools. Needs no AWS credentials: the template is region-agnostic. With --watchdog, the watchdog stack (its Lambda is bundled first); with --watchdog --member-role, the read-only role to deploy to member accounts with a StackSet.'
  static override examples = [
    '<%= config.bin %> synth > web-tier.json',
    '<%= config.bin %> synth --scenario nginx-missing --nat-gateways 1 | cfn-lint -',
    '<%= config.bin %> synth --watchdog --targets eu-west-1,111122223333:us-east-1 > watchdog.json',
    '<%= config.bin %> synth --watchdog --member-role > member-role.json',
  ]

  static override flags = {
    ...stackFlags,
    ...watchdogFlags,
    'member-role': Flags.boolean({summary: 'With --watchdog: print the member accounts\' read-only role (a StackSet template) instead.', dependsOn: ['watchdog'], helpGroup: 'WATCHDOG'}),
  }

  public async run(): Promise<Record<string, unknown>> {
    let template: Record<string, unknown>
    if (this.flags.watchdog && this.flags['member-role']) {
      const {memberRoleTemplate} = await import('../../infra/watchdog/member-role.js')
      template = memberRoleTemplate()
    } else if (this.flags.watchdog) {
      const props = watchdogPropsFromFlags(this.flags)
      this.progress(`Synthesising the watchdog stack ${props.stackName}...`)
      // Loaded here, not at the top: aws-cdk-lib costs seconds that no other command should pay.
      const {synthesizeWatchdog} = await import('../../infra/watchdog/synth.js')
      template = synthesizeWatchdog(props)
    } else {
      const props = propsFromFlags(this.flags)
      this.progress(`Synthesising ${props.stackName} (scenario ${props.scenario})...`)
      const {synthesize} = await import('../../infra/synth.js')
      template = synthesize(props)
    }
    if (!this.jsonEnabled()) process.stdout.write(JSON.stringify(template, null, 2) + '\n')
    return template
  }
}
