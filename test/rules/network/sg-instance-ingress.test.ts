import {describe, expect, it} from 'vitest'
import {rule as sgInstanceIngress} from '../../../src/rules/network/sg-instance-ingress.js'
import {ALB_SG, INSTANCE_IDS, PUBLIC_CIDRS, PUBLIC_SUBNETS, TG_ARN, VPC_CIDR, WEB_SG, healthyWorld} from '../../fixtures/world.js'
import {findings, run, sg, tcp} from './helpers.js'

const withWebIngress = (...perms: Record<string, unknown>[]) => {
  const w = healthyWorld()
  sg(w, WEB_SG).IpPermissions = perms
  return w
}

describe('sg-instance-ingress', () => {
  it('passes on the healthy world (rule by the ALB security group)', () => {
    expect(run(sgInstanceIngress, healthyWorld())).toEqual([])
  })

  it('fails when the instance group has no ingress rule at all, and explains the unhealthy targets', () => {
    const out = findings(sgInstanceIngress, withWebIngress())
    expect(out).toHaveLength(1)
    const f = out[0]
    expect(f.ruleId).toBe('sg-instance-ingress')
    expect(f.key).toBe(`sg-instance-ingress:${WEB_SG}:80`)
    expect(f.severity).toBe('error')
    expect(f.message).toContain(`do not admit TCP 80 (traffic and health checks) from the ALB's security group ${ALB_SG}`)
    expect(f.message).toContain('Target.Timeout')
    expect(f.resources).toEqual([WEB_SG, ...INSTANCE_IDS, TG_ARN])
    expect(f.explains).toEqual([{ruleId: 'target-health-unhealthy', resource: TG_ARN}])
    expect(f.remediation.commands).toEqual([
      `aws ec2 authorize-security-group-ingress --group-id ${WEB_SG} --protocol tcp --port 80 --source-group ${ALB_SG} --region us-east-1`,
    ])
  })

  it('passes when the ALB subnet CIDRs are admitted instead of its group', () => {
    expect(run(sgInstanceIngress, withWebIngress(tcp(80, 80, {IpRanges: PUBLIC_CIDRS.map((c) => ({CidrIp: c}))})))).toEqual([])
  })

  it('passes on the VPC CIDR, and on two /25 halves that together cover a /24', () => {
    expect(run(sgInstanceIngress, withWebIngress(tcp(80, 80, {IpRanges: [{CidrIp: VPC_CIDR}]})))).toEqual([])
    const halves = [{CidrIp: '10.0.0.0/24'}, {CidrIp: '10.0.1.0/24'}, {CidrIp: '10.0.2.0/25'}]
    expect(run(sgInstanceIngress, withWebIngress(tcp(80, 80, {IpRanges: halves}), tcp(80, 80, {IpRanges: [{CidrIp: '10.0.2.128/25'}]})))).toEqual([])
  })

  it('reports a rule covering only two of the three ALB subnets as partial, naming the cut-off subnet', () => {
    const out = findings(sgInstanceIngress, withWebIngress(tcp(80, 80, {IpRanges: [{CidrIp: PUBLIC_CIDRS[0]}, {CidrIp: PUBLIC_CIDRS[1]}]})))
    expect(out).toHaveLength(1)
    expect(out[0].message).toContain(`from only some of the ALB's subnets: ${PUBLIC_SUBNETS[2]} (us-east-1c, 10.0.2.0/24) is cut off`)
    expect(out[0].message).not.toContain(PUBLIC_SUBNETS[0])
    expect(out[0].data).toMatchObject({verdict: 'partial', cutOffSubnets: [PUBLIC_SUBNETS[2]]})
  })

  it('says which part of a half-covered subnet is left out', () => {
    const out = findings(sgInstanceIngress, withWebIngress(tcp(80, 80, {IpRanges: [{CidrIp: '10.0.0.0/23'}, {CidrIp: '10.0.2.0/25'}]})))
    expect(out[0].message).toContain('only part of it: 10.0.2.128/25 left out')
  })

  it('resolves prefix lists: one that covers the ALB subnets passes, one that does not fails', () => {
    const w = withWebIngress(tcp(80, 80, {PrefixListIds: [{PrefixListId: 'pl-0alb'}]}))
    w.ec2.PrefixListEntries['pl-0alb'] = [{Cidr: '10.0.0.0/22', Description: 'ALB subnets'}]
    expect(run(sgInstanceIngress, w)).toEqual([])
    w.ec2.PrefixListEntries['pl-0alb'] = [{Cidr: '192.168.0.0/16'}]
    const out = findings(sgInstanceIngress, w)
    expect(out).toHaveLength(1)
    expect(out[0].data).toMatchObject({verdict: 'denied'})
  })

  it('says "cannot tell" (warning, possible) when a prefix list could not be read', () => {
    const out = findings(sgInstanceIngress, withWebIngress(tcp(80, 80, {PrefixListIds: [{PrefixListId: 'pl-0unknown'}]})))
    expect(out[0].severity).toBe('warning')
    expect(out[0].confidence).toBe('possible')
    expect(out[0].message).toContain('prefix list pl-0unknown could not be read')
    expect(out[0].explains).toBeUndefined()
  })

  it('passes on a 0-65535 port range and on protocol -1', () => {
    expect(run(sgInstanceIngress, withWebIngress(tcp(0, 65535, {UserIdGroupPairs: [{GroupId: ALB_SG}]})))).toEqual([])
    expect(run(sgInstanceIngress, withWebIngress({IpProtocol: '-1', UserIdGroupPairs: [{GroupId: ALB_SG}]}))).toEqual([])
  })

  it('fails on a UDP rule or a rule for another port', () => {
    expect(findings(sgInstanceIngress, withWebIngress({IpProtocol: 'udp', FromPort: 80, ToPort: 80, UserIdGroupPairs: [{GroupId: ALB_SG}]}))).toHaveLength(1)
    expect(findings(sgInstanceIngress, withWebIngress(tcp(81, 90, {UserIdGroupPairs: [{GroupId: ALB_SG}]})))).toHaveLength(1)
  })

  it('flags a health-check port that differs from the traffic port and is not admitted', () => {
    const w = healthyWorld()
    w.elbv2.TargetGroups[0].HealthCheckPort = '8080'
    const out = findings(sgInstanceIngress, w)
    expect(out).toHaveLength(1)
    expect(out[0].key).toBe(`sg-instance-ingress:${WEB_SG}:8080`)
    expect(out[0].message).toContain('TCP 8080 (health checks)')
    expect(out[0].explains).toEqual([{ruleId: 'target-health-unhealthy', resource: TG_ARN}])
  })

  it('flags the traffic port alone without claiming it explains unhealthy targets', () => {
    const w = withWebIngress(tcp(8080, 8080, {UserIdGroupPairs: [{GroupId: ALB_SG}]}))
    w.elbv2.TargetGroups[0].HealthCheckPort = '8080'
    const out = findings(sgInstanceIngress, w)
    expect(out).toHaveLength(1)
    expect(out[0].message).toContain('TCP 80 (traffic)')
    expect(out[0].message).toContain('504')
    expect(out[0].explains).toBeUndefined()
  })

  it('takes the union of the groups on the interface', () => {
    const w = withWebIngress()
    w.ec2.SecurityGroups.push({GroupId: 'sg-0extra', GroupName: 'extra', IpPermissions: [tcp(80, 80, {UserIdGroupPairs: [{GroupId: ALB_SG}]})]})
    for (const i of w.ec2.Instances) i.NetworkInterfaces![0].Groups!.push({GroupId: 'sg-0extra'})
    expect(run(sgInstanceIngress, w)).toEqual([])
  })

  it('only lists the instances actually cut off when their groups differ', () => {
    const w = healthyWorld()
    w.ec2.SecurityGroups.push({GroupId: 'sg-0bare', GroupName: 'bare', IpPermissions: []})
    w.ec2.Instances[2].NetworkInterfaces![0].Groups = [{GroupId: 'sg-0bare'}]
    const out = findings(sgInstanceIngress, w)
    expect(out).toHaveLength(1)
    expect(out[0].resources).toEqual(['sg-0bare', INSTANCE_IDS[2], TG_ARN])
    // Two targets still pass health checks: the group is not wholly unhealthy because of this.
    expect(out[0].explains).toBeUndefined()
  })

  it('says "cannot tell" when an instance group is missing from the snapshot', () => {
    const w = healthyWorld()
    w.ec2.SecurityGroups = w.ec2.SecurityGroups.filter((g) => g.GroupId !== WEB_SG)
    const out = findings(sgInstanceIngress, w)
    expect(out[0].severity).toBe('warning')
    expect(out[0].message).toContain(`${WEB_SG} is not in the snapshot`)
  })

  it('is not applicable without instance targets', () => {
    const w = healthyWorld()
    w.elbv2.TargetHealthDescriptions[TG_ARN] = []
    w.autoscaling.AutoScalingGroups = []
    expect(run(sgInstanceIngress, w)).toEqual({notApplicable: 'no target group has live instance targets'})
  })
})
