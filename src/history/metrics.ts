/**
 * CloudWatch evidence: one list of GetMetricData queries for the load balancer, its target groups (per AZ too) and
 * the Auto Scaling groups' CPU, sent in as few calls as the API's limit of 500 queries a call allows, and the
 * answers turned into time series.
 *
 * Dimensions come from the ARNs: `LoadBalancer` = `app/<name>/<id>`, `TargetGroup` = `targetgroup/<name>/<id>`.
 * The host counts are only published with both the TargetGroup and the LoadBalancer dimension (and AvailabilityZone
 * for the per-zone ones).
 */
import type {CloudWatchClient, GetMetricDataCommandInput, GetMetricDataCommandOutput, MetricDataQuery} from '@aws-sdk/client-cloudwatch'
import type {CallRunner} from '../collect/runner.js'
import type {MetricSeries, MetricsPart} from '../snapshot/history-types.js'
import type {Window} from './common.js'
import {chooseBucketSeconds} from './common.js'
import {loadBalancerResourceId} from './s3-logs.js'
import {cloudWatchSdk} from './sdk.js'

/** GetMetricData's limit of queries per call. */
export const MAX_QUERIES_PER_CALL = 500

export const ELB_NAMESPACE = 'AWS/ApplicationELB'

/** The load balancer's metrics and the statistic each is read with. */
export const LOAD_BALANCER_METRICS: readonly {metric: string; stat: string}[] = [
  {metric: 'HTTPCode_ELB_5XX_Count', stat: 'Sum'},
  {metric: 'HTTPCode_ELB_502_Count', stat: 'Sum'},
  {metric: 'HTTPCode_ELB_503_Count', stat: 'Sum'},
  {metric: 'HTTPCode_ELB_504_Count', stat: 'Sum'},
  {metric: 'HTTPCode_Target_5XX_Count', stat: 'Sum'},
  {metric: 'TargetConnectionErrorCount', stat: 'Sum'},
  {metric: 'RequestCount', stat: 'Sum'},
  {metric: 'TargetResponseTime', stat: 'p99'},
]

export interface MetricQuerySpec {
  loadBalancerArn: string
  targetGroupArns: readonly string[]
  /** Zones of the load balancer: the host counts are asked per zone too when there is more than one. */
  availabilityZones?: readonly string[]
  autoScalingGroupNames?: readonly string[]
  periodSeconds: number
  /** The percentile of TargetResponseTime, e.g. p99 (default). */
  responseTimePercentile?: string
}

/** What a query id stands for, to turn an answer back into a labelled series. */
export type QueryMeta = Pick<MetricSeries, 'id' | 'label' | 'namespace' | 'metric' | 'stat' | 'dimensions'>

/** `targetgroup/<name>/<id>` from a target group ARN. */
export function targetGroupResourceId(arn: string): string | undefined {
  const m = /:(targetgroup\/[^/]+\/[^/]+)$/.exec(arn)
  return m ? m[1] : undefined
}

/** Every query for a spec, with ids `m0`, `m1`, ... in a stable order. */
export function buildMetricQueries(spec: MetricQuerySpec): {queries: MetricDataQuery[]; meta: QueryMeta[]} {
  const lb = loadBalancerResourceId(spec.loadBalancerArn)
  const meta: QueryMeta[] = []
  const add = (namespace: string, metric: string, stat: string, dimensions: Record<string, string>, label: string) => {
    meta.push({id: `m${meta.length}`, label, namespace, metric, stat, dimensions})
  }
  if (lb) {
    for (const m of LOAD_BALANCER_METRICS) {
      const stat = m.metric === 'TargetResponseTime' ? (spec.responseTimePercentile ?? m.stat) : m.stat
      add(ELB_NAMESPACE, m.metric, stat, {LoadBalancer: lb}, `${m.metric} (${stat})`)
    }
    const zones = spec.availabilityZones && spec.availabilityZones.length > 1 ? spec.availabilityZones : []
    for (const arn of spec.targetGroupArns) {
      const tg = targetGroupResourceId(arn)
      if (!tg) continue
      const tgName = tg.split('/')[1]
      add(ELB_NAMESPACE, 'UnHealthyHostCount', 'Maximum', {TargetGroup: tg, LoadBalancer: lb}, `UnHealthyHostCount ${tgName} (Maximum)`)
      add(ELB_NAMESPACE, 'HealthyHostCount', 'Minimum', {TargetGroup: tg, LoadBalancer: lb}, `HealthyHostCount ${tgName} (Minimum)`)
      add(ELB_NAMESPACE, 'HTTPCode_Target_5XX_Count', 'Sum', {TargetGroup: tg, LoadBalancer: lb}, `HTTPCode_Target_5XX_Count ${tgName} (Sum)`)
      for (const az of zones) {
        add(ELB_NAMESPACE, 'UnHealthyHostCount', 'Maximum', {TargetGroup: tg, LoadBalancer: lb, AvailabilityZone: az}, `UnHealthyHostCount ${tgName} ${az} (Maximum)`)
        add(ELB_NAMESPACE, 'HealthyHostCount', 'Minimum', {TargetGroup: tg, LoadBalancer: lb, AvailabilityZone: az}, `HealthyHostCount ${tgName} ${az} (Minimum)`)
      }
    }
  }
  for (const name of spec.autoScalingGroupNames ?? []) {
    add('AWS/EC2', 'CPUUtilization', 'Average', {AutoScalingGroupName: name}, `CPUUtilization ${name} (Average)`)
  }
  const queries: MetricDataQuery[] = meta.map((m) => ({
    Id: m.id,
    Label: m.label,
    ReturnData: true,
    MetricStat: {
      Metric: {Namespace: m.namespace, MetricName: m.metric, Dimensions: Object.entries(m.dimensions).map(([Name, Value]) => ({Name, Value}))},
      Period: spec.periodSeconds,
      Stat: m.stat,
    },
  }))
  return {queries, meta}
}

/** Splits queries into the calls GetMetricData allows. */
export function batchQueries<T>(queries: readonly T[], size = MAX_QUERIES_PER_CALL): T[][] {
  const out: T[][] = []
  for (let i = 0; i < queries.length; i += size) out.push(queries.slice(i, i + size))
  return out
}

/** A period for the window: whole minutes, at most ~180 points a series. */
export function choosePeriod(w: Window): number {
  return chooseBucketSeconds(w, 180)
}

export type GetMetricDataSender = (input: GetMetricDataCommandInput) => Promise<GetMetricDataCommandOutput>

export function getMetricDataSender(client: CloudWatchClient, sdk: ReturnType<typeof cloudWatchSdk> = cloudWatchSdk()): GetMetricDataSender {
  return (input) => client.send(new sdk.GetMetricDataCommand(input))
}

/** Merges GetMetricData pages (a series may be split across pages) into one series per query, oldest first. */
export function resultsToSeries(meta: readonly QueryMeta[], pages: readonly Pick<GetMetricDataCommandOutput, 'MetricDataResults'>[]): MetricSeries[] {
  const points = new Map<string, Map<number, number>>()
  const status = new Map<string, string>()
  for (const page of pages) {
    for (const r of page.MetricDataResults ?? []) {
      if (!r.Id) continue
      const p = points.get(r.Id) ?? new Map<number, number>()
      points.set(r.Id, p)
      const ts = r.Timestamps ?? []
      const vs = r.Values ?? []
      ts.forEach((t, k) => {
        const ms = t instanceof Date ? t.getTime() : Date.parse(String(t))
        if (!Number.isNaN(ms) && vs[k] !== undefined) p.set(ms, vs[k])
      })
      if (r.StatusCode && status.get(r.Id) !== 'PartialData') status.set(r.Id, r.StatusCode)
    }
  }
  return meta.map((m) => {
    const sorted = [...(points.get(m.id) ?? new Map<number, number>())].sort((a, b) => a[0] - b[0])
    const st = status.get(m.id)
    return {
      id: m.id,
      label: m.label,
      namespace: m.namespace,
      metric: m.metric,
      stat: m.stat,
      dimensions: m.dimensions,
      timestamps: sorted.map(([t]) => new Date(t).toISOString()),
      values: sorted.map(([, v]) => v),
      ...(st ? {status: st} : {}),
    }
  })
}

/**
 * Sends the queries for a window (one call per 500 queries, following NextToken) and returns the series. A failed
 * call is recorded by the runner as `cloudwatch:GetMetricData`; the series of its batch come back empty.
 */
export async function collectMetrics(runner: CallRunner, send: GetMetricDataSender, spec: MetricQuerySpec, w: Window): Promise<MetricsPart> {
  const {queries, meta} = buildMetricQueries(spec)
  const pages: GetMetricDataCommandOutput[] = []
  let calls = 0
  await Promise.all(
    batchQueries(queries).map(async (batch) => {
      const got = await runner.paginate(
        'cloudwatch:GetMetricData',
        undefined,
        (NextToken) => {
          calls++
          return send({
            MetricDataQueries: batch,
            StartTime: new Date(w.start),
            EndTime: new Date(w.end),
            ScanBy: 'TimestampAscending',
            ...(NextToken ? {NextToken} : {}),
          })
        },
        (p) => [p],
        (p) => p.NextToken,
      )
      pages.push(...got)
    }),
  )
  return {periodSeconds: spec.periodSeconds, series: resultsToSeries(meta, pages), calls}
}
