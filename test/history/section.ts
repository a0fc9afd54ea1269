/** A history section built from per-minute values, for the analysis and timeline tests. */
import {AccessLogSummariser} from '../../src/history/access-log.js'
import {HealthCheckLogSummariser} from '../../src/history/health-check-log.js'
import type {AccessLogSummary, ChangeEvent, HealthCheckLogSummary, HistorySection, LogSource, MetricSeries} from '../../src/snapshot/history-types.js'
import {accessLine, healthLine} from './lines.js'

export const START = Date.parse('2026-11-29T18:00:00Z')
export const minute = (m: number) => new Date(START + m * 60_000).toISOString()

export function series(id: string, metric: string, values: (number | undefined)[], dims: Record<string, string> = {LoadBalancer: 'app/web/50dc6c495c0c9188'}, stat = 'Sum'): MetricSeries {
  const points = values.map((v, k) => [k, v] as const).filter((p): p is readonly [number, number] => p[1] !== undefined)
  return {id, label: `${metric} (${stat})`, namespace: 'AWS/ApplicationELB', metric, stat, dimensions: dims, timestamps: points.map(([k]) => minute(k)), values: points.map(([, v]) => v)}
}

export function section(minutes: number, s: MetricSeries[], changes: ChangeEvent[] = []): HistorySection {
  return {
    version: 1,
    window: {start: minute(0), end: minute(minutes)},
    metrics: {periodSeconds: 60, series: s, calls: 1},
    changes: {events: changes, lookedUp: [], skipped: [], truncated: false, launchTemplates: []},
    notes: [],
  }
}

export const change = (m: number, what: string, resource: string, who?: string): ChangeEvent => ({time: minute(m), source: 'cloudtrail', what, resources: [resource], ...(who ? {who} : {})})

// ---------------------------------------------------------------- whole sections over the fixture world, for the rules


/** The fixture world's load balancer and target group, as CloudWatch names them. */
export const LB_DIM = 'app/web-alb/50dc6c495c0c9188'
export const TG_DIM = 'targetgroup/web-tg/73e2d6bc24d8a067'
export const LOG_BUCKET = 'web-alb-logs-123456789012'
/** The fixture world's instances, as the logs name them. */
export const TARGETS = ['10.0.10.11:80', '10.0.11.12:80', '10.0.12.13:80'] as const

const lbSeries = (id: string, metric: string, values: (number | undefined)[], stat = 'Sum') => series(id, metric, values, {LoadBalancer: LB_DIM}, stat)
const tgSeries = (id: string, metric: string, values: (number | undefined)[], stat: string) => series(id, metric, values, {LoadBalancer: LB_DIM, TargetGroup: TG_DIM}, stat)

const source = (minutes: number): LogSource => ({bucket: LOG_BUCKET, prefix: 'web-alb', objectsFound: Math.ceil(minutes / 5) * 3, objectsRead: Math.ceil(minutes / 5) * 3, bytesRead: 1024 * minutes, truncated: false, keys: [], failedObjects: 0})

/** Access log lines through the real summariser, over a window of `minutes` from START. */
export function accessLogs(lines: string[], minutes: number): AccessLogSummary {
  const s = new AccessLogSummariser({window: {start: START, end: START + minutes * 60_000}, bucketSeconds: 60, sampleLines: 20})
  for (const l of lines) s.add(l)
  return s.result(source(minutes))
}

export function healthCheckLogs(lines: string[], minutes: number): HealthCheckLogSummary {
  const s = new HealthCheckLogSummariser({window: {start: START, end: START + minutes * 60_000}, bucketSeconds: 60, sampleLines: 20})
  for (const l of lines) s.add(l)
  return s.result(source(minutes))
}

/** A second within minute `m` (ISO, with microseconds as the logs write them). */
export const at = (m: number, s = 0): string => new Date(START + m * 60_000 + s * 1000).toISOString().replace('Z', '000Z')

export interface Traffic {
  minutes: number
  /** Requests per minute, spread over the targets (default 6). */
  perMinute?: number
  /** Extra entries of a minute (the errors). */
  extra?: (m: number) => string[]
  /** Which targets serve (default all three). */
  targets?: readonly string[]
}

/** Successful requests every minute, round-robin over the targets, plus the errors `extra` adds. */
export function trafficLines(t: Traffic): string[] {
  const targets = t.targets ?? TARGETS
  const out: string[] = []
  for (let m = 0; m < t.minutes; m++) {
    for (let k = 0; k < (t.perMinute ?? 6); k++) out.push(accessLine({time: at(m, k * 7), target: targets[k % targets.length], times: ['0.000', '0.012', '0.000']}))
    out.push(...(t.extra?.(m) ?? []))
  }
  return out
}

/** A health check every 30 s per target; `fails(m, target)` gives a failed check's reason code, or undefined for a pass. */
export function healthLines(minutes: number, fails: (m: number, target: string) => string | undefined = () => undefined, targets: readonly string[] = TARGETS): string[] {
  const out: string[] = []
  for (let m = 0; m < minutes; m++) {
    for (const s of [0, 30]) {
      for (const t of targets) {
        const reason = fails(m, t)
        out.push(reason ? healthLine(at(m, s + 1), t, 'FAIL', reason === 'ResponseCodeMismatch' ? '404' : '-', reason) : healthLine(at(m, s + 1), t, 'PASS', '200'))
      }
    }
  }
  return out
}

export interface Metrics {
  minutes: number
  /** Per minute, by metric; a missing minute is no data point, as CloudWatch leaves out the periods of no requests. */
  elb502?: (m: number) => number | undefined
  elb503?: (m: number) => number | undefined
  elb504?: (m: number) => number | undefined
  target5xx?: (m: number) => number | undefined
  connectionErrors?: (m: number) => number | undefined
  unhealthy?: (m: number) => number
  requests?: number
  responseTimeP99?: (m: number) => number
}

/** The load balancer's and the target group's series as collectMetrics lays them out. */
export function metricSeries(o: Metrics): MetricSeries[] {
  const per = (f?: (m: number) => number | undefined) => Array.from({length: o.minutes}, (_, m) => f?.(m))
  const codes = [per(o.elb502), per(o.elb503), per(o.elb504)]
  const elb5xx = Array.from({length: o.minutes}, (_, m) => {
    const vs = codes.map((c) => c[m]).filter((v): v is number => v !== undefined)
    return vs.length ? vs.reduce((a, b) => a + b, 0) : undefined
  })
  const unhealthy = per(o.unhealthy ?? (() => 0)) as number[]
  return [
    lbSeries('m0', 'HTTPCode_ELB_5XX_Count', elb5xx),
    lbSeries('m1', 'HTTPCode_ELB_502_Count', codes[0]),
    lbSeries('m2', 'HTTPCode_ELB_503_Count', codes[1]),
    lbSeries('m3', 'HTTPCode_ELB_504_Count', codes[2]),
    lbSeries('m4', 'HTTPCode_Target_5XX_Count', per(o.target5xx)),
    lbSeries('m5', 'TargetConnectionErrorCount', per(o.connectionErrors)),
    lbSeries('m6', 'RequestCount', per(() => o.requests ?? 360)),
    lbSeries('m7', 'TargetResponseTime', per(o.responseTimeP99 ?? (() => 0.05)), 'p99'),
    tgSeries('m8', 'UnHealthyHostCount', unhealthy, 'Maximum'),
    tgSeries('m9', 'HealthyHostCount', unhealthy.map((u) => 3 - u), 'Minimum'),
  ]
}

/** A full history section: metrics, changes, and (when given) the two log summaries. */
export function historySection(o: {minutes: number; metrics?: Metrics; changes?: ChangeEvent[]; access?: string[]; health?: string[]; notes?: string[]}): HistorySection {
  const h = section(o.minutes, metricSeries(o.metrics ?? {minutes: o.minutes}), o.changes ?? [])
  if (o.access) h.accessLogs = accessLogs(o.access, o.minutes)
  if (o.health) h.healthCheckLogs = healthCheckLogs(o.health, o.minutes)
  h.notes = o.notes ?? []
  return h
}

/** A quiet hour: traffic, no errors, every check passing, nothing changed. */
export const quietHistory = (minutes = 60): HistorySection => historySection({minutes, access: trafficLines({minutes}), health: healthLines(minutes)})
