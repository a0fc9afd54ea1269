/**
 * health-check-timing: timing settings that set traps. A timeout at or above the interval (ALB refuses it; at
 * 80% and more, one slow answer overlaps the next check), an unhealthy threshold of 1 (one lost packet takes a
 * target out: flapping), and health checks turned off on an instance or IP target group (dead targets get traffic).
 */
import {cmd, raw} from '../../lib/shell.js'
import type {AnalysisContext} from '../../analyze/context.js'
import type {Finding, Rule, Severity} from '../types.js'
import {checksTargets, tgName} from './util.js'
import type {TG} from './util.js'

const ID = 'health-check-timing'

interface Trap {
  severity: Severity
  text: string
  fix: string
}

function trapsOf(tg: TG): Trap[] {
  if (tg.HealthCheckEnabled === false) {
    return [{severity: 'warning', text: 'health checks are disabled: the ALB sends traffic to every target, dead or alive', fix: '--health-check-enabled'}]
  }
  const interval = tg.HealthCheckIntervalSeconds ?? 30
  const timeout = tg.HealthCheckTimeoutSeconds ?? 5
  const traps: Trap[] = []
  const saneTimeout = Math.max(2, Math.min(5, Math.floor(interval / 2)))
  if (timeout >= interval) {
    traps.push({severity: 'error', text: `timeout ${timeout} s is not below the interval ${interval} s (the ALB requires timeout < interval)`, fix: `--health-check-timeout-seconds ${saneTimeout}`})
  } else if (timeout >= 0.8 * interval) {
    traps.push({severity: 'warning', text: `timeout ${timeout} s is ${Math.round((100 * timeout) / interval)}% of the interval ${interval} s: a slow answer runs into the next check`, fix: `--health-check-timeout-seconds ${saneTimeout}`})
  }
  if ((tg.UnhealthyThresholdCount ?? 2) < 2) {
    traps.push({severity: 'warning', text: `unhealthy threshold ${tg.UnhealthyThresholdCount}: a single failed check takes a target out, so targets flap`, fix: '--unhealthy-threshold-count 2'})
  }
  return traps
}

function check(ctx: AnalysisContext): Finding[] {
  return ctx.targetGroups.filter(checksTargets).flatMap((tg) => {
    const traps = trapsOf(tg)
    if (traps.length === 0) return []
    const arn = tg.TargetGroupArn ?? ''
    return [
      ctx.finding(ID, {
        severity: traps.some((t) => t.severity === 'error') ? 'error' : 'warning',
        message: `Health-check timing of ${tgName(tg)}: ${traps.map((t) => t.text).join('; ')}`,
        resources: [arn],
        evidence: [
          `HealthCheckEnabled ${tg.HealthCheckEnabled}, interval ${tg.HealthCheckIntervalSeconds} s, timeout ${tg.HealthCheckTimeoutSeconds} s, healthy threshold ${tg.HealthyThresholdCount}, unhealthy threshold ${tg.UnhealthyThresholdCount}`,
        ],
        data: {targetGroupArn: arn, traps: traps.map((t) => t.text)},
        remediation: {
          summary: 'Set a timeout well below the interval, an unhealthy threshold of at least 2, and keep health checks on.',
          commands: [cmd`aws elbv2 modify-target-group --target-group-arn ${arn} ${traps.map((t) => raw(t.fix))} ${ctx.regionFlag}`],
        },
      }),
    ]
  })
}

export const rule: Rule = {id: ID, check}
