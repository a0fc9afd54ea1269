/**
 * asg-not-attached: an Auto Scaling group in the ALB's VPC that is attached to none of its target groups, while a
 * target group a listener forwards to has no group attached and nothing serving. The snapshot keeps such groups
 * (subnets in the ALB's VPC) as candidates; which one was meant to serve is an inference, hence `likely`.
 */
import {cmd} from '../../lib/shell.js'
import type {AnalysisContext} from '../../analyze/context.js'
import type {Finding, Rule} from '../types.js'
import {ecsClusterOf, inServiceIds, servingTargets, snapshotTgArns, tgName} from './util.js'
import type {Group} from './util.js'

const ID = 'asg-not-attached'

function inAlbVpc(ctx: AnalysisContext, g: Group): boolean {
  const subnets = (g.VPCZoneIdentifier ?? '').split(',').map((s) => s.trim()).filter(Boolean)
  // Subnets the snapshot does not hold were vetted by the collector; a known subnet elsewhere rules the group out.
  return subnets.every((s) => (ctx.subnet(s)?.VpcId ?? ctx.lb.VpcId) === ctx.lb.VpcId)
}

function check(ctx: AnalysisContext): Finding[] {
  const ours = snapshotTgArns(ctx)
  const onListeners = ctx.targetGroupsOnListeners()
  const hungry = ctx.targetGroups.filter((tg) => {
    const arn = tg.TargetGroupArn ?? ''
    return onListeners.has(arn) && ctx.groupsForTargetGroup(arn).length === 0 && servingTargets(ctx, arn).length === 0
  })
  if (hungry.length === 0) return []
  // ECS container hosts are not meant to be attached: the ECS service registers its tasks (target-group-empty says so).
  const candidates = ctx.autoScalingGroups.filter((g) => !(g.TargetGroupARNs ?? []).some((a) => ours.has(a)) && inAlbVpc(ctx, g) && !ecsClusterOf(ctx, g))
  const tgArns = hungry.map((t) => t.TargetGroupArn ?? '')
  return candidates.map((g) => {
    const name = g.AutoScalingGroupName ?? '?'
    return ctx.finding(ID, {
      confidence: candidates.length === 1 ? 'likely' : 'possible',
      message:
        `Auto Scaling group ${name} (${inServiceIds(g).length} InService instances, in the ALB's VPC) is attached to no target group of ${ctx.lbName}, ` +
        `while ${hungry.map(tgName).join(', ')} ${hungry.length === 1 ? 'has' : 'have'} no group attached and no target serving`,
      resources: [name, ...tgArns],
      evidence: [
        `${name}: TargetGroupARNs ${JSON.stringify(g.TargetGroupARNs ?? [])}, subnets ${g.VPCZoneIdentifier ?? '?'}`,
        ...hungry.map((t) => `${tgName(t)}: ${ctx.targetHealth(t.TargetGroupArn ?? '').length} targets, no Auto Scaling group attached`),
        ...(candidates.length > 1 ? [`${candidates.length} unattached groups in the VPC: ${candidates.map((c) => c.AutoScalingGroupName).join(', ')}`] : []),
      ],
      data: {autoScalingGroupName: name, targetGroupArns: tgArns},
      remediation: {
        summary: `Attach ${name} to the target group; it then registers its instances itself.`,
        commands: [cmd`aws autoscaling attach-load-balancer-target-groups --auto-scaling-group-name ${name} --target-group-arns ${tgArns} ${ctx.regionFlag}`],
      },
      explains: tgArns.flatMap((resource) => [
        {ruleId: 'target-group-empty', resource},
        {ruleId: 'listener-default-action', resource},
      ]),
    })
  })
}

export const rule: Rule = {id: ID, check}
