/**
 * health-check-path: health-check settings that set traps. Confirmed by target health: the codes that came back
 * outside the matcher (Target.ResponseCodeMismatch), an HTTPS check against a plain-HTTP port. Heuristics, only
 * while no target is healthy (a healthy one proves the path works): a directory-like path without its trailing
 * slash (the server answers 301), an app route that the stock web server the user data installs does not have.
 */
import {cmd} from '../../lib/shell.js'
import type {AnalysisContext, FindingInput} from '../../analyze/context.js'
import type {Finding, Rule} from '../types.js'
import {groupTemplate} from './launch-template.js'
import {checksTargets, eqi, reasonIs, targetsInState, tgName} from './util.js'
import type {TG} from './util.js'
import {userDataText} from '../../lib/user-data.js'
import {WEB_SERVERS} from './user-data.js'
import {healthCheckPort, matcherCodes} from '../../analyze/target-group.js'

const ID = 'health-check-path'

const DIRECTORY_NAMES = new Set(['app', 'admin', 'static', 'assets', 'public', 'html', 'www', 'docs', 'images', 'img', 'css', 'js', 'media', 'files', 'content', 'site', 'web', 'dist', 'build'])

/** "Health checks failed with these codes: [404]" -> [404] */
export const mismatchCodes = (description: string | undefined): number[] =>
  (/\[([\d,\s]+)\]/.exec(description ?? '')?.[1] ?? '').split(',').map((c) => Number(c.trim())).filter((n) => n > 0)

function advice(tg: TG, codes: number[]): {why: string; path: string; matcher: string} {
  const path = tg.HealthCheckPath ?? '/'
  if (codes.some((c) => c >= 300 && c < 400)) {
    const slash = !path.endsWith('/') && !/\.[a-z0-9]+$/i.test(path.split('/').pop() ?? '')
    return slash
      ? {why: `${path} redirects (a directory without its trailing slash, or HTTP to HTTPS)`, path: `${path}/`, matcher: matcherCodes(tg)}
      : {why: `${path} redirects (to HTTPS or a login page)`, path, matcher: '200-399'}
  }
  if (codes.includes(404)) return {why: `${path} does not exist on the web server`, path: '/', matcher: matcherCodes(tg)}
  if (codes.some((c) => c === 401 || c === 403)) return {why: `${path} needs authentication or is forbidden`, path: '/', matcher: matcherCodes(tg)}
  return {why: `the application fails on ${path} (look at its logs)`, path, matcher: matcherCodes(tg)}
}

/** Heuristic traps of the path itself, for when target health has not spoken. */
function suspicion(ctx: AnalysisContext, tg: TG): {why: string; path: string} | undefined {
  const path = tg.HealthCheckPath ?? '/'
  const last = path.split('/').pop() ?? ''
  if (DIRECTORY_NAMES.has(last.toLowerCase())) return {why: `${path} looks like a directory without its trailing slash: nginx and Apache answer it with 301`, path: `${path}/`}
  if (last === '') return undefined
  for (const g of ctx.groupsForTargetGroup(tg.TargetGroupArn ?? '')) {
    const text = userDataText(groupTemplate(ctx, g)?.version?.LaunchTemplateData?.UserData)
    const server = text.match(WEB_SERVERS)?.[0]
    if (server && !text.includes(last)) return {why: `the user data installs a stock ${server} and never creates ${path}: its default site answers 404 there`, path: '/'}
  }
  return undefined
}

function traps(ctx: AnalysisContext, tg: TG): (Omit<FindingInput, 'resources'> & {trap: string})[] {
  const arn = tg.TargetGroupArn ?? ''
  const modify = (opts: string[]) => cmd`aws elbv2 modify-target-group --target-group-arn ${arn} ${opts} ${ctx.regionFlag}`
  const unhealthy = targetsInState(ctx, arn, 'unhealthy')
  const mismatched = unhealthy.filter((d) => reasonIs(d, 'Target.ResponseCodeMismatch'))
  const out: (Omit<FindingInput, 'resources'> & {trap: string})[] = []
  if (mismatched.length > 0) {
    const codes = [...new Set(mismatched.flatMap((d) => mismatchCodes(d.TargetHealth?.Description)))]
    const a = advice(tg, codes)
    out.push({
      trap: 'codes',
      severity: 'error',
      message: `Health checks of ${tgName(tg)} on ${tg.HealthCheckPath} get ${codes.join(', ') || 'codes'} while the matcher accepts only ${matcherCodes(tg)}: ${a.why}`,
      evidence: mismatched.map((d) => `${d.Target?.Id}: ${d.TargetHealth?.Description ?? d.TargetHealth?.Reason}`),
      remediation: {summary: `Check a path that answers ${matcherCodes(tg)} (or widen the matcher).`, commands: [modify(['--health-check-path', a.path, '--matcher', `HttpCode=${a.matcher}`])]},
      explains: [{ruleId: 'target-health-unhealthy', resource: arn}],
    })
  }
  const port = healthCheckPort(tg)
  if (eqi(tg.HealthCheckProtocol, 'HTTPS') && eqi(tg.Protocol, 'HTTP') && port === tg.Port) {
    out.push({
      trap: 'https',
      severity: 'error',
      confidence: unhealthy.length > 0 ? 'certain' : 'likely',
      message: `Health checks of ${tgName(tg)} speak HTTPS to port ${port}, where the targets serve plain HTTP: the TLS handshake fails`,
      evidence: [`Protocol ${tg.Protocol}, Port ${tg.Port}, HealthCheckProtocol ${tg.HealthCheckProtocol}, HealthCheckPort ${tg.HealthCheckPort}`],
      remediation: {summary: 'Health-check with the protocol the targets serve.', commands: [modify(['--health-check-protocol', 'HTTP'])]},
      explains: unhealthy.length > 0 ? [{ruleId: 'target-health-unhealthy', resource: arn}] : undefined,
    })
  }
  const suspect = out.length === 0 && targetsInState(ctx, arn, 'healthy').length === 0 ? suspicion(ctx, tg) : undefined
  if (suspect) {
    out.push({
      trap: 'path',
      severity: 'warning',
      confidence: 'possible',
      message: `Health-check path ${tg.HealthCheckPath} of ${tgName(tg)} may not answer ${matcherCodes(tg)}: ${suspect.why}`,
      evidence: [`HealthCheckPath ${tg.HealthCheckPath}, Matcher ${matcherCodes(tg)}`, 'no target is healthy yet to prove the path works'],
      remediation: {summary: 'Point the health check at a page the server surely has.', commands: [modify(['--health-check-path', suspect.path])]},
    })
  }
  return out
}

function check(ctx: AnalysisContext): Finding[] {
  return ctx.targetGroups
    .filter((tg) => checksTargets(tg) && tg.HealthCheckEnabled !== false && !eqi(tg.HealthCheckProtocol, 'TCP'))
    .flatMap((tg) => traps(ctx, tg).map(({trap, ...f}) => ctx.finding(ID, {...f, key: `${ID}:${tg.TargetGroupArn}:${trap}`, resources: [tg.TargetGroupArn ?? '']})))
}

export const rule: Rule = {id: ID, check}
