/**
 * The report model: what `diagnose` returns (the `--json` payload, docs/report.md) and what the text and markdown
 * renderers draw from. The engine (./engine.ts) builds it; this module holds its shape and the judgements every
 * view shares: the order of findings, the summary counts, the status behind the exit code, and the headline.
 * Pure: no I/O.
 */
import {SEVERITIES} from '../rules/types.js'
import type {CheckResult, Finding, Severity} from '../rules/types.js'
import type {HistoryAnalysis} from '../history/analyze.js'
import type {TimelineData} from '../history/timeline.js'

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
  /** problems: a finding at or above the --fail-on threshold; else incomplete when some check could not run; else healthy. */
  status: ReportStatus
  summary: ReportSummary
  /** Root causes, most important first, each with the symptoms it explains. */
  rootCauses: RootCause[]
  /** Every finding, flat, most severe first. */
  findings: Finding[]
  /** One line per rule: did it pass, fail, not apply, or could it not run. */
  checks: CheckResult[]
  /** Remarks about the run itself (e.g. a probe that was skipped). */
  notes: string[]
  /** The evidence over a window of time, when it was collected (absent with --no-history and in older snapshots). */
  history?: ReportHistory
}

/** The evidence over time: when the errors began, their shape, what changed before, and the timeline of it all. */
export interface ReportHistory {
  window: {start: string; end: string}
  /** One sentence: when the errors began, their shape, the nearest change before the onset and who made it. */
  summary: string
  analysis: HistoryAnalysis
  /** The timeline's data, resampled to `columns` columns of `columnSeconds` (the text and markdown views draw it). */
  timeline: Omit<TimelineData, 'window' | 'analysis'>
  /** Why a source is missing (logs off, nothing in the window), one sentence each. */
  notes: string[]
  /** Sources whose calls failed while collecting: the timeline lacks what they would have shown. */
  unavailable: {api: string; reason: string; missing: string}[]
}

export interface ReportSummary {
  findings: Record<Severity, number>
  checks: Record<CheckResult['status'], number>
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

// ---- order ---------------------------------------------------------------------------------------------------

export const severityRank = (s: Severity) => SEVERITIES.indexOf(s)
const confidenceRank = {certain: 0, likely: 1, possible: 2} as const

/** Is a finding at or above a severity (e.g. the --fail-on threshold)? */
export const atLeast = (f: Pick<Finding, 'severity'>, threshold: Severity) => severityRank(f.severity) <= severityRank(threshold)

/** Report order: most severe first, then the surer, then by key (stable across runs). */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(a.severity) - severityRank(b.severity) ||
    confidenceRank[a.confidence] - confidenceRank[b.confidence] ||
    a.key.localeCompare(b.key)
  )
}

// ---- summary and status --------------------------------------------------------------------------------------

export function summarise(findings: readonly Finding[], checks: readonly CheckResult[]): ReportSummary {
  const count = (status: CheckResult['status']) => checks.filter((c) => c.status === status).length
  return {
    findings: Object.fromEntries(SEVERITIES.map((s) => [s, findings.filter((f) => f.severity === s).length])) as Record<Severity, number>,
    checks: {pass: count('pass'), fail: count('fail'), 'not-applicable': count('not-applicable'), 'could-not-check': count('could-not-check')},
  }
}

/**
 * The status behind the exit code (0 healthy, 1 problems, 4 incomplete): problems when a finding is at or above
 * `failOn`; otherwise incomplete when a check could not run; otherwise healthy. Below-threshold findings leave the
 * exit code alone but still show in the headline (see `headline`).
 */
export function reportStatus(findings: readonly Finding[], summary: ReportSummary, failOn: Severity): ReportStatus {
  if (findings.some((f) => atLeast(f, failOn))) return 'problems'
  return summary.checks['could-not-check'] > 0 ? 'incomplete' : 'healthy'
}

// ---- headline ------------------------------------------------------------------------------------------------

/** problem: an error or worse was found; attention: warnings, or checks that could not run; ok: neither. */
export type HeadlineTone = 'ok' | 'attention' | 'problem'

export interface Headline {
  tone: HeadlineTone
  /** One sentence, without icon or colour; each renderer decorates it its own way. */
  text: string
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

/**
 * The one-sentence verdict that opens every human view. It is derived from the findings and the checks alone,
 * never from which rule found what nor from --fail-on, so it can never contradict the findings listed under it:
 * any error or critical finding makes it a problem, any warning keeps it from saying "no problem" or "healthy".
 * A new check whose finding means users get errors (5xx) only has to report at error severity or above to turn
 * the headline (and, with the default --fail-on, the exit code) to a problem; nothing here needs to change.
 */
export function headline(report: Pick<Report, 'findings' | 'rootCauses' | 'summary'>): Headline {
  const errors = report.findings.filter((f) => atLeast(f, 'error')).length
  const warnings = report.summary.findings.warning
  const remarks = report.summary.findings.info
  const blocked = report.summary.checks['could-not-check']
  const couldNotRun = `${plural(blocked, 'check')} could not run`
  const remarksBelow = remarks > 0 ? `; ${plural(remarks, 'remark')} below` : ''

  if (errors > 0) {
    // The root causes that account for the problems: an error cause, or any cause with an error among its symptoms.
    const causes = report.rootCauses.filter((r) => [r.cause, ...r.symptoms].some((f) => atLeast(f, 'error'))).length
    const extra = [warnings > 0 ? plural(warnings, 'warning') : '', blocked > 0 ? couldNotRun : ''].filter(Boolean)
    return {tone: 'problem', text: `${plural(errors, 'problem')} found, explained by ${plural(causes, 'root cause')}${extra.length ? `; also ${extra.join(', and ')}` : ''}.`}
  }
  if (warnings > 0) {
    return {tone: 'attention', text: `No error found, but ${plural(warnings, 'warning')} to look at${blocked > 0 ? `, and ${couldNotRun}` : ''}${remarksBelow}.`}
  }
  if (blocked > 0) {
    return {tone: 'attention', text: `No problem found in what could be checked, but ${couldNotRun} (see below)${remarksBelow}.`}
  }
  // An info finding fails its check too, so "every check passed" is only said when there is none.
  return {tone: 'ok', text: remarks > 0 ? `No problem found; ${plural(remarks, 'remark')} below.` : 'Healthy: every check that applies passed.'}
}
