/**
 * Runs the rules over a snapshot and turns their findings into a report that leads with root causes.
 * Pure: no I/O, no clock (the snapshot carries its own time).
 */
import {AnalysisContext, shortName} from './context.js'
import {allRules} from '../rules/index.js'
import {SEVERITIES} from '../rules/types.js'
import type {CheckResult, Finding, Rule, RuleMeta, Severity} from '../rules/types.js'
import type {Snapshot} from '../snapshot/types.js'
import {describeHealthCheckPort, matcherCodes} from './target-group.js'

export const REPORT_SCHEMA = 'asg-doctor-report'
export const REPORT_VERSION = 1

export interface RootCause {
  /** The cause: a finding no other finding explains. */
  cause: Finding
  /** Every finding it explains, directly or through others, in report order. */
  symptoms: Finding[]
}

export type ReportStatus = 'healthy' | 'problems' | 'incomplete'

export interface Report {
  schema: typeof REPORT_SCHEMA
  version: typeof REPORT_VERSION
  target: {
    loadBalancerArn: string
    name: string
    dnsName?: string
    scheme?: string
    region: string
    accountId?: string
  }
  collectedAt: string
  /** The deployment at a glance, for the report's header. */
  overview: Overview
  /** healthy: no finding at or above the threshold and every check ran; incomplete: some could not run. */
  status: ReportStatus
  summary: {
    findings: Record<Severity, number>
    checks: Record<CheckResult['status'], number>
  }
  /** Root causes, most important first, each with the symptoms it explains. */
  rootCauses: RootCause[]
  /** Every finding, flat, most severe first. */
  findings: Finding[]
  /** One line per rule: did it pass, fail, not apply, or could it not run. */
  checks: CheckResult[]
  /** Remarks about the run itself (e.g. a probe that was skipped). */
  notes: string[]
}

export interface TargetCounts {
  total: number
  healthy: number
  unhealthy: number
  initial: number
  unused: number
  draining: number
  unavailable: number
}

export interface Overview {
  listeners: {port?: number; protocol?: string}[]
  targetGroups: {name: string; arn: string; protocol?: string; port?: number; healthCheck: string; targets: TargetCounts}[]
  autoScalingGroups: {name: string; min?: number; desired?: number; max?: number; inService: number; attached: boolean}[]
  /** The ALB's idle timeout (idle_timeout.timeout_seconds), kept for the keep-alive check on the instances. */
  idleTimeoutSeconds?: number
  /** Set when the snapshot was collected against an emulator / endpoint override. */
  endpointUrl?: string
}

export interface AnalyzeOptions {
  rules?: readonly Rule<string>[]
  /** Rule metadata by id; the project's catalogue unless a test brings its own. */
  catalogue?: ReadonlyMap<string, RuleMeta>
  /** Findings at or above this severity make the report's status `problems`. Default `error`. */
  failOn?: Severity
  notes?: string[]
}

const severityRank = (s: Severity) => SEVERITIES.indexOf(s)
const confidenceRank = {certain: 0, likely: 1, possible: 2} as const

export function analyze(snapshot: Snapshot, options: AnalyzeOptions = {}): Report {
  const ctx = new AnalysisContext<string>(snapshot, options.catalogue)
  const rules = options.rules ?? allRules
  const failOn = options.failOn ?? 'error'
  const findings: Finding[] = []
  const checks: CheckResult[] = []

  for (const rule of rules) {
    const meta = ctx.meta(rule.id)
    const blocked = meta.requires.map((api) => ctx.failure(api)).find((e) => e !== undefined)
    if (blocked) {
      checks.push({
        ruleId: rule.id,
        title: meta.title,
        status: 'could-not-check',
        reason: blocked.accessDenied
          ? `${blocked.api} was denied (needs IAM permission ${blocked.api})`
          : `${blocked.api} failed: ${blocked.code}: ${blocked.message}`,
        findings: 0,
      })
      continue
    }
    let outcome
    try {
      outcome = rule.check(ctx)
    } catch (error) {
      // A bug in one rule must not hide what the others found.
      checks.push({
        ruleId: rule.id,
        title: meta.title,
        status: 'could-not-check',
        reason: `internal error in this check: ${(error as Error).message}`,
        findings: 0,
      })
      continue
    }
    if (!Array.isArray(outcome)) {
      const [status, reason] = 'couldNotCheck' in outcome ? (['could-not-check', outcome.couldNotCheck] as const) : (['not-applicable', outcome.notApplicable] as const)
      checks.push({ruleId: rule.id, title: meta.title, status, reason, findings: 0})
      continue
    }
    findings.push(...outcome)
    checks.push({ruleId: rule.id, title: meta.title, status: outcome.length > 0 ? 'fail' : 'pass', findings: outcome.length})
  }

  const ordered = dedupeKeys(findings).sort(compareFindings)
  const rootCauses = linkRootCauses(ordered)
  const summary = {
    findings: Object.fromEntries(SEVERITIES.map((s) => [s, ordered.filter((f) => f.severity === s).length])) as Record<Severity, number>,
    checks: {
      pass: checks.filter((c) => c.status === 'pass').length,
      fail: checks.filter((c) => c.status === 'fail').length,
      'not-applicable': checks.filter((c) => c.status === 'not-applicable').length,
      'could-not-check': checks.filter((c) => c.status === 'could-not-check').length,
    },
  }
  const hasProblems = ordered.some((f) => severityRank(f.severity) <= severityRank(failOn))
  const status: ReportStatus = hasProblems ? 'problems' : summary.checks['could-not-check'] > 0 ? 'incomplete' : 'healthy'

  return {
    schema: REPORT_SCHEMA,
    version: REPORT_VERSION,
    target: {
      loadBalancerArn: ctx.lb.LoadBalancerArn ?? snapshot.meta.target.loadBalancerArn,
      name: ctx.lb.LoadBalancerName ?? shortName(ctx.lb.LoadBalancerArn),
      dnsName: ctx.lb.DNSName,
      scheme: ctx.lb.Scheme,
      region: snapshot.meta.region,
      ...(snapshot.meta.accountId ? {accountId: snapshot.meta.accountId} : {}),
    },
    collectedAt: snapshot.meta.collectedAt,
    overview: overview(ctx),
    status,
    summary,
    rootCauses,
    findings: ordered,
    checks,
    notes: options.notes ?? [],
  }
}

function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(a.severity) - severityRank(b.severity) ||
    confidenceRank[a.confidence] - confidenceRank[b.confidence] ||
    a.key.localeCompare(b.key)
  )
}

/** Two findings with one key would make links ambiguous; the later ones get a numeric suffix. */
function dedupeKeys(findings: Finding[]): Finding[] {
  const seen = new Map<string, number>()
  return findings.map((f) => {
    const n = seen.get(f.key) ?? 0
    seen.set(f.key, n + 1)
    return n === 0 ? f : {...f, key: `${f.key}#${n + 1}`}
  })
}

/**
 * Builds the cause → symptom graph from each finding's `explains` references, and returns the findings
 * that nothing explains (the root causes), each with everything below it. A root that explains more comes
 * first, then by severity and confidence. Cycles (two findings claiming to explain each other) are broken by
 * keeping both as roots.
 */
export function linkRootCauses(findings: Finding[]): RootCause[] {
  const children = new Map<string, Finding[]>()
  const explainedBy = new Map<string, Set<string>>()
  for (const cause of findings) {
    for (const ref of cause.explains ?? []) {
      for (const symptom of findings) {
        if (symptom === cause || symptom.ruleId !== ref.ruleId) continue
        if (ref.resource !== undefined && !symptom.resources.includes(ref.resource)) continue
        if (!children.has(cause.key)) children.set(cause.key, [])
        if (!children.get(cause.key)!.includes(symptom)) children.get(cause.key)!.push(symptom)
        if (!explainedBy.has(symptom.key)) explainedBy.set(symptom.key, new Set())
        explainedBy.get(symptom.key)!.add(cause.key)
      }
    }
  }

  const descendants = (f: Finding): Finding[] => {
    const out: Finding[] = []
    const seen = new Set<string>([f.key])
    const stack = [...(children.get(f.key) ?? [])]
    while (stack.length > 0) {
      const s = stack.shift()!
      if (seen.has(s.key)) continue
      seen.add(s.key)
      out.push(s)
      stack.push(...(children.get(s.key) ?? []))
    }
    return out.sort(compareFindings)
  }

  // A finding is a root unless something explains it that is not, in turn, explained by it (a cycle).
  const isRoot = (f: Finding) => {
    const causes = explainedBy.get(f.key)
    if (!causes) return true
    const below = new Set(descendants(f).map((d) => d.key))
    return [...causes].every((c) => below.has(c))
  }

  const roots = findings.filter(isRoot).map((cause) => ({cause, symptoms: descendants(cause)}))
  return roots.sort(
    (a, b) =>
      Number(b.symptoms.length > 0) - Number(a.symptoms.length > 0) ||
      compareFindings(a.cause, b.cause) ||
      b.symptoms.length - a.symptoms.length,
  )
}

export function countTargets(states: (string | undefined)[]): TargetCounts {
  const c: TargetCounts = {total: states.length, healthy: 0, unhealthy: 0, initial: 0, unused: 0, draining: 0, unavailable: 0}
  for (const s of states) {
    if (s === 'unhealthy.draining') c.draining++
    else if (s && s in c && s !== 'total') c[s as keyof Omit<TargetCounts, 'total'>]++
  }
  return c
}

function overview(ctx: AnalysisContext): Overview {
  const attachedTgs = new Set(ctx.targetGroups.map((t) => t.TargetGroupArn))
  const idle = Number(ctx.lbAttribute('idle_timeout.timeout_seconds'))
  return {
    listeners: ctx.listeners.map((l) => ({port: l.Port, protocol: l.Protocol})),
    targetGroups: ctx.targetGroups.map((t) => ({
      name: t.TargetGroupName ?? shortName(t.TargetGroupArn),
      arn: t.TargetGroupArn ?? '',
      protocol: t.Protocol,
      port: t.Port,
      healthCheck:
        t.HealthCheckEnabled === false
          ? 'disabled'
          : `${t.HealthCheckProtocol ?? 'HTTP'}${t.HealthCheckPath ? ' ' + t.HealthCheckPath : ''} on ${describeHealthCheckPort(t)}, expects ${matcherCodes(t)}`,
      targets: countTargets(ctx.targetHealth(t.TargetGroupArn ?? '').map((d) => d.TargetHealth?.State)),
    })),
    autoScalingGroups: ctx.autoScalingGroups.map((g) => ({
      name: g.AutoScalingGroupName ?? '?',
      min: g.MinSize,
      desired: g.DesiredCapacity,
      max: g.MaxSize,
      inService: (g.Instances ?? []).filter((i) => i.LifecycleState === 'InService').length,
      attached: (g.TargetGroupARNs ?? []).some((a) => attachedTgs.has(a)),
    })),
    ...(Number.isFinite(idle) ? {idleTimeoutSeconds: idle} : {}),
    ...(ctx.snapshot.meta.endpointUrl ? {endpointUrl: ctx.snapshot.meta.endpointUrl} : {}),
  }
}
