/**
 * The analysis stays linear in the fleet, and so does what it prints. At 3,000 instances, every rule that walks the
 * instances must look shared facts up once (an ASG's member list, a launch template's user data, a NACL's entries,
 * a security group's rules), not once per instance: these tests count the reads of those facts instead of timing
 * anything. And no finding's evidence may keep one line per instance.
 */
import {describe, expect, it} from 'vitest'
import {AnalysisContext} from '../../src/analyze/context.js'
import {analyze} from '../../src/analyze/engine.js'
import {EVIDENCE_LINES} from '../../src/rules/evidence.js'
import {rule as instanceSubnetNoEgress} from '../../src/rules/network/instance-subnet-no-egress.js'
import {rule as naclBlocksTraffic} from '../../src/rules/network/nacl-blocks-traffic.js'
import {rule as sgAlbEgress} from '../../src/rules/network/sg-alb-egress.js'
import {rule as targetHealthUnhealthy} from '../../src/rules/health/target-health-unhealthy.js'
import type {Finding, Rule} from '../../src/rules/types.js'
import type {Snapshot} from '../../src/snapshot/types.js'
import {ALB_SG, ASG_NAME, DEFAULT_NACL, TG_ARN} from '../fixtures/world.js'
import {countReads, fleetId, fleetWorld} from './fleet.js'

const FLEET = 3000

function findingsOf(rule: Rule, w: Snapshot): Finding[] {
  const out = rule.check(new AnalysisContext(w))
  if (!Array.isArray(out)) throw new Error('expected findings')
  return out
}

/** No 0.0.0.0/0 route out of the instances' subnets. */
function stranded(w: Snapshot): Snapshot {
  for (const rt of w.ec2.RouteTables) {
    if ((rt.Associations ?? []).some((a) => a.SubnetId && w.ec2.Instances.some((i) => i.SubnetId === a.SubnetId))) {
      rt.Routes = (rt.Routes ?? []).filter((r) => r.DestinationCidrBlock !== '0.0.0.0/0')
    }
  }
  return w
}

const unhealthy = (w: Snapshot): Snapshot => {
  for (const d of w.elbv2.TargetHealthDescriptions[TG_ARN]) d.TargetHealth = {State: 'unhealthy', Reason: 'Target.Timeout', Description: 'Request timed out'}
  return w
}

const albSg = (w: Snapshot) => w.ec2.SecurityGroups.find((g) => g.GroupId === ALB_SG)!

describe(`the analysis at ${FLEET} instances`, () => {
  it('instance-subnet-no-egress reads the ASG members and the user data once, not once per instance', () => {
    const w = stranded(fleetWorld(FLEET))
    const members = countReads(w.autoscaling.AutoScalingGroups.find((g) => g.AutoScalingGroupName === ASG_NAME)!, 'Instances')
    const userData = countReads(w.ec2.LaunchTemplateVersions[0].LaunchTemplateData!, 'UserData')
    const out = findingsOf(instanceSubnetNoEgress, w)
    expect(out.map((f) => f.message.match(/^(\d+) instance/)?.[1])).toEqual(['1000', '1000', '1000'])
    expect(out[0].message).toContain('Their user data runs `dnf install -y nginx`')
    expect(members.count).toBeLessThan(10)
    expect(userData.count).toBe(1)
  })

  it('nacl-blocks-traffic parses each ACL entry once', () => {
    const w = fleetWorld(FLEET)
    const acl = w.ec2.NetworkAcls.find((a) => a.NetworkAclId === DEFAULT_NACL)!
    const reads = (acl.Entries ?? []).map((e) => countReads(e, 'CidrBlock'))
    expect(naclBlocksTraffic.check(new AnalysisContext(w))).toEqual([])
    // Every ALB subnet -> instance flow crossed this ACL four times (both ways, both sides): 36,000 evaluations.
    for (const r of reads) expect(r.count).toBeLessThanOrEqual(2)
  })

  it('sg-alb-egress reads the ALB group’s rules once per port, not once per instance', () => {
    const w = fleetWorld(FLEET)
    const rules = albSg(w).IpPermissionsEgress ?? []
    expect(rules.length).toBeGreaterThan(0)
    const reads = rules.map((p) => countReads(p, 'IpRanges'))
    expect(sgAlbEgress.check(new AnalysisContext(w))).toEqual([])
    for (const r of reads) expect(r.count).toBeLessThanOrEqual(2)
  })

  it('sg-alb-egress names every blocked instance in resources, and shows the first 20 in evidence', () => {
    const w = fleetWorld(FLEET)
    albSg(w).IpPermissionsEgress = []
    const [f] = findingsOf(sgAlbEgress, w)
    expect(f.resources).toHaveLength(1 + FLEET + 1)
    expect(f.evidence).toHaveLength(1 + EVIDENCE_LINES + 1)
    expect(f.evidence[1]).toMatch(new RegExp(`^${fleetId(0)}: groups `))
    expect(f.evidence.at(-1)).toBe(`… and ${FLEET - EVIDENCE_LINES} more instances (all in resources)`)
  })

  it('target-health-unhealthy keeps its reason hints after the first 20 targets', () => {
    const [f] = findingsOf(targetHealthUnhealthy, unhealthy(fleetWorld(FLEET)))
    expect(f.message).toContain(`${FLEET} of ${FLEET} targets`)
    expect(f.evidence[EVIDENCE_LINES]).toBe(`… and ${FLEET - EVIDENCE_LINES} more unhealthy targets (all in resources)`)
    expect(f.evidence.length).toBeGreaterThan(EVIDENCE_LINES + 1)
    expect(f.evidence.length).toBeLessThan(EVIDENCE_LINES + 6)
  })

  it('no finding of a broken fleet carries evidence that grows with it', () => {
    const w = unhealthy(stranded(fleetWorld(FLEET)))
    albSg(w).IpPermissionsEgress = []
    const report = analyze(w)
    expect(report.findings.length).toBeGreaterThan(3)
    for (const f of report.findings) {
      expect.soft(f.evidence.length, f.ruleId).toBeLessThanOrEqual(EVIDENCE_LINES + 10)
      expect.soft(f.message.length, f.ruleId).toBeLessThan(4000)
      for (const line of f.evidence) expect.soft(line.length, f.ruleId).toBeLessThan(2000)
    }
  })
})
