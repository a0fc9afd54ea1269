/**
 * target-group-no-listener: a target group in the snapshot (typically attached to the Auto Scaling group) that no
 * listener default action or rule of this ALB forwards to: its targets stay `unused` and serve nothing.
 */
import {cmd} from '../../lib/shell.js'
import type {AnalysisContext} from '../../analyze/context.js'
import type {Finding, Rule} from '../types.js'
import {tgName} from './util.js'

const ID = 'target-group-no-listener'

function check(ctx: AnalysisContext): Finding[] {
  const onListeners = ctx.targetGroupsOnListeners()
  const lbArn = ctx.lb.LoadBalancerArn ?? ''
  return ctx.targetGroups
    .filter((tg) => !onListeners.has(tg.TargetGroupArn ?? ''))
    // A group another load balancer forwards to is that load balancer's business, not a fault here.
    .filter((tg) => (tg.LoadBalancerArns ?? []).length === 0 || (tg.LoadBalancerArns ?? []).includes(lbArn))
    .map((tg) => {
      const arn = tg.TargetGroupArn ?? ''
      const groups = ctx.groupsForTargetGroup(arn).map((g) => g.AutoScalingGroupName ?? '?')
      const listener = ctx.listeners[0]
      const command = listener
        ? cmd`aws elbv2 modify-listener --listener-arn ${listener.ListenerArn ?? ''} --default-actions Type=forward,TargetGroupArn=${arn} ${ctx.regionFlag}`
        : cmd`aws elbv2 create-listener --load-balancer-arn ${lbArn} --protocol ${tg.Protocol ?? 'HTTP'} --port ${tg.Port ?? 80} --default-actions Type=forward,TargetGroupArn=${arn} ${ctx.regionFlag}`
      return ctx.finding(ID, {
        message: `No listener of ${ctx.lb.LoadBalancerName ?? 'the load balancer'} forwards to target group ${tgName(tg)}${groups.length ? ` (attached to ${groups.join(', ')})` : ''}, so its targets get no traffic`,
        resources: [arn],
        evidence: [
          `listeners: ${ctx.listeners.map((l) => `${l.Protocol}:${l.Port}`).join(', ') || 'none'}`,
          `load balancers of the target group: ${(tg.LoadBalancerArns ?? []).join(', ') || 'none'}`,
        ],
        data: {targetGroupArn: arn, autoScalingGroups: groups},
        remediation: {
          summary: listener
            ? `Forward the listener's default action (or a listener rule, with aws elbv2 create-rule) to ${tgName(tg)}.`
            : `Create a listener that forwards to ${tgName(tg)}.`,
          commands: [command],
        },
        explains: [{ruleId: 'target-health-unused', resource: arn}],
      })
    })
}

export const rule: Rule = {id: ID, check}
