/**
 * Application Load Balancer access logs: a parser of one entry, a classifier of each 5xx into the causes the ELB
 * troubleshooting guide gives, and a bounded summariser fed line by line (see src/history/s3-logs.ts for reading the
 * gzip objects out of S3).
 *
 * An entry is one line of space-separated fields, some in double quotes, in a fixed order; AWS appends new fields at
 * the end over time, so fields are taken by position and anything past the last known one is ignored. A line that
 * does not parse (cut short, a quote never closed, a field of the wrong kind) is counted and skipped, never fatal.
 */
import type {AccessLogSummary, FiveXxCause, LogBucket, LogSource} from '../snapshot/history-types.js'
import type {Window} from './common.js'
import {BoundedCounter, BoundedList, StatsAccumulator, WindowedLogSummariser, sortedCounts} from './common.js'

/** The documented fields, in order. */
export const ACCESS_LOG_FIELDS = [
  'type',
  'time',
  'elb',
  'client:port',
  'target:port',
  'request_processing_time',
  'target_processing_time',
  'response_processing_time',
  'elb_status_code',
  'target_status_code',
  'received_bytes',
  'sent_bytes',
  'request',
  'user_agent',
  'ssl_cipher',
  'ssl_protocol',
  'target_group_arn',
  'trace_id',
  'domain_name',
  'chosen_cert_arn',
  'matched_rule_priority',
  'request_creation_time',
  'actions_executed',
  'redirect_url',
  'error_reason',
  'target:port_list',
  'target_status_code_list',
  'classification',
  'classification_reason',
  'conn_trace_id',
] as const

/** Entries up to `sent_bytes` and the request line must be there; later fields are optional (older formats lack them). */
const REQUIRED_FIELDS = 13

const TYPES = new Set(['http', 'https', 'h2', 'grpcs', 'ws', 'wss'])

export interface AccessLogEntry {
  type: string
  /** Epoch milliseconds of `time` (when the load balancer answered). */
  time: number
  elb: string
  client: string
  /** `ip:port`, or `-` when no target was chosen. */
  target: string
  requestProcessingTime: number
  targetProcessingTime: number
  responseProcessingTime: number
  /** `-` is kept as undefined. */
  elbStatusCode?: number
  /** undefined when the field is `-`: no response came from the target. */
  targetStatusCode?: number
  request: string
  targetGroupArn?: string
  errorReason?: string
  /** Every field, by its documented name (extras past the known ones are dropped). */
  fields: Partial<Record<(typeof ACCESS_LOG_FIELDS)[number], string>>
}

/**
 * Splits a line into fields: spaces separate, a field that starts with `"` runs to the next unescaped `"`
 * (inside, `\"` and `\\` are escapes). Returns undefined when a quote never closes (a truncated line).
 */
export function splitLogLine(line: string): string[] | undefined {
  const out: string[] = []
  let i = 0
  const n = line.length
  while (i < n) {
    if (line[i] === ' ') {
      i++
      continue
    }
    if (line[i] === '"') {
      let value = ''
      let j = i + 1
      let closed = false
      while (j < n) {
        const c = line[j]
        if (c === '\\' && j + 1 < n) {
          value += line[j + 1]
          j += 2
          continue
        }
        if (c === '"') {
          closed = true
          j++
          break
        }
        value += c
        j++
      }
      if (!closed) return undefined
      out.push(value)
      i = j
      continue
    }
    let j = i
    while (j < n && line[j] !== ' ') j++
    out.push(line.slice(i, j))
    i = j
  }
  return out
}

function num(text: string): number | undefined {
  if (!/^-?\d+(\.\d+)?$/.test(text)) return undefined
  return Number(text)
}

function status(text: string): number | undefined | null {
  if (text === '-') return undefined
  if (!/^\d{3}$/.test(text)) return null
  return Number(text)
}

/** Parses one entry; undefined when the line is not a well-formed access log entry. */
export function parseAccessLogLine(line: string): AccessLogEntry | undefined {
  const trimmed = line.replace(/\r$/, '')
  if (!trimmed.trim()) return undefined
  const f = splitLogLine(trimmed)
  if (!f || f.length < REQUIRED_FIELDS) return undefined
  if (!TYPES.has(f[0])) return undefined
  const time = Date.parse(f[1])
  if (Number.isNaN(time) || !/^\d{4}-\d\d-\d\dT/.test(f[1])) return undefined
  const [rpt, tpt, spt] = [num(f[5]), num(f[6]), num(f[7])]
  if (rpt === undefined || tpt === undefined || spt === undefined) return undefined
  const elbStatus = status(f[8])
  const targetStatus = status(f[9])
  if (elbStatus === null || targetStatus === null) return undefined
  if (num(f[10]) === undefined || num(f[11]) === undefined) return undefined
  const fields: AccessLogEntry['fields'] = {}
  ACCESS_LOG_FIELDS.forEach((name, k) => {
    if (k < f.length) fields[name] = f[k]
  })
  const opt = (v: string | undefined) => (v === undefined || v === '-' || v === '' ? undefined : v)
  return {
    type: f[0],
    time,
    elb: f[2],
    client: f[3],
    target: f[4],
    requestProcessingTime: rpt,
    targetProcessingTime: tpt,
    responseProcessingTime: spt,
    elbStatusCode: elbStatus,
    targetStatusCode: targetStatus,
    request: f[12],
    targetGroupArn: opt(f[16]),
    errorReason: opt(f[24]),
    fields,
  }
}

/** What each cause means, after the ELB troubleshooting guide's account of the load balancer's HTTP errors. */
export const CAUSE_EXPLANATIONS: Record<FiveXxCause, string> = {
  'target-returned-5xx': 'the application on the target answered with this 5xx itself (HTTPCode_Target_5XX): not the load balancer\'s doing; look at the application',
  'target-connection-error':
    '502 with no response from the target: the target refused or reset the connection, closed a kept-alive connection while a request was outstanding (keep-alive timeout shorter than the load balancer\'s idle timeout), the TLS handshake to an HTTPS target failed, or the deregistration delay ended with the request in flight',
  'target-malformed-response': '502 although the target answered: its response was malformed or carried invalid or oversized headers',
  'target-timeout': '504: the target did not answer before the idle timeout, or no connection to it could be made in time',
  'no-target': '503: the target group had no registered target to send the request to (or the rule forwards to an empty group)',
  'load-balancer-other': 'another 5xx from the load balancer itself (500, 501, 505, 507, 561...): see the entry\'s error_reason',
}

/**
 * The cause of a 5xx, or undefined for an entry that is not one. A 5xx whose target sent the same code is the
 * application's own answer; otherwise the load balancer made it, and the code plus whether the target answered
 * (`target_status_code`, the processing times of -1) tell which of the documented cases it is.
 */
export function classify5xx(e: AccessLogEntry): FiveXxCause | undefined {
  const code = e.elbStatusCode
  if (code === undefined || code < 500 || code > 599) return undefined
  const target = e.targetStatusCode
  if (target !== undefined && target >= 500 && target <= 599 && target === code) return 'target-returned-5xx'
  switch (code) {
    case 502:
      return target === undefined ? 'target-connection-error' : 'target-malformed-response'
    case 504:
      return 'target-timeout'
    case 503:
      return e.target === '-' && target === undefined ? 'no-target' : target !== undefined && target >= 500 ? 'target-returned-5xx' : 'load-balancer-other'
    default:
      return target !== undefined && target >= 500 ? 'target-returned-5xx' : 'load-balancer-other'
  }
}

export interface SummariserOptions {
  window: Window
  bucketSeconds: number
  /** Raw 5xx lines kept as a sample. */
  sampleLines?: number
  /** Distinct targets / statuses / reasons counted by name before the rest go under `other`. */
  maxKeys?: number
  /** Characters kept of each sampled line. */
  maxLineChars?: number
}

/** Folds access log lines into an AccessLogSummary; memory is bounded whatever the number of lines. */
export class AccessLogSummariser extends WindowedLogSummariser<AccessLogEntry, LogBucket> {
  private requests = 0
  private errors5xx = 0
  private readonly byElbStatus: BoundedCounter
  private readonly byTarget: BoundedCounter
  private readonly byTargetStatus: BoundedCounter
  private readonly byErrorReason: BoundedCounter
  private readonly byCause = new Map<FiveXxCause, number>()
  private readonly times = {request: new StatsAccumulator(), target: new StatsAccumulator(), response: new StatsAccumulator()}
  private notDispatched = 0
  private readonly sample: BoundedList<string>

  constructor(options: SummariserOptions) {
    super(options.window, options.bucketSeconds, (start) => ({start, requests: 0, elb5xx: 0, target5xx: 0}), options.maxLineChars)
    const maxKeys = options.maxKeys ?? 50
    this.byElbStatus = new BoundedCounter(maxKeys)
    this.byTarget = new BoundedCounter(maxKeys)
    this.byTargetStatus = new BoundedCounter(maxKeys)
    this.byErrorReason = new BoundedCounter(maxKeys)
    this.sample = new BoundedList(options.sampleLines ?? 20)
  }

  protected parse(line: string): AccessLogEntry | undefined {
    return parseAccessLogLine(line)
  }

  protected accept(e: AccessLogEntry, bucket: LogBucket, line: string): void {
    this.requests++
    bucket.requests++
    const cause = classify5xx(e)
    if (!cause) return
    this.errors5xx++
    if (cause === 'target-returned-5xx') bucket.target5xx++
    else bucket.elb5xx++
    this.byCause.set(cause, (this.byCause.get(cause) ?? 0) + 1)
    this.byElbStatus.add(String(e.elbStatusCode))
    this.byTarget.add(e.target)
    this.byTargetStatus.add(e.targetStatusCode === undefined ? '-' : String(e.targetStatusCode))
    if (e.errorReason) this.byErrorReason.add(e.errorReason)
    if (e.requestProcessingTime < 0 || e.targetProcessingTime < 0 || e.responseProcessingTime < 0) this.notDispatched++
    if (e.requestProcessingTime >= 0) this.times.request.add(e.requestProcessingTime)
    if (e.targetProcessingTime >= 0) this.times.target.add(e.targetProcessingTime)
    if (e.responseProcessingTime >= 0) this.times.response.add(e.responseProcessingTime)
    this.sample.push(line.slice(0, this.maxLineChars))
  }

  result(source: LogSource): AccessLogSummary {
    const byCause: AccessLogSummary['byCause'] = sortedCounts(this.byCause)
    return {
      source,
      lines: this.lines,
      badLines: this.badLines,
      outsideWindow: this.outsideWindow,
      requests: this.requests,
      errors5xx: this.errors5xx,
      byElbStatus: this.byElbStatus.toRecord(),
      byTarget: this.byTarget.toRecord(),
      byTargetStatus: this.byTargetStatus.toRecord(),
      byCause,
      byErrorReason: this.byErrorReason.toRecord(),
      processingTimes: {request: this.times.request.result(), target: this.times.target.result(), response: this.times.response.result(), notDispatched: this.notDispatched},
      bucketSeconds: this.bucketSeconds,
      buckets: this.buckets,
      sample: this.sample.items,
      badSample: this.badSample.items,
    }
  }
}
