/**
 * asg-no-capacity: an attached group whose desired capacity or maximum size is 0 launches nothing, so its target
 * groups stay empty (503).
 */
import {cmd} from '../../lib/shell.js'
import type {AnalysisContext} from '../../analyze/context.js'
import type {Finding, Rule} from '../types.js'
import {attachedGroups, tgName} from './util.js'

const ID = 'asg-no-capacity'

function check(ctx: AnalysisContext): Finding[] {
  return attachedGroups(ctx)
    .filter(({group}) => group.DesiredCapacity === 0 || group.MaxSize === 0)
    .map(({group, tgs}) => {
      const name = group.AutoScalingGroupName ?? '?'
      const tgArns = tgs.map((t) => t.TargetGroupArn ?? '')
      const min = group.MinSize ?? 0
      const desired = Math.max(min, 1)
      const max = Math.max(group.MaxSize ?? 0, desired)
      return ctx.finding(ID, {
        message: `Auto Scaling group ${name} has desired capacity ${group.DesiredCapacity} and maximum size ${group.MaxSize}: it runs no instance to serve ${tgs.map(tgName).join(', ')}`,
        resources: [name, ...tgArns],
        evidence: [`${name}: MinSize ${group.MinSize}, MaxSize ${group.MaxSize}, DesiredCapacity ${group.DesiredCapacity}, ${(group.Instances ?? []).length} instances`],
        data: {autoScalingGroupName: name, minSize: group.MinSize, maxSize: group.MaxSize, desiredCapacity: group.DesiredCapacity},
        remediation: {
          summary: `Give ${name} capacity (a scheduled action or scaling policy may have set it to 0: check them too).`,
          commands: [
            cmd`aws autoscaling update-auto-scaling-group --auto-scaling-group-name ${name} --min-size ${min} --max-size ${max} --desired-capacity ${desired} ${ctx.regionFlag}`,
            cmd`aws autoscaling describe-scheduled-actions --auto-scaling-group-name ${name} ${ctx.regionFlag}`,
          ],
        },
        explains: tgArns.flatMap((resource) => [
          {ruleId: 'target-group-empty', resource},
          {ruleId: 'listener-default-action', resource},
        ]),
      })
    })
}

export const rule: Rule = {id: ID, check}
