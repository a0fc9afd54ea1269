/**
 * asg-health-check-type-ec2: an attached group that only uses EC2 status checks keeps instances the load balancer
 * finds unhealthy: they are never replaced, and a broken fleet stays broken.
 */
import {cmd} from '../../lib/shell.js'
import type {AnalysisContext} from '../../analyze/context.js'
import type {Finding, Rule} from '../types.js'
import {attachedGroups, eqi, tgName} from './util.js'

const ID = 'asg-health-check-type-ec2'

function check(ctx: AnalysisContext): Finding[] {
  return attachedGroups(ctx)
    .filter(({group}) => eqi(group.HealthCheckType ?? 'EC2', 'EC2'))
    .map(({group, tgs}) => {
      const name = group.AutoScalingGroupName ?? '?'
      return ctx.finding(ID, {
        message: `Auto Scaling group ${name} uses EC2 health checks only: instances that ${tgs.map(tgName).join(', ')} finds unhealthy are never replaced`,
        resources: [name],
        evidence: [`${name}: HealthCheckType ${group.HealthCheckType ?? '(unset: EC2)'}, HealthCheckGracePeriod ${group.HealthCheckGracePeriod ?? 0} s`],
        data: {autoScalingGroupName: name, healthCheckType: group.HealthCheckType},
        remediation: {
          summary: 'Let the group use the load balancer\'s health checks, with a grace period long enough for the instances to boot.',
          commands: [cmd`aws autoscaling update-auto-scaling-group --auto-scaling-group-name ${name} --health-check-type ELB --health-check-grace-period 300 ${ctx.regionFlag}`],
        },
      })
    })
}

export const rule: Rule = {id: ID, check}
