/**
 * Synthesis without the toolkit: props in, CloudFormation template out. Used by `asg-doctor synth`, the cost
 * plan's template size check, and the tests.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {buildStack} from './stack.js'
import type {WebTierProps} from './props.js'

export type Template = Record<string, unknown> & {Resources: Record<string, {Type: string; Properties?: Record<string, unknown>}>}

export function synthesize(partial: Partial<WebTierProps> = {}): Template {
  const outdir = mkdtempSync(join(tmpdir(), 'asg-doctor-synth-'))
  try {
    const {app, stack} = buildStack(partial, outdir)
    return app.synth().getStackByName(stack.stackName).template as Template
  } finally {
    rmSync(outdir, {recursive: true, force: true})
  }
}
