import {describe, expect, it} from 'vitest'
import {rule as naclBlocksTraffic} from '../../../src/rules/network/nacl-blocks-traffic.js'
import type {Snapshot} from '../../../src/snapshot/types.js'
import {DEFAULT_NACL, INSTANCE_IDS, PRIVATE_CIDRS, PRIVATE_SUBNETS, PUBLIC_CIDRS, PUBLIC_SUBNETS, TG_ARN, VPC_ID, healthyWorld} from '../../fixtures/world.js'
import {findings, naclEntry, run} from './helpers.js'

const PRIVATE_ACL = 'acl-0private0000000001'
const PUBLIC_ACL = 'acl-0public00000000001'
const ANY = '0.0.0.0/0'

/** Moves `subnets` off the default (allow-all) NACL onto a new one with `entries` (the implicit `*` denies added). */
function withNacl(id: string, subnets: readonly string[], entries: ReturnType<typeof naclEntry>[]): Snapshot {
  const w = healthyWorld()
  const def = w.ec2.NetworkAcls.find((a) => a.NetworkAclId === DEFAULT_NACL)!
  def.Associations = def.Associations!.filter((a) => !subnets.includes(a.SubnetId!))
  w.ec2.NetworkAcls.push({
    NetworkAclId: id,
    VpcId: VPC_ID,
    IsDefault: false,
    Associations: subnets.map((s) => ({NetworkAclId: id, SubnetId: s})),
    Entries: [...entries, naclEntry(32767, false, 'deny', ANY), naclEntry(32767, true, 'deny', ANY)],
  })
  return w
}

const allowAll = (egress: boolean) => naclEntry(100, egress, 'allow', ANY)

describe('nacl-blocks-traffic', () => {
  it('passes on the healthy world (default NACL allows everything)', () => {
    expect(run(naclBlocksTraffic, healthyWorld())).toEqual([])
  })

  it('passes on a tight but correct pair of NACLs', () => {
    const w = withNacl(PRIVATE_ACL, PRIVATE_SUBNETS, [
      naclEntry(100, false, 'allow', '10.0.0.0/22', [80, 80]),
      naclEntry(100, true, 'allow', '10.0.0.0/22', [1024, 65535]),
    ])
    expect(run(naclBlocksTraffic, w)).toEqual([])
  })

  it('names the deny entry numbered before the allow, and proposes a free lower number', () => {
    const w = withNacl(PRIVATE_ACL, PRIVATE_SUBNETS, [naclEntry(90, false, 'deny', ANY, [80, 80]), allowAll(false), allowAll(true)])
    const out = findings(naclBlocksTraffic, w)
    expect(out).toHaveLength(1)
    const f = out[0]
    expect(f.key).toBe(`nacl-blocks-traffic:${PRIVATE_ACL}:request-in:80`)
    expect(f.message).toContain(`Network ACL ${PRIVATE_ACL} of the instances' subnet(s) ${PRIVATE_SUBNETS.join(', ')} blocks TCP 80 (traffic and health checks) in from the ALB`)
    expect(f.message).toContain('tcp 80 hits entry 90 (deny)')
    expect(f.message).toContain('Target.Timeout')
    expect(f.resources.slice(0, 4)).toEqual([PRIVATE_ACL, ...PRIVATE_SUBNETS])
    expect(f.explains).toEqual([{ruleId: 'target-health-unhealthy', resource: TG_ARN}])
    expect(f.remediation.commands).toEqual(
      PUBLIC_CIDRS.map(
        (c, i) =>
          `aws ec2 create-network-acl-entry --network-acl-id ${PRIVATE_ACL} --rule-number ${80 - 10 * i} --protocol tcp --port-range From=80,To=80 --cidr-block ${c} --rule-action allow --ingress --region us-east-1`,
      ),
    )
  })

  it('flags a NACL with no ephemeral range back to the ALB', () => {
    const w = withNacl(PRIVATE_ACL, PRIVATE_SUBNETS, [allowAll(false), naclEntry(100, true, 'allow', ANY, [443, 443])])
    const out = findings(naclBlocksTraffic, w)
    expect(out.map((f) => f.key)).toEqual([`nacl-blocks-traffic:${PRIVATE_ACL}:reply-out`])
    expect(out[0].message).toContain('blocks the replies (TCP 1024-65535) back to the ALB of connections to port 80')
    expect(out[0].message).toContain(`${PRIVATE_ACL} outbound to 10.0.0.0/24: tcp 1024-65535 hits entry * (deny)`)
    expect(out[0].remediation.commands).toEqual(
      PUBLIC_CIDRS.map(
        (c, i) =>
          `aws ec2 create-network-acl-entry --network-acl-id ${PRIVATE_ACL} --rule-number ${200 + 100 * i} --protocol tcp --port-range From=1024,To=65535 --cidr-block ${c} --rule-action allow --egress --region us-east-1`,
      ),
    )
  })

  it('says precisely why a NACL that lets only 32768-60999 back breaks ALB traffic', () => {
    const w = withNacl(PRIVATE_ACL, PRIVATE_SUBNETS, [allowAll(false), naclEntry(100, true, 'allow', ANY, [32768, 60999])])
    const out = findings(naclBlocksTraffic, w)
    expect(out).toHaveLength(1)
    expect(out[0].message).toContain('tcp 1024-32767 hits entry * (deny); tcp 61000-65535 hits entry * (deny); only 32768-60999 (entry 100) is allowed')
    expect(out[0].message).toContain("anywhere in 1024-65535 (not only Linux's 32768-60999)")
    expect(out[0].data).toMatchObject({deniedPorts: [{from: 1024, to: 32767}, {from: 61000, to: 65535}], denyingRules: [32767]})
  })

  it("checks the ALB subnets' NACL too: outbound to the instances and the replies in", () => {
    const w = withNacl(PUBLIC_ACL, PUBLIC_SUBNETS, [
      naclEntry(100, false, 'allow', ANY, [80, 80]),
      naclEntry(110, false, 'allow', ANY, [443, 443]),
      naclEntry(100, true, 'allow', ANY, [1024, 65535]),
    ])
    const out = findings(naclBlocksTraffic, w)
    expect(out.map((f) => f.key).sort()).toEqual([`nacl-blocks-traffic:${PUBLIC_ACL}:reply-in`, `nacl-blocks-traffic:${PUBLIC_ACL}:request-out:80`])
    const out80 = out.find((f) => f.key.endsWith('request-out:80'))!
    expect(out80.message).toContain(`of the ALB's subnet(s) ${PUBLIC_SUBNETS.join(', ')} blocks TCP 80 (traffic and health checks) out to the instances`)
    expect(out80.message).toContain('tcp 80 hits entry * (deny)')
    // The fix for the ALB side names the instances' subnets.
    expect(out80.remediation.commands!.map((c) => /--cidr-block (\S+)/.exec(c)![1])).toEqual([...PRIVATE_CIDRS])
    expect(out80.remediation.commands![0]).toContain('--rule-number 200 --protocol tcp --port-range From=80,To=80')
    expect(out80.remediation.commands![0]).toContain('--egress')
  })

  it('names only the ALB subnet an inbound entry leaves out', () => {
    const w = withNacl(PRIVATE_ACL, PRIVATE_SUBNETS, [naclEntry(100, false, 'allow', '10.0.0.0/23', [80, 80]), allowAll(true)])
    const out = findings(naclBlocksTraffic, w)
    expect(out).toHaveLength(1)
    expect(out[0].message).toContain(`inbound from ${PUBLIC_CIDRS[2]}: tcp 80 hits entry * (deny)`)
    expect(out[0].remediation.commands).toHaveLength(1)
    expect(out[0].remediation.commands![0]).toContain(`--cidr-block ${PUBLIC_CIDRS[2]}`)
    expect(out[0].data).toMatchObject({instances: [...INSTANCE_IDS]})
  })

  it('flags a health-check port the NACL does not admit', () => {
    const w = withNacl(PRIVATE_ACL, PRIVATE_SUBNETS, [naclEntry(100, false, 'allow', ANY, [80, 80]), allowAll(true)])
    w.elbv2.TargetGroups[0].HealthCheckPort = '8080'
    const out = findings(naclBlocksTraffic, w)
    expect(out.map((f) => f.key)).toEqual([`nacl-blocks-traffic:${PRIVATE_ACL}:request-in:8080`])
    expect(out[0].message).toContain('TCP 8080 (health checks) in from the ALB')
    expect(out[0].explains).toEqual([{ruleId: 'target-health-unhealthy', resource: TG_ARN}])
  })

  it('falls back to console steps when no rule number below the deny is free', () => {
    const w = withNacl(PRIVATE_ACL, PRIVATE_SUBNETS, [naclEntry(1, false, 'deny', ANY), allowAll(false), allowAll(true)])
    const out = findings(naclBlocksTraffic, w)
    expect(out[0].remediation.commands).toBeUndefined()
    expect(out[0].remediation.console).toContain('no rule number below 1 is free')
  })

  it('never proposes one rule number twice when both sides share a NACL', () => {
    const w = healthyWorld()
    const def = w.ec2.NetworkAcls[0]
    def.Entries = [allowAll(false), naclEntry(100, true, 'allow', ANY, [443, 443]), naclEntry(32767, false, 'deny', ANY), naclEntry(32767, true, 'deny', ANY)]
    const out = findings(naclBlocksTraffic, w)
    expect(out.map((f) => f.key).sort()).toEqual([`nacl-blocks-traffic:${DEFAULT_NACL}:reply-out`, `nacl-blocks-traffic:${DEFAULT_NACL}:request-out:80`])
    const numbers = out.flatMap((f) => f.remediation.commands!.map((c) => /--rule-number (\d+)/.exec(c)![1]))
    expect(numbers).toHaveLength(6)
    expect(new Set(numbers).size).toBe(6)
  })
})
