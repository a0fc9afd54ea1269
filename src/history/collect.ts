/**
 * Collects the snapshot's `history` section for a window ending now: CloudWatch metrics, change events, and the
 * access and health-check logs when the load balancer has them on. Runs after the main collection (it reads the
 * snapshot for the resources in scope and the load balancer's attributes); every AWS call goes through the runner,
 * so a failure is recorded in the snapshot's errors and costs only its own part.
 */
import type {CallRunner} from '../collect/runner.js'
import type {AwsClients} from '../lib/aws.js'
import type {HistorySection} from '../snapshot/history-types.js'
import {HISTORY_VERSION} from '../snapshot/history-types.js'
import type {CollectionError, Snapshot} from '../snapshot/types.js'
import {DIAGNOSE_HISTORY} from '../lib/permissions.js'
import {AccessLogSummariser} from './access-log.js'
import type {ChangeOptions, ChangeSenders} from './changes.js'
import {changeSenders, collectChanges} from './changes.js'
import type {Window} from './common.js'
import {isoWindow, windowEndingAt} from './common.js'
import {HealthCheckLogSummariser} from './health-check-log.js'
import type {GetMetricDataSender} from './metrics.js'
import {choosePeriod, collectMetrics, getMetricDataSender} from './metrics.js'
import type {LogKind, S3LogReader} from './s3-logs.js'
import {readLogObjects, s3LogReader} from './s3-logs.js'

export const DEFAULT_SINCE_MS = 3 * 3_600_000

export interface HistoryDeps {
  runner: CallRunner
  /** Each part runs only when its sender is given. */
  getMetricData?: GetMetricDataSender
  changes?: ChangeSenders
  s3?: S3LogReader
  now?: () => number
}

export interface HistoryOptions {
  /** Length of the window, ending now (default 3 h). */
  sinceMs?: number
  /** Or an explicit window. */
  window?: Window
  changes?: ChangeOptions
  logs?: {maxObjects?: number; maxBytes?: number; sampleLines?: number}
}

/**
 * The senders of every history part, over the command's clients. Each SDK package and client is loaded when the
 * first call of its part is made: with the logs off, S3 is never loaded.
 */
export function historySenders(aws: AwsClients): Required<Pick<HistoryDeps, 'getMetricData' | 'changes' | 's3'>> {
  let metrics: GetMetricDataSender | undefined
  let changes: ChangeSenders | undefined
  let s3: S3LogReader | undefined
  const change = () => (changes ??= changeSenders({cloudtrail: aws.cloudtrail, autoscaling: aws.autoscaling, ec2: aws.ec2}))
  const reader = () => (s3 ??= s3LogReader(aws.s3))
  return {
    getMetricData: (input) => (metrics ??= getMetricDataSender(aws.cloudwatch))(input),
    changes: {
      lookupEvents: (i) => change().lookupEvents(i),
      describeScalingActivities: (i) => change().describeScalingActivities(i),
      describeInstanceRefreshes: (i) => change().describeInstanceRefreshes(i),
      describeLaunchTemplateVersions: (i) => change().describeLaunchTemplateVersions(i),
    },
    s3: {list: (...a) => reader().list(...a), open: (...a) => reader().open(...a)},
  }
}

/** The load balancer's log settings, from its attributes (`access_logs.s3.*`, `health_check_logs.s3.*`). */
export function logSettings(s: Snapshot, kind: LogKind): {enabled: boolean; bucket?: string; prefix?: string} {
  const arn = s.elbv2.LoadBalancers[0]?.LoadBalancerArn ?? ''
  const attrs = new Map((s.elbv2.LoadBalancerAttributes[arn] ?? []).map((a) => [a.Key ?? '', a.Value ?? '']))
  const base = kind === 'access' ? 'access_logs.s3' : 'health_check_logs.s3'
  const enabled = attrs.get(`${base}.enabled`) === 'true'
  const bucket = attrs.get(`${base}.bucket`) || undefined
  const prefix = attrs.get(`${base}.prefix`) || undefined
  return {enabled: enabled && !!bucket, ...(bucket ? {bucket} : {}), ...(prefix ? {prefix} : {})}
}

export async function collectHistory(deps: HistoryDeps, s: Snapshot, o: HistoryOptions = {}): Promise<HistorySection> {
  // The window ends on the next whole minute: CloudWatch answers best, and the timeline's columns read best, on
  // periods aligned to the clock.
  const now = Math.ceil((deps.now ?? Date.now)() / 60_000) * 60_000
  const w = o.window ?? windowEndingAt(now, o.sinceMs ?? DEFAULT_SINCE_MS)
  const period = choosePeriod(w)
  const lb = s.elbv2.LoadBalancers[0]
  const lbArn = lb?.LoadBalancerArn ?? s.meta.target.loadBalancerArn
  const notes: string[] = []
  const section: HistorySection = {version: HISTORY_VERSION, window: isoWindow(w), notes}

  const tgArns = s.elbv2.TargetGroups.filter((tg) => (tg.LoadBalancerArns ?? []).includes(lbArn)).map((tg) => tg.TargetGroupArn ?? '')
  const metrics = deps.getMetricData
    ? collectMetrics(
        deps.runner,
        deps.getMetricData,
        {
          loadBalancerArn: lbArn,
          targetGroupArns: (tgArns.length ? tgArns : s.elbv2.TargetGroups.map((tg) => tg.TargetGroupArn ?? '')).filter(Boolean),
          availabilityZones: (lb?.AvailabilityZones ?? []).map((z) => z.ZoneName ?? '').filter(Boolean),
          autoScalingGroupNames: s.autoscaling.AutoScalingGroups.map((g) => g.AutoScalingGroupName ?? '').filter(Boolean),
          periodSeconds: period,
        },
        w,
      ).then((m) => {
        section.metrics = m
      })
    : Promise.resolve()

  const changes = deps.changes
    ? collectChanges(deps.runner, deps.changes, s, w, o.changes).then((c) => {
        section.changes = c
      })
    : Promise.resolve()

  const logs = (kind: LogKind) => {
    const settings = logSettings(s, kind)
    const name = kind === 'access' ? 'Access logs' : 'Health-check logs'
    const attr = kind === 'access' ? 'access_logs.s3.enabled' : 'health_check_logs.s3.enabled'
    if (!settings.enabled || !settings.bucket) {
      notes.push(`${name} are off on the load balancer (${attr} is not true): no per-${kind === 'access' ? 'request' : 'check'} evidence.`)
      return Promise.resolve()
    }
    if (!deps.s3) return Promise.resolve()
    const summariser = kind === 'access' ? new AccessLogSummariser({window: w, bucketSeconds: period, sampleLines: o.logs?.sampleLines}) : new HealthCheckLogSummariser({window: w, bucketSeconds: period, sampleLines: o.logs?.sampleLines})
    return readLogObjects({
      runner: deps.runner,
      reader: deps.s3,
      kind,
      bucket: settings.bucket,
      prefix: settings.prefix,
      loadBalancerArn: lbArn,
      window: w,
      maxObjects: o.logs?.maxObjects,
      maxBytes: o.logs?.maxBytes,
      onLine: (line) => summariser.add(line),
    }).then((source) => {
      if (source.objectsFound === 0) notes.push(`${name} are on, but s3://${settings.bucket}/${settings.prefix ? `${settings.prefix}/` : ''} holds no object of this load balancer for the window.`)
      if (summariser instanceof AccessLogSummariser) section.accessLogs = summariser.result(source)
      else section.healthCheckLogs = summariser.result(source)
    })
  }

  await Promise.all([metrics, changes, logs('access'), logs('health-check')])
  notes.sort()
  return section
}

const HISTORY_APIS: ReadonlySet<string> = new Set(DIAGNOSE_HISTORY.flatMap((p) => p.actions))

/**
 * Collects the snapshot's `history` section through the command's runner (its pool, counts, --verbose lines and
 * memory of unreachable services) and the run's clients, and adds its failed calls to the snapshot's errors as the
 * main collection does, sorted, so that a check needing one says "could not check". Another step may run on the
 * same runner meanwhile (diagnose's on-instance checks): only the history's own APIs are taken, each error once.
 * Returns how many of its calls failed.
 */
export async function addHistory(snapshot: Snapshot, aws: AwsClients, runner: CallRunner, o: HistoryOptions & {now?: () => number} = {}): Promise<number> {
  const mark = runner.errors.length
  const {now, ...options} = o
  snapshot.history = await collectHistory({runner, ...historySenders(aws), ...(now ? {now} : {})}, snapshot, options)
  const known = new Set<CollectionError>(snapshot.errors)
  const fresh = runner.errors.slice(mark).filter((e) => HISTORY_APIS.has(e.api) && !known.has(e))
  snapshot.errors.push(...fresh.sort((a, b) => `${a.api} ${a.resource ?? ''}`.localeCompare(`${b.api} ${b.resource ?? ''}`)))
  return fresh.length
}
