import {describe, expect, it} from 'vitest'
import {resolveProps} from '../../infra/props.js'
import {INLINE_TEMPLATE_LIMIT, formatPlan, makePlan} from '../../src/deploy/plan.js'
import {isTemplateTooLarge, plainText} from '../../src/deploy/toolkit.js'

const template = (bytes: number) => ({Resources: {A: {Type: 'AWS::SNS::Topic', Properties: {Pad: 'x'.repeat(bytes)}}}})

describe('makePlan / formatPlan', () => {
  it('describes the stack, the region and endpoint, the template size and the cost', () => {
    const plan = makePlan({props: resolveProps({stackName: 'web', scenario: 'nginx-missing', natGateways: 1}), region: 'us-east-1', endpointUrl: 'http://127.0.0.1:5000', template: template(30_000)})
    const lines = formatPlan(plan)
    expect(lines[0]).toBe('Plan: create or update stack web in us-east-1 at http://127.0.0.1:5000 (1 resources).')
    expect(lines[1]).toMatch(/^ {2}Scenario nginx-missing: The reference incident: the launch template never installs nginx/)
    expect(lines).toContain('  VPC over 3 AZs, 1 NAT gateway, S3 gateway endpoint, SSM interface endpoints.')
    expect(lines).toContain('  Auto Scaling group of t3.micro: min 2, desired 2, max 4; scales on CPU (60%).')
    expect(lines).toContain('  Template about 35 KiB: sent inline, no "cdk bootstrap" needed.')
    expect(lines).toContain('Cost while it runs:')
    expect(plan.needsBootstrap).toBe(false)
  })

  it('needs a bootstrap once the template, as YAML, would pass the 51,200-byte inline limit', () => {
    expect(makePlan({props: resolveProps(), region: 'us-east-1', template: template(INLINE_TEMPLATE_LIMIT)}).needsBootstrap).toBe(true)
    expect(makePlan({props: resolveProps(), region: 'us-east-1', template: template(40_000)}).needsBootstrap).toBe(false)
  })
})

describe('toolkit helpers', () => {
  it('recognises toolkit-lib\'s template-too-large failure only', () => {
    expect(isTemplateTooLarge(Object.assign(new Error('Template too large to deploy ("cdk bootstrap" is required)'), {name: 'ToolkitError'}))).toBe(true)
    expect(isTemplateTooLarge(new Error('Stack web is in ROLLBACK_COMPLETE state'))).toBe(false)
  })

  it('strips ANSI colour from toolkit messages', () => {
    expect(plainText('\u001b[32mweb\u001b[39m | CREATE_COMPLETE  ')).toBe('web | CREATE_COMPLETE')
  })
})
