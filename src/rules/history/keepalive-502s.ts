/**
 * keepalive-502s: the access log's 502s with no response from the target (target_status_code `-`, processing times
 * of -1) while connections to the targets did open. The ELB documentation gives this as the target closing a
 * kept-alive connection the load balancer was about to reuse: the application's keep-alive timeout is shorter than
 * the load balancer's idle timeout. Joined with what the instances say: certain when nginx's keepalive_timeout is
 * not longer than the idle timeout there, likely without on-instance evidence, possible when nginx's is longer.
 */
import type {AnalysisContext} from '../../analyze/context.js'
import type {Confidence, Rule, RuleOutcome} from '../types.js'
import {checkedByProbe, idList, idleTimeoutSeconds, keepaliveNotLonger, keepaliveRemediation} from '../instance/util.js'
import {at, historyOf, instanceLogsCommand, entryText, keepaliveEvidence, missingParts} from './util.js'

const ID = 'keepalive-502s'

function check(ctx: AnalysisContext): RuleOutcome {
  const h = historyOf(ctx)
  if (!('analysis' in h)) return h
  const missing = missingParts(h, [{part: 'accessLogs', usable: h.accessLogs !== undefined}], 'no access log was read for the window (access logs off, or none delivered yet)')
  if (missing) return missing
  const ev = keepaliveEvidence(h)
  if (!ev || ev.source !== 'access logs') return []

  const idle = idleTimeoutSeconds(ctx)
  const groups = checkedByProbe(ctx)
  const checked = groups instanceof Map ? [...groups.values()].flat() : []
  const short = keepaliveNotLonger(checked, idle)
  const nginxChecked = checked.filter((c) => c.parsed.nginx.installed && c.parsed.nginx.keepaliveTimeoutSeconds !== undefined)
  const confidence: Confidence = short.length > 0 ? 'certain' : nginxChecked.length > 0 ? 'possible' : 'likely'
  const kas = [...new Set(short.map((c) => c.parsed.nginx.keepaliveTimeoutSeconds!))].sort((a, b) => a - b)
  const longer = [...new Set(nginxChecked.map((c) => c.parsed.nginx.keepaliveTimeoutSeconds!))].sort((a, b) => a - b)
  const why =
    confidence === 'certain'
      ? `nginx keepalive_timeout (${kas.join(', ')} s) is not longer than the ALB idle timeout (${idle} s) on ${idList(short.map((c) => c.run.instanceId))}`
      : confidence === 'possible'
        ? `nginx keepalive_timeout (${longer.join(', ')} s) is longer than the ALB idle timeout (${idle} s): something else closes the connections (the application behind nginx, another proxy, TLS to the target)`
        : `the targets' keep-alive timeout is most likely shorter than the ALB idle timeout (${idle} s); on-instance checks would confirm it`
  const a = h.accessLogs!
  const instances = short.length ? short.map((c) => c.run.instanceId) : Object.keys(a.byTarget).map((t) => h.instanceAt(t)).filter((x): x is string => !!x)
  const lb = ctx.lb.LoadBalancerArn ?? ''
  return [
    ctx.finding(ID, {
      message: `${ev.closed502} of ${a.errors5xx} 5xx in the access logs are 502s where the target closed the connection without answering, while connections to the targets did open: ${why}`,
      resources: [lb, ...instances],
      evidence: [
        `access logs: ${ev.closed502} entries with elb_status_code 502 and target_status_code "-" (${a.processingTimes.notDispatched} 5xx with a processing time of -1)`,
        ev.connectionErrors !== undefined ? `TargetConnectionErrorCount over the window: ${ev.connectionErrors} (the connections opened: nothing refused them)` : 'TargetConnectionErrorCount: not in the snapshot',
        `${ctx.lbName}: idle_timeout.timeout_seconds = ${idle}`,
        ...ev.samples.slice(0, 3).map((e) => `sample: ${entryText(e)}`),
      ],
      data: {closed502: ev.closed502, errors5xx: a.errors5xx, idleTimeoutSeconds: idle, ...(ev.connectionErrors !== undefined ? {targetConnectionErrors: ev.connectionErrors} : {}), ...(kas.length ? {keepaliveTimeoutSeconds: kas} : {})},
      remediation:
        confidence === 'possible'
          ? {
              summary: `nginx's keep-alive outlasts the idle timeout: find what else closes the connections (nginx's keepalive_requests, 1000 by default, closes a connection after that many requests; an application server behind nginx; a proxy), starting with the error logs from ${at(h.section.window.start)} on.`,
              commands: instances.length ? [instanceLogsCommand(ctx, instances, h.section.window.start)] : [],
            }
          : keepaliveRemediation(ctx, instances, idle, kas[0]),
      confidence,
      explains: [{ruleId: 'alb-5xx-in-window'}],
    }),
  ]
}

export const rule: Rule = {id: ID, check}
