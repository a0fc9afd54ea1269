/**
 * target-group-empty: a target group a listener forwards to that has no registered target. The ALB answers
 * 503 for every request routed there. A symptom: asg-not-attached, asg-no-capacity or asg-launch-failures say why.
 */
import {cmd, raw} from '../../lib/shell.js'
import type {AnalysisContext} from '../../analyze/context.js'
import type {Finding, Rule} from '../types.js'
import {ecsClusterOf, eqi, registeredTargets, tgName} from './util.js'

const ID = 'target-group-empty'

/** Target groups the listeners' default actions forward to: an empty one there takes the whole site down. */
function defaultActionTgArns(ctx: AnalysisContext): Set<string> {
  const arns = new Set<string>()
  for (const a of ctx.listeners.flatMap((l) => l.DefaultActions ?? [])) {
    if (a.TargetGroupArn) arns.add(a.TargetGroupArn)
    for (const t of a.ForwardConfig?.TargetGroups ?? []) if (t.TargetGroupArn) arns.add(t.TargetGroupArn)
  }
  return arns
}

function nextStep(ctx: AnalysisContext, tgArn: string): {summary: string; commands: string[]} {
  const attached = ctx.groupsForTargetGroup(tgArn).map((g) => g.AutoScalingGroupName ?? '?')
  if (attached.length > 0) {
    return {
      summary: `Auto Scaling group ${attached.join(', ')} is attached but has registered nothing: see why it has no running instance.`,
      commands: [cmd`aws autoscaling describe-auto-scaling-groups --auto-scaling-group-names ${attached} ${ctx.regionFlag}`],
    }
  }
  const hosts = ctx.autoScalingGroups.flatMap((g) => {
    const cluster = ecsClusterOf(ctx, g)
    return cluster ? [{group: g.AutoScalingGroupName ?? '?', cluster}] : []
  })
  if (hosts.length > 0 || eqi(ctx.targetGroup(tgArn)?.TargetType, 'ip')) {
    // Attaching the container hosts' group would register instances where the tasks belong: a 503 becomes a 502.
    const clusters = [...new Set(hosts.map((h) => h.cluster))]
    return {
      summary:
        `An ECS service registers its tasks in this target group${hosts.length > 0 ? ` (${hosts.map((h) => `Auto Scaling group ${h.group} hosts ECS cluster ${h.cluster}`).join('; ')})` : ''}: ` +
        'empty means no task is running. Look at the service\'s running count and events; do not attach the container hosts\' Auto Scaling group to the target group.',
      commands: (clusters.length > 0 ? clusters : [raw('<cluster>')]).flatMap((c) => [
        cmd`aws ecs list-services --cluster ${c} ${ctx.regionFlag}`,
        cmd`aws ecs describe-services --cluster ${c} --services <service> --query 'services[].{desired:desiredCount,running:runningCount,events:events[:5].message}' ${ctx.regionFlag}`,
      ]),
    }
  }
  return {
    summary: 'Attach the Auto Scaling group that should serve this target group, or register instances.',
    commands: [cmd`aws elbv2 register-targets --target-group-arn ${tgArn} --targets Id=<instance-id> ${ctx.regionFlag}`],
  }
}

function check(ctx: AnalysisContext): Finding[] {
  const onListeners = ctx.targetGroupsOnListeners()
  const byDefault = defaultActionTgArns(ctx)
  return ctx.targetGroups
    .filter((tg) => onListeners.has(tg.TargetGroupArn ?? '') && registeredTargets(ctx, tg.TargetGroupArn ?? '').length === 0)
    .map((tg) => {
      const arn = tg.TargetGroupArn ?? ''
      const isDefault = byDefault.has(arn)
      return ctx.finding(ID, {
        severity: isDefault ? 'critical' : 'error',
        message: `Target group ${tgName(tg)} has no registered target, so the ALB answers 503 for ${isDefault ? 'every request its listener\'s default action forwards there' : 'the requests its listener rules forward there'}`,
        resources: [arn],
        evidence: [`DescribeTargetHealth for ${tgName(tg)} returned no registered target`, `attached Auto Scaling groups: ${ctx.groupsForTargetGroup(arn).map((g) => g.AutoScalingGroupName).join(', ') || 'none'}`],
        data: {targetGroupArn: arn, defaultAction: isDefault},
        remediation: nextStep(ctx, arn),
      })
    })
}

export const rule: Rule = {id: ID, check}
