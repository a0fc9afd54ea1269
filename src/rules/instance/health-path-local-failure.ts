/**
 * health-path-local-failure: the health-check request sent on the instance itself, with `Host: <private IP>`
 * as the ALB sends it, fails or answers a code outside the target group's matcher.
 */
import {cmd} from '../../lib/shell.js'
import type {AnalysisContext} from '../../analyze/context.js'
import type {Finding, Rule} from '../types.js'
import type {Checked} from './util.js'
import {idList, ids, perProbe, probeResult, servesHealthCheck, targetHealthRefs, targetHealthy, tgNames} from './util.js'

const ID = 'health-path-local-failure'

/** What a code tells about the server, for the evidence. */
function hint(c: Checked): string {
  const code = c.parsed.healthProbe?.statusCode
  if (code === undefined) return 'no HTTP answer: see what listens on the port'
  if (code === 404) return "the path does not exist, or nginx only serves a named server_name and the ALB's Host header is the private IP"
  if (code >= 300 && code < 400) return 'a redirect (e.g. to HTTPS or a trailing slash): health checks do not follow redirects'
  if (code === 401 || code === 403) return 'the path needs authentication or is forbidden'
  if (code >= 500) return 'the server or the application behind it fails'
  return 'a code outside the matcher'
}

function check(ctx: AnalysisContext) {
  return perProbe(ctx, (probe, checked): Finding[] => {
    // The ALB's own health check passing outweighs the local request (sent through another address or Host).
    const bad = checked.filter((c) => c.parsed.healthProbe && c.parsed.healthProbe.tool !== 'none' && !servesHealthCheck(c) && !targetHealthy(ctx, c))
    if (bad.length === 0) return []
    const list = ids(bad)
    const request = `${probe.healthCheckProtocol} GET ${probe.healthCheckPath} on port ${probe.healthCheckPort}`
    return [
      ctx.finding(ID, {
        message: `${request} with Host: <private IP>, sent on the instance, gets ${probeResult(bad[0])} instead of ${probe.matcher} on ${bad.length} of ${checked.length} checked instances of ${tgNames(probe)} (${idList(list)})`,
        resources: [...list, ...probe.targetGroupArns],
        evidence: bad.map((c) => `${c.run.instanceId}: ${c.parsed.healthProbe?.url ?? request} (Host: ${c.parsed.privateIp ?? '?'}) → ${probeResult(c)}: ${hint(c)}`),
        data: {instanceIds: list, matcher: probe.matcher, results: Object.fromEntries(bad.map((c) => [c.run.instanceId, probeResult(c)]))},
        remediation: {
          summary: `Make ${probe.healthCheckPath} answer ${probe.matcher} to a request with the instance's private IP as Host (a default server, listen ${probe.healthCheckPort} default_server), or change the target group's health-check path or matcher.`,
          commands: [
            cmd`curl -sS -o /dev/null -w '%{http_code}\\n' -H "Host: $(hostname -I | awk '{print $1}')" ${`http://127.0.0.1:${probe.healthCheckPort}${probe.healthCheckPath}`}`,
            ...probe.targetGroupArns.map((arn) => cmd`aws elbv2 modify-target-group --target-group-arn ${arn} --health-check-path / --matcher HttpCode=200-399 ${ctx.regionFlag}`),
          ],
        },
        explains: targetHealthRefs(probe),
      }),
    ]
  })
}

export const rule: Rule = {id: ID, check}
