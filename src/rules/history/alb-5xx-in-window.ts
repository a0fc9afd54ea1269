/**
 * alb-5xx-in-window: the load balancer served 5xx during the window. However healthy the deployment looks now,
 * users got errors: this finding keeps the headline and the exit code from saying otherwise, and states when the
 * errors began, their shape and their counts by code. The causes found by the other history rules explain it.
 */
import {cmd} from '../../lib/shell.js'
import type {AnalysisContext} from '../../analyze/context.js'
import type {Rule, RuleOutcome} from '../types.js'
import {at, clock, countsText, fiveXxCounts, historyOf, missingParts, onsetText, shapeText} from './util.js'

const ID = 'alb-5xx-in-window'

function check(ctx: AnalysisContext): RuleOutcome {
  const h = historyOf(ctx)
  if (!('analysis' in h)) return h
  const missing = missingParts(h, [{part: 'metrics', usable: h.section.metrics !== undefined}, {part: 'accessLogs', usable: h.accessLogs !== undefined}], 'the history holds neither CloudWatch metrics nor access logs')
  if (missing) return missing
  const c = fiveXxCounts(h)
  if (!c || c.total === 0) return []
  const {window} = h.section
  const began = onsetText(h)
  const share = c.requests ? ` of ${c.requests} requests (${((c.total / c.requests) * 100).toFixed(c.total / c.requests < 0.01 ? 2 : 1)}%)` : ''
  const shape = h.analysis.onset ? `; they ${began}, ${shapeText(h.analysis.shape)}` : ''
  const lb = ctx.lb.LoadBalancerArn ?? ''
  return [
    ctx.finding(ID, {
      message: `${ctx.lbName} answered ${c.total} 5xx${share} between ${at(window.start)} and ${at(window.end)} (${countsText(c)})${shape}`,
      resources: [lb],
      evidence: [
        `${c.source}: ${c.elb} 5xx from the load balancer, ${c.target} from the targets`,
        ...(h.analysis.onset ? [`onset: ${at(h.analysis.onset.time)} (${h.analysis.signal?.label ?? 'errors'}; baseline ${h.analysis.onset.baseline} per interval)`] : []),
        ...(h.analysis.shape.bursts.length > 1 ? [`bursts began at ${h.analysis.shape.bursts.slice(0, 8).map(([i]) => clock(h, i)).join(', ')}${h.analysis.shape.bursts.length > 8 ? '...' : ''} UTC`] : []),
      ],
      data: {total: c.total, elb: c.elb, target: c.target, byCode: c.byCode, ...(c.requests !== undefined ? {requests: c.requests} : {}), source: c.source, onset: h.analysis.onset?.time, shape: h.analysis.shape.shape, periodSeconds: h.analysis.shape.periodSeconds},
      remediation: {
        summary: 'Users got these errors: the causes listed with this finding explain them. Without one, read the access logs of the window and the instances\' logs from the onset on.',
        commands: [
          cmd`aws cloudwatch get-metric-statistics --namespace AWS/ApplicationELB --metric-name HTTPCode_ELB_5XX_Count --dimensions ${`Name=LoadBalancer,Value=${lb.split(':loadbalancer/')[1] ?? lb}`} --start-time ${window.start} --end-time ${window.end} --period 300 --statistics Sum ${ctx.regionFlag}`,
        ],
      },
    }),
  ]
}

export const rule: Rule = {id: ID, check}
