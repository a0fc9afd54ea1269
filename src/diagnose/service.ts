/**
 * `diagnose` as a service: the command parses flags and renders; this decides what to collect (live or from a
 * file), runs the analysis, and saves the snapshot. Dependencies come in, so tests drive it without a terminal.
 */
import type {AwsClients} from '../lib/aws.js'
import {regionFromArn, regionFromDnsName, requestsOnWire} from '../lib/aws.js'
import {UserError} from '../lib/errors.js'
import {releaseMemory} from '../lib/memory.js'
import type {Report} from '../analyze/report.js'
import type * as Engine from '../analyze/engine.js'
import type {Severity} from '../rules/types.js'
import {readSnapshot, writeSnapshot} from '../snapshot/io.js'
import type {Snapshot} from '../snapshot/types.js'
import type {CommandRunner} from '../ssm/types.js'
import type {CallRunner} from '../collect/runner.js'
import type {HistoryOptions} from '../history/collect.js'
import {cmd} from '../lib/shell.js'
import type {LiveCollection} from './live.js'

export interface DiagnoseRequest {
  /** ALB name, ARN or DNS name; undefined with a snapshot file. */
  alb?: string
  snapshotFile?: string
  saveSnapshot?: string
  failOn: Severity
  /** --region, if given. */
  region?: string
  /** --profile and --endpoint-url, if given: the report's commands carry them. */
  profile?: string
  endpointUrl?: string
  /** Run the read-only diagnostic script on the instances through SSM (false: --no-ssm, API reads only). */
  ssm: boolean
  /** Which SSM-online instances get the script: the unhealthy targets, all, or auto (unhealthy ones if any, else all). */
  ssmTargets: SsmTargets
  /** Bound on the whole wait for the script's answers. */
  ssmTimeoutSeconds: number
  /**
   * Evidence over time (--since, unless --no-history): collected live for a window of `sinceMs` ending now, and
   * shown from a saved snapshot. Undefined: neither.
   */
  history?: {sinceMs: number}
}

export type SsmTargets = 'auto' | 'unhealthy' | 'all'

export interface DiagnoseDeps {
  /** Builds the clients for a region (the region may come from the ALB's DNS name or ARN). */
  clients(region: string | undefined): AwsClients
  toolVersion: string
  endpointUrl?: string
  /** One line of progress for a human (stderr). */
  progress(line: string): void
  /** One line of detail for --verbose. */
  trace(line: string): void
  now?: () => Date
  /** A progress line that replaces the previous one (a terminal's status line); falls back to nothing. */
  status?(line: string): void
  /** Bounds and pacing of the history collection; tests pace CloudTrail faster than its rate limit. */
  historyOptions?: Omit<HistoryOptions, 'sinceMs' | 'window'>
  /** The SSM command runner; tests inject one. Default: the real runner over the SSM client. */
  commandRunner?(clients: AwsClients): CommandRunner
  /**
   * The lookup and collection of `alb` through `clients` when they were started before the command began
   * (src/startup/early-lookup.ts) with the options this diagnosis would give them; default: none.
   */
  started?(clients: AwsClients, want: {alb: string; toolVersion: string; endpointUrl?: string}): LiveCollection | undefined
  /** Reads the --snapshot source (a file, or s3://bucket/key); default: a file only. */
  readSnapshot?(source: string): Promise<Snapshot>
}

export interface DiagnoseResult {
  report: Report
  snapshot: Snapshot
  /** Number of AWS calls and wall time of collection, for a live run. */
  stats?: {calls: number; ms: number; byApi: Record<string, number>}
}

/** The region an ALB reference carries (ARN or DNS name), checked against --region. */
export function regionForInput(alb: string, flagRegion: string | undefined): string | undefined {
  const carried = alb.startsWith('arn:') ? regionFromArn(alb) : regionFromDnsName(alb.replace(/^[a-z]+:\/\//i, '').split('/')[0])
  if (carried && flagRegion && carried !== flagRegion) {
    throw new UserError(`${alb} is in region ${carried}, but --region says ${flagRegion}.`, `Drop --region, or pass ${cmd`--region ${carried}`}.`)
  }
  return flagRegion ?? carried
}

export async function diagnose(request: DiagnoseRequest, deps: DiagnoseDeps): Promise<DiagnoseResult> {
  const notes: string[] = []
  // The rules are loaded once the first AWS request is on the wire (below), not before it.
  let engine: Promise<typeof Engine> | undefined
  let snapshot: Snapshot
  let stats: DiagnoseResult['stats']

  if (request.snapshotFile) {
    snapshot = await (deps.readSnapshot ?? readSnapshot)(request.snapshotFile)
    notes.push(`Analysed the saved snapshot ${request.snapshotFile} (collected ${snapshot.meta.collectedAt}); no AWS call was made.`)
    if (request.alb && !matchesTarget(snapshot, request.alb)) {
      throw new UserError(`The snapshot ${request.snapshotFile} is about ${snapshot.elbv2.LoadBalancers[0].LoadBalancerName}, not ${request.alb}.`, 'Drop the ALB argument when you pass --snapshot.')
    }
  } else {
    if (!request.alb) throw new UserError('Name the load balancer to diagnose.', 'Run `asg-doctor diagnose` with no argument to list the ALBs of the region.')
    const clients = deps.clients(regionForInput(request.alb, request.region))
    const region = await clients.region()
    const live: LiveCollection =
      deps.started?.(clients, {alb: request.alb, toolVersion: deps.toolVersion, endpointUrl: deps.endpointUrl}) ??
      (await import('./live.js')).startLiveCollection({alb: request.alb, clients, region, toolVersion: deps.toolVersion, endpointUrl: deps.endpointUrl, now: deps.now, log: deps.trace})
    const calls = live.runner
    const started = live.startedAt
    deps.progress(`Looking up ${request.alb} in ${region}…`)
    // The rules load while the lookup is answered (once it is on the wire: loading blocks the event loop).
    await requestsOnWire()
    engine = import('../analyze/engine.js')
    const loadBalancer = await live.loadBalancer
    deps.progress(`Collecting ${loadBalancer.LoadBalancerName}: listeners, target groups, target health, Auto Scaling, instances, network…`)
    const collected = await live.collected
    snapshot = collected.snapshot
    deps.trace(`collected with ${collected.stats.calls} AWS calls in ${Date.now() - started} ms`)
    if (deps.endpointUrl) notes.push(`Collected from ${deps.endpointUrl} (endpoint override).`)
    // The history reads what collectSnapshot found and nothing the on-instance step writes: the two run at once.
    let historyDone = false
    const history = request.history ? collectHistoryInto(snapshot, clients, request.history.sinceMs, deps, calls).finally(() => (historyDone = true)) : undefined
    history?.catch(() => undefined)
    notes.push(...(await collectFromInstances(snapshot, clients, request, deps, calls)))
    if (history) {
      // CloudTrail's lookups (about two a second) are what usually outlasts the on-instance step.
      if (!historyDone && request.ssm) deps.progress('Still reading the change history (CloudTrail answers about two lookups a second)…')
      await history
    }
    const all = calls.stats()
    stats = {calls: all.calls, ms: Date.now() - started, byApi: all.perApi}
  }

  if (request.saveSnapshot) {
    await writeSnapshot(request.saveSnapshot, snapshot)
    notes.push(`Snapshot saved to ${request.saveSnapshot}; analyse it again with \`${cmd`asg-doctor diagnose --snapshot ${request.saveSnapshot}`}\`.`)
  }

  const {analyze} = await (engine ?? import('../analyze/engine.js'))
  releaseMemory()
  const report = analyze(snapshot, {failOn: request.failOn, notes, history: request.history !== undefined, placement: {profile: request.profile, endpointUrl: request.endpointUrl}})
  return {report, snapshot, ...(stats ? {stats} : {})}
}

/** The snapshot's `history` section for a window ending now, with progress and a --verbose line around it. */
async function collectHistoryInto(snapshot: Snapshot, clients: AwsClients, sinceMs: number, deps: DiagnoseDeps, calls: CallRunner): Promise<void> {
  const started = Date.now()
  const [{addHistory}, {describeWindow}] = await Promise.all([import('../history/collect.js'), import('../history/timeline.js')])
  deps.progress(`Reading the ${describeWindow(sinceMs)} before now: CloudWatch metrics, changes (CloudTrail, Auto Scaling, launch templates), load balancer logs…`)
  const now = deps.now
  const failed = await addHistory(snapshot, clients, calls, {...deps.historyOptions, sinceMs, ...(now ? {now: () => now().getTime()} : {})})
  deps.trace(`history collected in ${Date.now() - started} ms (${failed} failed call(s))`)
}

/**
 * SSM readiness (API reads) always; then, unless --no-ssm, the read-only diagnostic script on the SSM-online
 * instances. Returns notes for the report.
 */
async function collectFromInstances(
  snapshot: Snapshot,
  clients: AwsClients,
  request: DiagnoseRequest,
  deps: DiagnoseDeps,
  calls: CallRunner,
): Promise<string[]> {
  if (snapshot.ec2.Instances.length === 0) return []
  // collectSnapshot reads SSM readiness as soon as it knows the instances; a snapshot without it gets it here.
  if (!snapshot.iam || !snapshot.ssm) {
    const {collectSsmReadiness} = await import('../collect/ssm-readiness.js')
    deps.progress('Checking whether Systems Manager can reach the instances…')
    const readiness = await collectSsmReadiness({clients, instances: snapshot.ec2.Instances, log: deps.trace, runner: calls})
    snapshot.iam = readiness.iam
    snapshot.ssm = readiness.ssm
    snapshot.errors.push(...readiness.errors)
  }

  if (!request.ssm) return ['On-instance checks were skipped (--no-ssm): nothing was sent to the instances.']
  const {instanceIds, reason} = chooseSsmTargets(snapshot, request.ssmTargets)
  if (instanceIds.length === 0) return [`On-instance checks were not run: ${reason}.`]

  const {collectOnInstance} = await import('../collect/on-instance.js')
  const runner = deps.commandRunner
    ? deps.commandRunner(clients)
    : (await import('../ssm/run-command.js')).createCommandRunner({ssm: clients.ssm, calls})
  deps.progress(`Running read-only checks on ${instanceIds.length} instance(s) through SSM (${reason}; waiting at most ${request.ssmTimeoutSeconds} s)…`)
  const result = await collectOnInstance({
    runner,
    snapshot,
    instanceIds,
    timeoutMs: request.ssmTimeoutSeconds * 1000,
    onProgress: (done, total) => deps.status?.(`  ${done}/${total} instance(s) answered`),
  })
  deps.status?.('')
  snapshot.onInstance = result.onInstance
  snapshot.errors.push(...result.errors)
  return []
}

/** The instances to run the script on: SSM-online (PingStatus Online), running, and chosen by --ssm-targets. */
export function chooseSsmTargets(snapshot: Snapshot, targets: SsmTargets): {instanceIds: string[]; reason: string} {
  const info = (snapshot.ssm?.InstanceInformationList ?? []) as {InstanceId?: string; PingStatus?: string}[]
  const online = new Set(info.filter((i) => i.PingStatus?.toLowerCase() === 'online').map((i) => i.InstanceId))
  const running = snapshot.ec2.Instances.filter((i) => i.State?.Name === 'running' && online.has(i.InstanceId)).map((i) => i.InstanceId!)
  if (running.length === 0) {
    const unknown = snapshot.errors.some((e) => e.api === 'ssm:DescribeInstanceInformation')
    return {instanceIds: [], reason: unknown ? 'ssm:DescribeInstanceInformation failed, so no instance is known to be SSM-online' : 'no instance is online in Systems Manager (see the SSM findings)'}
  }
  const notHealthy = new Set(
    Object.values(snapshot.elbv2.TargetHealthDescriptions)
      .flat()
      .filter((d) => d.TargetHealth?.State !== 'healthy')
      .map((d) => d.Target?.Id),
  )
  const unhealthy = running.filter((id) => notHealthy.has(id))
  if (targets === 'all' || (targets === 'auto' && unhealthy.length === 0)) return {instanceIds: running, reason: 'every SSM-online instance'}
  if (unhealthy.length === 0) return {instanceIds: [], reason: 'no SSM-online instance is an unhealthy target (--ssm-targets all checks the healthy ones too)'}
  return {instanceIds: unhealthy, reason: 'the SSM-online instances that are not healthy targets'}
}

function matchesTarget(snapshot: Snapshot, alb: string): boolean {
  const lb = snapshot.elbv2.LoadBalancers[0]
  const host = alb.replace(/^[a-z]+:\/\//i, '').split('/')[0].replace(/\.$/, '').toLowerCase()
  return [lb.LoadBalancerName, lb.LoadBalancerArn, lb.DNSName?.toLowerCase(), snapshot.meta.target.input].includes(alb) || lb.DNSName?.toLowerCase() === host
}
