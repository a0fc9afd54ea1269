import {describe, expect, it} from 'vitest'
import {rule} from '../../../src/rules/ssm/ssm-no-instance-profile.js'
import {healthyWorld, INSTANCE_IDS, INSTANCE_PROFILE_ARN} from '../../fixtures/world.js'
import {healthySsmWorld} from '../../fixtures/ssm.js'
import {findings, outcome} from './helpers.js'

describe('ssm-no-instance-profile', () => {
  it('passes when every instance has a profile with a role', () => {
    expect(findings(rule, healthySsmWorld())).toEqual([])
  })

  it('does not apply when IAM was not collected', () => {
    expect(outcome(rule, healthyWorld())).toEqual({notApplicable: expect.stringContaining('SSM readiness was not collected')})
  })

  it('flags an instance without a profile and suggests associating one', () => {
    const world = healthySsmWorld()
    delete world.ec2.Instances[1].IamInstanceProfile
    const [f, ...rest] = findings(rule, world)
    expect(rest).toEqual([])
    expect(f.ruleId).toBe('ssm-no-instance-profile')
    expect(f.message).toBe(`${INSTANCE_IDS[1]} has no IAM instance profile, so the SSM agent has no credentials`)
    expect(f.remediation.commands).toContain(
      `aws ec2 associate-iam-instance-profile --instance-id ${INSTANCE_IDS[1]} --iam-instance-profile Name=ssm-instance-profile --region us-east-1`,
    )
    expect(f.remediation.commands).toContain('aws iam attach-role-policy --role-name ssm-instance-role --policy-arn arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore')
    expect(f.explains).toEqual([{ruleId: 'ssm-agent-not-online', resource: INSTANCE_IDS[1]}])
  })

  it('flags a profile that holds no role once, for every instance carrying it', () => {
    const world = healthySsmWorld()
    world.iam!.InstanceProfiles[INSTANCE_PROFILE_ARN].Roles = []
    const out = findings(rule, world)
    expect(out).toHaveLength(1)
    expect(out[0].resources).toEqual([...INSTANCE_IDS, INSTANCE_PROFILE_ARN])
    expect(out[0].message).toBe(`Instance profile web-instance-profile of 3 instances (${INSTANCE_IDS.join(', ')}) holds no role, so the SSM agent has no credentials`)
    expect(out[0].explains).toEqual(INSTANCE_IDS.map((i) => ({ruleId: 'ssm-agent-not-online', resource: i})))
    expect(out[0].remediation.commands).toContain('aws iam add-role-to-instance-profile --instance-profile-name web-instance-profile --role-name ssm-instance-role')
  })

  it('flags a profile IAM no longer knows', () => {
    const world = healthySsmWorld()
    delete world.iam!.InstanceProfiles[INSTANCE_PROFILE_ARN]
    world.iam!.NotFound = [INSTANCE_PROFILE_ARN]
    const out = findings(rule, world)
    expect(out).toHaveLength(1)
    expect(out[0].message).toContain('which no longer exists in IAM')
    expect(out[0].remediation.commands!.some((c) => c.startsWith(`for id in ${INSTANCE_IDS.join(' ')}; do aws ec2 replace-iam-instance-profile-association`))).toBe(true)
  })

  it('groups a fleet without profiles into one finding whose fix loops over the instances', () => {
    const world = healthySsmWorld()
    for (const i of world.ec2.Instances) delete i.IamInstanceProfile
    const out = findings(rule, world)
    expect(out).toHaveLength(1)
    expect(out[0].message).toBe(`3 instances (${INSTANCE_IDS.join(', ')}) have no IAM instance profile, so the SSM agent has no credentials`)
    expect(out[0].remediation.commands).toContain(
      `for id in ${INSTANCE_IDS.join(' ')}; do aws ec2 associate-iam-instance-profile --instance-id "$id" --iam-instance-profile Name=ssm-instance-profile --region us-east-1; done`,
    )
  })

  it('ignores stopped instances', () => {
    const world = healthySsmWorld()
    delete world.ec2.Instances[0].IamInstanceProfile
    world.ec2.Instances[0].State = {Code: 80, Name: 'stopped'}
    expect(findings(rule, world)).toEqual([])
  })
})
