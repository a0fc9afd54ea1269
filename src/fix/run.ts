/**
 * fix-nginx as a service: plan -> confirm -> apply (SSM, launch template) -> verify (target health, HTTP probe).
 * Every dependency is passed in (clients, runner, clock, probe, the question to the user), so the whole flow runs
 * in tests without AWS, a terminal or a network. The command only wires and renders.
 */
import {CallRunner} from '../collect/runner.js'
import type {AwsClients} from '../lib/aws.js'
import {UserError} from '../lib/errors.js'
import {installScript} from '../ssm/install-script.js'
import type {Clock, CommandRunner} from '../ssm/types.js'
import {applyInstall} from './apply.js'
import type {InstallResult} from './apply.js'
import {decide, refusal} from './confirm.js'
import {describeInstances, describeSsm} from './facts.js'
import {applyPersist, planPersist} from './persist.js'
import type {PersistResult} from './persist.js'
import {buildPlan, candidateIds} from './plan.js'
import type {FixPlan} from './plan.js'
import {resolveTargets} from './targets.js'
import type {ResolvedTargets} from './targets.js'
import {probeLoadBalancer, waitForHealthy} from './verify.js'
import type {HealthWait, HttpProbe, ProbeResult, TargetState} from './verify.js'

export interface FixOptions {
  alb?: string
  targetGroupArn?: string
  instanceIds?: string[]
  /** Only with --instance-ids alone: with a target group, its own port and path are used. */
  port?: number
  healthCheckPath?: string
  indexHtml?: Uint8Array
  /** Where the index page comes from, for the plan: a path, or `default`. */
  indexSource: string
  persist: boolean
  refresh: boolean
  minHealthyPercentage: number
  timeoutSeconds: number
  verify: boolean
  yes: boolean
  dryRun: boolean
  /** stdin and stdout are terminals and the output is not JSON. */
  interactive: boolean
}

export interface FixDeps {
  clients: AwsClients
  /**
   * The runner every AWS call of the fix goes through (the SSM command runner should share it); by default a new
   * one that logs to `trace`.
   */
  calls?: CallRunner
  runner: CommandRunner
  clock: Clock
  probe: HttpProbe
  endpointOverride?: string
  ask: (question: string) => Promise<boolean>
  showPlan: (plan: FixPlan) => void
  progress: (line: string) => void
  /** One line per AWS call, for --verbose. */
  trace?: (line: string) => void
}

export interface InstanceReport {
  instanceId: string
  privateIp?: string
  install: 'changed' | 'unchanged' | 'failed' | 'skipped'
  changed: string[]
  /** Why it was skipped or failed. */
  reason?: string
  output?: string
  health?: TargetState
  ok: boolean
}

export interface FixReport {
  outcome: 'dry-run' | 'declined' | 'applied'
  plan: FixPlan
  instances: InstanceReport[]
  persist?: PersistResult[]
  health?: HealthWait
  probe?: ProbeResult
  /** Why the verification (target health, probe) could not finish; the installs and persist still stand. */
  verifyError?: string
  notes: string[]
  /** Every instance fixed (and verified, unless --no-verify), the probe and the launch template change too. */
  ok: boolean
}

export function checkOptions(o: FixOptions): void {
  if (!o.alb && !o.targetGroupArn && !o.instanceIds) throw new UserError('Say what to fix: a load balancer, --target-group-arn or --instance-ids.', 'For example: asg-doctor fix-nginx web-alb --dry-run')
  if ((o.alb || o.targetGroupArn) && (o.port !== undefined || o.healthCheckPath !== undefined)) {
    throw new UserError('--port and --health-check-path are for --instance-ids alone; with a load balancer or target group, its own port and health-check path are used.')
  }
  if (o.persist && !o.alb && !o.targetGroupArn) throw new UserError('--persist needs a load balancer or --target-group-arn, to find the Auto Scaling group.')
  if (o.refresh && !o.persist) throw new UserError('--refresh starts an instance refresh after --persist has changed the launch template; add --persist.')
  if (o.instanceIds?.length === 0) throw new UserError('--instance-ids is empty.')
  for (const id of o.instanceIds ?? []) if (!/^i-[0-9a-f]{8,17}$/.test(id)) throw new UserError(`"${id}" is not an EC2 instance id (i-0123456789abcdef0).`)
}

export async function runFix(o: FixOptions, given: FixDeps): Promise<FixReport> {
  checkOptions(o)
  const deps = {...given, calls: given.calls ?? new CallRunner(8, given.trace)}
  const {calls} = deps
  const resolved: ResolvedTargets | undefined = o.alb || o.targetGroupArn ? await resolveTargets({alb: o.alb, targetGroupArn: o.targetGroupArn}, deps.clients, calls) : undefined
  const tg = resolved?.targetGroup
  const port = tg?.port ?? o.port ?? 80
  const healthCheckPath = tg?.healthCheckPath ?? o.healthCheckPath ?? '/'
  const script = installScript({port, ...(tg?.healthCheckPort ? {healthCheckPort: tg.healthCheckPort} : {}), healthCheckPath, ...(o.indexHtml ? {indexHtml: o.indexHtml} : {})})
  const registered = resolved?.registered ?? []
  const ids = candidateIds(registered, o.instanceIds)
  if (ids.length === 0 && !o.persist) throw new UserError(`Target group ${tg?.name} has no registered instances: there is nothing to fix on running instances.`, 'Add --persist to fix the launch template for the instances to come.')
  const instances = ids.length > 0 ? await describeInstances(ids, deps.clients, calls) : new Map()
  const online = ids.filter((id) => instances.get(id)?.state === 'running')
  const ssm = online.length > 0 ? await describeSsm(online, deps.clients, calls) : new Map()
  const groups = resolved?.autoScalingGroups ?? []
  const persist = o.persist ? await planPersist(groups, script.join('\n'), deps.clients, {refresh: o.refresh, minHealthyPercentage: o.minHealthyPercentage}, calls) : undefined
  const plan = buildPlan({
    targetGroup: tg,
    loadBalancer: resolved?.loadBalancer,
    registered,
    explicitIds: o.instanceIds,
    instances,
    ssm,
    port,
    healthCheckPath,
    indexSource: o.indexSource,
    script,
    autoScalingGroups: groups.map((g) => g.AutoScalingGroupName!),
    ...(persist ? {persist} : {}),
  })
  deps.showPlan(plan)

  const decision = decide(o)
  const skippedOnly = plan.skipped.map(skipReport)
  if (decision === 'dry-run') return {outcome: 'dry-run', plan, instances: skippedOnly, notes: ['--dry-run: nothing was changed.'], ok: true}
  if (decision === 'refuse') throw refusal()
  if (decision === 'ask' && !(await deps.ask('Apply this plan? [y/N] '))) return {outcome: 'declined', plan, instances: skippedOnly, notes: ['Nothing was changed.'], ok: false}
  return apply(plan, resolved, o, deps)
}

const skipReport = (s: FixPlan['skipped'][number]): InstanceReport => ({instanceId: s.instanceId, install: 'skipped', changed: [], reason: `${s.reason}: ${s.detail}`, ok: false})

async function apply(plan: FixPlan, resolved: ResolvedTargets | undefined, o: FixOptions, deps: FixDeps & {calls: CallRunner}): Promise<FixReport> {
  const notes: string[] = []
  const timeoutMs = o.timeoutSeconds * 1000
  const ids = plan.targets.map((t) => t.instanceId)
  if (ids.length > 0) deps.progress(`Installing on ${ids.length} instance(s) through SSM (up to ${o.timeoutSeconds}s)...`)
  const installs = await applyInstall(deps.runner, {instanceIds: ids, script: plan.script, timeoutMs, onProgress: (done, total) => deps.progress(`  ${done}/${total} instance(s) finished`)})

  const fixed = installs.filter((r) => r.ok).map((r) => r.instanceId)
  let health: HealthWait | undefined
  let probe: ProbeResult | undefined
  let verifyError: string | undefined
  if (!o.verify) notes.push('Verification skipped (--no-verify).')
  else if (!resolved) notes.push('No target group was given: target health and the load balancer were not checked.')
  else if (fixed.length > 0) {
    deps.progress(`Waiting up to ${o.timeoutSeconds}s for the targets to turn healthy...`)
    try {
      health = await waitForHealthy(deps.clients, {
        targetGroupArn: resolved.targetGroup.arn,
        instanceIds: fixed,
        timeoutMs,
        clock: deps.clock,
        calls: deps.calls,
        onProgress: (l) => deps.progress(`  ${l}`),
      })
      probe = await probeLoadBalancer({base: resolved.probeBase, path: plan.healthCheckPath, probe: deps.probe, endpointOverride: deps.endpointOverride})
      if (probe.skipped) notes.push(`HTTP probe skipped: ${probe.skipped}.`)
    } catch (error) {
      // The installs are done: a failed check of them must not lose the record of what changed.
      verifyError = error instanceof Error ? error.message : String(error)
      notes.push(`Verification failed: ${verifyError}`)
    }
  }
  // After the wait: an instance refresh starts draining the very instances being verified.
  const persist = plan.persist ? await applyPersist(plan.persist, deps.clients, deps.calls) : undefined
  const instances = [...installs.map((r) => instanceReport(r, plan, health, o.timeoutSeconds, verifyError)), ...plan.skipped.map(skipReport)]
  const ok = !verifyError && instances.every((i) => i.ok) && (probe?.ok ?? true) && (persist ?? []).every((p) => !p.error)
  return {
    outcome: 'applied',
    plan,
    instances,
    ...(persist ? {persist} : {}),
    ...(health ? {health} : {}),
    ...(probe ? {probe} : {}),
    ...(verifyError ? {verifyError} : {}),
    notes,
    ok,
  }
}

function instanceReport(r: InstallResult, plan: FixPlan, health: HealthWait | undefined, timeoutSeconds: number, verifyError?: string): InstanceReport {
  const ip = plan.targets.find((t) => t.instanceId === r.instanceId)?.privateIp
  const state = health?.byInstance[r.instanceId]
  const healthy = verifyError ? false : !health || state?.state === 'healthy'
  return {
    instanceId: r.instanceId,
    ...(ip ? {privateIp: ip} : {}),
    install: r.ok ? (r.changed.length > 0 ? 'changed' : 'unchanged') : 'failed',
    changed: r.changed,
    ...(r.reason ? {reason: r.reason} : r.ok && verifyError ? {reason: `installed, but its health could not be checked: ${verifyError}`} : r.ok && !healthy ? {reason: `not healthy within ${timeoutSeconds}s${state?.description ? ` (${state.description})` : ''}`} : {}),
    ...(r.ok ? {} : {output: r.output}),
    ...(state ? {health: state} : {}),
    ok: r.ok && healthy,
  }
}
