import {describe, expect, it} from 'vitest'
import type {NetworkAcl, RouteTable, SecurityGroup} from '@aws-sdk/client-ec2'
import type {J} from '../../src/analyze/context.js'
import {
  EPHEMERAL_PORTS,
  cidrContains,
  cidrsOverlap,
  coverageOf,
  cutOff,
  defaultRoute,
  describeNaclVerdict,
  describeSgVerdict,
  evaluateNacl,
  evaluateNaclFlow,
  evaluateSecurityGroups,
  formatAddress,
  formatPorts,
  freeNaclRuleNumbers,
  isBlackhole,
  parseCidr,
  parseIpv4,
  parseIpv6,
  permissionAllowsTcpPort,
  rangeToCidrs,
  routeTarget,
  sgEvidence,
  uncoveredRanges,
} from '../../src/analyze/network.js'

const r = (cidr: string) => parseCidr(cidr)!
const noPrefixLists = {prefixListEntries: () => undefined}

describe('CIDR helpers', () => {
  it('parses IPv4 addresses and rejects malformed ones', () => {
    expect(parseIpv4('10.0.1.2')).toBe(0x0a000102n)
    expect(parseIpv4('255.255.255.255')).toBe(0xffffffffn)
    for (const bad of ['10.0.1', '10.0.1.256', 'a.b.c.d', '10.0.1.2.3', '']) expect(parseIpv4(bad), bad).toBeUndefined()
  })

  it('parses IPv6 addresses, with :: and an embedded IPv4 tail', () => {
    expect(parseIpv6('::')).toBe(0n)
    expect(parseIpv6('::1')).toBe(1n)
    expect(parseIpv6('2600:1f18::')).toBe(0x26001f18n << 96n)
    expect(parseIpv6('::ffff:10.0.0.1')).toBe((0xffffn << 32n) | 0x0a000001n)
    expect(parseIpv6('1:2:3:4:5:6:7:8')).toBe(0x00010002000300040005000600070008n)
    for (const bad of ['1::2::3', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', 'g::1', '1:2:3:4:5:6:7::8:9']) expect(parseIpv6(bad), bad).toBeUndefined()
  })

  it('parses CIDRs, masks host bits, and reads a bare address as a single host', () => {
    expect(parseCidr('10.0.0.5/24')).toEqual({family: 4, start: 0x0a000000n, end: 0x0a0000ffn})
    expect(parseCidr('10.0.0.5')).toEqual({family: 4, start: 0x0a000005n, end: 0x0a000005n})
    expect(parseCidr('0.0.0.0/0')).toEqual({family: 4, start: 0n, end: 0xffffffffn})
    expect(parseCidr('2600:1f18::/56')?.family).toBe(6)
    for (const bad of ['10.0.0.0/33', '10.0.0.0/-1', '10.0.0.0/a', '10.0.0.0/8/8', '::/129']) expect(parseCidr(bad), bad).toBeUndefined()
  })

  it('tests containment', () => {
    expect(cidrContains('10.0.0.0/16', '10.0.5.0/24')).toBe(true)
    expect(cidrContains('10.0.5.0/24', '10.0.0.0/16')).toBe(false)
    expect(cidrContains('10.0.0.0/24', '10.0.0.77')).toBe(true)
    expect(cidrContains('10.0.0.0/24', '10.0.1.0')).toBe(false)
    expect(cidrContains('0.0.0.0/0', '192.168.1.0/24')).toBe(true)
    expect(cidrContains('::/0', '10.0.0.0/8')).toBe(false)
    expect(cidrContains('2600:1f18::/56', '2600:1f18:0:ff::/64')).toBe(true)
    expect(cidrContains('10.0.0.0/16', 'garbage')).toBe(false)
  })

  it('tests overlap', () => {
    expect(cidrsOverlap('10.0.0.0/23', '10.0.1.0/24')).toBe(true)
    expect(cidrsOverlap('10.0.0.0/24', '10.0.1.0/24')).toBe(false)
    expect(cidrsOverlap('10.0.1.0/24', '10.0.0.0/16')).toBe(true)
    expect(cidrsOverlap('0.0.0.0/0', '::/0')).toBe(false)
  })

  it('finds what a union of ranges leaves uncovered', () => {
    expect(uncoveredRanges(r('10.0.0.0/24'), [r('10.0.0.0/25'), r('10.0.0.128/25')])).toEqual([])
    expect(uncoveredRanges(r('10.0.0.0/24'), [r('10.0.0.64/26')]).flatMap(rangeToCidrs)).toEqual(['10.0.0.0/26', '10.0.0.128/25'])
    expect(uncoveredRanges(r('10.0.0.0/24'), [r('10.0.0.0/26'), r('10.0.0.32/27'), r('10.0.0.192/26')]).flatMap(rangeToCidrs)).toEqual(['10.0.0.64/26', '10.0.0.128/26'])
    expect(coverageOf(r('10.0.2.0/24'), [r('10.0.0.0/16')])).toBe('full')
    expect(coverageOf(r('10.0.2.0/24'), [r('10.0.2.0/25')])).toBe('partial')
    expect(coverageOf(r('10.0.2.0/24'), [r('10.0.3.0/24'), r('2600::/16')])).toBe('none')
  })

  it('spells a range as the fewest CIDRs, and formats IPv6 compressed', () => {
    expect(rangeToCidrs(r('10.0.2.128/25'))).toEqual(['10.0.2.128/25'])
    expect(rangeToCidrs({family: 4, start: parseIpv4('10.0.0.1')!, end: parseIpv4('10.0.0.6')!})).toEqual(['10.0.0.1/32', '10.0.0.2/31', '10.0.0.4/31', '10.0.0.6/32'])
    expect(rangeToCidrs(r('0.0.0.0/0'))).toEqual(['0.0.0.0/0'])
    expect(rangeToCidrs(r('2600:1f18::/56'))).toEqual(['2600:1f18::/56'])
    expect(formatAddress(parseIpv6('2600:0:0:1:0:0:0:1')!, 6)).toBe('2600:0:0:1::1')
    expect(formatAddress(parseIpv6('1:2:3:4:5:6:7:8')!, 6)).toBe('1:2:3:4:5:6:7:8')
    expect(formatPorts({from: 80, to: 80})).toBe('80')
    expect(formatPorts({from: 0, to: 65535})).toBe('all ports')
    expect(formatPorts(EPHEMERAL_PORTS)).toBe('1024-65535')
  })
})

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

const acl = (entries: Record<string, unknown>[], id = 'acl-1') => ({NetworkAclId: id, Entries: entries}) as J<NetworkAcl>
const e = (n: number, egress: boolean, action: string, cidr: string, protocol = '-1', ports?: [number, number]) => ({
  RuleNumber: n,
  Egress: egress,
  RuleAction: action,
  CidrBlock: cidr,
  Protocol: protocol,
  ...(ports ? {PortRange: {From: ports[0], To: ports[1]}} : {}),
})
const defaults = [e(32767, false, 'deny', '0.0.0.0/0'), e(32767, true, 'deny', '0.0.0.0/0')]

describe('network ACLs', () => {
  it('lets the lowest-numbered matching entry decide, whatever the list order', () => {
    const a = acl([e(100, false, 'allow', '0.0.0.0/0'), e(90, false, 'deny', '0.0.0.0/0', '6', [80, 80]), ...defaults])
    const v = evaluateNacl(a, {egress: false, peerCidr: '10.0.0.0/24', ports: {from: 80, to: 80}})
    expect(v.verdict).toBe('denied')
    expect(v.denyingRules).toEqual([90])
    expect(describeNaclVerdict(v)).toBe('acl-1 inbound from 10.0.0.0/24: tcp 80 hits entry 90 (deny)')
    expect(evaluateNacl(a, {egress: false, peerCidr: '10.0.0.0/24', ports: {from: 443, to: 443}}).verdict).toBe('allowed')
  })

  it('falls to the implicit * deny, even when the snapshot omits it', () => {
    const v = evaluateNacl(acl([]), {egress: true, peerCidr: '10.0.0.0/24', ports: {from: 80, to: 80}})
    expect(v.verdict).toBe('denied')
    expect(v.pieces).toEqual([{addresses: ['10.0.0.0/24'], ports: {from: 80, to: 80}, action: 'deny', ruleNumber: 32767}])
  })

  it('splits an ephemeral range allowed only in part (32768-60999) and names both sides', () => {
    const v = evaluateNacl(acl([e(100, true, 'allow', '0.0.0.0/0', '6', [32768, 60999]), ...defaults]), {egress: true, peerCidr: '10.0.0.0/24', ports: EPHEMERAL_PORTS})
    expect(v.verdict).toBe('partial')
    expect(v.allowedPorts).toEqual([{from: 32768, to: 60999}])
    expect(v.deniedPorts).toEqual([{from: 1024, to: 32767}, {from: 61000, to: 65535}])
    expect(describeNaclVerdict(v)).toBe(
      'acl-1 outbound to 10.0.0.0/24: tcp 1024-32767 hits entry * (deny); tcp 61000-65535 hits entry * (deny); only 32768-60999 (entry 100) is allowed',
    )
  })

  it('allows a range covered by several entries', () => {
    const a = acl([e(100, true, 'allow', '0.0.0.0/0', '6', [1024, 32767]), e(110, true, 'allow', '10.0.0.0/8', '6', [32768, 65535]), ...defaults])
    const v = evaluateNacl(a, {egress: true, peerCidr: '10.0.0.0/24', ports: EPHEMERAL_PORTS})
    expect(v.verdict).toBe('allowed')
    expect(describeNaclVerdict(v)).toBe('acl-1 allows tcp 1024-65535 outbound to 10.0.0.0/24 (entry 100, 110)')
  })

  it('ignores entries of other protocols, other directions and the other address family', () => {
    const a = acl([
      e(50, false, 'allow', '0.0.0.0/0', '17', [80, 80]),
      e(60, true, 'allow', '0.0.0.0/0'),
      {RuleNumber: 70, Egress: false, RuleAction: 'allow', Ipv6CidrBlock: '::/0', Protocol: '-1'},
      ...defaults,
    ])
    expect(evaluateNacl(a, {egress: false, peerCidr: '10.0.0.0/24', ports: {from: 80, to: 80}}).verdict).toBe('denied')
  })

  it('treats a TCP entry without a port range as every port, and actions case-insensitively', () => {
    const a = acl([{RuleNumber: 100, Egress: false, RuleAction: 'ALLOW', CidrBlock: '0.0.0.0/0', Protocol: '6'}, ...defaults])
    expect(evaluateNacl(a, {egress: false, peerCidr: '10.0.0.0/24', ports: EPHEMERAL_PORTS}).verdict).toBe('allowed')
  })

  it('splits by address when an entry covers only part of the peer', () => {
    const v = evaluateNacl(acl([e(100, false, 'allow', '10.0.0.0/25'), ...defaults]), {egress: false, peerCidr: '10.0.0.0/24', ports: {from: 80, to: 80}})
    expect(v.verdict).toBe('partial')
    expect(v.pieces.map((p) => [p.addresses, p.action])).toEqual([
      [['10.0.0.0/25'], 'allow'],
      [['10.0.0.128/25'], 'deny'],
    ])
  })

  it('says unknown for a peer it cannot parse', () => {
    expect(evaluateNacl(acl(defaults), {egress: false, peerCidr: 'nope', ports: {from: 80, to: 80}}).verdict).toBe('unknown')
  })

  it('evaluates a flow both ways through both NACLs', () => {
    const open = acl([e(100, false, 'allow', '0.0.0.0/0'), e(100, true, 'allow', '0.0.0.0/0'), ...defaults], 'acl-open')
    const noReply = acl([e(100, false, 'allow', '0.0.0.0/0'), e(100, true, 'allow', '0.0.0.0/0', '6', [443, 443]), ...defaults], 'acl-noreply')
    const alb = {subnetId: 'subnet-a', acl: open, cidr: '10.0.0.0/24'}
    const web = {subnetId: 'subnet-w', acl: noReply, cidr: '10.0.10.11'}
    const flow = evaluateNaclFlow(alb, web, 80)
    expect(flow.verdict).toBe('denied')
    expect(flow.legs.map((l) => [l.leg, l.subnetId, l.verdict?.verdict])).toEqual([
      ['request-out', 'subnet-a', 'allowed'],
      ['request-in', 'subnet-w', 'allowed'],
      ['reply-out', 'subnet-w', 'denied'],
      ['reply-in', 'subnet-a', 'allowed'],
    ])
    expect(flow.legs[2].verdict?.peerCidr).toBe('10.0.0.0/24')
    expect(flow.legs[2].verdict?.ports).toEqual(EPHEMERAL_PORTS)
    expect(evaluateNaclFlow(alb, {...web, acl: open}, 80).verdict).toBe('allowed')
    // Traffic inside one subnet never crosses a NACL.
    expect(evaluateNaclFlow(alb, {...web, subnetId: 'subnet-a', acl: noReply}, 80)).toEqual({verdict: 'allowed', sameSubnet: true, legs: []})
    // A NACL we do not have makes its legs unknown.
    expect(evaluateNaclFlow(alb, {...web, acl: undefined}, 80).verdict).toBe('unknown')
    // Lets the SSM checks ask about 443 out to an endpoint and back.
    const endpoint = {subnetId: 'subnet-e', acl: open, cidr: '10.0.11.0/24'}
    expect(evaluateNaclFlow(web, endpoint, 443).verdict).toBe('allowed')
    const only80Out = acl([e(100, false, 'allow', '0.0.0.0/0'), e(100, true, 'allow', '0.0.0.0/0', '6', [80, 80]), ...defaults])
    const blocked = evaluateNaclFlow({...web, acl: only80Out}, endpoint, 443)
    expect(blocked.verdict).toBe('denied')
    expect(blocked.legs.filter((l) => l.verdict?.verdict !== 'allowed').map((l) => l.leg)).toEqual(['request-out'])
  })

  it('reports partial when only the replies are cut to part of the range', () => {
    const linuxOnly = acl([e(100, false, 'allow', '0.0.0.0/0'), e(100, true, 'allow', '0.0.0.0/0', '6', [32768, 60999]), ...defaults])
    const open = acl([e(100, false, 'allow', '0.0.0.0/0'), e(100, true, 'allow', '0.0.0.0/0'), ...defaults])
    expect(evaluateNaclFlow({subnetId: 'a', acl: open, cidr: '10.0.0.0/24'}, {subnetId: 'b', acl: linuxOnly, cidr: '10.0.1.5'}, 80).verdict).toBe('partial')
  })

  it('finds free rule numbers below the deciding entry', () => {
    const a = acl([e(90, false, 'deny', '0.0.0.0/0'), e(80, false, 'allow', '10.0.0.0/8'), e(100, false, 'allow', '0.0.0.0/0'), e(100, true, 'allow', '0.0.0.0/0'), ...defaults])
    expect(freeNaclRuleNumbers(a, false, 90, 2)).toEqual([70, 60])
    expect(freeNaclRuleNumbers(a, true, 32767, 2)).toEqual([200, 300])
    expect(freeNaclRuleNumbers(a, true, 32767, 2, [200])).toEqual([300, 400])
    expect(freeNaclRuleNumbers(a, false, 12, 3)).toEqual([10, 11, 9])
    expect(freeNaclRuleNumbers(a, false, 1, 1)).toEqual([])
  })
})

describe('routes', () => {
  it('names the target of a route', () => {
    expect(routeTarget({GatewayId: 'igw-1'})).toEqual({kind: 'internet-gateway', id: 'igw-1'})
    expect(routeTarget({NatGatewayId: 'nat-1'})).toEqual({kind: 'nat-gateway', id: 'nat-1'})
    expect(routeTarget({InstanceId: 'i-1', NetworkInterfaceId: 'eni-1'})).toEqual({kind: 'instance', id: 'i-1'})
    expect(routeTarget({NetworkInterfaceId: 'eni-1'})).toEqual({kind: 'network-interface', id: 'eni-1'})
    expect(routeTarget({TransitGatewayId: 'tgw-1'})).toEqual({kind: 'transit-gateway', id: 'tgw-1'})
    expect(routeTarget({GatewayId: 'local'})).toEqual({kind: 'local', id: 'local'})
    expect(routeTarget({GatewayId: 'vpce-1'})).toEqual({kind: 'vpc-endpoint', id: 'vpce-1'})
    expect(routeTarget({VpcPeeringConnectionId: 'pcx-1'})).toEqual({kind: 'vpc-peering', id: 'pcx-1'})
  })

  it('finds the default route and blackholes', () => {
    const rt = {Routes: [{DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local'}, {DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1', State: 'Blackhole'}]} as J<RouteTable>
    expect(defaultRoute(rt)?.GatewayId).toBe('igw-1')
    expect(isBlackhole(defaultRoute(rt)!)).toBe(true)
    expect(defaultRoute({Routes: [{DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local'}]})).toBeUndefined()
    expect(defaultRoute(undefined)).toBeUndefined()
  })
})
