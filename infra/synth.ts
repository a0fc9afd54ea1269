/**
 * Synthesis without the toolkit: props in, CloudFormation template out. Used by `asg-doctor synth`, the cost
 * plan's template size check, and the tests.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {App, Stack} from 'aws-cdk-lib'
import {buildStack} from './stack.js'
import type {WebTierProps} from './props.js'

export type Template = Record<string, unknown> & {Resources: Record<string, {Type: string; Properties?: Record<string, unknown>}>}

/** Synthesises the stack a builder makes in a scratch output directory, removed afterwards, and returns its template. */
export function synthesizeWith(build: (outdir: string) => {app: App; stack: Stack}, prefix = 'asg-doctor-synth-'): Template {
  const outdir = mkdtempSync(join(tmpdir(), prefix))
  try {
    const {app, stack} = build(outdir)
    return app.synth().getStackByName(stack.stackName).template as Template
  } finally {
    rmSync(outdir, {recursive: true, force: true})
  }
}

export function synthesize(partial: Partial<WebTierProps> = {}): Template {
  return synthesizeWith((outdir) => buildStack(partial, outdir))
}
