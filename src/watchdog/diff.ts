/**
 * What changed since the previous run: the root causes that appeared and those that went away, per ALB. A root
 * cause is identified by account, region, load balancer and the finding's key (rule and resource), so the same
 * cause found again is not news, and a cause on another resource is.
 */
import {atLeast} from '../analyze/report.js'
import type {Severity} from '../rules/types.js'
import type {ScanEntry, ScanReport} from '../scan/types.js'

export interface CauseRecord {
  /** Stable identity across runs. */
  id: string
  account?: string
  region: string
  loadBalancer: string
  loadBalancerArn?: string
  ruleId: string
  severity: Severity
  title: string
  /** The specific statement, with names and numbers. */
  message: string
  /** The command that fixes it when one does (already shell-quoted by the rule), else what to do in words. */
  fix?: string
  /** Every command of a fix of several steps (or alternatives), in order. */
  commands?: string[]
}

export interface CauseDiff {
  opened: CauseRecord[]
  resolved: CauseRecord[]
  /** ALBs that could not be read this time: their causes are neither new nor resolved, only unknown. */
  unknown: string[]
}

function albId(e: Pick<ScanEntry, 'account' | 'region' | 'name' | 'loadBalancerArn'>): string {
  return e.loadBalancerArn ?? `${e.account ?? ''}/${e.region}/${e.name ?? ''}`
}

/** The root causes of one entry at or above `threshold`: from its full report, else its lead cause. */
export function entryCauses(e: ScanEntry, threshold: Severity): CauseRecord[] {
  if (!e.name) return []
  const base = {...(e.account ? {account: e.account} : {}), region: e.region, loadBalancer: e.name, ...(e.loadBalancerArn ? {loadBalancerArn: e.loadBalancerArn} : {})}
  if (e.report) {
    return e.report.rootCauses
      .map((rc) => rc.cause)
      .filter((f) => atLeast(f, threshold))
      .map((f) => {
        const commands = f.remediation.commands ?? []
        const fix = commands.length === 1 ? commands[0] : f.remediation.summary
        return {...base, id: `${albId(e)}#${f.key}`, ruleId: f.ruleId, severity: f.severity, title: f.title, message: f.message, ...(fix ? {fix} : {}), ...(commands.length > 1 ? {commands} : {})}
      })
  }
  if (e.leadCause && atLeast(e.leadCause, threshold)) {
    const c = e.leadCause
    const fix = c.fix ?? c.summary
    return [{...base, id: `${albId(e)}#${c.ruleId}`, ruleId: c.ruleId, severity: c.severity, title: c.title, message: c.title, ...(fix ? {fix} : {}), ...((c.commands?.length ?? 0) > 1 ? {commands: c.commands} : {})}]
  }
  return []
}

export function reportCauses(report: ScanReport | undefined, threshold: Severity): Map<string, CauseRecord> {
  const out = new Map<string, CauseRecord>()
  for (const e of report?.entries ?? []) for (const c of entryCauses(e, threshold)) out.set(c.id, c)
  return out
}

/** Opened and resolved root causes between two runs; the first run (no previous report) opens every cause. */
export function diffCauses(previous: ScanReport | undefined, current: ScanReport, threshold: Severity): CauseDiff {
  const before = reportCauses(previous, threshold)
  const now = reportCauses(current, threshold)
  // An ALB, region or account that could not be read now, or was not scanned at all this run (a target taken off
  // the list), tells nothing about its causes: they are unknown, not resolved.
  const sameScope = (a: {account?: string; region: string}, b: {account?: string; region: string}) =>
    a.region === b.region && (a.account === undefined || b.account === undefined || a.account === b.account)
  const unreadable = new Set(current.entries.filter((e) => e.verdict === 'error' && e.name).map(albId))
  const failedScopes = current.entries.filter((e) => e.verdict === 'error' && !e.name)
  const scanned = current.entries.filter((e) => e.verdict !== 'error')
  const hidden = (c: CauseRecord) =>
    unreadable.has(albId({...c, name: c.loadBalancer})) || failedScopes.some((s) => sameScope(s, c)) || !scanned.some((s) => sameScope(s, c))
  const opened = [...now.values()].filter((c) => !before.has(c.id))
  const gone = [...before.values()].filter((c) => !now.has(c.id))
  const resolved = gone.filter((c) => !hidden(c))
  const unknown = gone.filter(hidden).map((c) => c.id)
  return {opened, resolved, unknown}
}
