/**
 * The stacks asg-doctor deploys, as the toolkit takes them: a name and a builder. Each loads its CDK code only
 * when the toolkit synthesises it (aws-cdk-lib costs seconds no other command should pay).
 */
import type {WebTierProps} from '../../infra/props.js'
import type {WatchdogProps} from '../../infra/watchdog/props.js'
import type {StackSpec} from './toolkit.js'

export function webTierSpec(props: WebTierProps): StackSpec {
  return {
    stackName: props.stackName,
    async assemble(outdir) {
      const {buildStack} = await import('../../infra/stack.js')
      return buildStack(props, outdir).app.synth()
    },
  }
}

export function watchdogSpec(props: WatchdogProps): StackSpec {
  return {
    stackName: props.stackName,
    async assemble(outdir) {
      const {buildWatchdogStack} = await import('../../infra/watchdog/stack.js')
      return buildWatchdogStack(props, outdir).app.synth()
    },
  }
}
