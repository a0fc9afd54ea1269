/** The watchdog's template without the toolkit: for `asg-doctor synth --watchdog` and the tests. */
import type {Template} from '../synth.js'
import {synthesizeWith} from '../synth.js'
import {buildWatchdogStack} from './stack.js'
import type {WatchdogProps} from './props.js'

export function synthesizeWatchdog(partial: Partial<WatchdogProps> = {}): Template {
  return synthesizeWith((outdir) => buildWatchdogStack(partial, outdir), 'asg-doctor-watchdog-synth-')
}
