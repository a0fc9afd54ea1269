import {describe, expect, it} from 'vitest'
import {rule} from '../../../src/rules/ssm/ssm-role-missing-permissions.js'
import {analyze} from '../../../src/analyze/engine.js'
import {rule as agentNotOnline} from '../../../src/rules/ssm/ssm-agent-not-online.js'
import {healthyWorld, INSTANCE_IDS} from '../../fixtures/world.js'
import {healthySsmWorld, ROLE_ARN, ROLE_NAME, SSM_CORE_ARN} from '../../fixtures/ssm.js'
import {findings, outcome} from './helpers.js'

/** A role whose only policy is named as if it granted SSM, but grants S3 reads. */
function misleadingPolicyWorld() {
  const world = healthySsmWorld()
  const arn = 'arn:aws:iam::123456789012:policy/web-ssm-access'
  world.iam!.RolePolicies[ROLE_NAME].AttachedPolicies = [{PolicyName: 'web-ssm-access', PolicyArn: arn}]
  world.iam!.ManagedPolicies = {
    [arn]: {Policy: {PolicyName: 'web-ssm-access', Arn: arn, DefaultVersionId: 'v1'}, Document: {Version: '2012-10-17', Statement: [{Effect: 'Allow', Action: 's3:GetObject', Resource: '*'}]}},
  }
  return world
}

describe('ssm-role-missing-permissions', () => {
  it('passes with AmazonSSMManagedInstanceCore attached', () => {
    expect(findings(rule, healthySsmWorld())).toEqual([])
  })

  it('passes with the same actions granted by an inline policy alone', () => {
    const world = healthySsmWorld()
    const core = world.iam!.ManagedPolicies[SSM_CORE_ARN].Document
    world.iam!.RolePolicies[ROLE_NAME] = {AttachedPolicies: [], InlinePolicies: [{PolicyName: 'agent', PolicyDocument: core}]}
    expect(findings(rule, world)).toEqual([])
  })

  it('does not apply when IAM was not collected', () => {
    expect(outcome(rule, healthyWorld())).toHaveProperty('notApplicable')
  })

  it('reads the document, not the name: a policy called ssm-access that grants S3 fails', () => {
    const [f, ...rest] = findings(rule, misleadingPolicyWorld())
    expect(rest).toEqual([])
    expect(f.ruleId).toBe('ssm-role-missing-permissions')
    expect(f.severity).toBe('error')
    expect(f.message).toContain(`Role ${ROLE_NAME} (${INSTANCE_IDS.join(', ')}) does not allow 11 of the 11 actions the SSM agent needs: ssm:UpdateInstanceInformation`)
    expect(f.resources).toEqual([ROLE_ARN, ...INSTANCE_IDS])
    expect(f.evidence[0]).toBe('policies read: managed policy web-ssm-access')
    expect(f.remediation.commands).toEqual([`aws iam attach-role-policy --role-name ${ROLE_NAME} --policy-arn ${SSM_CORE_ARN}`])
  })

  it('names the explicit Deny that blocks the agent', () => {
    const world = healthySsmWorld()
    world.iam!.RolePolicies[ROLE_NAME].InlinePolicies = [
      {PolicyName: 'no-sessions', PolicyDocument: {Statement: [{Sid: 'Lock', Effect: 'Deny', Action: 'ssmmessages:*', Resource: '*'}]}},
    ]
    const [f] = findings(rule, world)
    expect(f.message).toContain('does not allow 4 of the 11 actions')
    expect(f.remediation.summary).toContain('Remove the explicit Deny (explicit Deny in inline policy no-sessions (Sid Lock))')
  })

  it('warns, with possible confidence, when the grant depends on a Condition', () => {
    const world = healthySsmWorld()
    const core = world.iam!.ManagedPolicies[SSM_CORE_ARN].Document
    const stmts = (Array.isArray(core.Statement) ? core.Statement : [core.Statement!]).map((s) => ({...s, Condition: {StringEquals: {'aws:SourceVpc': 'vpc-0'}}}))
    world.iam!.ManagedPolicies[SSM_CORE_ARN].Document = {Statement: stmts}
    const [f] = findings(rule, world)
    expect(f.severity).toBe('warning')
    expect(f.confidence).toBe('possible')
    expect(f.message).toContain('only under conditions')
  })

  it('warns when only the association and document actions are missing', () => {
    const world = healthySsmWorld()
    world.iam!.ManagedPolicies[SSM_CORE_ARN].Document = {Statement: {Effect: 'Allow', Action: ['ssm:UpdateInstanceInformation', 'ssmmessages:*', 'ec2messages:*'], Resource: '*'}}
    const [f] = findings(rule, world)
    expect(f.severity).toBe('warning')
    expect(f.message).toContain('ssm:ListAssociations')
    expect(f.explains).toBeUndefined()
  })

  it('is reported as the cause of the agents being offline', () => {
    const world = misleadingPolicyWorld()
    world.ssm!.InstanceInformationList = []
    const report = analyze(world, {rules: [rule, agentNotOnline]})
    expect(report.rootCauses).toHaveLength(1)
    expect(report.rootCauses[0].cause.ruleId).toBe('ssm-role-missing-permissions')
    expect(report.rootCauses[0].symptoms.map((s) => s.resources[0])).toEqual([...INSTANCE_IDS])
  })
})
