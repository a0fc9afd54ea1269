/**
 * nginx-keepalive-shorter-than-idle-timeout: nginx closes idle keep-alive connections before the ALB stops
 * reusing them (idle_timeout.timeout_seconds, 60 s by default). A request the ALB sends on a connection nginx is
 * closing gets a 502: intermittent, and invisible in nginx's own logs.
 *
 * On its own the setting is a trap (a warning). When the window's evidence shows the 502s it causes (the access
 * log's 502s without a response from the target, or CloudWatch's 502s with no failed connections), it is the cause
 * of errors users got: an error, explaining them.
 */
import type {AnalysisContext} from '../../analyze/context.js'
import type {Finding, FindingRef, Rule} from '../types.js'
import {keepaliveEvidence} from '../history/util.js'
import {idList, idleTimeoutSeconds, ids, keepaliveNotLonger, keepaliveRemediation, perProbe, tgNames} from './util.js'

const ID = 'nginx-keepalive-shorter-than-idle-timeout'

function check(ctx: AnalysisContext) {
  const idle = idleTimeoutSeconds(ctx)
  const history = ctx.history ? keepaliveEvidence(ctx.history) : undefined
  return perProbe(ctx, (probe, checked): Finding[] => {
    const short = keepaliveNotLonger(checked, idle)
    if (short.length === 0) return []
    const list = ids(short)
    const values = [...new Set(short.map((c) => c.parsed.nginx.keepaliveTimeoutSeconds!))].sort((a, b) => a - b)
    const seen = history?.source === 'access logs' ? `the access logs show ${history.closed502} 502s whose target closed the connection` : history ? `CloudWatch shows ${history.metric502} 502s from the load balancer with ${history.connectionErrors} failed connections to the targets` : undefined
    const explains: FindingRef[] = history ? [{ruleId: 'keepalive-502s'}, {ruleId: 'alb-5xx-in-window'}] : []
    return [
      ctx.finding(ID, {
        message: `nginx keepalive_timeout (${values.join(', ')} s) is not longer than the ALB idle timeout (${idle} s) on ${short.length} of ${checked.length} checked instances of ${tgNames(probe)} (${idList(list)}): ${seen ? `${seen} in the window` : 'expect intermittent 502s'}`,
        resources: [...list, ctx.lb.LoadBalancerArn ?? ''],
        evidence: [
          `${ctx.lb.LoadBalancerName}: idle_timeout.timeout_seconds = ${idle}`,
          ...short.map((c) => `${c.run.instanceId}: keepalive_timeout ${c.parsed.nginx.keepaliveRaw?.join(', ') ?? `not set (nginx default ${c.parsed.nginx.keepaliveTimeoutSeconds} s)`}`),
          ...(seen ? [`${seen} (see keepalive-502s)`] : []),
        ],
        data: {idleTimeoutSeconds: idle, keepaliveTimeoutSeconds: values, instanceIds: list, ...(history ? {closed502: history.closed502 || history.metric502} : {})},
        remediation: keepaliveRemediation(ctx, list, idle, values[0]),
        ...(history ? {severity: 'error' as const, explains} : {}),
      }),
    ]
  })
}

export const rule: Rule = {id: ID, check}
