/** Shared by the network rule tests: run one rule over a snapshot, and small builders for SG and NACL rules. */
import {AnalysisContext} from '../../../src/analyze/context.js'
import type {Finding, Rule, RuleOutcome} from '../../../src/rules/types.js'
import {outcomeReason} from '../../../src/rules/types.js'
import type {Snapshot} from '../../../src/snapshot/types.js'

export function run(rule: Rule, snapshot: Snapshot): RuleOutcome {
  return rule.check(new AnalysisContext(snapshot))
}

/** Runs a rule that must return findings (not "not applicable"). */
export function findings(rule: Rule, snapshot: Snapshot): Finding[] {
  const out = run(rule, snapshot)
  if (!Array.isArray(out)) throw new Error(`expected findings, got not-applicable: ${outcomeReason(out)}`)
  return out
}

export function sg(snapshot: Snapshot, groupId: string) {
  const g = snapshot.ec2.SecurityGroups.find((x) => x.GroupId === groupId)
  if (!g) throw new Error(`no ${groupId}`)
  return g
}

export const tcp = (from: number, to: number, extra: Record<string, unknown>) => ({
  IpProtocol: 'tcp',
  FromPort: from,
  ToPort: to,
  IpRanges: [],
  Ipv6Ranges: [],
  PrefixListIds: [],
  UserIdGroupPairs: [],
  ...extra,
})

export const naclEntry = (ruleNumber: number, egress: boolean, action: 'allow' | 'deny', cidr: string, ports?: [number, number]) => ({
  RuleNumber: ruleNumber,
  Egress: egress,
  RuleAction: action,
  CidrBlock: cidr,
  Protocol: ports ? '6' : '-1',
  ...(ports ? {PortRange: {From: ports[0], To: ports[1]}} : {}),
})
