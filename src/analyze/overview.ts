/**
 * The deployment at a glance, for the report's header: listeners, target groups with their targets counted by
 * health state, Auto Scaling groups, the ALB's idle timeout. Pure: no I/O.
 */
import {shortName} from './context.js'
import type {AnalysisContext} from './context.js'
import type {Overview, TargetCounts} from './report.js'
import {describeHealthCheckPort, matcherCodes} from './target-group.js'

export function countTargets(states: (string | undefined)[]): TargetCounts {
  const c: TargetCounts = {total: states.length, healthy: 0, unhealthy: 0, initial: 0, unused: 0, draining: 0, unavailable: 0}
  for (const s of states) {
    if (s === 'unhealthy.draining') c.draining++
    else if (s && s in c && s !== 'total') c[s as keyof Omit<TargetCounts, 'total'>]++
  }
  return c
}

export function overview(ctx: AnalysisContext<string>): Overview {
  const attachedTgs = new Set(ctx.targetGroups.map((t) => t.TargetGroupArn))
  const idle = Number(ctx.lbAttribute('idle_timeout.timeout_seconds'))
  return {
    listeners: ctx.listeners.map((l) => ({port: l.Port, protocol: l.Protocol})),
    targetGroups: ctx.targetGroups.map((t) => ({
      name: t.TargetGroupName ?? shortName(t.TargetGroupArn),
      arn: t.TargetGroupArn ?? '',
      protocol: t.Protocol,
      port: t.Port,
      healthCheck:
        t.HealthCheckEnabled === false
          ? 'disabled'
          : `${t.HealthCheckProtocol ?? 'HTTP'}${t.HealthCheckPath ? ' ' + t.HealthCheckPath : ''} on ${describeHealthCheckPort(t)}, expects ${matcherCodes(t)}`,
      targets: countTargets(ctx.targetHealth(t.TargetGroupArn ?? '').map((d) => d.TargetHealth?.State)),
    })),
    autoScalingGroups: ctx.autoScalingGroups.map((g) => ({
      name: g.AutoScalingGroupName ?? '?',
      min: g.MinSize,
      desired: g.DesiredCapacity,
      max: g.MaxSize,
      inService: (g.Instances ?? []).filter((i) => i.LifecycleState === 'InService').length,
      attached: (g.TargetGroupARNs ?? []).some((a) => attachedTgs.has(a)),
    })),
    ...(Number.isFinite(idle) ? {idleTimeoutSeconds: idle} : {}),
    ...(ctx.snapshot.meta.endpointUrl ? {endpointUrl: ctx.snapshot.meta.endpointUrl} : {}),
  }
}
