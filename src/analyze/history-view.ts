/**
 * The snapshot's evidence over time as the history rules read it: the analysis of src/history/analyze.ts (onset,
 * shape, nearest change), the series and log summaries by what they are, which part of the evidence is missing and
 * why, and the instance behind a log's `ip:port`. Built once per analysis by AnalysisContext. Pure: no I/O.
 */
import type {HistoryAnalysis, Signal} from '../history/analyze.js'
import {analyzeHistory, errorSignal} from '../history/analyze.js'
import type {AccessLogSummary, HealthCheckLogSummary, HistorySection, MetricSeries} from '../snapshot/history-types.js'
import type {CollectionError} from '../snapshot/types.js'

export type HistoryPart = 'metrics' | 'changes' | 'accessLogs' | 'healthCheckLogs'

/** The collection errors that cost each part its data, by IAM action. */
const PART_ACTIONS: Record<HistoryPart, readonly string[]> = {
  metrics: ['cloudwatch:GetMetricData'],
  changes: ['cloudtrail:LookupEvents', 'autoscaling:DescribeInstanceRefreshes', 'autoscaling:DescribeScalingActivities', 'ec2:DescribeLaunchTemplateVersions'],
  accessLogs: ['s3:ListBucket', 's3:GetObject'],
  healthCheckLogs: ['s3:ListBucket', 's3:GetObject'],
}

/** A failed collection call as the reason a check could not run, worded as the engine words it. */
export function failureReason(e: CollectionError): string {
  return e.accessDenied ? `${e.api} was denied (needs IAM permission ${e.api})` : `${e.api} failed: ${e.code}: ${e.message}`
}

export interface LogSettings {
  accessLogsBucket?: string
  healthCheckLogsBucket?: string
}

export class HistoryView {
  readonly analysis: HistoryAnalysis
  /** The 5xx per interval the analysis rests on (CloudWatch's, else the access logs'). */
  readonly errors5xx: Signal | undefined

  constructor(
    readonly section: HistorySection,
    private readonly collectionErrors: readonly CollectionError[],
    private readonly logs: LogSettings,
    private readonly instanceByIp: ReadonlyMap<string, string>,
  ) {
    this.analysis = analyzeHistory(section)
    this.errors5xx = errorSignal(section)
  }

  /** The step of the error signal's intervals (seconds). */
  get stepSeconds(): number {
    return this.analysis.signal?.source === 'access-logs' ? (this.section.accessLogs?.bucketSeconds ?? 60) : (this.section.metrics?.periodSeconds ?? 60)
  }

  /** The load balancer's own series of a metric (no target group or zone dimension), when it has data points. */
  lbMetric(metric: string): MetricSeries | undefined {
    return (this.section.metrics?.series ?? []).find((s) => s.metric === metric && s.dimensions.LoadBalancer && !s.dimensions.TargetGroup && !s.dimensions.AvailabilityZone && s.timestamps.length > 0)
  }

  /**
   * A load balancer count over the window: CloudWatch publishes these only for periods with a nonzero value, so a
   * series asked for that came back without points is 0; undefined when the metric was not collected at all.
   */
  lbCount(metric: string): number | undefined {
    const s = (this.section.metrics?.series ?? []).find((x) => x.metric === metric && x.dimensions.LoadBalancer && !x.dimensions.TargetGroup && !x.dimensions.AvailabilityZone)
    return s && s.status !== 'Forbidden' && s.status !== 'InternalError' ? this.total(s) : undefined
  }

  /** A metric's series per target group (not per zone), those with data points. */
  tgMetrics(metric: string): MetricSeries[] {
    return (this.section.metrics?.series ?? []).filter((s) => s.metric === metric && s.dimensions.TargetGroup && !s.dimensions.AvailabilityZone && s.timestamps.length > 0)
  }

  /** The sum of a count series over the window (0 when absent). */
  total(s: MetricSeries | undefined): number {
    return s ? s.values.reduce((a, b) => a + b, 0) : 0
  }

  /** The largest value of a level series, or undefined when absent. */
  peak(s: MetricSeries | undefined): number | undefined {
    return s && s.values.length ? Math.max(...s.values) : undefined
  }

  /** The access-log summary, when at least one log object was read. */
  get accessLogs(): AccessLogSummary | undefined {
    const a = this.section.accessLogs
    return a && a.source.objectsRead > 0 ? a : undefined
  }

  get healthCheckLogs(): HealthCheckLogSummary | undefined {
    const h = this.section.healthCheckLogs
    return h && h.source.objectsRead > 0 ? h : undefined
  }

  /** The first failed collection call that cost a part (some or all of) its data. */
  failure(part: HistoryPart): CollectionError | undefined {
    const actions = PART_ACTIONS[part]
    return this.collectionErrors.find((e) => {
      if (!actions.includes(e.api)) return false
      if (part !== 'accessLogs' && part !== 'healthCheckLogs') return true
      // Both logs are read with the same two actions: tell them apart by the bucket listed or the key read.
      const bucket = part === 'accessLogs' ? this.logs.accessLogsBucket : this.logs.healthCheckLogsBucket
      const key = e.resource ?? ''
      if (e.api === 's3:ListBucket') return bucket !== undefined && (key === bucket || key.startsWith(`${bucket}/`))
      return key.includes('health_check_log_') === (part === 'healthCheckLogs')
    })
  }

  /**
   * Why a part holds no usable data because a call failed (the check could not run), or undefined when the part is
   * there or simply was not collected.
   */
  unavailable(part: HistoryPart): string | undefined {
    const present =
      part === 'metrics' ? this.section.metrics !== undefined : part === 'changes' ? this.section.changes !== undefined : part === 'accessLogs' ? this.accessLogs !== undefined : this.healthCheckLogs !== undefined
    if (present) return undefined
    const e = this.failure(part)
    return e ? failureReason(e) : undefined
  }

  /** The instance behind a log's `ip:port` (by private IP), or undefined. */
  instanceAt(target: string): string | undefined {
    const ip = target.replace(/:\d+$/, '').replace(/^\[|\]$/g, '')
    return this.instanceByIp.get(ip)
  }
}
