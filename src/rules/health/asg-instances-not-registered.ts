/**
 * asg-instances-not-registered: InService instances of an attached group that its target group does not list
 * (and that are not draining). A group registers its instances itself unless AddToLoadBalancer is suspended.
 */
import {cmd} from '../../lib/shell.js'
import type {AnalysisContext} from '../../analyze/context.js'
import type {Finding, Rule} from '../types.js'
import {attachedGroups, eqi, inServiceIds, plural, registeredTargets, tgName} from './util.js'

const ID = 'asg-instances-not-registered'

function check(ctx: AnalysisContext): Finding[] {
  const findings: Finding[] = []
  for (const {group, tgs} of attachedGroups(ctx)) {
    const name = group.AutoScalingGroupName ?? '?'
    const suspended = (group.SuspendedProcesses ?? []).some((p) => eqi(p.ProcessName, 'AddToLoadBalancer'))
    for (const tg of tgs) {
      const arn = tg.TargetGroupArn ?? ''
      const registered = new Set(registeredTargets(ctx, arn).map((d) => d.Target?.Id))
      const missing = inServiceIds(group).filter((id) => !registered.has(id))
      if (missing.length === 0) continue
      const commands = [
        cmd`aws elbv2 register-targets --target-group-arn ${arn} --targets ${missing.map((id) => `Id=${id}`)} ${ctx.regionFlag}`,
      ]
      if (suspended) commands.unshift(cmd`aws autoscaling resume-processes --auto-scaling-group-name ${name} --scaling-processes AddToLoadBalancer ${ctx.regionFlag}`)
      findings.push(
        ctx.finding(ID, {
          key: `${ID}:${name}:${arn}`,
          message:
            `${plural(missing.length, 'InService instance')} of ${name} ${missing.length === 1 ? 'is' : 'are'} not registered in ${tgName(tg)}` +
            (suspended ? ': the group\'s AddToLoadBalancer process is suspended' : ''),
          resources: [arn, name, ...missing],
          evidence: [
            `InService in ${name}: ${inServiceIds(group).join(', ')}`,
            `registered in ${tgName(tg)}: ${[...registered].join(', ') || 'none'}`,
            ...(suspended ? ['SuspendedProcesses includes AddToLoadBalancer'] : []),
          ],
          data: {autoScalingGroupName: name, targetGroupArn: arn, missing, addToLoadBalancerSuspended: suspended},
          remediation: {
            summary: suspended
              ? 'Resume AddToLoadBalancer so the group registers its instances, and register the current ones.'
              : 'Register the instances (the group normally does it itself: check its activities if they keep missing).',
            commands,
          },
          explains: registered.size === 0 ? [{ruleId: 'target-group-empty', resource: arn}, {ruleId: 'listener-default-action', resource: arn}] : undefined,
        }),
      )
    }
  }
  return findings
}

export const rule: Rule = {id: ID, check}
