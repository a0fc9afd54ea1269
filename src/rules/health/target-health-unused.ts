/**
 * target-health-unused: targets that get no traffic, sorted by cause: their AZ is not enabled on the ALB,
 * the instance is stopped or terminated, or the target group is on no listener.
 */
import {cmd} from '../../lib/shell.js'
import type {AnalysisContext} from '../../analyze/context.js'
import {boundedLines} from '../evidence.js'
import type {Finding, Rule} from '../types.js'
import {eqi, inServiceIds, plural, reasonIs, servingTargets, subnetFor, targetAz, targetIds, targetLine, targetsInState, tgName} from './util.js'
import type {TargetDesc} from './util.js'

const ID = 'target-health-unused'

type Cause = 'az-not-enabled' | 'instance-stopped' | 'instance-gone' | 'no-listener' | 'not-registered' | 'other'

function causeOf(ctx: AnalysisContext, d: TargetDesc, onListener: boolean): Cause {
  if (reasonIs(d, 'Target.InvalidState')) {
    return eqi(ctx.instance(d.Target?.Id ?? '')?.State?.Name, 'stopped') ? 'instance-stopped' : 'instance-gone'
  }
  if (reasonIs(d, 'Target.NotInUse')) {
    const enabled = (ctx.lb.AvailabilityZones ?? []).map((z) => z.ZoneName)
    const az = targetAz(ctx, d)
    if (az !== '?' && !enabled.includes(az)) return 'az-not-enabled'
    return onListener ? 'other' : 'no-listener'
  }
  if (reasonIs(d, 'Target.NotRegistered')) return onListener ? 'not-registered' : 'no-listener'
  return 'other'
}

function commandFor(ctx: AnalysisContext, cause: Cause, tgArn: string, descs: TargetDesc[]): string | undefined {
  const ids = targetIds(descs)
  const targets = descs.map((d) => `Id=${d.Target?.Id}${d.Target?.Port ? `,Port=${d.Target.Port}` : ''}`)
  switch (cause) {
    case 'az-not-enabled': {
      const current = (ctx.lb.AvailabilityZones ?? []).map((z) => z.SubnetId)
      const added = [...new Set(descs.map((d) => subnetFor(ctx, targetAz(ctx, d))))]
      return cmd`aws elbv2 set-subnets --load-balancer-arn ${ctx.lb.LoadBalancerArn ?? ''} --subnets ${[...current, ...added].map((s) => s ?? '')} ${ctx.regionFlag}`
    }
    case 'instance-stopped':
      return cmd`aws ec2 start-instances --instance-ids ${ids} ${ctx.regionFlag}`
    case 'instance-gone':
      return cmd`aws elbv2 deregister-targets --target-group-arn ${tgArn} --targets ${targets} ${ctx.regionFlag}`
    case 'no-listener':
      return ctx.listeners[0]
        ? cmd`aws elbv2 modify-listener --listener-arn ${ctx.listeners[0].ListenerArn ?? ''} --default-actions Type=forward,TargetGroupArn=${tgArn} ${ctx.regionFlag}   # or add a listener rule: aws elbv2 create-rule`
        : cmd`aws elbv2 create-listener --load-balancer-arn ${ctx.lb.LoadBalancerArn ?? ''} --protocol HTTP --port 80 --default-actions Type=forward,TargetGroupArn=${tgArn} ${ctx.regionFlag}`
    case 'not-registered':
      return cmd`aws elbv2 register-targets --target-group-arn ${tgArn} --targets ${targets} ${ctx.regionFlag}`
    default:
      return undefined
  }
}

const SUMMARY: Record<Cause, string> = {
  'az-not-enabled': 'enable the targets\' AZs on the load balancer (add a subnet in each)',
  'instance-stopped': 'start the stopped instances, or deregister them',
  'instance-gone': 'deregister the terminated instances',
  'no-listener': 'forward a listener\'s default action or a listener rule to the target group',
  'not-registered': 'register the targets',
  other: 'read the target descriptions',
}

function check(ctx: AnalysisContext): Finding[] {
  const onListeners = ctx.targetGroupsOnListeners()
  return ctx.targetGroups.flatMap((tg) => {
    const arn = tg.TargetGroupArn ?? ''
    const unused = targetsInState(ctx, arn, 'unused')
    if (unused.length === 0) return []
    const byCause = new Map<Cause, TargetDesc[]>()
    for (const d of unused) {
      const c = causeOf(ctx, d, onListeners.has(arn))
      byCause.set(c, [...(byCause.get(c) ?? []), d])
    }
    const causes = [...byCause.keys()]
    const commands = causes.map((c) => commandFor(ctx, c, arn, byCause.get(c)!)).filter((c): c is string => c !== undefined)
    const nothingServes = servingTargets(ctx, arn).length === 0
    // Capacity Auto Scaling counts as InService but that serves nothing is a problem, not a remark.
    const counted = new Set(ctx.autoScalingGroups.flatMap(inServiceIds))
    const idle = targetIds(unused).filter((id) => counted.has(id))
    return [
      ctx.finding(ID, {
        severity: nothingServes || idle.length > 0 ? 'error' : 'warning',
        message:
          `${plural(unused.length, 'target')} of ${tgName(tg)} ${unused.length === 1 ? 'is unused and gets' : 'are unused and get'} no traffic (${causes.join(', ')})` +
          (idle.length > 0 ? `; Auto Scaling counts ${idle.length === unused.length && idle.length > 1 ? 'all of them' : idle.join(', ')} as InService` : '') +
          (nothingServes ? '; no target is left to serve, so the ALB answers 503' : ''),
        resources: [arn, ...targetIds(unused)],
        evidence: boundedLines(unused, (d) => `${targetLine(ctx, d)} [${causeOf(ctx, d, onListeners.has(arn))}]`, 'unused targets'),
        data: {targetGroupArn: arn, causes: Object.fromEntries([...byCause].map(([c, ds]) => [c, targetIds(ds)]))},
        remediation: {summary: `${causes.map((c) => SUMMARY[c]).join('; ')}.`, commands},
      }),
    ]
  })
}

export const rule: Rule = {id: ID, check}
