/**
 * asg-az-not-enabled-on-alb: an attached Auto Scaling group launches into an Availability Zone the load balancer
 * does not enable. Its instances there register but get no traffic (target health `unused`, Target.NotInUse):
 * read from the topology (the group's subnets and instances against the ALB's zones), so it is said before target
 * health has spoken, and it explains the `unused` targets when it has.
 */
import {cmd, raw} from '../../lib/shell.js'
import type {AnalysisContext} from '../../analyze/context.js'
import {EVIDENCE_LINES, listIds} from '../evidence.js'
import type {Finding, FindingRef, Rule} from '../types.js'
import {attachedGroups, eqi, groupSubnets, inServiceIds, plural, subnetFor, tgName} from './util.js'
import type {Group, TG} from './util.js'

const ID = 'asg-az-not-enabled-on-alb'

interface Outside {
  az: string
  subnets: string[]
  instances: string[]
}

/** The zones the group uses (its subnets' and its instances') that the ALB does not enable, each with what is there. */
function outside(ctx: AnalysisContext, g: Group, enabled: Set<string>): Outside[] {
  const byAz = new Map<string, Outside>()
  const at = (az: string) => byAz.get(az) ?? byAz.set(az, {az, subnets: [], instances: []}).get(az)!
  for (const s of groupSubnets(g)) {
    const az = ctx.subnet(s)?.AvailabilityZone
    if (az && !enabled.has(az)) at(az).subnets.push(s)
  }
  const live = new Set(inServiceIds(g))
  for (const i of g.Instances ?? []) {
    if (i.InstanceId && i.AvailabilityZone && live.has(i.InstanceId) && !enabled.has(i.AvailabilityZone)) at(i.AvailabilityZone).instances.push(i.InstanceId)
  }
  return [...byAz.values()].sort((a, b) => a.az.localeCompare(b.az))
}

function finding(ctx: AnalysisContext, g: Group, tgs: TG[], zones: Outside[], enabled: Set<string>): Finding {
  const name = g.AutoScalingGroupName ?? '?'
  const stranded = zones.flatMap((z) => z.instances)
  const inService = inServiceIds(g)
  const none = inService.length > 0 && stranded.length === inService.length
  const tgArns = tgs.map((t) => t.TargetGroupArn ?? '').filter(Boolean)
  const current = (ctx.lb.AvailabilityZones ?? []).flatMap((z) => z.SubnetId ?? [])
  const added = [...new Set(zones.map((z) => subnetFor(ctx, z.az)))]
  const keep = groupSubnets(g).filter((s) => !zones.some((z) => z.subnets.includes(s)))
  const refs: FindingRef[] = stranded.map((resource) => ({ruleId: 'target-health-unused', resource}))
  return ctx.finding(ID, {
    key: `${ID}:${name}`,
    severity: none ? 'error' : 'warning',
    message:
      `Auto Scaling group ${name} launches into ${zones.map((z) => z.az).join(', ')}, which load balancer ${ctx.lbName} does not enable: ` +
      (stranded.length > 0
        ? `${plural(stranded.length, 'instance')} there (${listIds(stranded, EVIDENCE_LINES)}) ${stranded.length === 1 ? 'gets' : 'get'} no traffic from ${tgs.map(tgName).join(', ')}${none ? ', which is every InService instance of the group' : ''}`
        : `instances it launches there will get no traffic from ${tgs.map(tgName).join(', ')}`),
    resources: [name, ...stranded, ...tgArns],
    evidence: [
      `load balancer zones: ${[...enabled].sort().join(', ') || 'none'}`,
      ...zones.map((z) => `${z.az}: ${z.subnets.length > 0 ? `group subnet ${z.subnets.join(', ')}` : 'no group subnet'}; InService instances: ${listIds(z.instances, EVIDENCE_LINES) || 'none'}`),
    ],
    data: {autoScalingGroupName: name, zones: zones.map((z) => z.az), instanceIds: stranded, targetGroupArns: tgArns},
    remediation: {
      summary:
        `Enable ${zones.map((z) => z.az).join(', ')} on the load balancer (add a subnet there), ` +
        (keep.length > 0 ? `or keep the group out of ${zones.length === 1 ? 'that zone' : 'those zones'}.` : 'or move the group into zones the load balancer serves.'),
      commands: [
        cmd`aws elbv2 set-subnets --load-balancer-arn ${ctx.lb.LoadBalancerArn ?? raw('<load-balancer-arn>')} --subnets ${[...current, ...added]} ${ctx.regionFlag}`,
        ...(keep.length > 0 ? [cmd`aws autoscaling update-auto-scaling-group --auto-scaling-group-name ${name} --vpc-zone-identifier ${keep.join(',')} ${ctx.regionFlag}`] : []),
      ],
    },
    ...(refs.length > 0 ? {explains: refs} : {}),
  })
}

function check(ctx: AnalysisContext) {
  const enabled = new Set((ctx.lb.AvailabilityZones ?? []).flatMap((z) => z.ZoneName ?? []))
  if (enabled.size === 0) return {couldNotCheck: 'the snapshot does not list the load balancer\'s Availability Zones'}
  // Cross-zone load balancing does not help: an ALB node exists only in an enabled zone, and routes to targets in enabled zones.
  return attachedGroups(ctx)
    .filter(({tgs}) => tgs.some((t) => !eqi(t.TargetType, 'lambda')))
    .flatMap(({group, tgs}) => {
      const zones = outside(ctx, group, enabled)
      return zones.length > 0 ? [finding(ctx, group, tgs, zones, enabled)] : []
    })
}

export const rule: Rule = {id: ID, check}
