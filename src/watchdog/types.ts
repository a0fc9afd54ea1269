/**
 * The watchdog's contract with its state machine: what each Lambda run receives and returns. The state machine
 * (infra/watchdog/state-machine.ts) fans a list of targets out over a Distributed Map, one `scan` run per
 * account-region, then hands the small results to one `merge` run. Results stay small (the Map state keeps them
 * in its 256 KiB payload): reports and snapshots go to S3, and only their keys travel.
 */
import type {ScanReport, ScanVerdict} from '../scan/types.js'
import type {Severity} from '../rules/types.js'

/** One account-region to scan. Without `roleArn` the Lambda scans with its own role (the watchdog's account). */
export interface WatchTarget {
  region: string
  /** The member account, for reports and S3 keys; taken from the role ARN when absent. */
  account?: string
  /** The read-only role to assume in the member account (the StackSet's role). */
  roleArn?: string
}

/** The execution input the schedule sends to the state machine. */
export interface WatchInput {
  targets: WatchTarget[]
}

export interface ScanEvent {
  kind: 'scan'
  /** The execution's name: every object of one run sits under runs/<runId>/. */
  runId: string
  target: WatchTarget
}

export interface ScanOutcome {
  kind: 'scanned'
  target: WatchTarget
  /** The S3 key of this target's part of the report (a ScanReport without snapshots). */
  key: string
  loadBalancers: number
  byVerdict: Record<ScanVerdict, number>
}

/** What the Map's Catch makes of an item whose Lambda run failed outright (timeout, crash). */
export interface FailedItem {
  kind: 'failed'
  target: WatchTarget
  error: string
}

export interface MergeEvent {
  kind: 'merge'
  runId: string
  parts: (ScanOutcome | FailedItem)[]
}

export interface MergeOutcome {
  kind: 'merged'
  runId: string
  reportKey: string
  loadBalancers: number
  byVerdict: Record<ScanVerdict, number>
  opened: number
  resolved: number
  published: {metrics: number; events: number; notified: boolean}
}

export type WatchdogEvent = ScanEvent | MergeEvent
export type WatchdogOutcome = ScanOutcome | MergeOutcome

/** What the handler reads from its environment (set by the stack). */
export interface WatchdogConfig {
  bucket: string
  /** SNS topic for notifications; none: no notification is sent. */
  topicArn?: string
  eventBusName: string
  namespace: string
  /** Root causes at or above this severity are events and notifications; the metrics count every severity. */
  notifyOn: Severity
  /** Collect history evidence (metrics, changes, logs) per ALB. */
  history: boolean
  /** An endpoint override (an emulator), handed to the scan. */
  endpointUrl?: string
}

export type {ScanReport}
