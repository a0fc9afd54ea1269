import {describe, expect, it} from 'vitest'
import {rule as sgAlbEgress} from '../../../src/rules/network/sg-alb-egress.js'
import {ALB_SG, INSTANCE_IDS, INSTANCE_IPS, PRIVATE_CIDRS, TG_ARN, WEB_SG, healthyWorld} from '../../fixtures/world.js'
import {findings, run, sg, tcp} from './helpers.js'

const withAlbEgress = (...perms: Record<string, unknown>[]) => {
  const w = healthyWorld()
  sg(w, ALB_SG).IpPermissionsEgress = perms
  return w
}

describe('sg-alb-egress', () => {
  it('passes on the healthy world (all traffic out)', () => {
    expect(run(sgAlbEgress, healthyWorld())).toEqual([])
  })

  it('fails when the ALB group has no egress rule, explaining the unhealthy targets', () => {
    const out = findings(sgAlbEgress, withAlbEgress())
    expect(out).toHaveLength(1)
    const f = out[0]
    expect(f.ruleId).toBe('sg-alb-egress')
    expect(f.key).toBe(`sg-alb-egress:${ALB_SG}:80`)
    expect(f.message).toContain(`The ALB's security group ${ALB_SG} (web-alb) allows no TCP 80 (traffic and health checks) out to 3 instance(s) of web-tg`)
    expect(f.message).toContain(`neither to the instances' groups (${WEB_SG})`)
    expect(f.resources).toEqual([ALB_SG, ...INSTANCE_IDS, TG_ARN])
    expect(f.explains).toEqual([{ruleId: 'target-health-unhealthy', resource: TG_ARN}])
    expect(f.remediation.commands).toEqual([
      `aws ec2 authorize-security-group-egress --group-id ${ALB_SG} --ip-permissions '[{"IpProtocol":"tcp","FromPort":80,"ToPort":80,"UserIdGroupPairs":[{"GroupId":"${WEB_SG}"}]}]' --region us-east-1`,
    ])
  })

  it('passes on egress to the instance group, to their subnets, or to their exact IPs', () => {
    expect(run(sgAlbEgress, withAlbEgress(tcp(80, 80, {UserIdGroupPairs: [{GroupId: WEB_SG}]})))).toEqual([])
    expect(run(sgAlbEgress, withAlbEgress(tcp(80, 80, {IpRanges: PRIVATE_CIDRS.map((c) => ({CidrIp: c}))})))).toEqual([])
    expect(run(sgAlbEgress, withAlbEgress(tcp(1, 65535, {IpRanges: INSTANCE_IPS.map((ip) => ({CidrIp: `${ip}/32`}))})))).toEqual([])
  })

  it('lists only the instances whose subnet the egress rule leaves out', () => {
    const out = findings(sgAlbEgress, withAlbEgress(tcp(80, 80, {IpRanges: [{CidrIp: PRIVATE_CIDRS[0]}, {CidrIp: PRIVATE_CIDRS[1]}]})))
    expect(out).toHaveLength(1)
    expect(out[0].data).toMatchObject({instances: [INSTANCE_IDS[2]]})
    expect(out[0].explains).toBeUndefined()
  })

  it('flags a health-check port the egress does not allow', () => {
    const w = withAlbEgress(tcp(80, 80, {UserIdGroupPairs: [{GroupId: WEB_SG}]}))
    w.elbv2.TargetGroups[0].HealthCheckPort = '8081'
    const out = findings(sgAlbEgress, w)
    expect(out.map((f) => f.key)).toEqual([`sg-alb-egress:${ALB_SG}:8081`])
    expect(out[0].message).toContain('TCP 8081 (health checks)')
  })

  it('says "cannot tell" for an unreadable prefix list', () => {
    const out = findings(sgAlbEgress, withAlbEgress(tcp(80, 80, {PrefixListIds: [{PrefixListId: 'pl-0x'}]})))
    expect(out[0].severity).toBe('warning')
    expect(out[0].key).toBe(`sg-alb-egress:${ALB_SG}:80:unknown`)
  })

  it('is not applicable to a load balancer without security groups', () => {
    const w = healthyWorld()
    w.elbv2.LoadBalancers[0].SecurityGroups = []
    expect(run(sgAlbEgress, w)).toEqual({notApplicable: 'the load balancer has no security groups'})
  })
})
