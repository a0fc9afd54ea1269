/**
 * What the watchdog publishes, as plain data (the handler sends it): a CloudWatch metric per ALB and severity,
 * an EventBridge event per opened or resolved root cause, and one SNS notification naming each cause and its fix.
 *
 * Metrics go through PutMetricData rather than embedded-metric-format log lines: the metrics cost the same either
 * way (each ALB × severity is one custom metric), the calls cost cents a month (one call carries 1,000 values),
 * and PutMetricData can be granted for the watchdog's namespace alone (the cloudwatch:namespace condition).
 */
import {SEVERITIES} from '../rules/types.js'
import type {ScanReport} from '../scan/types.js'
import type {CauseDiff, CauseRecord} from './diff.js'

export const EVENT_SOURCE = 'asg-doctor.watchdog'
export const DETAIL_TYPE = {opened: 'ALB root cause opened', resolved: 'ALB root cause resolved'} as const
/** PutMetricData takes at most 1,000 values a call; PutEvents at most 10 entries. */
export const METRICS_PER_CALL = 1000
export const EVENTS_PER_CALL = 10
/** SNS subjects stop at 100 ASCII characters; messages at 256 KiB (we stay far below). */
const SUBJECT_MAX = 100
const MESSAGE_MAX = 200_000

export interface MetricDatum {
  MetricName: string
  Dimensions: {Name: string; Value: string}[]
  Value: number
  Unit: 'Count'
  Timestamp: Date
}

/** The severities counted per ALB: info findings are remarks, not problems, and a metric each costs $0.30 a month. */
export const METRIC_SEVERITIES = SEVERITIES.filter((s) => s !== 'info')

/**
 * One value per ALB and problem severity (zeros included: an alarm on the metric then sees "no problems" rather
 * than missing data), and one for the whole run: the ALBs, regions or accounts that could not be read, so an alarm
 * can tell a watchdog that lost its permissions from a healthy fleet.
 */
export function metricData(report: ScanReport): MetricDatum[] {
  const at = new Date(report.scannedAt)
  const out: MetricDatum[] = []
  for (const e of report.entries) {
    if (!e.name || !e.report) continue
    const dims = [{Name: 'LoadBalancer', Value: e.name}, {Name: 'Region', Value: e.region}, ...(e.account ? [{Name: 'Account', Value: e.account}] : [])]
    for (const s of METRIC_SEVERITIES) out.push({MetricName: 'Problems', Dimensions: [...dims, {Name: 'Severity', Value: s}], Value: e.report.summary.findings[s], Unit: 'Count', Timestamp: at})
  }
  out.push({MetricName: 'Unreadable', Dimensions: [], Value: report.entries.filter((e) => e.verdict === 'error').length, Unit: 'Count', Timestamp: at})
  return out
}

export interface EventEntry {
  Source: string
  DetailType: string
  Detail: string
  EventBusName: string
  Resources: string[]
  Time: Date
}

export function causeEvents(diff: CauseDiff, opts: {eventBusName: string; at: Date; runId: string; reportKey: string}): EventEntry[] {
  const entry = (state: 'opened' | 'resolved', c: CauseRecord): EventEntry => ({
    Source: EVENT_SOURCE,
    DetailType: DETAIL_TYPE[state],
    Detail: JSON.stringify({state, runId: opts.runId, report: opts.reportKey, ...c}),
    EventBusName: opts.eventBusName,
    Resources: c.loadBalancerArn ? [c.loadBalancerArn] : [],
    Time: opts.at,
  })
  return [...diff.opened.map((c) => entry('opened', c)), ...diff.resolved.map((c) => entry('resolved', c))]
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

function where(c: CauseRecord): string {
  return [c.region, c.account].filter(Boolean).join(', ')
}

/** The notification, or nothing when no cause opened or resolved. */
export function notification(diff: CauseDiff, opts: {report: string; stackName?: string}): {Subject: string; Message: string} | undefined {
  if (diff.opened.length === 0 && diff.resolved.length === 0) return undefined
  const parts = [diff.opened.length ? `${diff.opened.length} new` : '', diff.resolved.length ? `${diff.resolved.length} resolved` : ''].filter(Boolean)
  const first = diff.opened[0] ?? diff.resolved[0]
  let subject = `asg-doctor: ${parts.join(', ')} ALB root cause${diff.opened.length + diff.resolved.length === 1 ? '' : 's'} (${first.loadBalancer})`
  // SNS takes only printable ASCII in a subject: anything else is replaced, and a long one cut with dots.
  subject = subject.replace(/[^\x20-\x7e]/g, '?')
  if (subject.length > SUBJECT_MAX) subject = subject.slice(0, SUBJECT_MAX - 3) + '...'
  const lines: string[] = []
  if (diff.opened.length) {
    lines.push('New root causes:', '')
    for (const c of diff.opened) {
      lines.push(`[${c.severity}] ${c.loadBalancer} (${where(c)}): ${c.title}`, `  ${c.message}`)
      if (c.fix) lines.push(`  Fix: ${c.fix}`)
      for (const command of c.commands ?? []) lines.push(`    ${command}`)
      lines.push('')
    }
  }
  if (diff.resolved.length) {
    lines.push('Resolved since the previous run:', '')
    for (const c of diff.resolved) lines.push(`  ${c.loadBalancer} (${where(c)}): ${c.title}`)
    lines.push('')
  }
  if (diff.unknown.length) lines.push(`${diff.unknown.length} earlier cause(s) could not be rechecked: their load balancer, region or account could not be read.`, '')
  lines.push(`Full report: ${opts.report}`)
  let message = lines.join('\n')
  if (message.length > MESSAGE_MAX) message = message.slice(0, MESSAGE_MAX) + '\n… (cut: see the full report)'
  return {Subject: subject, Message: message}
}
