/**
 * asg-health-check-grace-period: an attached group that follows the load balancer's health checks (type ELB) with a
 * grace period shorter than its instances need to boot and start their server. The first health checks fail while
 * the server is not up yet, the target turns unhealthy, and the group replaces the instance before it could ever
 * pass: instances cycle and the target group never fills. Scaling activities that terminated instances for failing
 * ELB health checks make it certain.
 */
import {cmd} from '../../lib/shell.js'
import type {AnalysisContext} from '../../analyze/context.js'
import {userDataText} from '../../lib/user-data.js'
import type {Finding, Rule} from '../types.js'
import {groupTemplate} from './launch-template.js'
import {installedPackages} from './user-data.js'
import {attachedGroups, eqi, targetsInState, tgName, warmUpSeconds} from './util.js'
import type {Group, TG} from './util.js'

const ID = 'asg-health-check-grace-period'

/** Seconds from launch until an instance's server can answer: boot and cloud-init, plus package installs. */
const BOOT_SECONDS = 60
const INSTALL_SECONDS = 120
/** What AWS's console proposes, and what the remediation asks for at least. */
const RECOMMENDED_SECONDS = 300

const ELB_TERMINATION = /ELB system health check|failed ELB health check/i

/**
 * How long the group must wait: until the server is up (boot), and, if the first checks already turned the target
 * unhealthy, for the healthy threshold to pass after that (warm-up). The boot time is an estimate.
 */
function needed(ctx: AnalysisContext, g: Group, tgs: TG[]): {boot: number; seconds: number; why: string[]} {
  const packages = installedPackages(userDataText(groupTemplate(ctx, g)?.version?.LaunchTemplateData?.UserData))
  const warmUp = Math.max(...tgs.map(warmUpSeconds))
  const boot = BOOT_SECONDS + (packages.length > 0 ? INSTALL_SECONDS : 0)
  return {
    boot,
    seconds: boot + warmUp,
    why: [
      `about ${BOOT_SECONDS} s to boot${packages.length > 0 ? `, about ${INSTALL_SECONDS} s more for the user data to install ${packages.slice(0, 4).join(' ')}${packages.length > 4 ? ' ...' : ''}` : ''}`,
      `${warmUp} s of passing health checks before a target is healthy (${tgs.map((t) => `${tgName(t)}: every ${t.HealthCheckIntervalSeconds ?? 30} s, ${t.HealthyThresholdCount ?? 5} in a row`).join('; ')})`,
    ],
  }
}

function check(ctx: AnalysisContext): Finding[] {
  return attachedGroups(ctx)
    .filter(({group}) => eqi(group.HealthCheckType, 'ELB'))
    .flatMap(({group, tgs}) => {
      const name = group.AutoScalingGroupName ?? '?'
      const grace = group.HealthCheckGracePeriod ?? 0
      const need = needed(ctx, group, tgs)
      // Replacements for failing health checks blame the grace period only when instances can pass at all (some
      // target is healthy); otherwise whatever keeps them unhealthy is the cause, and its own rule says so.
      const canPass = tgs.some((t) => targetsInState(ctx, t.TargetGroupArn ?? '', 'healthy').length > 0)
      const killed = canPass ? (ctx.snapshot.autoscaling.Activities[name] ?? []).filter((a) => ELB_TERMINATION.test(`${a.Cause ?? ''} ${a.Description ?? ''}`)) : []
      // Shorter than the boot alone is too short; up to boot + warm-up it depends, and the group's own history decides.
      if (grace >= need.seconds || (grace >= need.boot && killed.length === 0)) return []
      const proposed = Math.max(RECOMMENDED_SECONDS, Math.ceil(need.seconds / 60) * 60)
      return [
        ctx.finding(ID, {
          severity: grace === 0 || killed.length > 0 ? 'error' : 'warning',
          confidence: killed.length > 0 ? 'certain' : grace === 0 ? 'likely' : 'possible',
          message:
            `Auto Scaling group ${name} replaces instances that fail the load balancer's health checks after a grace period of ${grace} s, ` +
            `shorter than the about ${need.seconds} s its instances need to boot and pass: they can be terminated before they ever serve` +
            (killed.length > 0 ? ` (${killed.length} instance${killed.length === 1 ? ' was' : 's were'} replaced for failing ELB health checks)` : ''),
          resources: [name, ...tgs.flatMap((t) => t.TargetGroupArn ?? [])],
          evidence: [
            `${name}: HealthCheckType ${group.HealthCheckType}, HealthCheckGracePeriod ${grace} s`,
            ...need.why,
            ...killed.slice(0, 3).map((a) => `${a.StartTime ?? ''} ${a.Description ?? ''}: ${a.Cause ?? ''}`.trim()),
          ],
          data: {autoScalingGroupName: name, gracePeriodSeconds: grace, neededSeconds: need.seconds, elbTerminations: killed.length},
          remediation: {
            summary: `Give the instances a grace period of at least ${proposed} s before the group acts on the load balancer's health checks.`,
            commands: [cmd`aws autoscaling update-auto-scaling-group --auto-scaling-group-name ${name} --health-check-grace-period ${proposed} ${ctx.regionFlag}`],
          },
        }),
      ]
    })
}

export const rule: Rule = {id: ID, check}
