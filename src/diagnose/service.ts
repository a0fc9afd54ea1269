/**
 * `diagnose` as a service: the command parses flags and renders; this decides what to collect (live or from a
 * file), runs the analysis, and saves the snapshot. Dependencies come in, so tests drive it without a terminal.
 */
import type {AwsClients} from '../lib/aws.js'
import {regionFromArn, regionFromDnsName} from '../lib/aws.js'
import {UserError} from '../lib/errors.js'
import {analyze} from '../analyze/engine.js'
import type {Report} from '../analyze/engine.js'
import type {Severity} from '../rules/types.js'
import {readSnapshot, writeSnapshot} from '../snapshot/io.js'
import type {Snapshot} from '../snapshot/types.js'

export interface DiagnoseRequest {
  /** ALB name, ARN or DNS name; undefined with a snapshot file. */
  alb?: string
  snapshotFile?: string
  saveSnapshot?: string
  failOn: Severity
  /** --region, if given. */
  region?: string
}

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
    throw new UserError(`${alb} is in region ${carried}, but --region says ${flagRegion}.`, `Drop --region, or pass --region ${carried}.`)
  }
  return flagRegion ?? carried
}

export async function diagnose(request: DiagnoseRequest, deps: DiagnoseDeps): Promise<DiagnoseResult> {
  const notes: string[] = []
  let snapshot: Snapshot
  let stats: DiagnoseResult['stats']

  if (request.snapshotFile) {
    snapshot = await readSnapshot(request.snapshotFile)
    notes.push(`Analysed the saved snapshot ${request.snapshotFile} (collected ${snapshot.meta.collectedAt}); no AWS call was made.`)
    if (request.alb && !matchesTarget(snapshot, request.alb)) {
      throw new UserError(`The snapshot ${request.snapshotFile} is about ${snapshot.elbv2.LoadBalancers[0].LoadBalancerName}, not ${request.alb}.`, 'Drop the ALB argument when you pass --snapshot.')
    }
  } else {
    if (!request.alb) throw new UserError('Name the load balancer to diagnose.', 'Run `asg-doctor diagnose` with no argument to list the ALBs of the region.')
    const clients = deps.clients(regionForInput(request.alb, request.region))
    const region = await clients.region()
    const started = Date.now()
    const {resolveLoadBalancer} = await import('../collect/resolve.js')
    const {collectSnapshot} = await import('../collect/index.js')
    deps.progress(`Looking up ${request.alb} in ${region}…`)
    const loadBalancer = await resolveLoadBalancer(request.alb, clients)
    deps.progress(`Collecting ${loadBalancer.LoadBalancerName}: listeners, target groups, target health, Auto Scaling, instances, network…`)
    const collected = await collectSnapshot({
      loadBalancer,
      input: request.alb,
      clients,
      region,
      toolVersion: deps.toolVersion,
      endpointUrl: deps.endpointUrl,
      now: deps.now,
      log: deps.trace,
    })
    snapshot = collected.snapshot
    stats = {calls: collected.stats.calls, ms: Date.now() - started, byApi: collected.stats.perApi}
    deps.trace(`collected with ${stats.calls} AWS calls in ${stats.ms} ms`)
    if (deps.endpointUrl) notes.push(`Collected from ${deps.endpointUrl} (endpoint override).`)
  }

  if (request.saveSnapshot) {
    await writeSnapshot(request.saveSnapshot, snapshot)
    notes.push(`Snapshot saved to ${request.saveSnapshot}; analyse it again with \`asg-doctor diagnose --snapshot ${request.saveSnapshot}\`.`)
  }

  const report = analyze(snapshot, {failOn: request.failOn, notes})
  return {report, snapshot, ...(stats ? {stats} : {})}
}

function matchesTarget(snapshot: Snapshot, alb: string): boolean {
  const lb = snapshot.elbv2.LoadBalancers[0]
  const host = alb.replace(/^[a-z]+:\/\//i, '').split('/')[0].replace(/\.$/, '').toLowerCase()
  return [lb.LoadBalancerName, lb.LoadBalancerArn, lb.DNSName?.toLowerCase(), snapshot.meta.target.input].includes(alb) || lb.DNSName?.toLowerCase() === host
}
