/**
 * Runs the rules over a snapshot and turns their findings into a report (./report.ts) that leads with root causes
 * (./root-causes.ts). One check that cannot run, for whatever reason, never stops the others.
 * Pure: no I/O, no clock (the snapshot carries its own time).
 */
import {AnalysisContext, shortName} from './context.js'
import type {Placement} from './context.js'
import {overview} from './overview.js'
import {REPORT_SCHEMA, REPORT_VERSION, compareFindings, reportStatus, summarise} from './report.js'
import type {Report} from './report.js'
import {dedupeKeys, linkRootCauses} from './root-causes.js'
import {allRules} from '../rules/index.js'
import {catalogue as projectCatalogue} from '../rules/catalogue/index.js'
import type {CheckResult, Finding, Rule, RuleMeta, Severity} from '../rules/types.js'
import type {Snapshot} from '../snapshot/types.js'
import {analyzeHistory} from '../history/analyze.js'
import {reportHistory} from '../history/timeline.js'
import {DIAGNOSE_HISTORY, DIAGNOSE_READ} from '../lib/permissions.js'

// The report model and the root-cause linking used to live here; importers of this module keep working.
export {REPORT_SCHEMA, REPORT_VERSION} from './report.js'
export type {Overview, Report, ReportStatus, RootCause, TargetCounts} from './report.js'
export {linkRootCauses} from './root-causes.js'
export {countTargets} from './overview.js'

export interface AnalyzeOptions {
  rules?: readonly Rule<string>[]
  /** Rule metadata by id; the project's catalogue unless a test brings its own. */
  catalogue?: ReadonlyMap<string, RuleMeta>
  /** Findings at or above this severity make the report's status `problems`. Default `error`. */
  failOn?: Severity
  notes?: string[]
  /** The --profile and --endpoint-url the user gave: remediation commands carry them. */
  placement?: Placement
  /**
   * Judge the snapshot's evidence over time and add it to the report, when it has some (default true). false
   * (--no-history): the analysis is that of the same snapshot without its history section.
   */
  history?: boolean
}

/** The APIs only the history collection calls: their failures go with its section. */
const HISTORY_ONLY_APIS: ReadonlySet<string> = new Set(DIAGNOSE_HISTORY.flatMap((p) => p.actions).filter((a) => !DIAGNOSE_READ.some((p) => (p.actions as readonly string[]).includes(a))))

/** The snapshot as `--no-history` sees it: no history section, and none of its failed calls. */
export function withoutHistory(snapshot: Snapshot): Snapshot {
  if (!snapshot.history) return snapshot
  const {history: _history, ...rest} = snapshot
  return {...rest, errors: snapshot.errors.filter((e) => !HISTORY_ONLY_APIS.has(e.api))}
}

export function analyze(input: Snapshot, options: AnalyzeOptions = {}): Report {
  const snapshot = options.history === false ? withoutHistory(input) : input
  const metas = options.catalogue ?? projectCatalogue
  const ctx = new AnalysisContext<string>(snapshot, metas, options.placement)
  const findings: Finding[] = []
  const checks: CheckResult[] = []
  for (const rule of options.rules ?? allRules) {
    const outcome = runRule(rule, metas.get(rule.id), ctx)
    checks.push(outcome.check)
    findings.push(...outcome.findings)
  }

  const ordered = dedupeKeys(findings).sort(compareFindings)
  const summary = summarise(ordered, checks)
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
    status: reportStatus(ordered, summary, options.failOn ?? 'error'),
    summary,
    rootCauses: linkRootCauses(ordered),
    findings: ordered,
    checks,
    notes: options.notes ?? [],
    ...(snapshot.history ? {history: reportHistory(snapshot.history, analyzeHistory(snapshot.history), snapshot.errors)} : {}),
  }
}

/**
 * One rule, one check line. It could not check when its catalogue entry is missing (a bug, named so it gets
 * fixed), when an API call it needs failed while collecting, or when it throws; otherwise it passes, fails with
 * its findings, or does not apply.
 */
function runRule(rule: Rule<string>, meta: RuleMeta | undefined, ctx: AnalysisContext<string>): {check: CheckResult; findings: Finding[]} {
  const couldNotCheck = (title: string, reason: string) => ({
    check: {ruleId: rule.id, title, status: 'could-not-check' as const, reason, findings: 0},
    findings: [],
  })
  if (!meta) return couldNotCheck(rule.id, 'internal error in this check: it has no entry in the rule catalogue (src/rules/catalogue/)')

  const blocked = meta.requires.map((api) => ctx.failure(api)).find((e) => e !== undefined)
  if (blocked) {
    return couldNotCheck(
      meta.title,
      blocked.accessDenied ? `${blocked.api} was denied (needs IAM permission ${blocked.api})` : `${blocked.api} failed: ${blocked.code}: ${blocked.message}`,
    )
  }

  let outcome
  try {
    outcome = rule.check(ctx)
  } catch (error) {
    // A bug in one rule must not hide what the others found.
    return couldNotCheck(meta.title, `internal error in this check: ${(error as Error).message}`)
  }
  if (!Array.isArray(outcome)) {
    const [status, reason] = 'couldNotCheck' in outcome ? (['could-not-check', outcome.couldNotCheck] as const) : (['not-applicable', outcome.notApplicable] as const)
    return {check: {ruleId: rule.id, title: meta.title, status, reason, findings: 0}, findings: []}
  }
  return {check: {ruleId: rule.id, title: meta.title, status: outcome.length > 0 ? 'fail' : 'pass', findings: outcome.length}, findings: outcome}
}
