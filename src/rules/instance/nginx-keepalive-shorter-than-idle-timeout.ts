/**
 * nginx-keepalive-shorter-than-idle-timeout: nginx closes idle keep-alive connections before the ALB stops
 * reusing them (idle_timeout.timeout_seconds, 60 s by default). A request the ALB sends on a connection nginx is
 * closing gets a 502: intermittent, and invisible in nginx's own logs.
 */
import {cmd} from '../../lib/shell.js'
import type {AnalysisContext} from '../../analyze/context.js'
import type {Finding, Rule} from '../types.js'
import {idList, ids, perProbe, sendCommand, tgNames} from './util.js'

const ID = 'nginx-keepalive-shorter-than-idle-timeout'

function check(ctx: AnalysisContext) {
  const idle = Number(ctx.lbAttribute('idle_timeout.timeout_seconds') ?? '60')
  return perProbe(ctx, (probe, checked): Finding[] => {
    // 0 turns keep-alive off: nginx then closes every connection itself, with no race.
    const short = checked.filter((c) => {
      const ka = c.parsed.nginx.keepaliveTimeoutSeconds
      return c.parsed.nginx.installed && ka !== undefined && ka > 0 && ka <= idle
    })
    if (short.length === 0) return []
    const list = ids(short)
    const values = [...new Set(short.map((c) => c.parsed.nginx.keepaliveTimeoutSeconds!))].sort((a, b) => a - b)
    const suggested = idle + 15
    return [
      ctx.finding(ID, {
        message: `nginx keepalive_timeout (${values.join(', ')} s) is not longer than the ALB idle timeout (${idle} s) on ${short.length} of ${checked.length} checked instances of ${tgNames(probe)} (${idList(list)}): expect intermittent 502s`,
        resources: [...list, ctx.lb.LoadBalancerArn ?? ''],
        evidence: [
          `${ctx.lb.LoadBalancerName}: idle_timeout.timeout_seconds = ${idle}`,
          ...short.map((c) => `${c.run.instanceId}: keepalive_timeout ${c.parsed.nginx.keepaliveRaw?.join(', ') ?? `not set (nginx default ${c.parsed.nginx.keepaliveTimeoutSeconds} s)`}`),
        ],
        data: {idleTimeoutSeconds: idle, keepaliveTimeoutSeconds: values, instanceIds: list},
        remediation: {
          summary: `Set keepalive_timeout ${suggested}s; in the http block of nginx.conf (longer than the ALB's ${idle} s), reload nginx, and put the setting in the launch template; or lower the ALB idle timeout below ${values[0]} s.`,
          commands: [
            `sudo sed -i 's/^\\(\\s*\\)keepalive_timeout\\s.*;/\\1keepalive_timeout ${suggested}s;/' /etc/nginx/nginx.conf && sudo nginx -t && sudo systemctl reload nginx`,
            sendCommand(ctx, list, [`sed -i 's/^\\(\\s*\\)keepalive_timeout\\s.*;/\\1keepalive_timeout ${suggested}s;/' /etc/nginx/nginx.conf`, 'nginx -t', 'systemctl reload nginx']),
            cmd`aws elbv2 modify-load-balancer-attributes --load-balancer-arn ${ctx.lb.LoadBalancerArn} --attributes Key=idle_timeout.timeout_seconds,Value=${Math.max(1, Math.floor(values[0]) - 5)} ${ctx.regionFlag}`,
          ],
        },
      }),
    ]
  })
}

export const rule: Rule = {id: ID, check}
