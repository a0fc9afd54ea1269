import {describe, expect, it} from 'vitest'
import {rule} from '../../../src/rules/ssm/ssm-no-path-to-endpoints.js'
import {ENDPOINT_SG, healthyWorld, INSTANCE_IDS, PRIVATE_SUBNETS, VPC_ID} from '../../fixtures/world.js'
import {healthySsmWorld} from '../../fixtures/ssm.js'
import {findings, outcome} from './helpers.js'
import {removeEndpoints, removeNatRoutes} from './world-edits.js'

describe('ssm-no-path-to-endpoints', () => {
  it('passes with the three endpoints and no NAT route', () => {
    expect(findings(rule, removeNatRoutes(healthySsmWorld()))).toEqual([])
  })

  it('passes with a NAT route and no endpoints', () => {
    expect(findings(rule, removeEndpoints(healthySsmWorld(), ['ssm', 'ssmmessages', 'ec2messages']))).toEqual([])
  })

  it('gives a default route to a transit gateway the benefit of the doubt', () => {
    const world = removeNatRoutes(removeEndpoints(healthySsmWorld(), ['ssm', 'ssmmessages', 'ec2messages']))
    for (const rt of world.ec2.RouteTables) if (rt.RouteTableId?.startsWith('rtb-0private')) rt.Routes!.push({DestinationCidrBlock: '0.0.0.0/0', TransitGatewayId: 'tgw-0123456789abcdef0'})
    expect(findings(rule, world)).toEqual([])
  })

  it('does not apply when SSM readiness was not collected', () => {
    expect(outcome(rule, healthyWorld())).toHaveProperty('notApplicable')
  })

  it('fails with neither endpoints nor NAT, and gives the commands that create all three endpoints', () => {
    const world = removeNatRoutes(removeEndpoints(healthySsmWorld(), ['ssm', 'ssmmessages', 'ec2messages']))
    const [f, ...rest] = findings(rule, world)
    expect(rest).toEqual([])
    expect(f.ruleId).toBe('ssm-no-path-to-endpoints')
    expect(f.message).toContain(`3 instance(s) in ${VPC_ID}`)
    expect(f.message).toContain('cannot reach ssm.us-east-1.amazonaws.com, ssmmessages.us-east-1.amazonaws.com, ec2messages.us-east-1.amazonaws.com')
    expect(f.resources).toEqual([VPC_ID, ...PRIVATE_SUBNETS, ...INSTANCE_IDS])
    expect(f.evidence).toContain('route table rtb-0private000000001 has no 0.0.0.0/0 route')
    const cmds = f.remediation.commands!
    expect(cmds[0]).toContain(`aws ec2 create-security-group --group-name ssm-endpoints`)
    expect(cmds[1]).toBe(`aws ec2 authorize-security-group-ingress --group-id "$SG" --protocol tcp --port 443 --cidr 10.0.0.0/16 --region us-east-1`)
    expect(cmds[2]).toBe(
      `aws ec2 create-vpc-endpoint --vpc-id ${VPC_ID} --vpc-endpoint-type Interface --service-name com.amazonaws.us-east-1.ssm --subnet-ids ${PRIVATE_SUBNETS.join(' ')} --security-group-ids "$SG" --private-dns-enabled --region us-east-1`,
    )
    expect(cmds).toHaveLength(5)
    expect(f.explains).toEqual(INSTANCE_IDS.map((resource) => ({ruleId: 'ssm-agent-not-online', resource})))
  })

  it('reuses the existing endpoints\' security group when only one endpoint is missing', () => {
    const world = removeNatRoutes(removeEndpoints(healthySsmWorld(), ['ec2messages']))
    const [f] = findings(rule, world)
    expect(f.data?.missingServices).toEqual(['ec2messages'])
    expect(f.remediation.commands).toEqual([
      `aws ec2 create-vpc-endpoint --vpc-id ${VPC_ID} --vpc-endpoint-type Interface --service-name com.amazonaws.us-east-1.ec2messages --subnet-ids ${PRIVATE_SUBNETS.join(' ')} --security-group-ids ${ENDPOINT_SG} --private-dns-enabled --region us-east-1`,
    ])
  })

  it('treats a NAT gateway that is not available as no path', () => {
    const world = removeEndpoints(healthySsmWorld(), ['ssm', 'ssmmessages', 'ec2messages'])
    world.ec2.NatGateways[0].State = 'failed'
    const [f] = findings(rule, world)
    expect(f.data?.instanceIds).toEqual([INSTANCE_IDS[0]])
    expect(f.evidence).toContain('NAT gateway nat-0a1a1a1a1a1a1a1a1 is failed')
  })
})
