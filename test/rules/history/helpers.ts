/**
 * Worlds for the history rules: the healthy fixture world (with SSM and, when asked, on-instance results) carrying a
 * history section built by test/history/section.ts from real-format log lines and CloudWatch-shaped series.
 */
import {AnalysisContext} from '../../../src/analyze/context.js'
import type {Finding, Rule, RuleOutcome} from '../../../src/rules/types.js'
import type {HistorySection} from '../../../src/snapshot/history-types.js'
import type {Snapshot} from '../../../src/snapshot/types.js'
import {healthySsmWorld} from '../../fixtures/ssm.js'
import {ALB_ARN, healthyWorld} from '../../fixtures/world.js'
import {LOG_BUCKET, at} from '../../history/section.js'
import {accessLine} from '../../history/lines.js'

/** Turns the load balancer's log attributes on or off (as `diagnose` read them). */
export function setLogs(w: Snapshot, access: boolean, health: boolean): void {
  const keep = (w.elbv2.LoadBalancerAttributes[ALB_ARN] ?? []).filter((a) => !/^(access_logs|health_check_logs)\.s3\./.test(a.Key ?? ''))
  const attrs = (base: string, on: boolean) => [
    {Key: `${base}.enabled`, Value: String(on)},
    ...(on ? [{Key: `${base}.bucket`, Value: LOG_BUCKET}, {Key: `${base}.prefix`, Value: 'web-alb'}] : []),
  ]
  w.elbv2.LoadBalancerAttributes[ALB_ARN] = [...keep, ...attrs('access_logs.s3', access), ...attrs('health_check_logs.s3', health)]
}

/** The healthy world with SSM readiness, the given history, and the log attributes matching what it holds. */
export function worldWithHistory(h: HistorySection, base: Snapshot = healthySsmWorld(healthyWorld())): Snapshot {
  base.history = h
  setLogs(base, h.accessLogs !== undefined, h.healthCheckLogs !== undefined)
  return base
}

export function outcome(rule: Rule, w: Snapshot): RuleOutcome {
  return rule.check(new AnalysisContext(w))
}

export function findings(rule: Rule, w: Snapshot): Finding[] {
  const o = outcome(rule, w)
  if (!Array.isArray(o)) throw new Error(`${rule.id} returned ${JSON.stringify(o)}`)
  return o
}

/** A 502 whose target closed a kept-alive connection: no status from the target, processing times of -1. */
export const closed502 = (m: number, s: number, target: string): string =>
  accessLine({time: at(m, s), target, times: ['0.000', '-1', '-1'], elb: '502', targetStatus: '-'})

/** A 5xx the application answered itself. */
export const app500 = (m: number, s: number, target: string, code = '500'): string =>
  accessLine({time: at(m, s), target, times: ['0.000', '0.150', '0.000'], elb: code, targetStatus: code})
