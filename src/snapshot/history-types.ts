/**
 * The snapshot's `history` section: evidence over a window of time (CloudWatch metrics, change events, summaries of
 * the load balancer's access and health-check logs). Optional, and versioned on its own (`history.version`), so that
 * snapshots written before it existed still load and a later format of it can be told apart.
 *
 * Unlike the service sections, these are not raw API shapes: metric results are reduced to time series, logs to
 * bounded summaries with a bounded sample of raw lines, and changes from several APIs to one event shape. The
 * sources are named in each part so that a reader can go back to them. Dates are ISO-8601 strings.
 * Documented in docs/snapshot.md.
 */

export const HISTORY_VERSION = 1

/** One signal over the window: a GetMetricData result (MetricDataResult) flattened, oldest point first. */
export interface MetricSeries {
  /** The query id sent to GetMetricData (`m0`, `m1`, ...). */
  id: string
  /** What the series is, in words, e.g. `HTTPCode_ELB_502_Count (Sum)`. */
  label: string
  namespace: string
  metric: string
  /** Sum, Maximum, Minimum, Average or a percentile such as p99. */
  stat: string
  dimensions: Record<string, string>
  /** Start of each period (ISO-8601), ascending. */
  timestamps: string[]
  values: number[]
  /** GetMetricData's StatusCode: Complete, PartialData, InternalError, Forbidden. */
  status?: string
}

export interface MetricsPart {
  /** Seconds per data point. */
  periodSeconds: number
  series: MetricSeries[]
  /** GetMetricData calls made (each page counted). */
  calls: number
}

export type ChangeSource = 'autoscaling-activity' | 'instance-refresh' | 'launch-template-version' | 'cloudtrail'

/** A change to a resource in scope, from whichever API recorded it. */
export interface ChangeEvent {
  /** When it happened (ISO-8601); for an activity or a refresh, when it started. */
  time: string
  source: ChangeSource
  /** The API action or the kind of change, e.g. `AuthorizeSecurityGroupIngress`, `Launch`, `CreateLaunchTemplateVersion`. */
  what: string
  /** The resources it touched, by id, name or ARN. */
  resources: string[]
  /** Who made it: an IAM ARN or user name, `autoscaling` for the service's own actions. */
  who?: string
  /** A short description (the activity's Description, the version's description, the event source). */
  detail?: string
  /** A status where the source has one (Successful, Failed, InProgress...). */
  status?: string
  /** The source's own id (CloudTrail EventId, ActivityId, InstanceRefreshId, `lt-...:3`). */
  id?: string
}

export interface ChangesPart {
  events: ChangeEvent[]
  /** The resources CloudTrail was asked about (one LookupEvents ResourceName each), and those left out by the bound. */
  lookedUp: string[]
  skipped: string[]
  /** true when a resource's events ran past the page bound: older events of it may be missing. */
  truncated: boolean
  /** The groups' launch templates: which version each group launches, and the latest and default versions. */
  launchTemplates: LaunchTemplateUse[]
}

export interface LaunchTemplateUse {
  launchTemplateId: string
  launchTemplateName?: string
  latestVersion?: number
  defaultVersion?: number
  /** The version each group launches (its `$Latest` / `$Default` resolved). */
  inUse: {group: string; version?: number; spec?: string}[]
}

export interface Stats {
  count: number
  min?: number
  max?: number
  mean?: number
  p50?: number
  p90?: number
  p99?: number
}

/** The S3 objects a log summary was read from. */
export interface LogSource {
  bucket: string
  prefix: string
  /** Objects of the window the listing found. */
  objectsFound: number
  /** Objects read, newest first, within the bounds. */
  objectsRead: number
  /** Compressed bytes read. */
  bytesRead: number
  /** true when the count or byte bound left objects of the window unread (the oldest ones). */
  truncated: boolean
  /** Keys read, newest first (bounded). */
  keys: string[]
  /** Objects that could not be read or were cut short (a truncated gzip): their readable lines still count. */
  failedObjects: number
}

/** One interval of the window, for the timeline. */
export interface LogBucket {
  /** Start of the interval (ISO-8601). */
  start: string
  requests: number
  /** 5xx answered by the load balancer (elb_status_code 5xx whose target did not send it). */
  elb5xx: number
  /** 5xx the targets themselves returned. */
  target5xx: number
}

export type FiveXxCause =
  | 'target-returned-5xx'
  | 'target-connection-error'
  | 'target-malformed-response'
  | 'target-timeout'
  | 'no-target'
  | 'load-balancer-other'

export interface AccessLogSummary {
  source: LogSource
  /** Lines seen, lines that could not be parsed (counted and skipped), entries outside the window. */
  lines: number
  badLines: number
  outsideWindow: number
  requests: number
  errors5xx: number
  byElbStatus: Record<string, number>
  /** 5xx by `target:port` (`-` when no target was chosen); bounded, the rest under `other`. */
  byTarget: Record<string, number>
  /** 5xx by target_status_code (`-` when the target sent no response). */
  byTargetStatus: Record<string, number>
  byCause: Partial<Record<FiveXxCause, number>>
  /** 5xx by the entry's error_reason field, when it has one. */
  byErrorReason: Record<string, number>
  /** Processing times (seconds) of the 5xx; -1 values are counted apart as `notDispatched`. */
  processingTimes: {request: Stats; target: Stats; response: Stats; notDispatched: number}
  bucketSeconds: number
  buckets: LogBucket[]
  /** Raw lines of 5xx entries (bounded), and up to a few unparseable lines. */
  sample: string[]
  badSample: string[]
}

export type HealthCheckReason = 'connection-refused' | 'connection-reset' | 'timeout' | 'response-code-mismatch' | 'other'

export interface HealthTransition {
  time: string
  /** pass or fail. */
  to: 'pass' | 'fail'
  reason?: string
  statusCode?: string
}

export interface HealthCheckTarget {
  target: string
  targetGroup?: string
  checks: number
  failures: number
  byReason: Partial<Record<HealthCheckReason, number>>
  /** The raw reason codes of the failures and their counts. */
  reasonCodes: Record<string, number>
  /** Status codes of failed checks that got an answer (mismatch). */
  statusCodes: Record<string, number>
  first?: string
  last?: string
  lastStatus?: 'pass' | 'fail'
  /** Changes of status in time order (bounded: the latest ones are kept). */
  transitions: HealthTransition[]
}

export interface HealthCheckLogSummary {
  source: LogSource
  lines: number
  badLines: number
  outsideWindow: number
  checks: number
  failures: number
  byReason: Partial<Record<HealthCheckReason, number>>
  /** Per target (`ip:port`), bounded. */
  targets: HealthCheckTarget[]
  bucketSeconds: number
  /** Failed checks per interval. */
  buckets: {start: string; checks: number; failures: number}[]
  sample: string[]
  badSample: string[]
}

export interface HistorySection {
  version: typeof HISTORY_VERSION
  window: {start: string; end: string}
  metrics?: MetricsPart
  changes?: ChangesPart
  accessLogs?: AccessLogSummary
  healthCheckLogs?: HealthCheckLogSummary
  /** Why a part is missing (logs not enabled, nothing in the window...): one sentence each. */
  notes: string[]
}
