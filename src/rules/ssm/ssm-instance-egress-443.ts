/**
 * The agent opens HTTPS connections outwards: to the endpoints' interfaces when the VPC has them (private DNS
 * on), else to public addresses through NAT. The instance's security groups must let 443 out (replies come
 * back by themselves: groups are stateful); network ACLs are not stateful, so the instance subnet's ACL must
 * let 443 out and the ephemeral-port replies in, and an endpoint subnet's ACL the reverse. Traffic inside one
 * subnet never crosses its ACL. The NAT gateway's own subnet ACL is not checked.
 */
import {cmd, jsonArg, raw} from '../../lib/shell.js'
import type {Instance, NetworkAcl} from '@aws-sdk/client-ec2'
import type {AnalysisContext, J} from '../../analyze/context.js'
import {describeNaclVerdict, evaluateNaclFlow, evaluateSecurityGroups, formatPorts} from '../../analyze/network.js'
import type {FlowEnd, PortRange} from '../../analyze/network.js'
import type {Rule, RuleOutcome} from '../types.js'
import {SSM_SERVICES, explainsOffline, groupBy, internetPath, notCollected, runningInstances, usableEndpoint} from './common.js'

const ID = 'ssm-instance-egress-443'

/** The source ports the agent's connections use, to which replies return: Linux's ip_local_port_range, Windows' dynamic range. */
export function clientPorts(platform: string | undefined): PortRange {
  return platform?.toLowerCase() === 'windows' ? {from: 49152, to: 65535} : {from: 32768, to: 60999}
}

interface Problem {
  text: string
  /** Two problems with one key are the same fault seen through several endpoints. */
  key: string
  /** What blocks: one ACL's denying entries, or one set of security groups. Several subnets can share it. */
  fault: {key: string; resource: string; label: string}
  command: string
  /** For an ACL entry to add: its rule number is assigned once all problems are known, so none collide. */
  aclEntry?: {acl: J<NetworkAcl>; egress: boolean; below: number; entry: string}
}

const RULE = '<rule-number>'

/** Keeps each fault once and numbers the ACL entries to add through the analysis, each before the entry that denies. */
function finish(ctx: AnalysisContext, problems: Problem[]): Problem[] {
  const unique = problems.filter((p, i) => problems.findIndex((q) => q.key === p.key) === i)
  return unique.map((p) => {
    if (!p.aclEntry) return p
    const [n] = ctx.proposeNaclRuleNumbers(p.aclEntry.acl, p.aclEntry.egress, p.aclEntry.below, [p.aclEntry.entry])
    return {...p, command: p.command.replace(RULE, String(n ?? RULE))}
  })
}

/** The NACL legs of one connection that drop some of it, as problems with the entry that would let it through. */
function naclProblems(ctx: AnalysisContext, source: FlowEnd, destination: FlowEnd, replyPorts: PortRange, what: string): Problem[] {
  const flow = evaluateNaclFlow(source, destination, 443, replyPorts)
  return flow.legs.flatMap(({leg, verdict: v}) => {
    if (!v || (v.verdict !== 'denied' && v.verdict !== 'partial')) return []
    const acl = ctx.snapshot.ec2.NetworkAcls.find((a) => a.NetworkAclId === v.networkAclId)!
    const entries = v.denyingRules.map((n) => (n === 32767 ? '*' : String(n))).join(', ')
    return [
      {
        fault: {key: `nacl|${v.networkAclId}|${entries}`, resource: v.networkAclId, label: `network ACL ${v.networkAclId} (entry ${entries || '?'})`},
        key: `${v.networkAclId}|${v.egress}|${formatPorts(v.ports)}|${v.peerCidr}`,
        text: `${leg.startsWith('reply') ? `replies from ${what}` : what}: ${describeNaclVerdict(v)}`,
        aclEntry: {acl, egress: v.egress, below: Math.min(...v.denyingRules), entry: `tcp|${v.ports.from}-${v.ports.to}|${v.peerCidr}`},
        command: cmd`aws ec2 create-network-acl-entry --network-acl-id ${v.networkAclId} ${v.egress ? '--egress' : '--ingress'} --rule-number ${raw(RULE)} --protocol tcp --port-range From=${v.ports.from},To=${v.ports.to} --cidr-block ${v.peerCidr} --rule-action allow ${ctx.regionFlag}`,
      },
    ]
  })
}

/** What stands between one instance (representing its subnet, groups and platform) and the SSM services. */
function problems(ctx: AnalysisContext, instance: J<Instance>): Problem[] {
  const groupIds = (instance.SecurityGroups ?? []).flatMap((g) => g.GroupId ?? [])
  const groups = groupIds.flatMap((g) => ctx.securityGroup(g) ?? [])
  // Without the instance's subnet or every one of its groups in the snapshot there is nothing sure to say.
  const subnetCidr = ctx.subnet(instance.SubnetId ?? '')?.CidrBlock
  if (!subnetCidr || groupIds.length === 0 || groups.length < groupIds.length) return []
  const source: FlowEnd = {subnetId: instance.SubnetId, acl: ctx.naclFor(instance.SubnetId ?? ''), cidr: subnetCidr}
  const replies = clientPorts(instance.Platform)
  const out: Problem[] = []
  const sgEgress = (cidr: string, peerGroups: string[], what: string) => {
    const v = evaluateSecurityGroups(groups, 'egress', 443, {groupIds: peerGroups, cidrs: [{cidr}]}, ctx).verdict
    if (v !== 'denied' && v !== 'partial') return
    const target = peerGroups[0] ? `UserIdGroupPairs=[{GroupId=${peerGroups[0]}}]` : `IpRanges=[{CidrIp=${cidr}}]`
    out.push({
      fault: {key: `sg|${groupIds.join(',')}`, resource: groupIds[0], label: `security group${groupIds.length === 1 ? '' : 's'} ${groupIds.join(', ')}`},
      key: `sg|${target}`,
      text: `security groups ${groupIds.join(', ')} allow no TCP 443 out to ${cidr} (${what})`,
      command: cmd`aws ec2 authorize-security-group-egress --group-id ${groupIds[0]} --ip-permissions ${raw(jsonArg([{IpProtocol: 'tcp', FromPort: 443, ToPort: 443, ...(peerGroups[0] ? {UserIdGroupPairs: [{GroupId: peerGroups[0]}]} : {IpRanges: [{CidrIp: cidr}]})}]))} ${ctx.regionFlag}`,
    })
  }
  const path = internetPath(ctx, instance)
  for (const svc of SSM_SERVICES) {
    const endpoint = usableEndpoint(ctx, instance.VpcId ?? '', svc)
    if (endpoint) {
      const peerGroups = (endpoint.Groups ?? []).map((g) => g.GroupId!)
      for (const sid of endpoint.SubnetIds ?? []) {
        const cidr = ctx.subnet(sid)?.CidrBlock
        if (!cidr) continue
        const what = `${svc} endpoint ${endpoint.VpcEndpointId} in ${sid}`
        sgEgress(cidr, peerGroups, what)
        out.push(...naclProblems(ctx, source, {subnetId: sid, acl: ctx.naclFor(sid), cidr}, replies, what))
      }
    } else if (path.kind === 'nat' || path.kind === 'igw') {
      const what = `${svc}.${ctx.snapshot.meta.region}.amazonaws.com through ${path.target}`
      sgEgress('0.0.0.0/0', [], what)
      // The far end is the internet: only the instance subnet's ACL is ours to judge.
      out.push(...naclProblems(ctx, source, {cidr: '0.0.0.0/0'}, replies, what))
    }
  }
  return finish(ctx, out)
}

/** One finding per fault (an ACL's denying entries, a set of groups), however many subnets and instances it cuts off. */
function check(ctx: AnalysisContext): RuleOutcome {
  const skip = notCollected(ctx, 'ssm')
  if (skip) return skip
  const shapes = groupBy(runningInstances(ctx), (i) => [i.SubnetId, ...(i.SecurityGroups ?? []).map((g) => g.GroupId).sort(), i.Platform ?? 'linux'].join('|'))
  const faults = new Map<string, {fault: Problem['fault']; problems: Problem[]; subnets: string[]; instanceIds: string[]}>()
  for (const members of shapes.values()) {
    for (const p of problems(ctx, members[0])) {
      const f = faults.get(p.fault.key) ?? {fault: p.fault, problems: [], subnets: [], instanceIds: []}
      if (!f.problems.some((q) => q.text === p.text)) f.problems.push(p)
      const subnet = members[0].SubnetId ?? '?'
      if (!f.subnets.includes(subnet)) f.subnets.push(subnet)
      for (const i of members) if (i.InstanceId && !f.instanceIds.includes(i.InstanceId)) f.instanceIds.push(i.InstanceId)
      faults.set(p.fault.key, f)
    }
  }
  return [...faults.values()].map(({fault, problems: found, subnets, instanceIds}) => {
    const where = `${instanceIds.length === 1 ? instanceIds[0] : `${instanceIds.length} instances`} (subnet${subnets.length === 1 ? '' : 's'} ${subnets.join(', ')})`
    return ctx.finding(ID, {
      key: `${ID}:${fault.key}`,
      message: `HTTPS from ${where} to Systems Manager is blocked by ${fault.label}: ${found[0].text}${found.length > 1 ? ` (and ${found.length - 1} more)` : ''}`,
      resources: [fault.resource, ...subnets, ...instanceIds],
      evidence: found.map((p) => p.text),
      data: {fault: fault.resource, subnetIds: subnets, instanceIds, problems: found.map((p) => p.text)},
      remediation: {summary: 'Allow TCP 443 out and the ephemeral-port replies back on the path to Systems Manager.', commands: [...new Set(found.map((p) => p.command))]},
      explains: explainsOffline(instanceIds),
    })
  })
}

export const rule: Rule = {id: ID, check}
