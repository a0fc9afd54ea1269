/**
 * application-5xx: the application on the targets answered 5xx itself (HTTPCode_Target_5XX_Count, or access-log
 * entries whose target_status_code is the 5xx the client got). Not an infrastructure fault: no load balancer,
 * network or health-check setting fixes it. The fix points at the instances' logs, through SSM.
 */
import type {AnalysisContext} from '../../analyze/context.js'
import type {Rule, RuleOutcome} from '../types.js'
import {at, entryText, historyOf, instanceLogsCommand, missingParts, onsetText, sampledEntries, sessionCommand} from './util.js'

const ID = 'application-5xx'

function check(ctx: AnalysisContext): RuleOutcome {
  const h = historyOf(ctx)
  if (!('analysis' in h)) return h
  const missing = missingParts(h, [{part: 'metrics', usable: h.section.metrics !== undefined}, {part: 'accessLogs', usable: h.accessLogs !== undefined}], 'the history holds neither CloudWatch metrics nor access logs')
  if (missing) return missing
  const metric = h.lbMetric('HTTPCode_Target_5XX_Count')
  const a = h.accessLogs
  const fromLogs = a?.byCause['target-returned-5xx'] ?? 0
  const count = metric ? h.total(metric) : fromLogs
  if (count === 0) return []
  const elb = h.total(h.lbMetric('HTTPCode_ELB_5XX_Count')) || (a ? a.errors5xx - fromLogs : 0)
  // The instances that answered them: from the logs when read, else every registered target.
  const logged = a ? Object.keys(a.byTarget).map((t) => h.instanceAt(t)).filter((x): x is string => !!x) : []
  const registered = ctx.targetGroups.flatMap((tg) => ctx.targetHealth(tg.TargetGroupArn ?? '').map((d) => d.Target?.Id ?? '')).filter((id) => id.startsWith('i-'))
  const instances = [...new Set(logged.length ? logged : registered)].slice(0, 50)
  const codes = a ? Object.entries(a.byTargetStatus).filter(([c]) => c.startsWith('5')) : []
  const since = h.analysis.onset && !h.analysis.onset.beforeWindow ? h.analysis.onset.time : h.section.window.start
  const began = onsetText(h)
  return [
    ctx.finding(ID, {
      message: `The application on the targets answered ${count} 5xx itself in the window${codes.length ? ` (${codes.map(([c, n]) => `${c}: ${n}`).join(', ')})` : ''}${began ? `; they ${began}` : ''}: not an infrastructure fault${elb ? ` (the load balancer made another ${elb} 5xx, see the other findings)` : ', the load balancer made none'}`,
      resources: [ctx.lb.LoadBalancerArn ?? '', ...instances],
      evidence: [
        metric ? `HTTPCode_Target_5XX_Count over the window: ${count}` : `access logs: ${fromLogs} entries whose target_status_code is the 5xx the client got`,
        ...(a ? [`5xx by target: ${Object.entries(a.byTarget).slice(0, 5).map(([t, n]) => `${h.instanceAt(t) ?? t} ${n}`).join(', ')}`] : []),
        ...sampledEntries(h, (e) => e.targetStatusCode !== undefined && e.targetStatusCode >= 500 && e.targetStatusCode === e.elbStatusCode).slice(0, 2).map((e) => `sample: ${entryText(e)}`),
      ],
      data: {count, elb5xx: elb, instanceIds: instances, since},
      remediation: {
        summary: `Read the application's own logs on the instances from ${at(since)} on (the journal, nginx's error log, the application's log): the load balancer only passed on what the application answered.`,
        commands: instances.length ? [instanceLogsCommand(ctx, instances, since), sessionCommand(ctx, instances[0])] : [],
      },
      explains: [{ruleId: 'alb-5xx-in-window'}],
    }),
  ]
}

export const rule: Rule = {id: ID, check}
