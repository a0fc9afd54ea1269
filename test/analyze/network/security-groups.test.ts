import {describe, expect, it} from 'vitest'
import type {SecurityGroup} from '@aws-sdk/client-ec2'
import type {J} from '../../../src/analyze/context.js'
import {cutOff, describeSgVerdict, evaluateSecurityGroups, permissionAllowsTcpPort, sgEvidence} from '../../../src/analyze/network/security-groups.js'

const noPrefixLists = {prefixListEntries: () => undefined}

const group = (id: string, ingress: Record<string, unknown>[], egress: Record<string, unknown>[] = []) =>
  ({GroupId: id, IpPermissions: ingress, IpPermissionsEgress: egress}) as J<SecurityGroup>
const albPeer = {groupIds: ['sg-alb'], cidrs: [{cidr: '10.0.0.0/24', label: 'a'}, {cidr: '10.0.1.0/24', label: 'b'}, {cidr: '10.0.2.0/24', label: 'c'}]}

describe('security groups', () => {
  it('matches protocols and port ranges as EC2 does', () => {
    expect(permissionAllowsTcpPort({IpProtocol: '-1'}, 8080)).toBe(true)
    expect(permissionAllowsTcpPort({IpProtocol: 'tcp', FromPort: 0, ToPort: 65535}, 8080)).toBe(true)
    expect(permissionAllowsTcpPort({IpProtocol: '6', FromPort: 80, ToPort: 80}, 80)).toBe(true)
    expect(permissionAllowsTcpPort({IpProtocol: 'TCP', FromPort: 8000, ToPort: 8100}, 8101)).toBe(false)
    expect(permissionAllowsTcpPort({IpProtocol: 'udp', FromPort: 80, ToPort: 80}, 80)).toBe(false)
    expect(permissionAllowsTcpPort({IpProtocol: 'icmp', FromPort: -1, ToPort: -1}, 80)).toBe(false)
  })

  it('allows by a group reference, whatever the addresses', () => {
    const v = evaluateSecurityGroups([group('sg-web', [{IpProtocol: 'tcp', FromPort: 80, ToPort: 80, UserIdGroupPairs: [{GroupId: 'sg-alb'}]}])], 'ingress', 80, albPeer, noPrefixLists)
    expect(v.verdict).toBe('allowed')
    expect(sgEvidence(v)).toEqual(['sg-web ingress tcp 80 from sg-alb'])
    expect(cutOff(v)).toEqual([])
  })

  it('denies when no rule matches, and a reference to another group does not count', () => {
    const v = evaluateSecurityGroups([group('sg-web', [{IpProtocol: 'tcp', FromPort: 80, ToPort: 80, UserIdGroupPairs: [{GroupId: 'sg-other'}]}])], 'ingress', 80, albPeer, noPrefixLists)
    expect(v.verdict).toBe('denied')
    expect(cutOff(v).map((c) => c.label)).toEqual(['a', 'b', 'c'])
  })

  it('reports partial coverage with the subnets and addresses cut off', () => {
    const v = evaluateSecurityGroups([group('sg-web', [{IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{CidrIp: '10.0.0.0/23'}, {CidrIp: '10.0.2.0/26'}]}])], 'ingress', 80, albPeer, noPrefixLists)
    expect(v.verdict).toBe('partial')
    expect(cutOff(v)).toMatchObject([{label: 'c', coverage: 'partial', uncovered: ['10.0.2.64/26', '10.0.2.128/25']}])
    expect(sgEvidence(v)).toEqual(['sg-web ingress tcp 80 from 10.0.0.0/23', 'sg-web ingress tcp 80 from 10.0.2.0/26'])
  })

  it('calls it partial when every subnet is covered only in part', () => {
    const v = evaluateSecurityGroups([group('sg-web', [{IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{CidrIp: '10.0.0.0/25'}]}])], 'ingress', 80, albPeer, noPrefixLists)
    expect(v.verdict).toBe('partial')
    expect(cutOff(v).map((c) => c.coverage)).toEqual(['partial', 'none', 'none'])
  })

  it('takes the union of several groups', () => {
    const groups = [
      group('sg-1', [{IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{CidrIp: '10.0.0.0/24'}]}]),
      group('sg-2', [{IpProtocol: '-1', IpRanges: [{CidrIp: '10.0.1.0/24'}, {CidrIp: '10.0.2.0/24'}]}]),
    ]
    expect(evaluateSecurityGroups(groups, 'ingress', 80, albPeer, noPrefixLists).verdict).toBe('allowed')
  })

  it('never matches an IPv4 peer with an IPv6 range', () => {
    const v = evaluateSecurityGroups([group('sg-web', [{IpProtocol: '-1', Ipv6Ranges: [{CidrIpv6: '::/0'}]}])], 'ingress', 80, albPeer, noPrefixLists)
    expect(v.verdict).toBe('denied')
    const v6 = evaluateSecurityGroups([group('sg-web', [{IpProtocol: '-1', Ipv6Ranges: [{CidrIpv6: '::/0'}]}])], 'ingress', 80, {groupIds: [], cidrs: [{cidr: '2600:1f18::/64'}]}, noPrefixLists)
    expect(v6.verdict).toBe('allowed')
  })

  it('resolves prefix lists, and says unknown (not denied) when one cannot be read', () => {
    const perm = [{IpProtocol: 'tcp', FromPort: 80, ToPort: 80, PrefixListIds: [{PrefixListId: 'pl-1'}]}]
    const lookup = (entries?: {Cidr: string}[]) => ({prefixListEntries: (id: string) => (id === 'pl-1' ? entries : undefined)})
    expect(evaluateSecurityGroups([group('sg', perm)], 'ingress', 80, albPeer, lookup([{Cidr: '10.0.0.0/22'}])).verdict).toBe('allowed')
    expect(evaluateSecurityGroups([group('sg', perm)], 'ingress', 80, albPeer, lookup([{Cidr: '10.0.0.0/23'}])).verdict).toBe('partial')
    expect(evaluateSecurityGroups([group('sg', perm)], 'ingress', 80, albPeer, lookup([])).verdict).toBe('denied')
    const unknown = evaluateSecurityGroups([group('sg', perm)], 'ingress', 80, albPeer, lookup(undefined))
    expect(unknown.verdict).toBe('unknown')
    expect(unknown.unresolvedPrefixLists).toEqual(['pl-1'])
    // A group reference still settles it.
    const both = [group('sg', [...perm, {IpProtocol: 'tcp', FromPort: 80, ToPort: 80, UserIdGroupPairs: [{GroupId: 'sg-alb'}]}])]
    expect(evaluateSecurityGroups(both, 'ingress', 80, albPeer, lookup(undefined)).verdict).toBe('allowed')
  })

  it('reads egress rules for the egress direction only', () => {
    const g = group('sg-alb', [{IpProtocol: '-1', IpRanges: [{CidrIp: '0.0.0.0/0'}]}], [{IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{CidrIp: '0.0.0.0/0'}]}])
    const peer = {groupIds: ['sg-web'], cidrs: [{cidr: '10.0.10.11'}]}
    expect(evaluateSecurityGroups([g], 'egress', 80, peer, noPrefixLists).verdict).toBe('denied')
    expect(evaluateSecurityGroups([g], 'egress', 443, peer, noPrefixLists).verdict).toBe('allowed')
    expect(evaluateSecurityGroups([g], 'ingress', 80, peer, noPrefixLists).verdict).toBe('allowed')
  })

  it('describes each kind of verdict in one sentence', () => {
    const web = (perm: Record<string, unknown>) => [group('sg-web', [perm])]
    const lookup = {prefixListEntries: () => undefined}
    expect(describeSgVerdict(evaluateSecurityGroups(web({IpProtocol: 'tcp', FromPort: 80, ToPort: 80, UserIdGroupPairs: [{GroupId: 'sg-alb'}]}), 'ingress', 80, albPeer, lookup))).toBe(
      'sg-web admits tcp 80 (sg-web ingress tcp 80 from sg-alb)',
    )
    expect(describeSgVerdict(evaluateSecurityGroups(web({IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{CidrIp: '10.0.0.0/23'}]}), 'ingress', 80, albPeer, lookup))).toBe(
      'sg-web admits tcp 80 only in part: c 10.0.2.0/24 left out',
    )
    expect(describeSgVerdict(evaluateSecurityGroups(web({IpProtocol: 'tcp', FromPort: 80, ToPort: 80, PrefixListIds: [{PrefixListId: 'pl-9'}]}), 'egress', 80, albPeer, lookup))).toBe(
      'sg-web does not let out tcp 80',
    )
    expect(describeSgVerdict(evaluateSecurityGroups(web({IpProtocol: 'tcp', FromPort: 80, ToPort: 80, PrefixListIds: [{PrefixListId: 'pl-9'}]}), 'ingress', 80, albPeer, lookup))).toBe(
      'cannot tell whether sg-web admits tcp 80: prefix list pl-9 was not collected',
    )
  })

  it('denies a peer with nothing to match', () => {
    expect(evaluateSecurityGroups([group('sg', [{IpProtocol: '-1', IpRanges: [{CidrIp: '0.0.0.0/0'}]}])], 'ingress', 80, {groupIds: [], cidrs: []}, noPrefixLists).verdict).toBe('denied')
  })
})
