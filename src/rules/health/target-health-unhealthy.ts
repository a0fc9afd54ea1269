/**
 * target-health-unhealthy: one finding per target group with unhealthy targets, read by reason code.
 * With no healthy target left the ALB fails open and sends traffic to the dead backends: users see 502/504.
 */
import {cmd} from '../../lib/shell.js'
import type {AnalysisContext} from '../../analyze/context.js'
import {boundedLines} from '../evidence.js'
import type {Finding, Rule} from '../types.js'
import {REASON_HINTS, countReasons, describeTargetHealthCmd, eqi, reasonIs, targetIds, targetLine, targetsInState, tgName} from './util.js'

const ID = 'target-health-unhealthy'

function check(ctx: AnalysisContext): Finding[] {
  const findings: Finding[] = []
  for (const tg of ctx.targetGroups) {
    const arn = tg.TargetGroupArn ?? ''
    const unhealthy = targetsInState(ctx, arn, 'unhealthy')
    if (unhealthy.length === 0) continue
    const all = ctx.targetHealth(arn)
    const healthy = all.filter((d) => eqi(d.TargetHealth?.State, 'healthy')).length
    const reasons = countReasons(unhealthy)
    const reasonText = reasons.map(([r, n]) => `${r}: ${n}`).join(', ')
    const ids = targetIds(unhealthy)
    const hints = reasons.map(([r]) => `${r}: ${REASON_HINTS[r] ?? 'see the target description'}`)
    const commands = [describeTargetHealthCmd(ctx, arn)]
    // Connection refused or silence: the next step is to look on the instance itself.
    if (unhealthy.some((d) => reasonIs(d, 'Target.FailedHealthChecks', 'Target.Timeout'))) {
      commands.push(cmd`aws ssm start-session --target ${ids[0]} ${ctx.regionFlag}   # then: sudo ss -ltnp; sudo systemctl status nginx`)
    }
    findings.push(
      ctx.finding(ID, {
        severity: healthy === 0 ? 'critical' : 'error',
        message:
          `${unhealthy.length} of ${all.length} targets of ${tgName(tg)} are unhealthy (${reasonText})` +
          (healthy === 0 ? '; no target is healthy, so the ALB fails open and users get 502/504 from the dead backends' : ''),
        resources: [arn, ...ids],
        evidence: [...boundedLines(unhealthy, (d) => targetLine(ctx, d), 'unhealthy targets'), ...hints],
        data: {targetGroupArn: arn, total: all.length, healthy, unhealthy: unhealthy.length, reasons: Object.fromEntries(reasons)},
        remediation: {summary: `Find why the health checks fail, by reason: ${hints.join('; ')}.`, commands},
      }),
    )
  }
  return findings
}

export const rule: Rule = {id: ID, check}
