import {BaseCommand} from '../lib/base-command.js'
import {propsFromFlags, stackFlags} from '../deploy/flags.js'

export default class Synth extends BaseCommand<typeof Synth> {
  static override summary = 'Print the CloudFormation template of the reference web tier (JSON) on stdout.'
  static override description = 'The same stack `asg-doctor deploy` creates, for review, cfn-lint, or other tools. Needs no AWS credentials: the template is region-agnostic.'
  static override examples = [
    '<%= config.bin %> synth > web-tier.json',
    '<%= config.bin %> synth --scenario nginx-missing --nat-gateways 1 | cfn-lint -',
  ]

  static override flags = {...stackFlags}

  public async run(): Promise<Record<string, unknown>> {
    const props = propsFromFlags(this.flags)
    this.progress(`Synthesising ${props.stackName} (scenario ${props.scenario})...`)
    // Loaded here, not at the top: aws-cdk-lib costs seconds that no other command should pay.
    const {synthesize} = await import('../../infra/synth.js')
    const template = synthesize(props)
    if (!this.jsonEnabled()) process.stdout.write(JSON.stringify(template, null, 2) + '\n')
    return template
  }
}
