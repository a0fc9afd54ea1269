/**
 * What the human views (text, markdown) show and in which order, decided once so that they carry the same content:
 * the deployment at a glance, the headline, the root causes that account for problems (numbered, with what they
 * explain), the other findings, the timeline of the evidence over time, what could not be checked, every check
 * (verbose), the tally and the notes.
 */
import {atLeast, headline} from '../analyze/report.js'
import type {Headline, Report, RootCause} from '../analyze/report.js'
import type {CheckResult, Finding, Severity} from '../rules/types.js'
import {reportTimeline} from '../history/timeline.js'
import type {TimelineData} from '../history/timeline.js'

export const ICON: Record<Severity, string> = {critical: '✖', error: '✖', warning: '▲', info: 'ℹ'}
export const HEADLINE_ICON: Record<Headline['tone'], string> = {ok: '✔', attention: '▲', problem: '✖'}
export const CHECK_ICON: Record<CheckResult['status'], string> = {pass: '✔', fail: '✖', 'not-applicable': '–', 'could-not-check': '?'}

/** Evidence lines shown per finding unless verbose. */
export const MAX_EVIDENCE = 6

export interface View {
  headline: Headline
  /** Root causes listed in full and numbered: those that explain something, and errors on their own. */
  numbered: RootCause[]
  /** Findings that explain nothing and are below error: listed briefly, after the root causes. */
  others: Finding[]
  /** Checks that could not run, with the reason. */
  blocked: CheckResult[]
  /** The evidence over time, shown after the findings and before what could not be checked; absent: nothing shown. */
  timeline?: TimelineData
}

export function view(report: Report): View {
  const numbered = report.rootCauses.filter((r) => r.symptoms.length > 0 || atLeast(r.cause, 'error'))
  return {
    headline: headline(report),
    numbered,
    others: report.rootCauses.filter((r) => !numbered.includes(r)).map((r) => r.cause),
    blocked: report.checks.filter((c) => c.status === 'could-not-check'),
    ...(report.history ? {timeline: reportTimeline(report.history)} : {}),
  }
}

/** The evidence lines to show, and how many are left out (the verbose view shows them all). */
export function evidenceShown(f: Finding, verbose: boolean | undefined): {lines: string[]; more: number} {
  const lines = verbose ? f.evidence : f.evidence.slice(0, MAX_EVIDENCE)
  return {lines, more: f.evidence.length - lines.length}
}

export type TargetGroupOverview = Report['overview']['targetGroups'][number]

/** `0/3 healthy, 3 unhealthy`, and whether every target is healthy. */
export function targetHealth(tg: TargetGroupOverview): {text: string; allHealthy: boolean} {
  const n = tg.targets
  if (n.total === 0) return {text: 'no targets', allHealthy: false}
  const parts = [`${n.healthy}/${n.total} healthy`]
  for (const k of ['unhealthy', 'initial', 'unused', 'draining', 'unavailable'] as const) if (n[k]) parts.push(`${n[k]} ${k}`)
  return {text: parts.join(', '), allHealthy: n.healthy === n.total}
}

export const describeTarget = (report: Report) => {
  const t = report.target
  return `${t.scheme ?? 'application'} ALB, ${t.region}${t.accountId ? `, account ${t.accountId}` : ''}`
}

export const describeAsg = (g: Report['overview']['autoScalingGroups'][number]) =>
  `${g.name}: ${g.inService} in service, desired ${g.desired} (min ${g.min}, max ${g.max})`

export function tally(report: Report): string {
  const s = report.summary.checks
  return `${s.pass} passed · ${s.fail} failed · ${s['not-applicable']} not applicable · ${s['could-not-check']} could not check`
}
