/**
 * Collects the on-instance section: runs the read-only diagnostic script (src/ssm/diagnostic-script.ts) through
 * the SSM command runner on the instances the caller chose (SSM-online ones, all or only the unhealthy), and
 * keeps each instance's status, bounded raw output and parsed result.
 *
 * One script per probe configuration of the target groups (target port, health-check port, path, protocol,
 * matcher): usually one. An instance registered in two differently configured target groups gets one run per
 * configuration; all runs go out at once and share the one bounded wait.
 */
import {DIAGNOSTIC_SCRIPT_VERSION} from '../snapshot/on-instance-types.js'
import type {OnInstanceProbe, OnInstanceRun, OnInstanceSection} from '../snapshot/on-instance-types.js'
import type {CollectionError, Snapshot} from '../snapshot/types.js'
import {diagnosticScript} from '../ssm/diagnostic-script.js'
import {parseDiagnosticOutput} from '../ssm/parse.js'
import type {CommandRunner, InvocationResult} from '../ssm/types.js'
import {healthCheckPort, matcherCodes} from '../analyze/target-group.js'

/** Raw output kept in the snapshot per run: the script writes ~0.3-1 KB; a runaway output must not bloat it. */
export const MAX_STORED_STDOUT = 8000
export const MAX_STORED_STDERR = 2000
export const COMMAND_COMMENT = 'asg-doctor diagnose: read-only checks of nginx'

export interface CollectOnInstanceOptions {
  runner: CommandRunner
  /** A snapshot whose ec2, elbv2 and autoscaling sections are collected. */
  snapshot: Snapshot
  instanceIds: string[]
  /** The overall wait for answers, all batches and probes included. */
  timeoutMs: number
  /** `executionTimeout` of the script on the instance; the script itself needs a few seconds. */
  executionTimeoutSeconds?: number
  onProgress?: (finished: number, total: number) => void
}

export interface OnInstanceCollection {
  onInstance: OnInstanceSection
  errors: CollectionError[]
}

export async function collectOnInstance(options: CollectOnInstanceOptions): Promise<OnInstanceCollection> {
  const plan = planProbes(options.snapshot, [...new Set(options.instanceIds)])
  const total = plan.reduce((n, p) => n + p.instanceIds.length, 0)
  const finished = new Map<string, number>()
  const progress = (probeId: string) => (done: number) => {
    finished.set(probeId, done)
    options.onProgress?.([...finished.values()].reduce((a, b) => a + b, 0), total)
  }

  const results = await Promise.all(
    plan.map(async ({probe, instanceIds}) => {
      const invocations = await options.runner.runShellScript({
        instanceIds,
        commands: diagnosticScript(probe),
        comment: COMMAND_COMMENT,
        timeoutMs: options.timeoutMs,
        executionTimeoutSeconds: options.executionTimeoutSeconds ?? 60,
        onProgress: progress(probe.id),
      })
      return invocations.map((r) => toRun(probe.id, r))
    }),
  )
  const runs = results.flat()
  return {
    onInstance: {
      scriptVersion: DIAGNOSTIC_SCRIPT_VERSION,
      timeoutMs: options.timeoutMs,
      probes: plan.map((p) => p.probe),
      runs,
    },
    errors: deniedErrors(runs),
  }
}

interface ProbePlan {
  probe: OnInstanceProbe
  instanceIds: string[]
}

/**
 * Which probe each instance gets: the settings of every target group it is registered in (with its registered
 * port), else of the target groups its Auto Scaling group is attached to, else of the first target group.
 */
export function planProbes(snapshot: Snapshot, instanceIds: string[]): ProbePlan[] {
  const probes = new Map<string, OnInstanceProbe>()
  const members = new Map<string, string[]>()
  const byIp = new Map(snapshot.ec2.Instances.map((i) => [i.PrivateIpAddress ?? '', i.InstanceId ?? '']))
  const tgs = snapshot.elbv2.TargetGroups
  const add = (instanceId: string, tgArn: string, port: number | undefined) => {
    const tg = tgs.find((t) => t.TargetGroupArn === tgArn)
    if (!tg) return
    const targetPort = port ?? tg.Port ?? 80
    const hcPort = healthCheckPort(tg, targetPort)
    const protocol = (tg.HealthCheckProtocol ?? 'HTTP').toUpperCase() === 'HTTPS' ? 'HTTPS' : 'HTTP'
    const path = tg.HealthCheckPath ?? '/'
    const matcher = matcherCodes(tg)
    const id = `${protocol}:${targetPort}:${hcPort}:${path}:${matcher}`
    if (!probes.has(id)) {
      probes.set(id, {id, targetPort, healthCheckPort: hcPort, healthCheckPath: path, healthCheckProtocol: protocol, matcher, targetGroupArns: []})
      members.set(id, [])
    }
    const probe = probes.get(id)!
    if (!probe.targetGroupArns.includes(tgArn)) probe.targetGroupArns.push(tgArn)
    if (!members.get(id)!.includes(instanceId)) members.get(id)!.push(instanceId)
  }

  const wanted = new Set(instanceIds)
  const placed = new Set<string>()
  for (const [tgArn, descs] of Object.entries(snapshot.elbv2.TargetHealthDescriptions)) {
    for (const d of descs) {
      const id = d.Target?.Id?.startsWith('i-') ? d.Target.Id : byIp.get(d.Target?.Id ?? '')
      if (!id || !wanted.has(id) || d.TargetHealth?.Reason === 'Target.NotRegistered') continue
      add(id, tgArn, d.Target?.Port)
      placed.add(id)
    }
  }
  for (const id of instanceIds.filter((i) => !placed.has(i))) {
    const group = snapshot.autoscaling.AutoScalingGroups.find((g) => (g.Instances ?? []).some((i) => i.InstanceId === id))
    const arns = (group?.TargetGroupARNs ?? []).filter((a) => tgs.some((t) => t.TargetGroupArn === a))
    const fallback = arns.length > 0 ? arns : tgs.slice(0, 1).map((t) => t.TargetGroupArn ?? '')
    for (const arn of fallback) add(id, arn, undefined)
  }
  return [...probes.values()].map((probe) => ({probe, instanceIds: members.get(probe.id)!}))
}

function toRun(probeId: string, r: InvocationResult): OnInstanceRun {
  const parsed = parseDiagnosticOutput(r.stdout)
  return {
    instanceId: r.instanceId,
    probeId,
    ...(r.commandId ? {commandId: r.commandId} : {}),
    status: r.status,
    ...(r.responseCode !== undefined ? {responseCode: r.responseCode} : {}),
    ...(r.detail ? {detail: r.detail} : {}),
    stdout: r.stdout.slice(0, MAX_STORED_STDOUT),
    stderr: r.stderr.slice(0, MAX_STORED_STDERR),
    ...(parsed ? {parsed} : {}),
  }
}

/**
 * A denied SendCommand or ListCommandInvocations means none of the on-instance checks could run: recorded as
 * collection errors, so that the checks report "could not check" with the missing permission. Per-instance
 * failures (an instance not managed by SSM) are not errors of the collection: instance-command-no-answer says them.
 */
function deniedErrors(runs: OnInstanceRun[]): CollectionError[] {
  const errors = new Map<string, CollectionError>()
  for (const run of runs) {
    const m = /^(ssm:\w+) was denied \((\w+)\)/.exec(run.detail ?? '')
    if (m && !errors.has(m[1])) errors.set(m[1], {api: m[1], code: m[2], message: run.detail!, accessDenied: true})
  }
  return [...errors.values()]
}
