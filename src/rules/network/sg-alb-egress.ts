import type {FindingRef, Rule} from '../types.js'
import {cmd, jsonArg, raw} from '../../lib/shell.js'
import {shortName} from '../../analyze/context.js'
import {evaluateSecurityGroups} from '../../analyze/network.js'
import {instanceGroupIds, instanceTargets, listIds, targetPorts} from './topology.js'
import {boundedLines} from '../evidence.js'

const ID = 'sg-alb-egress'

interface Problem {
  port: number
  unknown: boolean
  instances: Map<string, string[]>
  tgArns: Set<string>
  purposes: Set<string>
}

/** The ALB's groups must let each port out to every target: to a group the target is in, or to its address. */
export const rule: Rule = {
  id: ID,
  check(ctx) {
    const albGroupIds = ctx.lb.SecurityGroups ?? []
    if (albGroupIds.length === 0) return {notApplicable: 'the load balancer has no security groups'}
    const tgs = instanceTargets(ctx)
    if (tgs.length === 0) return {notApplicable: 'no target group has live instance targets'}
    const albGroups = albGroupIds.map((id) => ctx.securityGroup(id)).filter((g) => g !== undefined)
    const missing = albGroupIds.filter((id) => !ctx.securityGroup(id))
    const problems = new Map<string, Problem>()
    const healthBlocked = new Map<string, Set<string>>()
    for (const {arn, targets} of tgs) {
      for (const t of targets) {
        const peer = {groupIds: instanceGroupIds(t.instance), cidrs: t.instance.PrivateIpAddress ? [{cidr: t.instance.PrivateIpAddress, label: t.instanceId}] : []}
        for (const {port, purpose} of targetPorts(t)) {
          const v = evaluateSecurityGroups(albGroups, 'egress', port, peer, ctx)
          if (v.verdict === 'allowed') continue
          // A group we could not read, or an unreadable prefix list, might allow it: "cannot tell".
          const unknown = v.verdict === 'unknown' || missing.length > 0
          const key = `${port}:${unknown}`
          const p = problems.get(key) ?? {port, unknown, instances: new Map(), tgArns: new Set(), purposes: new Set()}
          problems.set(key, p)
          p.instances.set(t.instanceId, peer.groupIds)
          p.tgArns.add(arn)
          p.purposes.add(purpose)
          if (port === t.healthCheckPort && !unknown) healthBlocked.set(arn, (healthBlocked.get(arn) ?? new Set()).add(t.instanceId))
        }
      }
    }
    const explained = new Set(tgs.filter((g) => g.targets.every((t) => healthBlocked.get(g.arn)?.has(t.instanceId))).map((g) => g.arn))
    const albDesc = `${albGroupIds.length === 1 ? 'group' : 'groups'} ${albGroupIds.map((id) => `${id} (${ctx.securityGroup(id)?.GroupName ?? 'not in snapshot'})`).join(', ')}`
    return [...problems.values()].map((p) => {
      const instances = [...p.instances.keys()]
      const instanceSgs = [...new Set([...p.instances.values()].map((g) => g[0]).filter((g) => g !== undefined))]
      const what = `TCP ${p.port} (${[...p.purposes].join(', ')}) out to ${instances.length} instance(s) of ${[...p.tgArns].map(shortName).join(', ')} (${listIds(instances)})`
      const consequence = [...p.purposes].some((x) => x.includes('health')) ? 'health checks time out (Target.Timeout)' : 'requests time out (504)'
      const message = p.unknown
        ? `Cannot tell whether the ALB's security ${albDesc} allow ${what}: ${missing.length > 0 ? `${missing.join(', ')} is not in the snapshot` : 'a prefix list on their egress rules could not be read'}.`
        : `The ALB's security ${albDesc} ${albGroupIds.length === 1 ? 'allows' : 'allow'} no ${what}, neither to the instances' groups (${instanceSgs.join(', ')}) nor to their addresses: ${consequence}.`
      const refs: FindingRef[] = [...p.tgArns].filter((a) => explained.has(a)).map((resource) => ({ruleId: 'target-health-unhealthy', resource}))
      return ctx.finding(ID, {
        key: `${ID}:${albGroupIds.join(',')}:${p.port}${p.unknown ? ':unknown' : ''}`,
        message,
        resources: [...albGroupIds, ...instances, ...p.tgArns],
        evidence: [
          ...albGroups.map((g) => `${g.GroupId} egress: ${(g.IpPermissionsEgress ?? []).length === 0 ? 'no rules' : `${(g.IpPermissionsEgress ?? []).length} rule(s), none covering TCP ${p.port} to these instances`}`),
          ...boundedLines([...p.instances], ([id, groups]) => `${id}: groups ${groups.join(', ')}, IP ${ctx.instance(id)?.PrivateIpAddress ?? '?'}`, 'instances'),
        ],
        data: {albGroupIds, port: p.port, instances, targetGroups: [...p.tgArns]},
        remediation: {
          summary: `Allow TCP ${p.port} out of ${albGroupIds[0]} to the instances' security group.`,
          commands: instanceSgs.map(
            (g) => cmd`aws ec2 authorize-security-group-egress --group-id ${albGroupIds[0]} --ip-permissions ${raw(jsonArg([{IpProtocol: 'tcp', FromPort: p.port, ToPort: p.port, UserIdGroupPairs: [{GroupId: g}]}]))} ${ctx.regionFlag}`,
          ),
        },
        severity: p.unknown ? 'warning' : undefined,
        confidence: p.unknown ? 'possible' : 'certain',
        ...(refs.length > 0 ? {explains: refs} : {}),
      })
    })
  },
}
