/**
 * target-health-initial: targets still in their first health checks. Not a fault: say how long to wait.
 */
import type {AnalysisContext} from '../../analyze/context.js'
import {boundedLines} from '../evidence.js'
import type {Finding, Rule} from '../types.js'
import {countReasons, describeTargetHealthCmd, plural, targetIds, targetLine, targetsInState, tgName, warmUpSeconds} from './util.js'

const ID = 'target-health-initial'

function check(ctx: AnalysisContext): Finding[] {
  return ctx.targetGroups.flatMap((tg) => {
    const arn = tg.TargetGroupArn ?? ''
    const initial = targetsInState(ctx, arn, 'initial')
    if (initial.length === 0) return []
    const wait = warmUpSeconds(tg)
    const reasons = countReasons(initial).map(([r, n]) => `${r}: ${n}`).join(', ')
    return [
      ctx.finding(ID, {
        message:
          `${plural(initial.length, 'target')} of ${tgName(tg)} ${initial.length === 1 ? 'is' : 'are'} still being registered or health-checked (${reasons}); ` +
          `this is not a fault yet: wait about ${wait} s (${tg.HealthCheckIntervalSeconds ?? 30} s interval × ${tg.HealthyThresholdCount ?? 5} healthy checks) before judging ${initial.length === 1 ? 'it' : 'them'}`,
        resources: [arn, ...targetIds(initial)],
        evidence: boundedLines(initial, (d) => targetLine(ctx, d), 'targets in initial'),
        data: {targetGroupArn: arn, initial: initial.length, waitSeconds: wait},
        remediation: {summary: `Wait about ${wait} s, then look again.`, commands: [describeTargetHealthCmd(ctx, arn)]},
      }),
    ]
  })
}

export const rule: Rule = {id: ID, check}
