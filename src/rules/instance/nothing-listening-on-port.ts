/**
 * nothing-listening-on-port: on the target port or the health-check port, no socket listens, or only on the
 * loopback address (which the ALB cannot reach), or another program (apache2, httpd) holds the port that nginx
 * is installed to serve.
 */
import type {AnalysisContext} from '../../analyze/context.js'
import type {Finding, Rule} from '../types.js'
import type {Checked} from './util.js'
import {idList, ids, perProbe, refsFor, sendCommand, targetHealthRefs, targetHealthy, tgNames} from './util.js'

const ID = 'nothing-listening-on-port'

const LOOPBACK = /^(127\.|\[?::1\]?$|localhost)/

/** Why the ALB finds no server on this port, or undefined when one is there. */
export function portProblem(c: Checked, port: number): string | undefined {
  if (!c.parsed.listenTool) return undefined // neither ss nor netstat: the list says nothing
  const sockets = c.parsed.listeners.filter((l) => l.port === port)
  if (sockets.length === 0) return `nothing listens on port ${port} (listening ports: ${c.parsed.allPorts.join(', ') || 'none'})`
  if (sockets.every((l) => LOOPBACK.test(l.address))) return `port ${port} listens on ${sockets.map((l) => l.address).join(', ')} only, which the ALB cannot reach`
  const others = [...new Set(sockets.map((l) => l.process).filter((p): p is string => p !== undefined && p !== 'nginx'))]
  if (c.parsed.nginx.installed && others.length > 0 && !sockets.some((l) => l.process === 'nginx')) {
    return `${others.join(', ')} holds port ${port}, not nginx`
  }
  return undefined
}

function check(ctx: AnalysisContext) {
  return perProbe(ctx, (probe, checked): Finding[] =>
    [...new Set([probe.targetPort, probe.healthCheckPort])].flatMap((port) => {
      // A target the ALB finds healthy is served on its health-check port, whatever the socket list says.
      const bad = checked
        .filter((c) => !(port === probe.healthCheckPort && targetHealthy(ctx, c)))
        .map((c) => ({c, why: portProblem(c, port)}))
        .filter((x): x is {c: Checked; why: string} => x.why !== undefined)
      if (bad.length === 0) return []
      const list = ids(bad.map((b) => b.c))
      const taken = bad.filter((b) => b.why.includes('holds port'))
      const role = port === probe.targetPort ? (port === probe.healthCheckPort ? 'traffic and health-check port' : 'traffic port') : 'health-check port'
      return [
        ctx.finding(ID, {
          key: `${ID}:${list[0]}:${port}`,
          message: `Port ${port} (the ${role} of ${tgNames(probe)}) is not served to the ALB on ${bad.length} of ${checked.length} checked instances (${idList(list)}): ${bad[0].why}`,
          resources: [...list, ...probe.targetGroupArns],
          evidence: bad.map((b) => `${b.c.run.instanceId}: ${b.why}`),
          data: {port, instanceIds: list, reasons: Object.fromEntries(bad.map((b) => [b.c.run.instanceId, b.why]))},
          confidence: taken.length === bad.length ? 'likely' : 'certain',
          remediation: {
            summary:
              `Make nginx listen on port ${port} on an address the ALB reaches (listen ${port}; not 127.0.0.1:${port})` +
              (taken.length > 0 ? `, and stop the program that holds the port if it should not run there` : '') + '.',
            commands: [
              `sudo ss -ltnp 'sport = :${port}'`,
              ...(taken.length > 0 ? ['sudo systemctl disable --now apache2 2>/dev/null || sudo systemctl disable --now httpd', 'sudo systemctl restart nginx'] : []),
              sendCommand(ctx, list, [`ss -ltnp 'sport = :${port}'`, 'systemctl status nginx --no-pager']),
            ],
          },
          explains: [...targetHealthRefs(probe), ...refsFor('health-path-local-failure', list)],
        }),
      ]
    }),
  )
}

export const rule: Rule = {id: ID, check}
