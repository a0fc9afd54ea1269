import {describe, expect, it} from 'vitest'
import {analyze} from '../../../src/analyze/engine.js'
import {rule as albSubnetNoIgwRoute} from '../../../src/rules/network/alb-subnet-no-igw-route.js'
import {IGW_ID, NAT_IDS, PUBLIC_SUBNETS, VPC_CIDR, VPC_ID, healthyWorld} from '../../fixtures/world.js'
import {findings, run} from './helpers.js'

const PUBLIC_RT = 'rtb-0public0000000001'
const MAIN_RT = 'rtb-0main000000000001'

describe('alb-subnet-no-igw-route', () => {
  it('passes on the healthy world', () => {
    expect(run(albSubnetNoIgwRoute, healthyWorld())).toEqual([])
  })

  it('flags an ALB subnet left on the main route table, which has no IGW route', () => {
    const w = healthyWorld()
    const pub = w.ec2.RouteTables.find((r) => r.RouteTableId === PUBLIC_RT)!
    pub.Associations = pub.Associations!.filter((a) => a.SubnetId !== PUBLIC_SUBNETS[2])
    const out = findings(albSubnetNoIgwRoute, w)
    expect(out).toHaveLength(1)
    const f = out[0]
    expect(f.key).toBe(`alb-subnet-no-igw-route:${MAIN_RT}`)
    expect(f.resources).toEqual([MAIN_RT, PUBLIC_SUBNETS[2]])
    expect(f.message).toContain(`${PUBLIC_SUBNETS[2]} (us-east-1c, 10.0.2.0/24) use route table ${MAIN_RT} (the VPC's main table), which has no 0.0.0.0/0 route`)
    expect(f.message).toContain("ALB's node in us-east-1c cannot reach it")
    expect(f.remediation.commands).toEqual([`aws ec2 create-route --route-table-id ${MAIN_RT} --destination-cidr-block 0.0.0.0/0 --gateway-id ${IGW_ID} --region us-east-1`])
  })

  it('flags a blackhole IGW route and a default route to a NAT gateway, proposing replace-route', () => {
    const w = healthyWorld()
    const pub = w.ec2.RouteTables.find((r) => r.RouteTableId === PUBLIC_RT)!
    pub.Routes![1].State = 'blackhole'
    let out = findings(albSubnetNoIgwRoute, w)
    expect(out[0].message).toContain(`sends 0.0.0.0/0 to ${IGW_ID}, which is a blackhole`)
    expect(out[0].resources).toEqual([PUBLIC_RT, ...PUBLIC_SUBNETS])
    expect(out[0].remediation.commands![0]).toMatch(/^aws ec2 replace-route --route-table-id rtb-0public0000000001 /)
    pub.Routes![1] = {DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: NAT_IDS[0], State: 'active'}
    out = findings(albSubnetNoIgwRoute, w)
    expect(out[0].message).toContain(`sends 0.0.0.0/0 to ${NAT_IDS[0]} (a nat gateway), not to an internet gateway`)
  })

  it('tells how to attach an internet gateway when the VPC has none', () => {
    const w = healthyWorld()
    w.ec2.InternetGateways = []
    w.ec2.RouteTables.find((r) => r.RouteTableId === PUBLIC_RT)!.Routes = [{DestinationCidrBlock: VPC_CIDR, GatewayId: 'local', State: 'active'}]
    const out = findings(albSubnetNoIgwRoute, w)
    expect(out[0].remediation.commands).toHaveLength(3)
    expect(out[0].remediation.commands![1]).toContain(`attach-internet-gateway --internet-gateway-id <igw-id from the previous command> --vpc-id ${VPC_ID}`)
  })

  it('is not applicable to an internal ALB', () => {
    const w = healthyWorld()
    w.elbv2.LoadBalancers[0].Scheme = 'internal'
    expect(run(albSubnetNoIgwRoute, w)).toEqual({notApplicable: 'the load balancer is internal'})
  })

  it('says it could not check, and why, when the snapshot does not give the scheme', () => {
    const w = healthyWorld()
    delete w.elbv2.LoadBalancers[0].Scheme
    for (const s of w.ec2.RouteTables) s.Routes = (s.Routes ?? []).filter((r) => r.DestinationCidrBlock !== '0.0.0.0/0')
    expect(run(albSubnetNoIgwRoute, w)).toEqual({couldNotCheck: expect.stringContaining('no Scheme')})
    const check = analyze(w).checks.find((c) => c.ruleId === 'alb-subnet-no-igw-route')
    expect(check).toMatchObject({status: 'could-not-check', reason: expect.stringContaining('internet-facing or internal')})
  })
})
