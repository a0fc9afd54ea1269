/** The watchdog's template without the toolkit: for `asg-doctor synth --watchdog` and the tests. */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {Template} from '../synth.js'
import {buildWatchdogStack} from './stack.js'
import type {WatchdogProps} from './props.js'

export function synthesizeWatchdog(partial: Partial<WatchdogProps> = {}): Template {
  const outdir = mkdtempSync(join(tmpdir(), 'asg-doctor-watchdog-synth-'))
  try {
    const {app, stack} = buildWatchdogStack(partial, outdir)
    return app.synth().getStackByName(stack.stackName).template as Template
  } finally {
    rmSync(outdir, {recursive: true, force: true})
  }
}
