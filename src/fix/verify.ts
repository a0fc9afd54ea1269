/**
 * After the install: wait (bounded) for the fixed targets to turn healthy, then ask the load balancer itself for
 * the health-check path and expect a 200. Time and HTTP are injected, so tests neither wait nor touch a network.
 */
import type {TargetHealthDescription} from '@aws-sdk/client-elastic-load-balancing-v2'
import {elbv2Sdk} from '../lib/aws.js'
import type {AwsClients} from '../lib/aws.js'
import type {Clock} from '../ssm/types.js'
import {CallRunner} from '../collect/runner.js'

export interface TargetState {
  state: string
  reason?: string
  description?: string
}

export interface HealthWait {
  /** Every fixed instance reached `healthy` in time. */
  healthy: boolean
  byInstance: Record<string, TargetState>
  elapsedMs: number
}

export interface ProbeResult {
  url?: string
  /** Why no request was made. */
  skipped?: string
  status?: number
  error?: string
  ok: boolean
}

export type HttpProbe = (url: string) => Promise<{status?: number; error?: string}>

export interface WaitOptions {
  targetGroupArn: string
  instanceIds: string[]
  timeoutMs: number
  /** Between polls; the ALB checks every 30 s by default, so polling faster only costs calls. */
  intervalMs?: number
  clock: Clock
  onProgress?: (line: string) => void
  /** The command's runner (a new one by default). */
  calls?: CallRunner
}

const stateOf = (d: TargetHealthDescription): TargetState => ({
  state: d.TargetHealth?.State ?? 'unknown',
  ...(d.TargetHealth?.Reason ? {reason: d.TargetHealth.Reason} : {}),
  ...(d.TargetHealth?.Description ? {description: d.TargetHealth.Description} : {}),
})

export async function waitForHealthy(clients: AwsClients, options: WaitOptions): Promise<HealthWait> {
  const sdk = elbv2Sdk()
  const calls = options.calls ?? new CallRunner()
  const start = options.clock.now()
  const interval = options.intervalMs ?? 10_000
  let lastLine = ''
  let lastAt = 0
  for (;;) {
    const res = await calls.must('elasticloadbalancing:DescribeTargetHealth', options.targetGroupArn, () =>
      clients.elbv2.send(new sdk.DescribeTargetHealthCommand({TargetGroupArn: options.targetGroupArn})),
    )
    const byInstance: Record<string, TargetState> = {}
    for (const id of options.instanceIds) {
      const d = (res.TargetHealthDescriptions ?? []).find((t) => t.Target?.Id === id)
      byInstance[id] = d ? stateOf(d) : {state: 'unregistered'}
    }
    const waiting = options.instanceIds.filter((id) => byInstance[id].state !== 'healthy')
    const elapsedMs = options.clock.now() - start
    if (waiting.length === 0) return {healthy: true, byInstance, elapsedMs}
    if (elapsedMs >= options.timeoutMs) return {healthy: false, byInstance, elapsedMs}
    // Progress when something changed, and once a minute while nothing does.
    const line = `waiting for ${waiting.map((id) => `${id} (${[byInstance[id].state, byInstance[id].reason].filter(Boolean).join(' ')})`).join(', ')}`
    if (line !== lastLine || elapsedMs - lastAt >= 60_000) {
      options.onProgress?.(`${options.instanceIds.length - waiting.length}/${options.instanceIds.length} healthy after ${Math.round(elapsedMs / 1000)}s; ${line}`)
      lastLine = line
      lastAt = elapsedMs
    }
    await options.clock.sleep(Math.min(interval, options.timeoutMs - elapsedMs))
  }
}

/** An emulator's DNS names are fictional: with an endpoint override in force there is nothing real to probe. */
export async function probeLoadBalancer(options: {base?: string; path: string; probe: HttpProbe; endpointOverride?: string}): Promise<ProbeResult> {
  if (options.endpointOverride) return {skipped: `an endpoint override is in force (${options.endpointOverride}): the load balancer's DNS name is not a real one`, ok: true}
  if (!options.base) return {skipped: 'the load balancer has no HTTP or HTTPS listener that forwards', ok: true}
  const url = `${options.base}${options.path}`
  const r = await options.probe(url)
  return {url, ...(r.status !== undefined ? {status: r.status} : {}), ...(r.error ? {error: r.error} : {}), ok: r.status === 200}
}
