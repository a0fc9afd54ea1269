import type {Finding, FindingRef, Rule} from '../types.js'
import {cmd} from '../../lib/shell.js'
import type {AnalysisContext} from '../../analyze/context.js'
import {shortName} from '../../analyze/context.js'
import {cutOff, evaluateSecurityGroups, sgEvidence} from '../../analyze/network.js'
import type {Peer, SgVerdict} from '../../analyze/network.js'
import {albSubnets, describeSubnet, instanceGroupIds, instanceTargets, listIds, targetPorts} from './topology.js'

const ID = 'sg-instance-ingress'

interface Problem {
  groupIds: string[]
  port: number
  verdict: SgVerdict
  missingGroups: string[]
  instances: Set<string>
  tgArns: Set<string>
  purposes: Set<string>
}

/** The instances' groups (their union) must admit each port the ALB uses, from the ALB's group or all its subnets. */
export const rule: Rule = {
  id: ID,
  check(ctx) {
    const tgs = instanceTargets(ctx)
    if (tgs.length === 0) return {notApplicable: 'no target group has live instance targets'}
    const subnets = albSubnets(ctx)
    const peer: Peer = {groupIds: ctx.lb.SecurityGroups ?? [], cidrs: subnets.filter((s) => s.cidr).map((s) => ({cidr: s.cidr!, label: s.subnetId}))}
    const problems = new Map<string, Problem>()
    const healthBlocked = new Map<string, Set<string>>()
    for (const {arn, targets} of tgs) {
      for (const t of targets) {
        const groupIds = instanceGroupIds(t.instance)
        for (const {port, purpose} of targetPorts(t)) {
          const key = `${groupIds.join(',')}:${port}`
          const p = problems.get(key) ?? evaluate(ctx, groupIds, port, peer)
          problems.set(key, p)
          if (p.verdict.verdict === 'allowed') continue
          p.instances.add(t.instanceId)
          p.tgArns.add(arn)
          p.purposes.add(purpose)
          if (port === t.healthCheckPort && p.verdict.verdict !== 'unknown') healthBlocked.set(arn, (healthBlocked.get(arn) ?? new Set()).add(t.instanceId))
        }
      }
    }
    // A target group whose every target is cut off from health checks is unhealthy because of this.
    const explained = tgs.filter((g) => g.targets.every((t) => healthBlocked.get(g.arn)?.has(t.instanceId))).map((g) => g.arn)
    return [...problems.values()].filter((p) => p.instances.size > 0).map((p) => toFinding(ctx, p, peer, subnets, explained))
  },
}

function evaluate(ctx: AnalysisContext, groupIds: string[], port: number, peer: Peer): Problem {
  const groups = groupIds.map((id) => ctx.securityGroup(id)).filter((g) => g !== undefined)
  const missingGroups = groupIds.filter((id) => !ctx.securityGroup(id))
  const verdict = evaluateSecurityGroups(groups, 'ingress', port, peer, ctx)
  // A group we could not read might hold the missing rule, and an instance always has a group (the snapshot lost
  // it): say "cannot tell", not "denied".
  if ((missingGroups.length > 0 || groupIds.length === 0) && verdict.verdict !== 'allowed') verdict.verdict = 'unknown'
  return {groupIds, port, verdict, missingGroups, instances: new Set(), tgArns: new Set(), purposes: new Set()}
}

function toFinding(ctx: AnalysisContext, p: Problem, peer: Peer, subnets: ReturnType<typeof albSubnets>, explained: string[]): Finding {
  const instances = [...p.instances]
  const groups = p.groupIds.map((id) => `${id} (${ctx.securityGroup(id)?.GroupName ?? 'not in snapshot'})`).join(', ') || 'the security groups'
  const albSg = peer.groupIds[0]
  const tgNames = [...p.tgArns].map(shortName).join(', ')
  const what = `${groups} on ${instances.length} instance(s) of ${tgNames} (${listIds(instances)})`
  const from = `the ALB's security group${peer.groupIds.length === 1 ? '' : 's'} ${peer.groupIds.join(', ') || '(none)'} or all of its subnets`
  const lost = cutOff(p.verdict)
  const cutSubnets = lost.map((c) => subnets.find((s) => s.subnetId === c.label)).filter((s) => s !== undefined)
  const port = `TCP ${p.port} (${[...p.purposes].join(', ')})`
  const consequence = [...p.purposes].some((x) => x.includes('health')) ? 'health checks time out (Target.Timeout)' : 'requests time out (504) while health checks pass'
  let message: string
  if (p.verdict.verdict === 'unknown') {
    const why =
      p.groupIds.length === 0
        ? 'the snapshot lists no security group for these instances'
        : p.missingGroups.length > 0
          ? `${p.missingGroups.join(', ')} is not in the snapshot`
          : `prefix list ${p.verdict.unresolvedPrefixLists.join(', ')} could not be read`
    message = `Cannot tell whether ${what} admit ${port} from ${from}: ${why}.`
  } else if (p.verdict.verdict === 'partial') {
    const cut = lost.map((c) => `${describeSubnet(subnets.find((s) => s.subnetId === c.label) ?? {subnetId: c.label ?? c.cidr})}${c.coverage === 'partial' ? ` (only part of it: ${c.uncovered.join(', ')} left out)` : ''}`)
    message = `${what} admit ${port} from only some of the ALB's subnets: ${cut.join('; ')} ${cut.length === 1 ? 'is' : 'are'} cut off, so the ALB's nodes there cannot reach the instances and their ${consequence}.`
  } else {
    message = `${what} do not admit ${port} from ${from}: ${consequence}.`
  }
  const refs: FindingRef[] = [...p.tgArns].filter((a) => explained.includes(a)).map((resource) => ({ruleId: 'target-health-unhealthy', resource}))
  const commands = p.groupIds.length === 0 ? [] : albSg
    ? [cmd`aws ec2 authorize-security-group-ingress --group-id ${p.groupIds[0]} --protocol tcp --port ${p.port} --source-group ${albSg} ${ctx.regionFlag}`]
    : cutSubnets.map((s) => cmd`aws ec2 authorize-security-group-ingress --group-id ${p.groupIds[0]} --protocol tcp --port ${p.port} --cidr ${s.cidr} ${ctx.regionFlag}`)
  return ctx.finding(ID, {
    key: `${ID}:${p.groupIds.join(',')}:${p.port}`,
    message,
    resources: [...p.groupIds, ...instances, ...p.tgArns],
    evidence: [
      `ALB security groups: ${peer.groupIds.join(', ') || 'none'}; ALB subnets: ${subnets.map(describeSubnet).join(', ')}`,
      ...(sgEvidence(p.verdict).length > 0 ? sgEvidence(p.verdict).map((t) => `matching rule: ${t}`) : [`no ingress rule of ${p.groupIds.join(', ') || 'any group'} covers TCP ${p.port} from the ALB`]),
      ...lost.map((c) => `not admitted: ${c.label ?? c.cidr} ${c.cidr} (${c.coverage})`),
    ],
    data: {groupIds: p.groupIds, port: p.port, verdict: p.verdict.verdict, instances, targetGroups: [...p.tgArns], cutOffSubnets: cutSubnets.map((s) => s.subnetId)},
    remediation: {
      summary: p.groupIds.length === 0
        ? `Look up the instances' security groups (aws ec2 describe-instances) and make sure one allows TCP ${p.port} from the ALB.`
        : albSg
        ? `Allow TCP ${p.port} into ${p.groupIds[0]} from the ALB's security group ${albSg} (a group reference covers every ALB node in every AZ).`
        : `Allow TCP ${p.port} into ${p.groupIds[0]} from each ALB subnet's CIDR.`,
      commands,
    },
    severity: p.verdict.verdict === 'unknown' ? 'warning' : undefined,
    confidence: p.verdict.verdict === 'unknown' ? 'possible' : 'certain',
    ...(refs.length > 0 ? {explains: refs} : {}),
  })
}
