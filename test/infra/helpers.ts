/** Shared helpers for the stack tests: one synthesis per scenario per file (each costs ~2 s and ~470 MB). */
import {Template} from 'aws-cdk-lib/assertions'
import {buildStack} from '../../infra/stack.js'
import type {WebTierProps} from '../../infra/props.js'

/** A synthesis takes ~2 s alone, far longer on a busy shared machine. */
export const SYNTH_TIMEOUT = 120_000

export const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-aaaa-bbbb-cccc-123456789abc'

export function templateOf(props: Partial<WebTierProps> = {}): Template {
  return Template.fromStack(buildStack(props).stack)
}

type Resources = Record<string, {Type: string; Properties?: Record<string, unknown>; DependsOn?: string[]}>

export function resources(t: Template): Resources {
  return (t.toJSON() as {Resources: Resources}).Resources
}

export function ofType(t: Template, type: string): Array<[string, {Properties?: Record<string, unknown>}]> {
  return Object.entries(resources(t)).filter(([, r]) => r.Type === type)
}

export function logicalIdOf(t: Template, type: string, description: RegExp): string {
  const found = ofType(t, type).filter(([, r]) => description.test(String(r.Properties?.GroupDescription ?? '')))
  if (found.length !== 1) throw new Error(`expected one ${type} matching ${description}, found ${found.length}`)
  return found[0][0]
}

/** The launch template's user data, decoded from its `Fn::Base64` literal. */
export function userData(t: Template): string {
  const [[, lt]] = ofType(t, 'AWS::EC2::LaunchTemplate')
  const data = (lt.Properties?.LaunchTemplateData as {UserData: {'Fn::Base64': unknown}}).UserData['Fn::Base64']
  if (typeof data !== 'string') throw new Error(`user data is not a literal: ${JSON.stringify(data)}`)
  return data
}
