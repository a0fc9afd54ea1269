/**
 * deregistration-5xx: 5xx while instances were leaving (an instance refresh, or a termination by the Auto Scaling
 * group) and the target group's deregistration delay is shorter than the longest requests the window shows. The
 * load balancer stops waiting for in-flight requests when the delay ends: the longest are cut, and their users get
 * 502 or 504.
 */
import type {AnalysisContext} from '../../analyze/context.js'
import {shortName} from '../../analyze/context.js'
import {cmd} from '../../lib/shell.js'
import type {ChangeEvent} from '../../snapshot/history-types.js'
import type {Rule, RuleOutcome} from '../types.js'
import {at, historyOf, missingParts} from './util.js'

const ID = 'deregistration-5xx'

const leaving = (e: ChangeEvent) => e.source === 'instance-refresh' || (e.source === 'autoscaling-activity' && e.what === 'Terminate')

function check(ctx: AnalysisContext): RuleOutcome {
  const h = historyOf(ctx)
  if (!('analysis' in h)) return h
  const missing = missingParts(h, [{part: 'changes', usable: h.section.changes !== undefined}], 'the change history was not collected')
  if (missing) return missing
  const signal = h.errors5xx
  if (!signal || h.analysis.totalErrors === 0) return []
  const exits = (h.section.changes?.events ?? []).filter(leaving)
  if (exits.length === 0) return []

  // The longest requests: TargetResponseTime's high percentile at its peak, and the slowest 5xx the logs timed.
  const rt = h.peak(h.lbMetric('TargetResponseTime'))
  const logged = h.accessLogs?.processingTimes.target.max
  const longest = Math.max(rt ?? 0, logged ?? 0)
  const tgs = ctx.targetGroups.filter((tg) => ctx.groupsForTargetGroup(tg.TargetGroupArn ?? '').length > 0)
  const shortDelay = (tgs.length ? tgs : ctx.targetGroups)
    .map((tg) => ({tg, delay: Number(ctx.targetGroupAttribute(tg.TargetGroupArn ?? '', 'deregistration_delay.timeout_seconds') ?? '300')}))
    .filter((x) => Number.isFinite(x.delay) && x.delay < longest)
  if (shortDelay.length === 0) return []

  // The intervals while a leaving instance drained (from its exit to the end of the longest delay, plus one interval).
  const step = Math.max(1, signal.stepSeconds) * 1000
  const delay = Math.max(...shortDelay.map((x) => x.delay))
  const draining = new Set<number>()
  for (const e of exits) {
    const t = Date.parse(e.time)
    for (let ms = t; ms <= t + delay * 1000 + step; ms += step) {
      const i = Math.floor((ms - signal.start) / step)
      if (i >= 0 && i < signal.values.length) draining.add(i)
    }
  }
  let inside = 0
  let outside = 0
  signal.values.forEach((v, i) => (draining.has(i) ? (inside += v ?? 0) : (outside += v ?? 0)))
  const rateIn = inside / Math.max(1, draining.size)
  const rateOut = outside / Math.max(1, signal.values.length - draining.size)
  // Only when the errors crowd into the draining intervals: errors spread over the window have another cause.
  if (inside < 2 || rateIn <= 2 * rateOut) return []

  const suggested = Math.min(3600, Math.ceil(longest) + 30)
  const refreshes = exits.filter((e) => e.source === 'instance-refresh').length
  const terminations = exits.length - refreshes
  return shortDelay.map(({tg, delay: d}) => {
    const arn = tg.TargetGroupArn ?? ''
    return ctx.finding(ID, {
      message: `${inside} of the window's ${inside + outside} 5xx came while instances were leaving (${[refreshes ? `${refreshes} instance refresh${refreshes > 1 ? 'es' : ''}` : '', terminations ? `${terminations} termination${terminations > 1 ? 's' : ''}` : ''].filter(Boolean).join(', ')}), and ${shortName(arn)}'s deregistration delay (${d} s) is shorter than the longest requests (${longest} s): requests still running when it ends are cut`,
      resources: [arn, ...new Set(exits.flatMap((e) => e.resources))],
      evidence: [
        `${shortName(arn)}: deregistration_delay.timeout_seconds = ${d}`,
        ...(rt !== undefined ? [`TargetResponseTime (${h.lbMetric('TargetResponseTime')?.stat ?? 'p99'}) peaked at ${rt} s`] : []),
        ...(logged !== undefined ? [`access logs: the slowest 5xx took ${logged} s at the target`] : []),
        ...exits.slice(0, 5).map((e) => `${at(e.time)}: ${e.what} ${e.resources.join(' ')}${e.status ? ` [${e.status}]` : ''}`),
        `5xx per interval while draining: ${rateIn.toFixed(1)}; otherwise: ${rateOut.toFixed(1)}`,
      ],
      data: {targetGroupArn: arn, deregistrationDelaySeconds: d, longestRequestSeconds: longest, errorsWhileDraining: inside, errorsOtherwise: outside},
      remediation: {
        summary: `Give in-flight requests time to finish: raise ${shortName(arn)}'s deregistration delay above the longest requests (${suggested} s), or make the long requests shorter.`,
        commands: [cmd`aws elbv2 modify-target-group-attributes --target-group-arn ${arn} --attributes ${`Key=deregistration_delay.timeout_seconds,Value=${suggested}`} ${ctx.regionFlag}`],
      },
      confidence: 'likely',
      key: `${ID}:${arn}`,
      explains: [{ruleId: 'alb-5xx-in-window'}],
    })
  })
}

export const rule: Rule = {id: ID, check}
