/**
 * Application Load Balancer health-check logs (optional, delivered to S3 beside the access logs, keys starting with
 * `health_check_log_`): one line per health check with the check's type, time, latency, the target's `ip:port`, the
 * target group, the status, the HTTP status code it got and a reason code when it failed.
 *
 * The format is newer and less settled than the access log's, so the fields after the type and time are recognised
 * by their shape (an `ip:port`, a `targetgroup/...` id, a PASS/FAIL word, a three-digit code after it, a decimal
 * latency) rather than by a fixed position. A line without a type, a time, a target and a status is counted as bad
 * and skipped, never fatal.
 */
import type {HealthCheckLogSummary, HealthCheckReason, HealthCheckTarget, HealthTransition, LogSource} from '../snapshot/history-types.js'
import type {Window} from './common.js'
import {BoundedCounter, BoundedList, WindowedLogSummariser, sortedCounts} from './common.js'
import {splitLogLine} from './access-log.js'

export interface HealthCheckEntry {
  type: string
  time: number
  target: string
  targetGroup?: string
  status: 'pass' | 'fail'
  statusCode?: string
  latencySeconds?: number
  reasonCode?: string
}

const PASS = /^(pass|passed|success|succeeded|healthy)$/i
const FAIL = /^(fail|failed|failure|unhealthy)$/i
const ADDRESS = /^(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-f:]+\]):\d{1,5}$/i

export function parseHealthCheckLine(line: string): HealthCheckEntry | undefined {
  const text = line.replace(/\r$/, '')
  if (!text.trim()) return undefined
  const f = splitLogLine(text)
  if (!f || f.length < 4) return undefined
  if (!/^[a-z][a-z0-9]*$/i.test(f[0])) return undefined
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(f[1])) return undefined
  const time = Date.parse(f[1])
  if (Number.isNaN(time)) return undefined
  const rest = f.slice(2)
  const statusAt = rest.findIndex((t) => PASS.test(t) || FAIL.test(t))
  const target = rest.find((t) => ADDRESS.test(t)) ?? rest.find((t) => t.startsWith('arn:') && t.includes(':lambda:'))
  if (statusAt < 0 || !target) return undefined
  const status = PASS.test(rest[statusAt]) ? 'pass' : 'fail'
  const targetGroup = rest.find((t) => /(^|:)targetgroup\//.test(t))
  const after = rest.slice(statusAt + 1)
  const codeAt = after.findIndex((t) => /^\d{3}$/.test(t))
  const statusCode = codeAt >= 0 ? after[codeAt] : undefined
  const reason = after.filter((t, k) => k !== codeAt && t !== '-' && !/^-?\d+(\.\d+)?m?s?$/.test(t) && t !== target && t !== targetGroup).pop()
  const latencyToken = rest.slice(0, statusAt).find((t) => /^-?\d+\.\d+$/.test(t) || /^\d+(\.\d+)?m?s$/.test(t))
  const latencySeconds = latencyToken === undefined ? undefined : /ms$/.test(latencyToken) ? parseFloat(latencyToken) / 1000 : parseFloat(latencyToken)
  return {
    type: f[0],
    time,
    target,
    ...(targetGroup ? {targetGroup} : {}),
    status,
    ...(statusCode ? {statusCode} : {}),
    ...(latencySeconds !== undefined && !Number.isNaN(latencySeconds) ? {latencySeconds} : {}),
    ...(reason ? {reasonCode: reason} : {}),
  }
}

/** The documented failure kinds: refused, reset, timed out, or an answer with a code outside the matcher. */
export function classifyHealthFailure(e: Pick<HealthCheckEntry, 'reasonCode' | 'statusCode'>): HealthCheckReason {
  const r = (e.reasonCode ?? '').toLowerCase().replace(/[^a-z]/g, '')
  if (r.includes('refused')) return 'connection-refused'
  if (r.includes('reset')) return 'connection-reset'
  if (r.includes('timeout') || r.includes('timedout')) return 'timeout'
  if (r.includes('mismatch') || r.includes('responsecode') || r.includes('statuscode')) return 'response-code-mismatch'
  if (!r && e.statusCode) return 'response-code-mismatch'
  return 'other'
}

export const HEALTH_REASON_EXPLANATIONS: Record<HealthCheckReason, string> = {
  'connection-refused': 'the target refused the connection: nothing listens on the health-check port',
  'connection-reset': 'the target reset the connection before answering',
  timeout: 'no connection or no answer within the health-check timeout: a security group or NACL drops it, or the application is too slow',
  'response-code-mismatch': 'the health-check path answered, with a status code outside the matcher',
  other: 'another failure: see the raw reason code',
}

export interface HealthSummariserOptions {
  window: Window
  bucketSeconds: number
  sampleLines?: number
  /** Targets tracked by name; checks of further targets count in the totals only. */
  maxTargets?: number
  /** Observations kept per target for its transitions (the latest are kept when there are more). */
  maxObservations?: number
  /** Transitions reported per target (the latest). */
  maxTransitions?: number
}

interface TargetAcc {
  target: string
  targetGroup?: string
  checks: number
  failures: number
  byReason: Map<HealthCheckReason, number>
  reasonCodes: BoundedCounter
  statusCodes: BoundedCounter
  first: number
  last: number
  obs: {t: number; pass: boolean; reason?: string; code?: string}[]
}

type HealthBucket = {start: string; checks: number; failures: number}

export class HealthCheckLogSummariser extends WindowedLogSummariser<HealthCheckEntry, HealthBucket> {
  private checks = 0
  private failures = 0
  private readonly byReason = new Map<HealthCheckReason, number>()
  private readonly targets = new Map<string, TargetAcc>()
  private readonly sample: BoundedList<string>

  constructor(private readonly options: HealthSummariserOptions) {
    super(options.window, options.bucketSeconds, (start) => ({start, checks: 0, failures: 0}))
    this.sample = new BoundedList(options.sampleLines ?? 20)
  }

  protected parse(line: string): HealthCheckEntry | undefined {
    return parseHealthCheckLine(line)
  }

  protected accept(e: HealthCheckEntry, bucket: HealthBucket, line: string): void {
    this.checks++
    bucket.checks++
    const failed = e.status === 'fail'
    let reason: HealthCheckReason | undefined
    if (failed) {
      this.failures++
      bucket.failures++
      reason = classifyHealthFailure(e)
      this.byReason.set(reason, (this.byReason.get(reason) ?? 0) + 1)
      this.sample.push(line.slice(0, this.maxLineChars))
    }
    const acc = this.target(e)
    if (!acc) return
    acc.checks++
    acc.first = Math.min(acc.first, e.time)
    acc.last = Math.max(acc.last, e.time)
    if (failed && reason) {
      acc.failures++
      acc.byReason.set(reason, (acc.byReason.get(reason) ?? 0) + 1)
      if (e.reasonCode) acc.reasonCodes.add(e.reasonCode)
      if (e.statusCode) acc.statusCodes.add(e.statusCode)
    }
    acc.obs.push({t: e.time, pass: !failed, ...(e.reasonCode ? {reason: e.reasonCode} : {}), ...(e.statusCode ? {code: e.statusCode} : {})})
    const max = this.options.maxObservations ?? 5000
    if (acc.obs.length > max * 2) {
      // Files arrive newest first and in parallel: keep the latest observations.
      acc.obs.sort((a, b) => a.t - b.t)
      acc.obs.splice(0, acc.obs.length - max)
    }
  }

  private target(e: HealthCheckEntry): TargetAcc | undefined {
    const key = e.target
    let acc = this.targets.get(key)
    if (!acc) {
      if (this.targets.size >= (this.options.maxTargets ?? 200)) return undefined
      acc = {target: key, targetGroup: e.targetGroup, checks: 0, failures: 0, byReason: new Map(), reasonCodes: new BoundedCounter(20), statusCodes: new BoundedCounter(20), first: Infinity, last: -Infinity, obs: []}
      this.targets.set(key, acc)
    }
    return acc
  }

  result(source: LogSource): HealthCheckLogSummary {
    const maxTransitions = this.options.maxTransitions ?? 50
    const targets: HealthCheckTarget[] = [...this.targets.values()]
      .sort((a, b) => b.failures - a.failures || (a.target < b.target ? -1 : 1))
      .map((acc) => {
        const obs = [...acc.obs].sort((a, b) => a.t - b.t)
        const transitions: HealthTransition[] = []
        let prev: boolean | undefined
        for (const o of obs) {
          if (o.pass === prev) continue
          prev = o.pass
          transitions.push({time: new Date(o.t).toISOString(), to: o.pass ? 'pass' : 'fail', ...(o.reason ? {reason: o.reason} : {}), ...(o.code ? {statusCode: o.code} : {})})
        }
        const byReason: HealthCheckTarget['byReason'] = sortedCounts(acc.byReason)
        return {
          target: acc.target,
          ...(acc.targetGroup ? {targetGroup: acc.targetGroup} : {}),
          checks: acc.checks,
          failures: acc.failures,
          byReason,
          reasonCodes: acc.reasonCodes.toRecord(),
          statusCodes: acc.statusCodes.toRecord(),
          ...(acc.checks ? {first: new Date(acc.first).toISOString(), last: new Date(acc.last).toISOString()} : {}),
          ...(obs.length ? {lastStatus: obs[obs.length - 1].pass ? ('pass' as const) : ('fail' as const)} : {}),
          transitions: transitions.slice(-maxTransitions),
        }
      })
    const byReason: HealthCheckLogSummary['byReason'] = sortedCounts(this.byReason)
    return {
      source,
      lines: this.lines,
      badLines: this.badLines,
      outsideWindow: this.outsideWindow,
      checks: this.checks,
      failures: this.failures,
      byReason,
      targets,
      bucketSeconds: this.options.bucketSeconds,
      buckets: this.buckets,
      sample: this.sample.items,
      badSample: this.badSample.items,
    }
  }
}
