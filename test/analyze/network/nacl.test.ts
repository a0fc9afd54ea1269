import {describe, expect, it} from 'vitest'
import type {NetworkAcl} from '@aws-sdk/client-ec2'
import type {J} from '../../../src/analyze/context.js'
import {describeNaclVerdict, evaluateNacl, evaluateNaclFlow} from '../../../src/analyze/network/nacl.js'
import {freeNaclRuleNumbers} from '../../../src/analyze/network/remediation.js'
import {EPHEMERAL_PORTS} from '../../../src/analyze/network/ports.js'

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
