/**
 * health-checks-flapping: a target fails its health checks, recovers and fails again within the window (the
 * health-check log's transitions), or a target group's UnHealthyHostCount goes up and down repeatedly. A flapping
 * target takes traffic while it is failing and its group's capacity swings; with 5xx in the window, it is one of
 * their causes and an error.
 */
import type {AnalysisContext} from '../../analyze/context.js'
import {shortName} from '../../analyze/context.js'
import {HEALTH_REASON_EXPLANATIONS} from '../../history/health-check-log.js'
import {cmd} from '../../lib/shell.js'
import type {HealthCheckReason, HealthCheckTarget, MetricSeries} from '../../snapshot/history-types.js'
import type {Finding, Rule, RuleOutcome} from '../types.js'
import {at, historyOf, missingParts, sessionCommand} from './util.js'

const ID = 'health-checks-flapping'

/** Failing twice with a recovery between: one failure that recovers is a blip, not a flap. */
function flaps(t: HealthCheckTarget): {failures: number; recoveries: number} | undefined {
  const failures = t.transitions.filter((x) => x.to === 'fail').length
  const recoveries = t.transitions.slice(1).filter((x) => x.to === 'pass').length
  return failures >= 2 && recoveries >= 1 ? {failures, recoveries} : undefined
}

/** Rises and falls of a host count: up then down again, twice or more. */
function swings(s: MetricSeries): number {
  let ups = 0
  let downs = 0
  for (let i = 1; i < s.values.length; i++) {
    if (s.values[i] > s.values[i - 1]) ups++
    else if (s.values[i] < s.values[i - 1]) downs++
  }
  return Math.min(ups, downs)
}

function check(ctx: AnalysisContext): RuleOutcome {
  const h = historyOf(ctx)
  if (!('analysis' in h)) return h
  const unhealthy = h.tgMetrics('UnHealthyHostCount')
  const logs = h.healthCheckLogs
  const missing = missingParts(h, [{part: 'healthCheckLogs', usable: logs !== undefined}, {part: 'metrics', usable: unhealthy.length > 0}], 'the history holds neither health-check logs nor UnHealthyHostCount')
  if (missing) return missing
  const with5xx = h.analysis.totalErrors > 0
  const severity = with5xx ? ('error' as const) : undefined
  const explains = with5xx ? [{ruleId: 'alb-5xx-in-window' as const}] : undefined
  const tgArn = (tg?: string) => ctx.targetGroups.find((g) => tg && (g.TargetGroupArn ?? '').endsWith(tg.replace(/^.*:/, '')))?.TargetGroupArn ?? ctx.targetGroups[0]?.TargetGroupArn ?? ''

  if (logs) {
    const flapping = logs.targets.map((t) => ({t, f: flaps(t)})).filter((x): x is {t: HealthCheckTarget; f: {failures: number; recoveries: number}} => x.f !== undefined)
    if (flapping.length === 0) return []
    const reasons = new Map<HealthCheckReason, number>()
    for (const {t} of flapping) for (const [r, n] of Object.entries(t.byReason) as [HealthCheckReason, number][]) reasons.set(r, (reasons.get(r) ?? 0) + n)
    const top = [...reasons].sort((a, b) => b[1] - a[1])[0]?.[0]
    const instances = flapping.map(({t}) => h.instanceAt(t.target)).filter((x): x is string => !!x)
    const arn = tgArn(flapping[0].t.targetGroup)
    const tg = ctx.targetGroup(arn)
    return [
      ctx.finding(ID, {
        message: `${flapping.length} target${flapping.length > 1 ? 's' : ''} of ${shortName(arn)} failed and recovered repeatedly in the health-check log (${flapping.map(({t, f}) => `${h.instanceAt(t.target) ?? t.target}: ${f.failures} failing spells`).slice(0, 4).join(', ')})${top ? `; mostly ${top}: ${HEALTH_REASON_EXPLANATIONS[top]}` : ''}`,
        resources: [arn, ...instances],
        evidence: flapping.slice(0, 4).flatMap(({t}) => [
          `${h.instanceAt(t.target) ?? t.target} (${t.target}): ${t.failures} of ${t.checks} checks failed; reasons ${Object.entries(t.reasonCodes).map(([k, n]) => `${k} ${n}`).join(', ') || 'none given'}`,
          `  transitions: ${t.transitions.slice(-6).map((x) => `${at(x.time).slice(11, 16)} ${x.to}`).join(', ')}`,
        ]),
        data: {targetGroupArn: arn, targets: flapping.map(({t, f}) => ({target: t.target, instanceId: h.instanceAt(t.target), ...f}))},
        remediation: {
          summary:
            top === 'timeout'
              ? `The checks time out now and then: look at the instances' load (CPU, memory, a slow health path) and, if the path is just slow, give it more time (timeout ${tg?.HealthCheckTimeoutSeconds ?? 5} s now).`
              : 'Find why the instance fails its checks now and then: its health path, the process behind it (restarts, crashes), its load.',
          commands: [
            cmd`aws elbv2 describe-target-health --target-group-arn ${arn} ${ctx.regionFlag}`,
            ...(top === 'timeout' ? [cmd`aws elbv2 modify-target-group --target-group-arn ${arn} --health-check-timeout-seconds ${Math.min(120, (tg?.HealthCheckTimeoutSeconds ?? 5) * 2)} ${ctx.regionFlag}`] : []),
            ...instances.slice(0, 2).map((id) => sessionCommand(ctx, id)),
          ],
        },
        ...(severity ? {severity, explains} : {}),
      }),
    ]
  }

  return unhealthy
    .map((s) => ({s, n: swings(s)}))
    .filter((x) => x.n >= 2)
    .map(({s, n}): Finding => {
      const arn = tgArn(s.dimensions.TargetGroup)
      return ctx.finding(ID, {
        message: `UnHealthyHostCount of ${shortName(arn)} went up and back down ${n} times in the window (peak ${Math.max(...s.values)}): targets fail their health checks and recover`,
        resources: [arn],
        evidence: [`${s.label}: ${s.values.slice(-30).join(' ')}`, 'health-check logs would name the targets and the reason of each failed check (see health-check-logs-off)'],
        data: {targetGroupArn: arn, swings: n},
        remediation: {
          summary: 'Find which targets fail their checks and why: their health now, and the health-check logs (turn them on) for the reasons over time.',
          commands: [cmd`aws elbv2 describe-target-health --target-group-arn ${arn} ${ctx.regionFlag}`],
        },
        key: `${ID}:${arn}`,
        ...(severity ? {severity, explains} : {}),
      })
    })
}

export const rule: Rule = {id: ID, check}
