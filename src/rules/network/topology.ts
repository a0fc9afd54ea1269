/**
 * Who talks to whom behind the ALB, read off the snapshot once for the network rules: the ALB's subnets (its nodes
 * take IPs there), each target group's instance targets with their traffic and health-check ports.
 */
import type {Instance, Subnet} from '@aws-sdk/client-ec2'
import type {TargetGroup} from '@aws-sdk/client-elastic-load-balancing-v2'
import type {AnalysisContext, J} from '../../analyze/context.js'
import {healthCheckPort} from '../../analyze/target-group.js'

export interface AlbSubnet {
  subnetId: string
  az?: string
  cidr?: string
  subnet?: J<Subnet>
}

export function albSubnets(ctx: AnalysisContext): AlbSubnet[] {
  return (ctx.lb.AvailabilityZones ?? [])
    .filter((z) => z.SubnetId)
    .map((z) => {
      const subnet = ctx.subnet(z.SubnetId!)
      return {subnetId: z.SubnetId!, az: z.ZoneName ?? subnet?.AvailabilityZone, cidr: subnet?.CidrBlock, subnet}
    })
}

/** `subnet-0pub1… (us-east-1a, 10.0.0.0/24)`. */
export function describeSubnet(s: AlbSubnet): string {
  return `${s.subnetId} (${[s.az, s.cidr].filter(Boolean).join(', ')})`
}

export interface InstanceTarget {
  instance: J<Instance>
  instanceId: string
  port: number
  healthCheckPort: number
}

export interface TargetGroupTargets {
  tg: J<TargetGroup>
  arn: string
  targets: InstanceTarget[]
}

const isLive = (i: J<Instance>) => ['running', 'pending'].includes(String(i.State?.Name ?? '').toLowerCase())

/** The instance a registered target stands for: by id, or for an `ip` target group by private IP. */
function instanceFor(ctx: AnalysisContext, id: string): J<Instance> | undefined {
  return ctx.instance(id) ?? ctx.instanceByIp(id)
}

/**
 * Each target group with its live instance targets: those registered, plus the InService/Pending instances of the
 * Auto Scaling groups attached to it (registered or not yet). Lambda and ALB target groups have no instance targets.
 */
export function instanceTargets(ctx: AnalysisContext): readonly TargetGroupTargets[] {
  // Four network rules walk the same targets: build them once per analysis.
  const known = targetsByContext.get(ctx)
  if (known) return known
  const built = buildInstanceTargets(ctx)
  targetsByContext.set(ctx, built)
  return built
}

const targetsByContext = new WeakMap<AnalysisContext, readonly TargetGroupTargets[]>()

function buildInstanceTargets(ctx: AnalysisContext): TargetGroupTargets[] {
  return ctx.targetGroups
    .filter((tg) => tg.TargetGroupArn && !['lambda', 'alb'].includes(String(tg.TargetType ?? 'instance').toLowerCase()))
    .map((tg) => {
      const arn = tg.TargetGroupArn!
      const byId = new Map<string, InstanceTarget>()
      const add = (id: string | undefined, port: number | undefined) => {
        const instance = id ? instanceFor(ctx, id) : undefined
        if (!instance?.InstanceId || !isLive(instance) || byId.has(instance.InstanceId)) return
        const p = port ?? tg.Port ?? 80
        byId.set(instance.InstanceId, {instance, instanceId: instance.InstanceId, port: p, healthCheckPort: healthCheckPort(tg, p)})
      }
      for (const d of ctx.targetHealth(arn)) add(d.Target?.Id, d.Target?.Port)
      if (String(tg.TargetType ?? 'instance').toLowerCase() === 'instance') {
        for (const g of ctx.groupsForTargetGroup(arn)) for (const i of g.Instances ?? []) add(i.InstanceId, undefined)
      }
      return {tg, arn, targets: [...byId.values()]}
    })
    .filter((t) => t.targets.length > 0)
}

/** The security groups of the interface that receives the ALB's traffic: the one holding the primary private IP. */
export function instanceGroupIds(instance: J<Instance>): string[] {
  const eni = (instance.NetworkInterfaces ?? []).find((n) => n.PrivateIpAddress === instance.PrivateIpAddress) ?? instance.NetworkInterfaces?.[0]
  const groups = eni?.Groups ?? instance.SecurityGroups ?? []
  return [...new Set(groups.map((g) => g.GroupId).filter((g): g is string => !!g))].sort()
}

/** The ports an ALB uses towards a target: the traffic port and the health-check port (once if they are equal). */
export function targetPorts(t: InstanceTarget): {port: number; purpose: string}[] {
  return t.port === t.healthCheckPort
    ? [{port: t.port, purpose: 'traffic and health checks'}]
    : [
        {port: t.port, purpose: 'traffic'},
        {port: t.healthCheckPort, purpose: 'health checks'},
      ]
}

export {listIds} from '../evidence.js'
