/** Scan entries made from the bundled example snapshots, analysed by the real engine: what a scan would return. */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {analyze} from '../../src/analyze/engine.js'
import {validateSnapshot} from '../../src/snapshot/io.js'
import type {Snapshot} from '../../src/snapshot/types.js'
import {SCAN_SCHEMA, SCAN_VERSION} from '../../src/scan/types.js'
import type {ScanEntry, ScanReport} from '../../src/scan/types.js'

export type Example = 'healthy' | 'nginx-missing' | 'sg-missing-alb-rule' | 'asg-not-attached'

export function exampleSnapshot(name: Example): Snapshot {
  return validateSnapshot(JSON.parse(readFileSync(join(import.meta.dirname, '../../examples', `${name}.json`), 'utf8')))
}

/** The entry a scan gives for the example, optionally renamed (so one example can stand for several ALBs). */
export function exampleEntry(name: Example, opts: {rename?: string; region?: string; account?: string; keepSnapshot?: boolean} = {}): ScanEntry {
  const snapshot = exampleSnapshot(name)
  const lb = snapshot.elbv2.LoadBalancers[0]
  if (opts.rename) {
    lb.LoadBalancerName = opts.rename
    lb.LoadBalancerArn = lb.LoadBalancerArn!.replace(/\/app\/[^/]+\//, `/app/${opts.rename}/`)
    snapshot.meta.target.loadBalancerArn = lb.LoadBalancerArn
  }
  const report = analyze(snapshot, {failOn: 'error', notes: []})
  const lead = report.rootCauses[0]?.cause
  const targets = report.overview.targetGroups.reduce((n, tg) => ({healthy: n.healthy + tg.targets.healthy, total: n.total + tg.targets.total}), {healthy: 0, total: 0})
  return {
    region: opts.region ?? snapshot.meta.region,
    account: opts.account ?? snapshot.meta.accountId,
    name: lb.LoadBalancerName,
    loadBalancerArn: lb.LoadBalancerArn,
    verdict: report.status,
    targets,
    ...(lead ? {leadCause: {ruleId: lead.ruleId, title: lead.title, severity: lead.severity, ...(lead.remediation.commands?.[0] ? {fix: lead.remediation.commands[0]} : {})}} : {}),
    report,
    ...(opts.keepSnapshot ? {snapshot} : {}),
  }
}

export function scanReport(entries: ScanEntry[], at = '2026-11-29T12:00:00.000Z'): ScanReport {
  const byVerdict = {problems: 0, incomplete: 0, healthy: 0, error: 0}
  for (const e of entries) byVerdict[e.verdict]++
  return {schema: SCAN_SCHEMA, version: SCAN_VERSION, scannedAt: at, entries, summary: {loadBalancers: entries.filter((e) => e.name).length, byVerdict, calls: 12, ms: 800}}
}
