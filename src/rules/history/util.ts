/**
 * Helpers shared by the history rules (and the on-instance keep-alive rule, which joins them): the history view or
 * why there is none, times and shapes in words, the 5xx counts by code, and the access log's keep-alive pattern.
 * Pure, no I/O.
 */
import type {AnalysisContext} from '../../analyze/context.js'
import type {RuleOutcome} from '../types.js'
import type {HistoryPart, HistoryView} from '../../analyze/history-view.js'
import type {ShapeResult} from '../../history/analyze.js'
import {parseAccessLogLine} from '../../history/access-log.js'
import type {AccessLogEntry} from '../../history/access-log.js'
import {cmd} from '../../lib/shell.js'
import {sendCommand} from '../instance/util.js'

export const NO_HISTORY = 'the snapshot holds no evidence over time (collected with --no-history, or before asg-doctor collected it)'

/** The history view, or why the rule does not apply. */
export function historyOf(ctx: AnalysisContext): HistoryView | {notApplicable: string} {
  return ctx.history ?? {notApplicable: NO_HISTORY}
}

/**
 * Among parts a rule could read, the outcome when none is usable: could not check when a call for one of them
 * failed (naming it), else not applicable. undefined when one is usable.
 */
export function missingParts(h: HistoryView, parts: {part: HistoryPart; usable: boolean}[], notApplicable: string): {couldNotCheck: string} | {notApplicable: string} | undefined {
  if (parts.some((p) => p.usable)) return undefined
  const failed = parts.map((p) => h.unavailable(p.part)).find((r) => r !== undefined)
  return failed ? {couldNotCheck: failed} : {notApplicable}
}

/** `2026-11-29 18:07 UTC`. */
export function at(iso: string): string {
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

/** `18:07`: the time of day (UTC) an interval of the error signal starts. */
export function clock(h: HistoryView, index: number): string {
  return new Date(Date.parse(h.section.window.start) + index * h.stepSeconds * 1000).toISOString().slice(11, 16)
}

/** `90 s`, `12 min`, `2 h 5 min`. */
export function duration(seconds: number): string {
  const s = Math.abs(Math.round(seconds))
  if (s < 120) return `${s} s`
  const m = Math.round(s / 60)
  return m < 120 ? `${m} min` : `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ''}`
}

export function shapeText(s: ShapeResult): string {
  switch (s.shape) {
    case 'steady':
      return 'steadily'
    case 'periodic':
      return `in bursts every ${duration(s.periodSeconds ?? 0)}`
    case 'bursts':
      return `in ${s.bursts.length} bursts`
    case 'single-burst':
      return 'in a single burst'
    default:
      return 'sporadically'
  }
}

/** When the errors began, in words: at the onset, or before the window. */
export function onsetText(h: HistoryView): string | undefined {
  const o = h.analysis.onset
  if (!o) return undefined
  return o.beforeWindow ? `were already there when the window opened (${at(h.section.window.start)})` : `began at ${at(o.time)}`
}

export interface FiveXxCounts {
  /** By status code, the load balancer's and the targets' (the targets' under `target 5xx`). */
  byCode: Record<string, number>
  elb: number
  target: number
  total: number
  requests?: number
  source: 'CloudWatch' | 'access logs'
}

/**
 * The window's 5xx by code: CloudWatch's per-code counts when it has data points (5XX minus 502+503+504 is the
 * load balancer's other codes), else the access logs'.
 */
export function fiveXxCounts(h: HistoryView): FiveXxCounts | undefined {
  const m = (name: string) => h.lbMetric(name)
  const elb5xx = m('HTTPCode_ELB_5XX_Count')
  const codes = ['502', '503', '504'].map((c) => [c, h.total(m(`HTTPCode_ELB_${c}_Count`))] as const)
  const target = h.total(m('HTTPCode_Target_5XX_Count'))
  const hasMetrics = [elb5xx, m('HTTPCode_Target_5XX_Count'), ...['502', '503', '504'].map((c) => m(`HTTPCode_ELB_${c}_Count`))].some(Boolean)
  if (hasMetrics) {
    const byCodes = codes.reduce((a, [, n]) => a + n, 0)
    const elb = Math.max(h.total(elb5xx), byCodes)
    const byCode: Record<string, number> = {}
    for (const [c, n] of codes) if (n > 0) byCode[c] = n
    if (elb > byCodes) byCode['other (500, 501, 505, 561...)'] = elb - byCodes
    if (target > 0) byCode['target 5xx'] = target
    const requests = h.lbMetric('RequestCount')
    return {byCode, elb, target, total: elb + target, ...(requests ? {requests: h.total(requests)} : {}), source: 'CloudWatch'}
  }
  const a = h.accessLogs
  if (!a) return undefined
  const targetCount = a.byCause['target-returned-5xx'] ?? 0
  const byCode: Record<string, number> = {}
  for (const [code, n] of Object.entries(a.byElbStatus)) byCode[code] = n
  return {byCode, elb: a.errors5xx - targetCount, target: targetCount, total: a.errors5xx, requests: a.requests, source: 'access logs'}
}

export const countsText = (c: FiveXxCounts): string =>
  Object.entries(c.byCode)
    .map(([code, n]) => `${code}: ${n}`)
    .join(', ')

// ---------------------------------------------------------------- the keep-alive pattern

export interface KeepaliveEvidence {
  /** 502s with no response from the target (access log cause `target-connection-error`). */
  closed502: number
  /** Their sample entries, as parsed. */
  samples: AccessLogEntry[]
  /** TargetConnectionErrorCount over the window, when CloudWatch has it. */
  connectionErrors?: number
  /** ELB 502s over the window from CloudWatch, when the logs are not there. */
  metric502?: number
  source: 'access logs' | 'CloudWatch'
}

/** A 502 the target closed: no status from it. */
export const isClosed502 = (e: AccessLogEntry): boolean => e.elbStatusCode === 502 && e.targetStatusCode === undefined

/**
 * The keep-alive pattern: 502s without a response from the target, while the connections to the targets were made
 * (TargetConnectionErrorCount stays under half of them: a refused or unreachable target raises it, a kept-alive
 * connection closed by the target does not) and the targets passed their health checks (under 10% failed, when
 * the health-check logs were read). From the access logs when they were read; else, weaker, CloudWatch's 502s with
 * no connection errors.
 */
export function keepaliveEvidence(h: HistoryView): KeepaliveEvidence | undefined {
  const connectionErrors = h.lbCount('TargetConnectionErrorCount')
  // Targets failing their health checks refuse or drop connections too: that is not a kept-alive connection closed.
  const hc = h.healthCheckLogs
  if (hc && hc.checks > 0 && hc.failures / hc.checks >= 0.1) return undefined
  const a = h.accessLogs
  if (a) {
    const closed502 = a.byCause['target-connection-error'] ?? 0
    if (closed502 < 2 || (connectionErrors ?? 0) * 2 >= closed502) return undefined
    const samples = sampledEntries(h, isClosed502)
    return {closed502, samples, ...(connectionErrors !== undefined ? {connectionErrors} : {}), source: 'access logs'}
  }
  const m502 = h.lbMetric('HTTPCode_ELB_502_Count')
  const n = h.total(m502)
  if (!m502 || n < 2 || connectionErrors === undefined || connectionErrors * 2 >= n) return undefined
  return {closed502: 0, samples: [], connectionErrors, metric502: n, source: 'CloudWatch'}
}

/** The sampled 5xx lines of the access logs that `keep` accepts, parsed. */
export function sampledEntries(h: HistoryView, keep: (e: AccessLogEntry) => boolean): AccessLogEntry[] {
  return (h.accessLogs?.sample ?? []).map(parseAccessLogLine).filter((e): e is AccessLogEntry => e !== undefined && keep(e))
}

/** A sampled entry in a few words: when, which target, the processing times and the two status codes. */
export const entryText = (e: AccessLogEntry): string =>
  `${new Date(e.time).toISOString().slice(11, 19)} ${e.target}: processing times ${e.requestProcessingTime} ${e.targetProcessingTime} ${e.responseProcessingTime}, elb_status_code ${e.elbStatusCode ?? '-'}, target_status_code ${e.targetStatusCode ?? '-'}`

// ---------------------------------------------------------------- commands

/** A shell on the instance through Session Manager. */
export const sessionCommand = (ctx: AnalysisContext, instanceId: string): string => cmd`aws ssm start-session --target ${instanceId} ${ctx.regionFlag}`

/** The application's recent errors from the instances, through SSM: the journal and nginx's error log. */
export function instanceLogsCommand(ctx: AnalysisContext, instanceIds: string[], sinceIso: string): string {
  const since = `${new Date(sinceIso).toISOString().slice(0, 19).replace('T', ' ')} UTC`
  return sendCommand(ctx, instanceIds, [`journalctl --since '${since}' --no-pager -p warning | tail -n 200`, 'tail -n 200 /var/log/nginx/error.log'])
}

// ---------------------------------------------------------------- log sources that are off

const LOGS = {
  access: {
    base: 'access_logs.s3',
    other: 'health_check_logs.s3',
    name: 'access logs',
    shows: 'which target served each 5xx, and whether it closed the connection (keep-alive), timed out or answered the 5xx itself',
  },
  'health-check': {
    base: 'health_check_logs.s3',
    other: 'access_logs.s3',
    name: 'health-check logs',
    shows: 'every failed health check with its target and reason (refused, reset, timed out, the wrong status code), and the targets that flap',
  },
} as const

/**
 * An info finding when the load balancer's access or health-check logs are off: what they would have shown, and the
 * command that turns them on (into the other log's bucket when that one is on, else a bucket named for the account
 * and Region, which must exist with the log-delivery policy).
 */
export function logsOffFinding(ctx: AnalysisContext, id: 'access-logs-off' | 'health-check-logs-off', kind: keyof typeof LOGS): RuleOutcome {
  const h = historyOf(ctx)
  if (!('analysis' in h)) return h
  const l = LOGS[kind]
  if (ctx.lbAttribute(`${l.base}.enabled`) === 'true') return []
  const lb = ctx.lb.LoadBalancerArn ?? ''
  const account = ctx.snapshot.meta.accountId ?? lb.split(':')[4] ?? 'account'
  const otherBucket = ctx.lbAttribute(`${l.other}.enabled`) === 'true' ? ctx.lbAttribute(`${l.other}.bucket`) : undefined
  const bucket = otherBucket || `elb-logs-${account}-${ctx.snapshot.meta.region}`
  const errors = h.analysis.totalErrors
  return [
    ctx.finding(id, {
      message: `${ctx.lbName} has its ${l.name} off (${l.base}.enabled is not true): they would have shown ${l.shows}${errors ? `, for the ${errors} 5xx of this window` : ''}`,
      resources: [lb],
      evidence: [`${l.base}.enabled = ${ctx.lbAttribute(`${l.base}.enabled`) ?? 'not set'}`],
      remediation: {
        summary: `Turn the ${l.name} on. They are delivered to an S3 bucket in the load balancer's Region whose bucket policy lets Elastic Load Balancing's log delivery write to it (the Region's ELB account, or logdelivery.elasticloadbalancing.amazonaws.com in Regions opened since August 2022): ${otherBucket ? `the bucket the other logs already use, ${bucket}` : `here ${bucket}, to create with that policy first`}. Reading them needs s3:ListBucket and s3:GetObject on it.`,
        commands: [
          cmd`aws elbv2 modify-load-balancer-attributes --load-balancer-arn ${lb} --attributes ${`Key=${l.base}.enabled,Value=true`} ${`Key=${l.base}.bucket,Value=${bucket}`} ${`Key=${l.base}.prefix,Value=${ctx.lbName}`} ${ctx.regionFlag}`,
        ],
      },
    }),
  ]
}
