/**
 * One fleet report from the parts of a run: each account-region's ScanReport, and a line of its own for an
 * account-region whose run failed outright, so the merged report says what it could not see.
 */
import {SCAN_SCHEMA, SCAN_VERSION} from '../scan/types.js'
import type {ScanEntry, ScanReport, ScanVerdict} from '../scan/types.js'
import type {WatchTarget} from './types.js'

/** Worst first: problems, then what could not be read at all, then partial results, then healthy. */
const VERDICT_ORDER: readonly ScanVerdict[] = ['problems', 'error', 'incomplete', 'healthy']

export function countVerdicts(entries: readonly Pick<ScanEntry, 'verdict'>[]): Record<ScanVerdict, number> {
  const out: Record<ScanVerdict, number> = {problems: 0, incomplete: 0, healthy: 0, error: 0}
  for (const e of entries) out[e.verdict]++
  return out
}

/** The account a target names, or the one in its role ARN. */
export function targetAccount(target: WatchTarget): string | undefined {
  return target.account ?? target.roleArn?.split(':')[4] ?? undefined
}

/** The entry that stands for a target nothing could be read from. */
export function errorEntry(target: WatchTarget, error: string): ScanEntry {
  const account = targetAccount(target)
  return {region: target.region, ...(account ? {account} : {}), verdict: 'error', error}
}

/** A ScanReport of a single error entry, for a target whose scan threw. */
export function errorReport(target: WatchTarget, error: string, scannedAt: Date): ScanReport {
  return mergeReports([{entries: [errorEntry(target, error)], summary: {calls: 0, ms: 0}}], scannedAt)
}

export function mergeReports(parts: readonly {entries: readonly ScanEntry[]; summary: {calls: number; ms: number}}[], scannedAt: Date): ScanReport {
  const entries = parts
    .flatMap((p) => p.entries)
    .map((e, i) => ({e, i}))
    .sort((a, b) => VERDICT_ORDER.indexOf(a.e.verdict) - VERDICT_ORDER.indexOf(b.e.verdict) || a.i - b.i)
    .map(({e}) => e)
  return {
    schema: SCAN_SCHEMA,
    version: SCAN_VERSION,
    scannedAt: scannedAt.toISOString(),
    entries,
    summary: {
      loadBalancers: entries.filter((e) => e.name !== undefined).length,
      byVerdict: countVerdicts(entries),
      calls: parts.reduce((n, p) => n + p.summary.calls, 0),
      // The parts ran side by side: the run took as long as its slowest part.
      ms: parts.reduce((n, p) => Math.max(n, p.summary.ms), 0),
    },
  }
}
