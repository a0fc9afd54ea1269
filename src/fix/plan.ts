/**
 * The plan fix-nginx shows before it changes anything: which instances it will fix, which it skips and why, what
 * the script does, and the launch template change of --persist. Pure: built from what was read, no I/O.
 */
import {describeSteps} from '../lib/nginx-install.js'
import type {TargetHealthDescription} from '@aws-sdk/client-elastic-load-balancing-v2'
import type {InstanceFacts, SsmFacts} from './facts.js'
import type {PersistPlan} from './persist.js'
import type {FixTargetGroup} from './targets.js'
import {matcherAccepts} from '../analyze/target-group.js'

export type SkipReason = 'not-in-target-group' | 'not-found' | 'not-running' | 'not-linux' | 'not-ssm-online'

export interface PlanTarget {
  instanceId: string
  privateIp?: string
  /** Its target health before the fix, when it is registered. */
  targetState?: string
}

export interface PlanSkip {
  instanceId: string
  reason: SkipReason
  detail: string
}

export interface FixPlan {
  loadBalancer?: {arn: string; name: string; dnsName: string}
  targetGroup?: FixTargetGroup
  port: number
  healthCheckPort?: number
  healthCheckPath: string
  targets: PlanTarget[]
  skipped: PlanSkip[]
  /** The file the index page comes from, or `default`. */
  indexSource: string
  /** The script sent to the instances, one line per element. */
  script: string[]
  /** What the script changes, in words. */
  changes: string[]
  autoScalingGroups: string[]
  persist?: PersistPlan
  warnings: string[]
}

export interface PlanInput {
  targetGroup?: FixTargetGroup
  loadBalancer?: FixPlan['loadBalancer']
  registered: TargetHealthDescription[]
  /** --instance-ids, when given: the candidates instead of every registered target. */
  explicitIds?: string[]
  instances: Map<string, InstanceFacts>
  ssm: Map<string, SsmFacts>
  port: number
  healthCheckPath: string
  indexSource: string
  script: string[]
  autoScalingGroups: string[]
  persist?: PersistPlan
}

export function candidateIds(registered: TargetHealthDescription[], explicitIds?: string[]): string[] {
  return [...new Set(explicitIds ?? registered.map((t) => t.Target!.Id!))]
}

/** Why an instance cannot be fixed, or undefined when it can. The order is the order of the checks a user would make. */
export function skipReason(id: string, input: PlanInput): PlanSkip | undefined {
  const inGroup = input.registered.some((t) => t.Target?.Id === id)
  if (input.explicitIds && input.targetGroup && !inGroup) return {instanceId: id, reason: 'not-in-target-group', detail: `not registered in target group ${input.targetGroup.name}`}
  const ec2 = input.instances.get(id)
  if (!ec2) return {instanceId: id, reason: 'not-found', detail: 'no such instance in this account and region'}
  if (ec2.state !== 'running') return {instanceId: id, reason: 'not-running', detail: `instance is ${ec2.state ?? 'in an unknown state'}`}
  const ssm = input.ssm.get(id)
  if (ec2.platform === 'windows' || (ssm?.platformType && ssm.platformType !== 'Linux')) return {instanceId: id, reason: 'not-linux', detail: 'fix-nginx installs on Linux only'}
  if (!ssm) {
    return {
      instanceId: id,
      reason: 'not-ssm-online',
      detail: 'Systems Manager has never heard from it (instance role, VPC endpoints or NAT, SSM agent: `asg-doctor diagnose` says which)',
    }
  }
  if (ssm.pingStatus !== 'Online') return {instanceId: id, reason: 'not-ssm-online', detail: `SSM agent ping status is ${ssm.pingStatus}`}
  return undefined
}

export function describeChanges(input: Pick<PlanInput, 'port' | 'healthCheckPath' | 'indexSource'> & {healthCheckPort?: number}): string[] {
  const ports = [...new Set([input.port, input.healthCheckPort ?? input.port])]
  return describeSteps(ports, input.healthCheckPath, input.indexSource === 'default' ? 'a default page' : `from ${input.indexSource}`)
}

/** Does the health check's matcher ("200", "200-299", "200,302") accept the 200 nginx will answer? */
export function matcherAccepts200(matcher: string): boolean {
  return matcherAccepts(matcher, 200)
}

export function buildPlan(input: PlanInput): FixPlan {
  const ids = candidateIds(input.registered, input.explicitIds)
  const skipped = ids.map((id) => skipReason(id, input)).filter((s): s is PlanSkip => !!s)
  const targets = ids
    .filter((id) => !skipped.some((s) => s.instanceId === id))
    .map((id) => {
      const state = input.registered.find((t) => t.Target?.Id === id)?.TargetHealth?.State
      const ip = input.instances.get(id)?.privateIp
      return {instanceId: id, ...(ip ? {privateIp: ip} : {}), ...(state ? {targetState: state} : {})}
    })
  const tg = input.targetGroup
  const warnings: string[] = []
  if (tg && !matcherAccepts200(tg.matcher)) {
    warnings.push(`Target group ${tg.name}'s health check expects HTTP ${tg.matcher}; nginx will answer 200, so targets stay unhealthy until the matcher accepts 200.`)
  }
  if (!input.persist) {
    const groups = input.autoScalingGroups.length > 0 ? `Auto Scaling group ${input.autoScalingGroups.join(', ')}` : 'an Auto Scaling group'
    warnings.push(`This fixes the running instances only: instances that ${groups} launches later come up without nginx. Add --persist (and --refresh) to fix the launch template.`)
  }
  return {
    ...(input.loadBalancer ? {loadBalancer: input.loadBalancer} : {}),
    ...(tg ? {targetGroup: tg} : {}),
    port: input.port,
    ...(tg?.healthCheckPort ? {healthCheckPort: tg.healthCheckPort} : {}),
    healthCheckPath: input.healthCheckPath,
    targets,
    skipped,
    indexSource: input.indexSource,
    script: input.script,
    changes: describeChanges({...input, healthCheckPort: tg?.healthCheckPort}),
    autoScalingGroups: input.autoScalingGroups,
    ...(input.persist ? {persist: input.persist} : {}),
    warnings,
  }
}
