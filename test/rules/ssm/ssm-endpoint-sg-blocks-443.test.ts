import {describe, expect, it} from 'vitest'
import {rule} from '../../../src/rules/ssm/ssm-endpoint-sg-blocks-443.js'
import {ENDPOINT_SG, healthyWorld, INSTANCE_IDS, WEB_SG} from '../../fixtures/world.js'
import {healthySsmWorld} from '../../fixtures/ssm.js'
import {findings, outcome} from './helpers.js'

const endpointSg = (world: ReturnType<typeof healthySsmWorld>) => world.ec2.SecurityGroups.find((g) => g.GroupId === ENDPOINT_SG)!

describe('ssm-endpoint-sg-blocks-443', () => {
  it('passes when the endpoint group admits 443 from the VPC CIDR', () => {
    expect(findings(rule, healthySsmWorld())).toEqual([])
  })

  it('passes when the endpoint group admits 443 from the instances\' group', () => {
    const world = healthySsmWorld()
    endpointSg(world).IpPermissions = [{IpProtocol: 'tcp', FromPort: 443, ToPort: 443, UserIdGroupPairs: [{GroupId: WEB_SG}]}]
    expect(findings(rule, world)).toEqual([])
  })

  it('does not apply when SSM readiness was not collected', () => {
    expect(outcome(rule, healthyWorld())).toHaveProperty('notApplicable')
  })

  it('fails when the endpoint group only admits port 80, once per endpoint', () => {
    const world = healthySsmWorld()
    endpointSg(world).IpPermissions = [{IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{CidrIp: '10.0.0.0/16'}]}]
    const out = findings(rule, world)
    expect(out).toHaveLength(3)
    expect(out.every((f) => f.ruleId === 'ssm-endpoint-sg-blocks-443')).toBe(true)
    expect(out[0].message).toBe(`Security group(s) ${ENDPOINT_SG} of endpoint vpce-0ssm000000000000 (ssm) do not admit TCP 443 from ${INSTANCE_IDS.join(', ')}`)
    expect(out[0].remediation.commands).toEqual([`aws ec2 authorize-security-group-ingress --group-id ${ENDPOINT_SG} --protocol tcp --port 443 --source-group ${WEB_SG} --region us-east-1`])
    expect(out[0].explains).toHaveLength(3)
  })

  it('fails only for the instance outside an admitted CIDR', () => {
    const world = healthySsmWorld()
    endpointSg(world).IpPermissions = [{IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{CidrIp: '10.0.10.0/23'}]}]
    const out = findings(rule, world)
    expect(out.map((f) => f.data?.instanceIds)).toEqual([[INSTANCE_IDS[2]], [INSTANCE_IDS[2]], [INSTANCE_IDS[2]]])
  })
})
