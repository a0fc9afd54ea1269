/**
 * The watchdog's Lambda handler as a plain function: `createHandler(deps)` gives `handler(event, context)`.
 * Two kinds of run, both driven by the state machine:
 * - `scan`: one account-region (assuming the member's read-only role when the target names one), its snapshots
 *   and its part of the report written to S3; returns the part's key and counts.
 * - `merge`: the parts into one fleet report, compared with the previous run's (latest/report.json), then
 *   published: metrics per ALB, an event per opened or resolved root cause, one SNS notification.
 */
import type {CloudWatchClient} from '@aws-sdk/client-cloudwatch'
import type {EventBridgeClient} from '@aws-sdk/client-eventbridge'
import type {S3Client} from '@aws-sdk/client-s3'
import type {SNSClient} from '@aws-sdk/client-sns'
import {cloudWatchSdk, loadSdk} from '../lib/aws.js'
import type {ScanReport, ScanRequest} from '../scan/types.js'
import {diffCauses} from './diff.js'
import {countVerdicts, errorReport, mergeReports, targetAccount} from './merge.js'
import {EVENTS_PER_CALL, METRICS_PER_CALL, causeEvents, chunks, metricData, notification} from './publish.js'
import {withConfigFile, writeRoleProfile} from './role-profile.js'
import {LATEST_REPORT, getJson, keys, putJson} from './store.js'
import type {MergeEvent, MergeOutcome, ScanEvent, ScanOutcome, WatchdogConfig, WatchdogEvent, WatchdogOutcome} from './types.js'

/** The fleet scan (`scanFleet` of src/scan/service.ts, with its dependencies bound). */
export type ScanFn = (request: ScanRequest) => Promise<ScanReport>

export interface WatchdogDeps {
  config: WatchdogConfig
  scan: ScanFn
  s3: S3Client
  cloudwatch: CloudWatchClient
  eventbridge: EventBridgeClient
  sns: SNSClient
  now?: () => Date
  log?: (line: string) => void
}

/** The part of Lambda's context the handler reads. */
export interface HandlerContext {
  awsRequestId?: string
  getRemainingTimeInMillis?(): number
}

export function createHandler(deps: WatchdogDeps): (event: WatchdogEvent, context?: HandlerContext) => Promise<WatchdogOutcome> {
  return async (event) => {
    if (event?.kind === 'scan') return scanTarget(event, deps)
    if (event?.kind === 'merge') return mergeRun(event, deps)
    throw new Error(`The watchdog got an event it does not know (kind ${JSON.stringify((event as {kind?: unknown})?.kind)}): expected "scan" or "merge" from its state machine.`)
  }
}

export async function scanTarget(event: ScanEvent, deps: WatchdogDeps): Promise<ScanOutcome> {
  const {config, s3} = deps
  const now = deps.now ?? (() => new Date())
  const target = event.target
  const role = writeRoleProfile(target)
  const request: ScanRequest = {
    regions: [target.region],
    profiles: role ? [role.profile] : [],
    failOn: config.notifyOn,
    ssm: false,
    history: config.history,
    keepSnapshots: true,
    ...(config.endpointUrl ? {endpointUrl: config.endpointUrl} : {}),
  }
  let report: ScanReport
  try {
    report = await withConfigFile(role?.configFile, () => deps.scan(request))
  } catch (error) {
    // The region or account as a whole could not be scanned (the role could not be assumed, say): a line of its own.
    const message = (error as Error).message ?? String(error)
    deps.log?.(`scan of ${target.region}${role ? ` as ${target.roleArn}` : ''} failed: ${message}`)
    report = errorReport(target, message, now())
  }
  // Snapshots go to their own objects; the part keeps the reports only.
  const entries = []
  for (const entry of report.entries) {
    const {snapshot, ...rest} = entry
    if (snapshot && entry.name) await putJson(s3, config.bucket, keys.snapshot(entry.account ?? targetAccount(target), entry.region, entry.name), snapshot)
    entries.push(rest)
  }
  const part: ScanReport = {...report, entries}
  const key = keys.part(event.runId, targetAccount(target), target.region)
  await putJson(s3, config.bucket, key, part)
  return {kind: 'scanned', target, key, loadBalancers: part.summary.loadBalancers, byVerdict: countVerdicts(part.entries)}
}

/** Step Functions hands a Lambda failure over as the JSON Lambda reported ({errorType, errorMessage}); keep the words. */
export function failureMessage(cause: string): string {
  try {
    const parsed = JSON.parse(cause) as {errorType?: string; errorMessage?: string}
    if (parsed?.errorMessage) return parsed.errorType ? `${parsed.errorType}: ${parsed.errorMessage}` : parsed.errorMessage
  } catch {
    // not JSON: a Step Functions error text, as it is
  }
  return cause
}

export async function mergeRun(event: MergeEvent, deps: WatchdogDeps): Promise<MergeOutcome> {
  const {config, s3} = deps
  const at = (deps.now ?? (() => new Date()))()
  const parts: ScanReport[] = []
  for (const p of event.parts ?? []) {
    if (p.kind === 'scanned') {
      const part = await getJson<ScanReport>(s3, config.bucket, p.key)
      parts.push(part ?? errorReport(p.target, `the report of this scan (s3://${config.bucket}/${p.key}) is missing`, at))
    } else {
      parts.push(errorReport(p.target, `the scan did not finish: ${failureMessage(p.error)}`, at))
    }
  }
  const merged = mergeReports(parts, at)
  const previous = await getJson<ScanReport>(s3, config.bucket, LATEST_REPORT)
  const diff = diffCauses(previous, merged, config.notifyOn)
  const reportKey = keys.report(event.runId)
  await putJson(s3, config.bucket, reportKey, merged)
  await putJson(s3, config.bucket, LATEST_REPORT, merged)

  const metrics = metricData(merged)
  const {PutMetricDataCommand} = cloudWatchSdk()
  for (const batch of chunks(metrics, METRICS_PER_CALL)) await deps.cloudwatch.send(new PutMetricDataCommand({Namespace: config.namespace, MetricData: batch}))

  const events = causeEvents(diff, {eventBusName: config.eventBusName, at, runId: event.runId, reportKey})
  const {PutEventsCommand} = loadSdk('eventbridge')
  for (const batch of chunks(events, EVENTS_PER_CALL)) {
    const res = await deps.eventbridge.send(new PutEventsCommand({Entries: batch}))
    if (res.FailedEntryCount) throw new Error(`events:PutEvents refused ${res.FailedEntryCount} of ${batch.length} events: ${res.Entries?.find((e) => e.ErrorCode)?.ErrorMessage ?? 'no reason given'}`)
  }

  const note = config.topicArn ? notification(diff, {report: `s3://${config.bucket}/${reportKey}`}) : undefined
  if (note && config.topicArn) {
    const {PublishCommand} = loadSdk('sns')
    await deps.sns.send(new PublishCommand({TopicArn: config.topicArn, ...note}))
  }
  return {
    kind: 'merged',
    runId: event.runId,
    reportKey,
    loadBalancers: merged.summary.loadBalancers,
    byVerdict: merged.summary.byVerdict,
    opened: diff.opened.length,
    resolved: diff.resolved.length,
    published: {metrics: metrics.length, events: events.length, notified: Boolean(note)},
  }
}
