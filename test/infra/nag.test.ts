import {describe, expect, it} from 'vitest'
import {Validations} from 'aws-cdk-lib'
import * as ec2 from 'aws-cdk-lib/aws-ec2'
import {AwsSolutionsChecks} from 'cdk-nag'
import type {IConstruct} from 'constructs'
import {buildStack} from '../../infra/stack.js'
import {CERT, SYNTH_TIMEOUT} from './helpers.js'

/** Every unacknowledged AwsSolutions finding (errors and warnings) as "rule at path". */
function findings(scope: IConstruct, app: IConstruct): string[] {
  const report = new AwsSolutionsChecks(app).validateScope(scope)
  return report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath ?? r.resourceLogicalId}`))
}

/** The acknowledgements recorded in the construct tree: [rule id, reason]. */
function acknowledgements(scope: IConstruct): Array<{id: string; reason: string}> {
  return scope.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY).flatMap((m) => Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({id, reason}))))
}

describe('cdk-nag AwsSolutions checks', {timeout: SYNTH_TIMEOUT}, () => {
  it('finds nothing unacknowledged in the default stack', () => {
    const {app, stack} = buildStack()
    expect(findings(stack, app)).toEqual([])
  })

  it('finds nothing unacknowledged with HTTPS, e-mail alerts, request scaling and each broken scenario', () => {
    for (const partial of [{certificateArn: CERT, alertEmail: 'ops@example.com', scaleOn: 'both' as const}, {scenario: 'nginx-missing' as const}, {scenario: 'no-ssm-endpoints' as const}]) {
      const {app, stack} = buildStack(partial)
      expect(findings(stack, app), JSON.stringify(partial)).toEqual([])
    }
  })

  it('acknowledges exactly three AwsSolutions findings, each with a reason a reviewer can weigh', () => {
    const {stack} = buildStack({certificateArn: CERT})
    // CDK records them as "Annotation::<rule>"; CDK's own entries (CloudFormation-Validate::...) are not ours.
    const acks = acknowledgements(stack).filter((a) => a.id.startsWith('Annotation::AwsSolutions-')).map((a) => ({...a, id: a.id.replace('Annotation::', '')}))
    expect(acks.map((a) => a.id).sort()).toEqual([
      'AwsSolutions-EC23',
      'AwsSolutions-ELB2',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]',
    ].sort())
    for (const a of acks) expect(a.reason.length, a.id).toBeGreaterThan(60)
  })

  it('still reports what is not acknowledged: an SSH port open to the world', () => {
    const {app, stack} = buildStack()
    const sg = new ec2.SecurityGroup(stack, 'Careless', {vpc: stack.network.vpc, description: 'test only'})
    sg.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(22))
    expect(findings(stack, app)).toEqual([expect.stringMatching(/^AwsSolutions-EC23 at .*Careless/)])
  })
})
