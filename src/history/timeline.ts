/**
 * The evidence over time as a timeline: one line per signal (a per-interval sparkline) with the changes marked under
 * it, for the text report; the same as tables for `--format markdown`; and the data of both for `--json`.
 * Pure functions of the snapshot's `history` section and its analysis (src/history/analyze.ts).
 */
import type {ChangeEvent, HealthTransition, HistorySection, MetricSeries} from '../snapshot/history-types.js'
import type {HistoryAnalysis, Signal} from './analyze.js'
import {errorSignal, signals} from './analyze.js'
import {bucketCount, parseWindow} from './common.js'
import type {ReportHistory} from '../analyze/report.js'
import type {CollectionError} from '../snapshot/types.js'

const BARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█']

/**
 * One character per value: the lowest bar for zero, eight heights scaled to the largest value, a space where no
 * data was recorded.
 */
export function sparkline(values: readonly (number | null)[], max = Math.max(0, ...values.map((v) => v ?? 0))): string {
  return values
    .map((v) => {
      if (v === null) return ' '
      if (v <= 0 || max <= 0) return BARS[0]
      const k = Math.min(BARS.length - 1, Math.max(1, Math.ceil((v / max) * (BARS.length - 1))))
      return BARS[k]
    })
    .join('')
}

/** Combines consecutive values so that at most `width` remain (sums for counts, maxima for levels). */
export function resample(values: readonly (number | null)[], width: number, kind: Signal['kind']): {values: (number | null)[]; factor: number} {
  const factor = Math.max(1, Math.ceil(values.length / Math.max(1, width)))
  if (factor === 1) return {values: [...values], factor}
  const out: (number | null)[] = []
  for (let i = 0; i < values.length; i += factor) {
    const group = values.slice(i, i + factor).filter((v): v is number => v !== null)
    out.push(group.length === 0 ? null : kind === 'count' ? group.reduce((a, b) => a + b, 0) : Math.max(...group))
  }
  return {values: out, factor}
}

const MARKS = '123456789abcdefghijklmnopqrstuvwxyz'

export interface MarkedChange {
  /** The character that marks it on the timeline (`1`..`9`, `a`..`z`, `+` past those). */
  mark: string
  column: number
  event: ChangeEvent
}

/** Places each change in its column; several in one column show as `*`. */
export function markChanges(changes: readonly ChangeEvent[], start: number, columnSeconds: number, columns: number): {line: string; marked: MarkedChange[]} {
  const cells: string[] = Array.from({length: columns}, () => '·')
  const marked: MarkedChange[] = []
  changes.forEach((event, k) => {
    const col = Math.floor((Date.parse(event.time) - start) / (columnSeconds * 1000))
    if (col < 0 || col >= columns) return
    const mark = MARKS[k] ?? '+'
    marked.push({mark, column: col, event})
    cells[col] = cells[col] === '·' ? mark : '*'
  })
  return {line: cells.join(''), marked}
}

export interface TimelineSignal {
  id: string
  label: string
  /** A few words for the text report's 80 columns, e.g. `ALB 502`, `unhealthy web-tg`. */
  short: string
  source: Signal['source']
  kind: Signal['kind']
  values: (number | null)[]
  total?: number
  max: number
}

export interface TimelineData {
  window: {start: string; end: string}
  /** Seconds per column after resampling to the width. */
  columnSeconds: number
  columns: number
  signals: TimelineSignal[]
  /** Series that had no data point at all in the window (left out of the lines). */
  noData: string[]
  changes: MarkedChange[]
  markerLine: string
  /** Per target of the health-check logs: its status in each column (`pass`, `fail`, null before its first check). */
  targets: {target: string; failures: number; statuses: ('pass' | 'fail' | null)[]; last?: HealthTransition}[]
  analysis: HistoryAnalysis
}

/** A target's status at the end of each column, from its transitions (the first observation, then each change). */
export function targetStatuses(transitions: readonly HealthTransition[], start: number, columnSeconds: number, columns: number): ('pass' | 'fail' | null)[] {
  const out: ('pass' | 'fail' | null)[] = []
  let k = 0
  let current: 'pass' | 'fail' | null = null
  for (let c = 0; c < columns; c++) {
    const end = start + (c + 1) * columnSeconds * 1000
    let failedInColumn = false
    while (k < transitions.length && Date.parse(transitions[k].time) < end) {
      current = transitions[k].to
      if (current === 'fail') failedInColumn = true
      k++
    }
    // A failure within the column shows even when the target recovered before it ended.
    out.push(failedInColumn ? 'fail' : current)
  }
  return out
}

export interface TimelineOptions {
  /** Columns of the sparklines (default 60). */
  width?: number
  /** Signals shown at most (the error signal first). */
  maxSignals?: number
  /** Health-check targets shown at most (most failures first). */
  maxTargets?: number
}

/** `▁` passing, `█` failing, a space before the first check. */
export function statusStrip(statuses: readonly ('pass' | 'fail' | null)[]): string {
  return statuses.map((s) => (s === null ? ' ' : s === 'fail' ? '█' : '▁')).join('')
}

function lastChange(t: TimelineData['targets'][number], multiDay: boolean): string {
  if (!t.last) return ''
  return `${t.last.to === 'fail' ? 'failing' : 'passing'} since ${clock(t.last.time, multiDay)}${t.last.reason ? ` (${t.last.reason}${t.last.statusCode ? ` ${t.last.statusCode}` : ''})` : t.last.statusCode ? ` (${t.last.statusCode})` : ''}`
}

function interesting(s: Signal): boolean {
  return s.values.some((v) => v !== null)
}

/** The data behind both renderings: resampled signals, change markers, the analysis. */
export function timelineData(h: HistorySection, analysis: HistoryAnalysis, o: TimelineOptions = {}): TimelineData {
  const width = o.width ?? 60
  const w = parseWindow(h.window)
  const err = errorSignal(h)
  const all = [...(err ? [err] : []), ...signals(h)]
  const shown = all.filter(interesting).slice(0, o.maxSignals ?? 16)
  const noData = all.filter((s) => !interesting(s)).map((s) => s.label)
  const baseStep = shown[0]?.stepSeconds ?? h.metrics?.periodSeconds ?? 60
  const series = new Map((h.metrics?.series ?? []).map((m) => [m.id, m]))
  const out: TimelineSignal[] = shown.map((s) => {
    const factor = Math.max(1, Math.ceil(s.values.length / width))
    const r = resample(s.values, width, s.kind)
    const nums = s.values.filter((v): v is number => v !== null)
    return {
      id: s.id,
      label: s.label,
      short: shortLabel(s, series.get(s.id)),
      source: s.source,
      kind: s.kind,
      values: r.values,
      ...(s.kind === 'count' ? {total: nums.reduce((a, b) => a + b, 0)} : {}),
      max: Math.max(0, ...(s.kind === 'count' && factor > 1 ? r.values.map((v) => v ?? 0) : nums)),
    }
  })
  // With no signal to show, the changes still get the grid the signals would have had.
  const grid = Math.ceil(bucketCount(w, baseStep * 1000) / Math.max(1, Math.ceil(bucketCount(w, baseStep * 1000) / width)))
  const columns = out.length ? Math.max(...out.map((s) => s.values.length)) : grid
  const columnSeconds = Math.max(baseStep, Math.ceil((w.end - w.start) / 1000 / columns))
  const {line, marked} = markChanges(h.changes?.events ?? [], w.start, columnSeconds, columns)
  const targets = (h.healthCheckLogs?.targets ?? []).slice(0, o.maxTargets ?? 10).map((t) => ({
    target: t.target,
    failures: t.failures,
    statuses: targetStatuses(t.transitions, w.start, columnSeconds, columns),
    ...(t.transitions.length ? {last: t.transitions[t.transitions.length - 1]} : {}),
  }))
  return {window: h.window, columnSeconds, columns, signals: out, noData, changes: marked, markerLine: line, targets, analysis}
}

const SHORT_METRICS: Record<string, string> = {
  HTTPCode_ELB_5XX_Count: 'ALB 5xx',
  HTTPCode_ELB_502_Count: 'ALB 502',
  HTTPCode_ELB_503_Count: 'ALB 503',
  HTTPCode_ELB_504_Count: 'ALB 504',
  HTTPCode_Target_5XX_Count: 'target 5xx',
  TargetConnectionErrorCount: 'conn. errors',
  RequestCount: 'requests',
  TargetResponseTime: 'response',
  UnHealthyHostCount: 'unhealthy',
  HealthyHostCount: 'healthy',
  CPUUtilization: 'CPU %',
}

const SHORT_SIGNALS: Record<string, string> = {
  'log-elb5xx': 'log: ALB 5xx',
  'log-target5xx': 'log: target 5xx',
  'log-hc-failures': 'log: failed hc',
}

/** A signal's name in a few words: the metric's short name, its statistic when not a sum, and whose it is. */
export function shortLabel(s: Pick<Signal, 'id' | 'label' | 'source'>, m?: Pick<MetricSeries, 'metric' | 'stat' | 'dimensions'>): string {
  if (s.id === 'errors') return s.source === 'metrics' ? '5xx, all' : '5xx, all (logs)'
  if (SHORT_SIGNALS[s.id]) return SHORT_SIGNALS[s.id]
  if (!m) return s.label
  const name = SHORT_METRICS[m.metric] ?? m.metric
  const stat = m.metric === 'TargetResponseTime' ? ` ${m.stat}` : ''
  const tg = m.dimensions.TargetGroup?.split('/')[1]
  const whose = m.dimensions.AvailabilityZone ? ` ${m.dimensions.AvailabilityZone.slice(-2)}` : ''
  const owner = tg ?? m.dimensions.AutoScalingGroupName
  return `${name}${stat}${owner ? ` ${owner}` : ''}${whose}`
}

/** `3 h`, `90 min`, `2 d 12 h`: a --since duration in words. */
export function describeWindow(ms: number): string {
  const minutes = Math.round(ms / 60_000)
  if (minutes < 1) return `${Math.round(ms / 1000)} s`
  if (minutes % 1440 === 0) return `${minutes / 1440} d`
  if (minutes > 1440) return `${Math.floor(minutes / 1440)} d ${Math.round((minutes % 1440) / 60)} h`
  if (minutes % 60 === 0) return `${minutes / 60} h`
  return `${minutes} min`
}

function clock(iso: string, multiDay: boolean): string {
  const d = new Date(iso)
  const hm = `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`
  return multiDay ? `${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')} ${hm}` : hm
}

function span(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`
  if (seconds % 60 === 0) return `${seconds / 60} min`
  return `${seconds} s`
}

const fmt = (n: number) => (Number.isInteger(n) ? n.toLocaleString('en-US') : n.toFixed(3))

function changeLine(m: MarkedChange, multiDay: boolean): string {
  const e = m.event
  return `${clock(e.time, multiDay)} ${e.what} ${e.resources.join(', ')}${e.who ? ` by ${e.who}` : ''}${e.status && e.status !== 'Successful' ? ` (${e.status})` : ''} [${e.source}]`
}

/** The sentence of the analysis: onset, shape, nearest change. */
export function summarySentence(a: HistoryAnalysis, multiDay = false): string {
  if (!a.signal) return 'No error signal in the window (no CloudWatch data and no access logs read).'
  if (!a.onset) return `No errors rose above the baseline in the window (${fmt(a.totalErrors)} 5xx in all).`
  const shape =
    a.shape.shape === 'periodic' ? `periodic, every ${span(a.shape.periodSeconds ?? 0)}` : a.shape.shape === 'single-burst' ? 'a single burst' : a.shape.shape
  const began = a.onset.beforeWindow ? `were already there at ${clock(a.onset.time, multiDay)}, the start of the window` : `began at ${clock(a.onset.time, multiDay)} UTC`
  const change = a.nearestChange
    ? `; the nearest change before: ${a.nearestChange.event.what} on ${a.nearestChange.event.resources.join(', ')}${a.nearestChange.event.who ? ` by ${a.nearestChange.event.who}` : ''} at ${clock(a.nearestChange.event.time, multiDay)} (${a.nearestChange.secondsBeforeOnset >= 0 ? `${span(Math.max(60, Math.round(a.nearestChange.secondsBeforeOnset / 60) * 60))} before` : 'in the same interval'})`
    : a.onset.beforeWindow
      ? ''
      : '; no recorded change came before it in the window'
  return `The errors (${fmt(a.totalErrors)} 5xx, ${a.signal.label}) ${began}, ${shape}${change}.`
}

/** Lays out prose under a prefix (the text report's wrapping, src/render/wrap.ts); one line per text by default. */
export type Prose = (prefix: string, text: string) => string[]

export interface TimelineTextOptions {
  wrap?: Prose
  /** Columns for a signal's name (default 16, longer ones cut with `…`). */
  labelWidth?: number
}

/** The series without data, listed when few, counted when many (every series of an idle or emulated account). */
function noDataSentence(d: TimelineData): string {
  const n = d.noData.length
  if (n <= 4) return `No data points: ${d.noData.join(', ')}.`
  if (d.signals.length === 0) return `No data point in any of the ${n} series of the window.`
  return `No data points in ${n} series: ${d.noData.slice(0, 3).join(', ')} and ${n - 3} more.`
}

/**
 * The text report's section: `Since <start>`, one line per signal (name, sparkline, total or maximum), each
 * health-check target's pass/fail strip, the changes' marker line and one line per change, then the summary
 * sentence. With 48 columns of sparkline it fits in 80 columns; prose (changes, the sentence) goes through `wrap`.
 */
export function timelineText(d: TimelineData, o: TimelineTextOptions = {}): string[] {
  const wrap: Prose = o.wrap ?? ((prefix, text) => [prefix + text])
  const multiDay = Date.parse(d.window.end) - Date.parse(d.window.start) > 86_400_000
  const width = o.labelWidth ?? 16
  const pad = (s: string) => (s.length > width ? `${s.slice(0, width - 1)}…` : s.padEnd(width))
  const length = describeWindow(Date.parse(d.window.end) - Date.parse(d.window.start))
  const lines = [`Since ${clock(d.window.start, multiDay)} UTC (${length} to ${clock(d.window.end, multiDay)}; one column = ${span(d.columnSeconds)})`]
  for (const s of d.signals) {
    const figure = s.total !== undefined ? `${fmt(s.total)} in all` : `max ${fmt(s.max)}`
    lines.push(`  ${pad(s.short)} ${sparkline(s.values).padEnd(d.columns)}  ${figure}`)
  }
  for (const t of d.targets) lines.push(`  ${pad(t.target)} ${statusStrip(t.statuses).padEnd(d.columns)}  ${t.failures} failed`)
  if (d.changes.length) {
    lines.push(`  ${pad('changes')} ${d.markerLine}`)
    for (const m of d.changes) lines.push(...wrap(`    ${m.mark} `, changeLine(m, multiDay)))
  }
  if (d.noData.length) lines.push(...wrap('  ', noDataSentence(d)))
  lines.push(...wrap('  ', summarySentence(d.analysis, multiDay)))
  return lines
}

/** Text from the account in a table cell: Markdown's markup characters escaped, line breaks as spaces. */
const cell = (s: string) => s.replace(/\s*\n\s*/g, ' ').replace(/[\\`*_[\]<>|]/g, (ch) => `\\${ch}`)

/** The same as markdown tables: one row per signal, one row per change. */
export function timelineMarkdown(d: TimelineData): string[] {
  const multiDay = Date.parse(d.window.end) - Date.parse(d.window.start) > 86_400_000
  const lines = [
    `Window ${d.window.start} → ${d.window.end}, one column = ${span(d.columnSeconds)}.`,
    '',
    '| signal | timeline | total | max |',
    '|---|---|---:|---:|',
    ...d.signals.map((s) => `| ${cell(s.label)} | \`${sparkline(s.values)}\` | ${s.total !== undefined ? fmt(s.total) : ''} | ${fmt(s.max)} |`),
  ]
  for (const t of d.targets) lines.push(`| health ${cell(t.target)} | \`${statusStrip(t.statuses)}\` | ${t.failures} failed | ${cell(lastChange(t, multiDay))} |`)
  if (d.changes.length) {
    lines.push(`| changes | \`${d.markerLine}\` | | |`, '', '| mark | time (UTC) | change | resources | who | source |', '|---|---|---|---|---|---|')
    for (const m of d.changes) {
      const e = m.event
      lines.push(`| ${m.mark} | ${clock(e.time, multiDay)} | ${cell(e.what)}${e.status && e.status !== 'Successful' ? ` (${cell(e.status)})` : ''} | ${cell(e.resources.join(', '))} | ${cell(e.who ?? '')} | ${e.source} |`)
    }
  }
  lines.push('', cell(summarySentence(d.analysis, multiDay)))
  return lines
}

/** The report's width of the timeline: 48 columns of sparkline keep a text line within 80 columns. */
export const REPORT_TIMELINE_WIDTH = 48

/** What a history source would have put on the timeline, by the IAM action that reads it. */
const MISSING: Record<string, string> = {
  'cloudwatch:GetMetricData': 'the CloudWatch metrics (5xx, connection errors, healthy hosts, CPU)',
  'cloudtrail:LookupEvents': 'the CloudTrail changes (who changed what) to the resources in scope',
  'autoscaling:DescribeScalingActivities': 'the Auto Scaling activities (launches, terminations)',
  'autoscaling:DescribeInstanceRefreshes': 'the instance refreshes',
  'ec2:DescribeLaunchTemplateVersions': 'the launch template versions',
  's3:ListBucket': 'the load balancer\'s log objects of the window',
  's3:GetObject': 'some of the load balancer\'s log objects',
}

/** The history's failed sources, one entry per IAM action, from the snapshot's collection errors. */
export function unavailableSources(errors: readonly CollectionError[]): ReportHistory['unavailable'] {
  const out = new Map<string, ReportHistory['unavailable'][number]>()
  for (const e of errors) {
    if (!MISSING[e.api] || out.has(e.api)) continue
    const reason = e.accessDenied ? `denied (needs IAM permission ${e.api})` : `failed: ${e.code}: ${e.message}`
    out.set(e.api, {api: e.api, reason, missing: MISSING[e.api]})
  }
  return [...out.values()]
}

/** The report's `history` part: the summary sentence, the analysis, the timeline's data and the notes. */
export function reportHistory(h: HistorySection, analysis: HistoryAnalysis, errors: readonly CollectionError[]): ReportHistory {
  const {window, analysis: _a, ...timeline} = timelineData(h, analysis, {width: REPORT_TIMELINE_WIDTH})
  const multiDay = Date.parse(window.end) - Date.parse(window.start) > 86_400_000
  return {window, summary: summarySentence(analysis, multiDay), analysis, timeline, notes: h.notes, unavailable: unavailableSources(errors)}
}

/** The timeline of a report's history part, as the renderers take it. */
export function reportTimeline(h: ReportHistory): TimelineData {
  return {...h.timeline, window: h.window, analysis: h.analysis}
}
