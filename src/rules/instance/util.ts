/**
 * Helpers shared by the on-instance rules: they read the snapshot's `onInstance` section (the diagnostic script's
 * parsed output per instance and probe). Pure, no I/O.
 */
import {NGINX_PACKAGES, packageSteps} from '../../lib/nginx-install.js'
import type {PackageManager} from '../../lib/nginx-install.js'
import {cmd} from '../../lib/shell.js'
import {listIds} from '../evidence.js'
import type {AnalysisContext} from '../../analyze/context.js'
import {shortName} from '../../analyze/context.js'
import type {DiagnosticResult, OnInstanceProbe, OnInstanceRun} from '../../snapshot/on-instance-types.js'
import type {FindingRef, RuleId, RuleOutcome} from '../types.js'
import {matcherAccepts} from '../../analyze/target-group.js'

export const NOT_COLLECTED = 'on-instance checks were not run (--no-ssm or SSM unreachable)'
export const NONE_SELECTED = 'no instance was selected for the on-instance checks (none online in SSM, or none matched the selection)'
export const NO_ANSWER = 'no instance answered the on-instance checks (see instance-command-no-answer)'
export const PERSIST_NOTE =
  'A fix made on a running instance dies with it when the Auto Scaling group replaces it: put it in the launch template (asg-doctor fix-nginx --persist) too.'

export interface Checked {
  run: OnInstanceRun
  parsed: DiagnosticResult
  probe: OnInstanceProbe
}

/** The runs that produced parsed output, grouped by probe; or why the rules cannot say anything. */
export function checkedByProbe(ctx: AnalysisContext): Map<OnInstanceProbe, Checked[]> | {notApplicable: string} {
  const section = ctx.snapshot.onInstance
  if (!section) return {notApplicable: NOT_COLLECTED}
  if (section.runs.length === 0) return {notApplicable: NONE_SELECTED}
  const groups = new Map<OnInstanceProbe, Checked[]>()
  for (const run of section.runs) {
    const probe = section.probes.find((p) => p.id === run.probeId)
    if (!run.parsed || !probe) continue
    if (!groups.has(probe)) groups.set(probe, [])
    groups.get(probe)!.push({run, parsed: run.parsed, probe})
  }
  return groups.size > 0 ? groups : {notApplicable: NO_ANSWER}
}

/** Runs a per-probe check over every probe that has answers. */
export function perProbe(ctx: AnalysisContext, check: (probe: OnInstanceProbe, checked: Checked[]) => RuleOutcome): RuleOutcome {
  const groups = checkedByProbe(ctx)
  if (!(groups instanceof Map)) return groups
  return [...groups].flatMap(([probe, checked]) => {
    const out = check(probe, checked)
    return Array.isArray(out) ? out : []
  })
}

export const ids = (items: Checked[]): string[] => items.map((c) => c.run.instanceId)

/** "i-1, i-2, i-3 and 4 more". */
export const idList = (list: string[], max = 3): string => listIds(list, max)

export const tgNames = (probe: OnInstanceProbe): string => probe.targetGroupArns.map((a) => shortName(a)).join(', ')

/** The findings about the target groups this probe stands for. */
export const targetHealthRefs = (probe: OnInstanceProbe): FindingRef[] =>
  probe.targetGroupArns.map((resource) => ({ruleId: 'target-health-unhealthy', resource}))

export const refsFor = (ruleId: RuleId, instanceIds: string[]): FindingRef[] => instanceIds.map((resource) => ({ruleId, resource}))

/** The health check would pass locally: the path answered with a code in the matcher. */
export const servesHealthCheck = (c: Checked): boolean =>
  c.parsed.healthProbe?.statusCode !== undefined && matcherAccepts(c.probe.matcher, c.parsed.healthProbe.statusCode)

/** The ALB finds the instance healthy in one of the probe's target groups. */
export const targetHealthy = (ctx: AnalysisContext, c: Checked): boolean =>
  c.probe.targetGroupArns.some((arn) =>
    ctx.targetHealth(arn).some((d) => d.Target?.Id === c.run.instanceId && (d.TargetHealth?.State ?? '').toLowerCase() === 'healthy'),
  )

/**
 * Evidence stronger than any one probe that the instance serves: the local health request passed, or the ALB finds
 * the target healthy. A rule never raises an error against such an instance; where a probe disagrees (a process or
 * systemd probe that is unavailable on the host), the stronger evidence wins.
 */
export const answers = (ctx: AnalysisContext, c: Checked): boolean => servesHealthCheck(c) || targetHealthy(ctx, c)

/** nginx itself holds a socket on the probe's ports (ss/netstat name the process). */
export const nginxListens = (c: Checked): boolean =>
  c.parsed.listeners.some((l) => l.process === 'nginx' && (l.port === c.probe.targetPort || l.port === c.probe.healthCheckPort))

export function probeResult(c: Checked): string {
  const p = c.parsed.healthProbe
  if (!p) return 'not probed'
  return p.statusCode !== undefined ? `HTTP ${p.statusCode}` : (p.error ?? 'no answer')
}

/** "Amazon Linux 2023, dnf" for evidence lines. */
export const osLabel = (p: DiagnosticResult): string =>
  [p.os.prettyName ?? [p.os.id, p.os.versionId].filter(Boolean).join(' '), p.packageManager].filter(Boolean).join(', ') || 'unknown OS'

/**
 * The package steps, run as root, that install nginx and start it at boot, by the instance's package manager and
 * OS (src/lib/nginx-install.ts defines them, for the install script too).
 */
export function installSteps(p: DiagnosticResult): string[] {
  const pm = p.packageManager && p.packageManager in NGINX_PACKAGES ? (p.packageManager as PackageManager) : undefined
  return packageSteps(pm, p.os.id)
}

/** For one person at a shell on the instance: each step under sudo. */
export const asSudo = (steps: string[]): string => steps.map((s) => `sudo ${s}`).join(' && ')

/** The same steps for many instances at once, through SSM (which runs them as root). */
export function sendCommand(ctx: AnalysisContext, instanceIds: string[], steps: string[]): string {
  return cmd`aws ssm send-command --document-name AWS-RunShellScript --instance-ids ${instanceIds} --parameters ${JSON.stringify({commands: steps})} ${ctx.regionFlag}`
}

/** `asg-doctor fix-nginx` for some instances: the install script (src/ssm/install-script.ts) on each. */
export function instancesFix(ctx: AnalysisContext, instanceIds: string[]): string {
  return cmd`asg-doctor fix-nginx ${albName(ctx)} --instance-ids ${instanceIds.join(',')} ${ctx.regionFlag}`
}

const albName = (ctx: AnalysisContext): string => ctx.lb.LoadBalancerName ?? shortName(ctx.lb.LoadBalancerArn)

/** `asg-doctor fix-nginx` for the whole fleet, and `--persist` for the launch template. */
export function fleetFix(ctx: AnalysisContext): string[] {
  const alb = albName(ctx)
  return [cmd`asg-doctor fix-nginx ${alb} ${ctx.regionFlag}`, cmd`asg-doctor fix-nginx ${alb} --persist ${ctx.regionFlag}`]
}

/** One representative of each distinct OS / package manager, so remediation commands fit every instance. */
export function byPackageManager(items: Checked[]): Checked[][] {
  const groups = new Map<string, Checked[]>()
  for (const c of items) {
    const key = `${c.parsed.packageManager ?? ''}|${c.parsed.os.id ?? ''}`
    if (!groups.has(key)) groups.set(key, [])
    groups.get(key)!.push(c)
  }
  return [...groups.values()]
}

/** The load balancer's idle timeout (seconds), 60 when the attribute is not in the snapshot. */
export const idleTimeoutSeconds = (ctx: AnalysisContext): number => Number(ctx.lbAttribute('idle_timeout.timeout_seconds') ?? '60')

/** The checked instances whose nginx closes idle kept-alive connections no later than the idle timeout (0 turns keep-alive off: nginx then closes every connection itself, with no race). */
export const keepaliveNotLonger = (checked: Checked[], idle: number): Checked[] =>
  checked.filter((c) => {
    const ka = c.parsed.nginx.keepaliveTimeoutSeconds
    return c.parsed.nginx.installed && ka !== undefined && ka > 0 && ka <= idle
  })

/**
 * The keep-alive fix: nginx's keepalive_timeout above the idle timeout on the instances (by hand, and through SSM)
 * and in the launch template; or, when the shortest keep-alive is known, the idle timeout below it.
 */
export function keepaliveRemediation(ctx: AnalysisContext, instanceIds: string[], idle: number, shortestKeepalive?: number): {summary: string; commands: string[]} {
  const suggested = idle + 15
  const sed = `sed -i 's/^\\(\\s*\\)keepalive_timeout\\s.*;/\\1keepalive_timeout ${suggested}s;/' /etc/nginx/nginx.conf`
  return {
    summary: `Set keepalive_timeout ${suggested}s; in the http block of nginx.conf (longer than the ALB's ${idle} s), reload nginx, and put the setting in the launch template${shortestKeepalive !== undefined ? `; or lower the ALB idle timeout below ${shortestKeepalive} s` : ''}.`,
    commands: [
      `sudo ${sed} && sudo nginx -t && sudo systemctl reload nginx`,
      ...(instanceIds.length ? [sendCommand(ctx, instanceIds, [sed, 'nginx -t', 'systemctl reload nginx'])] : []),
      ...(shortestKeepalive !== undefined
        ? [cmd`aws elbv2 modify-load-balancer-attributes --load-balancer-arn ${ctx.lb.LoadBalancerArn} --attributes Key=idle_timeout.timeout_seconds,Value=${Math.max(1, Math.floor(shortestKeepalive) - 5)} ${ctx.regionFlag}`]
        : []),
    ],
  }
}
