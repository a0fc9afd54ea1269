import {describe, expect, it} from 'vitest'
import {rule} from '../../../src/rules/ssm/ssm-instance-egress-443.js'
import {DEFAULT_NACL, ENDPOINT_SG, healthyWorld, INSTANCE_IDS, PRIVATE_CIDRS, PRIVATE_SUBNETS, WEB_SG} from '../../fixtures/world.js'
import {healthySsmWorld} from '../../fixtures/ssm.js'
import type {Snapshot} from '../../../src/snapshot/types.js'
import {findings, outcome} from './helpers.js'
import {removeEndpoints} from './world-edits.js'

const webSg = (world: Snapshot) => world.ec2.SecurityGroups.find((g) => g.GroupId === WEB_SG)!
const nacl = (world: Snapshot) => world.ec2.NetworkAcls.find((a) => a.NetworkAclId === DEFAULT_NACL)!

describe('ssm-instance-egress-443', () => {
  it('passes with all egress allowed and allow-all ACLs', () => {
    expect(findings(rule, healthySsmWorld())).toEqual([])
  })

  it('passes with egress limited to 443 towards the endpoints\' group', () => {
    const world = healthySsmWorld()
    webSg(world).IpPermissionsEgress = [{IpProtocol: 'tcp', FromPort: 443, ToPort: 443, UserIdGroupPairs: [{GroupId: ENDPOINT_SG}]}]
    expect(findings(rule, world)).toEqual([])
  })

  it('does not apply when SSM readiness was not collected', () => {
    expect(outcome(rule, healthyWorld())).toHaveProperty('notApplicable')
  })

  it('fails when the instance group allows only port 80 out: one finding for the group, listing every subnet', () => {
    const world = healthySsmWorld()
    webSg(world).IpPermissionsEgress = [{IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{CidrIp: '0.0.0.0/0'}]}]
    const out = findings(rule, world)
    expect(out.map((f) => f.resources)).toEqual([[WEB_SG, ...PRIVATE_SUBNETS, ...INSTANCE_IDS]])
    expect(out[0].ruleId).toBe('ssm-instance-egress-443')
    expect(out[0].message).toContain(
      `HTTPS from 3 instances (subnets ${PRIVATE_SUBNETS.join(', ')}) to Systems Manager is blocked by security group ${WEB_SG}: security groups ${WEB_SG} allow no TCP 443 out to ${PRIVATE_CIDRS[0]}`,
    )
    expect(out[0].remediation.commands).toEqual([
      `aws ec2 authorize-security-group-egress --group-id ${WEB_SG} --ip-permissions '[{"IpProtocol":"tcp","FromPort":443,"ToPort":443,"UserIdGroupPairs":[{"GroupId":"${ENDPOINT_SG}"}]}]' --region us-east-1`,
    ])
    expect(out[0].explains).toEqual(INSTANCE_IDS.map((resource) => ({ruleId: 'ssm-agent-not-online', resource})))
  })

  it('checks egress to the internet when the agents go through NAT', () => {
    const world = removeEndpoints(healthySsmWorld(), ['ssm', 'ssmmessages', 'ec2messages'])
    webSg(world).IpPermissionsEgress = [{IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{CidrIp: '10.0.0.0/8'}]}]
    const out = findings(rule, world)
    expect(out).toHaveLength(1)
    expect(out[0].evidence[0]).toBe(`security groups ${WEB_SG} allow no TCP 443 out to 0.0.0.0/0 (ssm.us-east-1.amazonaws.com through nat-0a1a1a1a1a1a1a1a1)`)
    expect(out[0].remediation.commands).toEqual([
      `aws ec2 authorize-security-group-egress --group-id ${WEB_SG} --ip-permissions '[{"IpProtocol":"tcp","FromPort":443,"ToPort":443,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]}]' --region us-east-1`,
    ])
  })

  it('fails when the ACL lets 443 out but not the replies back in', () => {
    const world = removeEndpoints(healthySsmWorld(), ['ssm', 'ssmmessages', 'ec2messages'])
    nacl(world).Entries = [
      {RuleNumber: 100, Protocol: '6', RuleAction: 'allow', Egress: true, CidrBlock: '0.0.0.0/0', PortRange: {From: 443, To: 443}},
      {RuleNumber: 100, Protocol: '6', RuleAction: 'allow', Egress: false, CidrBlock: '0.0.0.0/0', PortRange: {From: 80, To: 80}},
      {RuleNumber: 32767, Protocol: '-1', RuleAction: 'deny', Egress: true, CidrBlock: '0.0.0.0/0'},
      {RuleNumber: 32767, Protocol: '-1', RuleAction: 'deny', Egress: false, CidrBlock: '0.0.0.0/0'},
    ]
    const out = findings(rule, world)
    expect(out).toHaveLength(1)
    const [f] = out
    // One ACL, one line per NAT path it cuts (each subnet has its own NAT gateway), one command.
    expect(f.evidence).toHaveLength(3)
    expect(f.evidence[0]).toBe(`replies from ssm.us-east-1.amazonaws.com through nat-0a1a1a1a1a1a1a1a1: ${DEFAULT_NACL} inbound from 0.0.0.0/0: tcp 32768-60999 hits entry * (deny)`)
    expect(f.remediation.commands).toEqual([
      `aws ec2 create-network-acl-entry --network-acl-id ${DEFAULT_NACL} --ingress --rule-number 200 --protocol tcp --port-range From=32768,To=60999 --cidr-block 0.0.0.0/0 --rule-action allow --region us-east-1`,
    ])
  })

  it('checks both directions between the instance subnet and the endpoint subnets, with distinct rule numbers', () => {
    const world = healthySsmWorld()
    // Only traffic inside 10.0.10.0/24 is allowed: the first instance's subnet.
    nacl(world).Entries = [
      {RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: true, CidrBlock: PRIVATE_CIDRS[0]},
      {RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: false, CidrBlock: PRIVATE_CIDRS[0]},
      {RuleNumber: 32767, Protocol: '-1', RuleAction: 'deny', Egress: true, CidrBlock: '0.0.0.0/0'},
      {RuleNumber: 32767, Protocol: '-1', RuleAction: 'deny', Egress: false, CidrBlock: '0.0.0.0/0'},
    ]
    // One ACL denies every subnet's traffic to the others: one root cause, listing the three subnets.
    const out = findings(rule, world)
    expect(out.map((f) => f.resources.slice(0, 4))).toEqual([[DEFAULT_NACL, ...PRIVATE_SUBNETS]])
    const first = out[0]
    expect(first.evidence).toContain(`ssm endpoint vpce-0ssm000000000000 in ${PRIVATE_SUBNETS[1]}: ${DEFAULT_NACL} outbound to ${PRIVATE_CIDRS[1]}: tcp 443 hits entry * (deny)`)
    expect(first.evidence).toContain(
      `replies from ssm endpoint vpce-0ssm000000000000 in ${PRIVATE_SUBNETS[1]}: ${DEFAULT_NACL} inbound from ${PRIVATE_CIDRS[1]}: tcp 32768-60999 hits entry * (deny)`,
    )
    const ruleNumbers = first.remediation.commands!.filter((c) => c.includes('--egress')).map((c) => /--rule-number (\d+)/.exec(c)![1])
    expect(new Set(ruleNumbers).size).toBe(ruleNumbers.length)
  })

  it('checks the endpoint subnet\'s own ACL, and asks for a rule number before the deny', () => {
    const world = healthySsmWorld()
    const def = nacl(world)
    def.Associations = def.Associations!.filter((a) => a.SubnetId !== PRIVATE_SUBNETS[1] && a.SubnetId !== PRIVATE_SUBNETS[2])
    world.ec2.NetworkAcls.push({
      NetworkAclId: 'acl-0endpoints0000001',
      VpcId: def.VpcId,
      IsDefault: false,
      Associations: [PRIVATE_SUBNETS[1], PRIVATE_SUBNETS[2]].map((SubnetId) => ({SubnetId, NetworkAclId: 'acl-0endpoints0000001'})),
      Entries: [
        {RuleNumber: 50, Protocol: '-1', RuleAction: 'deny', Egress: false, CidrBlock: PRIVATE_CIDRS[0]},
        {RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: false, CidrBlock: '0.0.0.0/0'},
        {RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: true, CidrBlock: '0.0.0.0/0'},
      ],
    })
    const out = findings(rule, world)
    // One entry of one ACL cuts off all three subnets: one finding naming the ACL, then the subnets.
    expect(out.map((f) => f.resources.slice(0, 4))).toEqual([['acl-0endpoints0000001', ...PRIVATE_SUBNETS]])
    // The other two subnets carry that ACL too: the replies from the endpoint interface in the first subnet are dropped.
    expect(out[0].evidence).toContain(
      `replies from ssm endpoint vpce-0ssm000000000000 in ${PRIVATE_SUBNETS[0]}: acl-0endpoints0000001 inbound from ${PRIVATE_CIDRS[0]}: tcp 32768-60999 hits entry 50 (deny)`,
    )
    expect(out[0].evidence).toContain(`ssm endpoint vpce-0ssm000000000000 in ${PRIVATE_SUBNETS[1]}: acl-0endpoints0000001 inbound from ${PRIVATE_CIDRS[0]}: tcp 443 hits entry 50 (deny)`)
    expect(out[0].remediation.commands).toContain(
      `aws ec2 create-network-acl-entry --network-acl-id acl-0endpoints0000001 --ingress --rule-number 40 --protocol tcp --port-range From=443,To=443 --cidr-block ${PRIVATE_CIDRS[0]} --rule-action allow --region us-east-1`,
    )
  })
})
