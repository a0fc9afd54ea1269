/**
 * What the evidence over time says, as pure functions over the snapshot's `history` section: when the errors began
 * (the first interval above the window's baseline), their shape (steady, a single burst, bursts, or periodic with
 * its period), and the change nearest before the onset with who made it.
 */
import type {ChangeEvent, HistorySection, MetricSeries} from '../snapshot/history-types.js'
import type {Window} from './common.js'
import {bucketCount, parseWindow} from './common.js'

export interface Signal {
  id: string
  label: string
  source: 'metrics' | 'access-logs' | 'health-check-logs'
  /** Start of the first interval (epoch ms) and the interval length. */
  start: number
  stepSeconds: number
  /** One value per interval; null where nothing was recorded. */
  values: (number | null)[]
  /** Sum for counts, otherwise the largest value. */
  kind: 'count' | 'level'
}

/** A metric series laid on the window's grid of `stepSeconds` intervals (points falling in one interval are combined). */
export function seriesOnGrid(series: Pick<MetricSeries, 'timestamps' | 'values'>, w: Window, stepSeconds: number, kind: 'count' | 'level'): (number | null)[] {
  const step = stepSeconds * 1000
  const out: (number | null)[] = Array.from({length: bucketCount(w, step)}, () => null)
  series.timestamps.forEach((t, k) => {
    const ms = Date.parse(t)
    if (!(ms >= w.start && ms < w.end)) return
    const i = Math.floor((ms - w.start) / step)
    const v = series.values[k]
    const prior = out[i]
    out[i] = prior === null ? v : kind === 'count' ? prior + v : Math.max(prior, v)
  })
  return out
}

const COUNT_METRICS = /_Count$|^RequestCount$|Count$/

function metricSignal(h: HistorySection, s: MetricSeries, w: Window): Signal {
  const step = h.metrics?.periodSeconds ?? 60
  const kind = COUNT_METRICS.test(s.metric) && !/HostCount$/.test(s.metric) ? 'count' : 'level'
  const values = seriesOnGrid(s, w, step, kind)
  // CloudWatch leaves out the periods of a count with no data point: nothing happened, so zero.
  return {id: s.id, label: s.label, source: 'metrics', start: w.start, stepSeconds: step, values: kind === 'count' && s.timestamps.length ? values.map((v) => v ?? 0) : values, kind}
}

/** Every signal the section holds, the load balancer's metrics first, then the logs' per-interval counts. */
export function signals(h: HistorySection): Signal[] {
  const w = parseWindow(h.window)
  const out: Signal[] = (h.metrics?.series ?? []).map((s) => metricSignal(h, s, w))
  const a = h.accessLogs
  if (a && a.source.objectsRead > 0) {
    const start = Date.parse(a.buckets[0]?.start ?? h.window.start)
    out.push({id: 'log-elb5xx', label: 'access log: 5xx from the load balancer', source: 'access-logs', start, stepSeconds: a.bucketSeconds, values: a.buckets.map((b) => b.elb5xx), kind: 'count'})
    out.push({id: 'log-target5xx', label: 'access log: 5xx from the targets', source: 'access-logs', start, stepSeconds: a.bucketSeconds, values: a.buckets.map((b) => b.target5xx), kind: 'count'})
  }
  const hc = h.healthCheckLogs
  if (hc && hc.source.objectsRead > 0) {
    const start = Date.parse(hc.buckets[0]?.start ?? h.window.start)
    out.push({id: 'log-hc-failures', label: 'health-check log: failed checks', source: 'health-check-logs', start, stepSeconds: hc.bucketSeconds, values: hc.buckets.map((b) => b.failures), kind: 'count'})
  }
  return out
}

/**
 * The error signal the analysis rests on: the load balancer's 5xx plus the targets' 5xx from CloudWatch when it
 * has data points, else the access logs' 5xx per interval.
 */
export function errorSignal(h: HistorySection): Signal | undefined {
  const w = parseWindow(h.window)
  const lbLevel = (h.metrics?.series ?? []).filter((s) => s.dimensions.LoadBalancer && !s.dimensions.TargetGroup)
  const pick = (metric: string) => lbLevel.find((s) => s.metric === metric && s.timestamps.length > 0)
  const elb = pick('HTTPCode_ELB_5XX_Count')
  const parts = elb ? [elb] : (['HTTPCode_ELB_502_Count', 'HTTPCode_ELB_503_Count', 'HTTPCode_ELB_504_Count'].map(pick).filter(Boolean) as MetricSeries[])
  const target = pick('HTTPCode_Target_5XX_Count')
  if (target) parts.push(target)
  if (parts.length) {
    const step = h.metrics?.periodSeconds ?? 60
    const grids = parts.map((s) => seriesOnGrid(s, w, step, 'count'))
    const values = grids[0].map((_, i) => grids.reduce((sum, g) => sum + (g[i] ?? 0), 0))
    return {id: 'errors', label: '5xx (load balancer + targets, CloudWatch)', source: 'metrics', start: w.start, stepSeconds: step, values, kind: 'count'}
  }
  const a = h.accessLogs
  if (a && a.source.objectsRead > 0) {
    return {id: 'errors', label: '5xx (access logs)', source: 'access-logs', start: Date.parse(a.buckets[0]?.start ?? h.window.start), stepSeconds: a.bucketSeconds, values: a.buckets.map((b) => b.elb5xx + b.target5xx), kind: 'count'}
  }
  return undefined
}

function median(xs: number[]): number {
  if (!xs.length) return 0
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

export interface Onset {
  index: number
  time: string
  /** true when the errors were already there at the window's start: they began earlier. */
  beforeWindow: boolean
  baseline: number
  threshold: number
}

export interface OnsetOptions {
  /** An interval needs more than this many errors to count as elevated (default 1: two or more errors). */
  minErrors?: number
}

/**
 * The first interval whose value rises above the baseline: the median of the window's first quarter, plus a margin
 * of three median absolute deviations (at least the baseline itself, and at least `minErrors`). When errors run
 * through the whole window without ever rising above that level, they predate the window.
 */
export function findOnset(values: readonly (number | null)[], start: number, stepSeconds: number, o: OnsetOptions = {}): Onset | undefined {
  const v = values.map((x) => x ?? 0)
  const minErrors = o.minErrors ?? 1
  if (!v.some((x) => x > minErrors)) return undefined
  const head = v.slice(0, Math.max(3, Math.ceil(v.length / 4)))
  const baseline = median(head)
  const mad = median(head.map((x) => Math.abs(x - baseline)))
  const threshold = Math.max(minErrors, baseline + Math.max(3 * mad, baseline, 1))
  const time = (i: number) => new Date(start + i * stepSeconds * 1000).toISOString()
  const i = v.findIndex((x) => x > threshold)
  if (i < 0) {
    // Errors throughout, never rising above their own level: the window does not see them begin.
    return baseline > minErrors ? {index: 0, time: time(0), beforeWindow: true, baseline, threshold: minErrors} : undefined
  }
  // Elevated in the very first interval: the window cannot tell whether they began then or earlier.
  return {index: i, time: time(i), beforeWindow: i === 0, baseline, threshold}
}

export type Shape = 'none' | 'steady' | 'single-burst' | 'bursts' | 'periodic'

export interface ShapeResult {
  shape: Shape
  /** For `periodic`: the period between burst starts. */
  periodSeconds?: number
  /** Runs of elevated intervals after the onset: [first index, last index]. */
  bursts: [number, number][]
  /** Share of the intervals from the onset on that are elevated. */
  elevatedShare: number
}

/**
 * The shape of the errors from the onset on: steady when at least 80% of the intervals are elevated; periodic when
 * three or more bursts start at regular gaps (their spread under a quarter of the median gap, and at least two
 * intervals apart); bursts otherwise; a single burst when there is only one run.
 */
export function classifyShape(values: readonly (number | null)[], onset: Onset | undefined, stepSeconds: number): ShapeResult {
  if (!onset) return {shape: 'none', bursts: [], elevatedShare: 0}
  const v = values.map((x) => x ?? 0)
  const elevated = v.map((x) => x > onset.threshold)
  const bursts: [number, number][] = []
  for (let i = onset.index; i < v.length; i++) {
    if (!elevated[i]) continue
    const last = bursts[bursts.length - 1]
    if (last && last[1] === i - 1) last[1] = i
    else bursts.push([i, i])
  }
  const span = v.length - onset.index
  const share = span > 0 ? elevated.slice(onset.index).filter(Boolean).length / span : 0
  if (share >= 0.8) return {shape: 'steady', bursts, elevatedShare: share}
  if (bursts.length <= 1) return {shape: 'single-burst', bursts, elevatedShare: share}
  if (bursts.length >= 3) {
    const gaps = bursts.slice(1).map((b, k) => b[0] - bursts[k][0])
    const m = median(gaps)
    const spread = Math.max(...gaps) - Math.min(...gaps)
    if (m >= 2 && spread <= Math.max(1, m / 4)) return {shape: 'periodic', periodSeconds: m * stepSeconds, bursts, elevatedShare: share}
  }
  return {shape: 'bursts', bursts, elevatedShare: share}
}

export interface NearestChange {
  event: ChangeEvent
  /** How long before the onset it happened (seconds; negative: within the onset's interval). */
  secondsBeforeOnset: number
}

/**
 * The latest change at or before the onset's interval ends (a change inside the interval that first shows the errors
 * may well be their cause), or undefined when none came before. Changes that can start 5xx by themselves come first;
 * routine ones only when there is no such change.
 */
export function nearestChangeBefore(changes: readonly ChangeEvent[], onset: Onset, stepSeconds: number): NearestChange | undefined {
  const onsetMs = Date.parse(onset.time)
  const limit = onsetMs + stepSeconds * 1000
  // A change that can start 5xx outranks the group's routine churn (a launch, a termination) that came after it.
  const relevant = changes.filter((c) => changeKind(c) !== undefined && Date.parse(c.time) <= limit)
  let best: ChangeEvent | undefined
  for (const c of relevant.length ? relevant : changes) {
    const t = Date.parse(c.time)
    if (t > limit) continue
    if (!best || t > Date.parse(best.time) || (t === Date.parse(best.time) && c.source === 'cloudtrail')) best = c
  }
  return best ? {event: best, secondsBeforeOnset: Math.round((onsetMs - Date.parse(best.time)) / 1000)} : undefined
}

export interface HistoryAnalysis {
  signal?: {id: string; label: string; source: Signal['source']}
  totalErrors: number
  onset?: Onset
  shape: ShapeResult
  nearestChange?: NearestChange
  /** Changes in the hour before the onset, newest first (bounded). */
  changesBeforeOnset: ChangeEvent[]
}

export function analyzeHistory(h: HistorySection, o: OnsetOptions = {}): HistoryAnalysis {
  const s = errorSignal(h)
  if (!s) return {totalErrors: 0, shape: classifyShape([], undefined, 60), changesBeforeOnset: []}
  const totalErrors = s.values.reduce<number>((a, b) => a + (b ?? 0), 0)
  const onset = findOnset(s.values, s.start, s.stepSeconds, o)
  const shape = classifyShape(s.values, onset, s.stepSeconds)
  const changes = h.changes?.events ?? []
  const nearest = onset && !onset.beforeWindow ? nearestChangeBefore(changes, onset, s.stepSeconds) : undefined
  const before = onset
    ? changes
        .filter((c) => {
          const t = Date.parse(c.time)
          const at = Date.parse(onset.time)
          return t <= at + s.stepSeconds * 1000 && t >= at - 3_600_000
        })
        .reverse()
        .slice(0, 10)
    : []
  return {signal: {id: s.id, label: s.label, source: s.source}, totalErrors, ...(onset ? {onset} : {}), shape, ...(nearest ? {nearestChange: nearest} : {}), changesBeforeOnset: before}
}

/** What kind of configuration a change touched, for the changes that can start 5xx. */
export type ChangeKind = 'launch-template' | 'auto-scaling-group' | 'instance-refresh' | 'security-group' | 'network-acl' | 'route-table' | 'listener' | 'target-group' | 'load-balancer'

/** CloudTrail event names that change what serves traffic, by the kind of resource they change. */
const TRAIL_KINDS: [RegExp, ChangeKind][] = [
  [/^(CreateLaunchTemplateVersion|ModifyLaunchTemplate)$/, 'launch-template'],
  [/^(StartInstanceRefresh|RollbackInstanceRefresh)$/, 'instance-refresh'],
  [/^(UpdateAutoScalingGroup|AttachLoadBalancerTargetGroups|DetachLoadBalancerTargetGroups|AttachTrafficSources|DetachTrafficSources|SuspendProcesses|PutLifecycleHook)$/, 'auto-scaling-group'],
  [/^(AuthorizeSecurityGroup(Ingress|Egress)|RevokeSecurityGroup(Ingress|Egress)|ModifySecurityGroupRules|ModifyInstanceAttribute|ModifyNetworkInterfaceAttribute)$/, 'security-group'],
  [/^(CreateNetworkAclEntry|ReplaceNetworkAclEntry|DeleteNetworkAclEntry|ReplaceNetworkAclAssociation)$/, 'network-acl'],
  [/^(CreateRoute|ReplaceRoute|DeleteRoute|AssociateRouteTable|DisassociateRouteTable|ReplaceRouteTableAssociation)$/, 'route-table'],
  [/^(CreateListener|ModifyListener|DeleteListener|CreateRule|ModifyRule|DeleteRule|SetRulePriorities)$/, 'listener'],
  [/^(ModifyTargetGroup|ModifyTargetGroupAttributes|RegisterTargets|DeregisterTargets)$/, 'target-group'],
  [/^(ModifyLoadBalancerAttributes|SetSecurityGroups|SetSubnets|SetIpAddressType)$/, 'load-balancer'],
]

/**
 * The kind of a change that can start 5xx, or undefined for one that cannot by itself (a launch or termination of
 * the group's own churn, a tag). A new launch template version counts: the group launches it on the next scale-out.
 */
export function changeKind(e: ChangeEvent): ChangeKind | undefined {
  if (e.source === 'launch-template-version') return 'launch-template'
  if (e.source === 'instance-refresh') return 'instance-refresh'
  if (e.source !== 'cloudtrail') return undefined
  return TRAIL_KINDS.find(([re]) => re.test(e.what))?.[1]
}

export interface RelevantChange {
  event: ChangeEvent
  kind: ChangeKind
  secondsBeforeOnset: number
}

/**
 * The changes that can start 5xx, at or before the onset's interval ends and at most `lookbackSeconds` before the
 * onset, newest first. Where CloudTrail and the launch template's own record tell of one version, both are kept:
 * the trail names who.
 */
export function relevantChangesBefore(changes: readonly ChangeEvent[], onset: Onset, stepSeconds: number, lookbackSeconds = 3600): RelevantChange[] {
  const at = Date.parse(onset.time)
  const out: RelevantChange[] = []
  for (const event of changes) {
    const kind = changeKind(event)
    const t = Date.parse(event.time)
    if (!kind || t > at + stepSeconds * 1000 || t < at - lookbackSeconds * 1000) continue
    out.push({event, kind, secondsBeforeOnset: Math.round((at - t) / 1000)})
  }
  return out.sort((a, b) => a.secondsBeforeOnset - b.secondsBeforeOnset || Number(b.event.source === 'cloudtrail') - Number(a.event.source === 'cloudtrail'))
}
