import {describe, expect, it} from 'vitest'
import {analyze} from '../../../src/analyze/engine.js'
import {AnalysisContext} from '../../../src/analyze/context.js'
import {DEFAULT_NACL, TG_ARN, healthyWorld} from '../../fixtures/world.js'
import {healthySsmWorld} from '../../fixtures/ssm.js'

/** The default ACL's outbound side narrowed to TCP 32768-60999: blocks port 80 to the instances, 443 to SSM, and replies. */
function narrowedEgress() {
  const w = healthySsmWorld(healthyWorld())
  const acl = w.ec2.NetworkAcls.find((a) => a.NetworkAclId === DEFAULT_NACL)!
  acl.Entries = acl.Entries!.map((e) => (e.Egress && e.RuleNumber === 100 ? {...e, Protocol: '6', PortRange: {From: 32768, To: 60999}} : e))
  for (const d of w.elbv2.TargetHealthDescriptions[TG_ARN]) d.TargetHealth = {State: 'unhealthy', Reason: 'Target.Timeout', Description: 'Request timed out'}
  return w
}

describe('NACL entries proposed across findings', () => {
  it('never give two different entries of one ACL and direction the same rule number, so every fix can be run', () => {
    const report = analyze(narrowedEgress())
    const entries = report.findings
      .flatMap((f) => f.remediation.commands ?? [])
      .filter((c) => c.startsWith('aws ec2 create-network-acl-entry'))
      .map((c) => {
        const get = (flag: string) => new RegExp(`${flag} (\\S+)`).exec(c)?.[1]
        return {slot: `${get('--network-acl-id')}|${c.includes('--egress') ? 'out' : 'in'}|${get('--rule-number')}`, entry: `${get('--port-range')}|${get('--cidr-block')}`}
      })
    const rules = new Set(report.findings.filter((f) => f.remediation.commands?.some((c) => c.startsWith('aws ec2 create-network-acl-entry'))).map((f) => f.ruleId))
    expect([...rules].sort()).toEqual(['nacl-blocks-traffic', 'ssm-instance-egress-443'])
    const bySlot = new Map<string, Set<string>>()
    for (const {slot, entry} of entries) bySlot.set(slot, (bySlot.get(slot) ?? new Set()).add(entry))
    expect([...bySlot.entries()].filter(([, e]) => e.size > 1)).toEqual([])
    expect(entries.every((e) => /\|\d+$/.test(e.slot))).toBe(true)
  })

  it('gives the same entry the same number wherever it is proposed', () => {
    const ctx = new AnalysisContext(narrowedEgress())
    const acl = ctx.snapshot.ec2.NetworkAcls[0]
    const [a, b] = ctx.proposeNaclRuleNumbers(acl, true, 32767, ['tcp|443-443|10.0.11.0/24', 'tcp|443-443|10.0.12.0/24'])
    expect(a).not.toBe(b)
    expect(ctx.proposeNaclRuleNumbers(acl, true, 32767, ['tcp|443-443|10.0.12.0/24', 'tcp|80-80|10.0.10.0/24'])).toEqual([b, expect.any(Number)])
    const [, c] = ctx.proposeNaclRuleNumbers(acl, true, 32767, ['tcp|443-443|10.0.12.0/24', 'tcp|80-80|10.0.10.0/24'])
    expect([a, b]).not.toContain(c)
    // Below a lower deny, a number proposed earlier that is too high is not reused.
    expect(ctx.proposeNaclRuleNumbers(acl, true, 50, ['tcp|443-443|10.0.11.0/24'])[0]).toBeLessThan(50)
  })
})
