/**
 * Shared facts of the SSM readiness rules: which instances count, which endpoints and routes an instance's
 * agent would use to reach Systems Manager, and the remediation commands several rules give.
 */
import {cmd, raw} from '../../lib/shell.js'
import type {Instance, VpcEndpoint} from '@aws-sdk/client-ec2'
import type {AnalysisContext, J} from '../../analyze/context.js'
import type {Finding, FindingRef, RuleOutcome} from '../types.js'
import type {NamedDocument} from './policy.js'
import {defaultRoute, isBlackhole, routeTarget} from '../../analyze/network.js'

/** The three services the agent talks to: ssm (registration, API), ssmmessages (sessions), ec2messages (Run Command). */
export const SSM_SERVICES = ['ssm', 'ssmmessages', 'ec2messages'] as const
export type SsmService = (typeof SSM_SERVICES)[number]

export const serviceName = (region: string, svc: SsmService) => `com.amazonaws.${region}.${svc}`

/** Why the SSM rules cannot run, or undefined when they can. */
export function notCollected(ctx: AnalysisContext, section: 'ssm' | 'iam'): {notApplicable: string} | undefined {
  if (ctx.snapshot[section]) return undefined
  return {notApplicable: `SSM readiness was not collected (the snapshot has no ${section} section: collection was turned off, or the snapshot predates it)`}
}

/** SSM only ever reaches running instances; stopped ones are other rules' business. */
export function runningInstances(ctx: AnalysisContext): J<Instance>[] {
  return ctx.instances.filter((i) => i.State?.Name === 'running' && i.InstanceId)
}

/**
 * The frame of the rules that judge a VPC's way to Systems Manager: not applicable without the ssm section, else
 * `check` once per VPC that holds running instances, given those instances, its findings concatenated in order.
 */
export function perVpc(ctx: AnalysisContext, check: (vpcId: string, inVpc: J<Instance>[]) => Finding[]): RuleOutcome {
  const skip = notCollected(ctx, 'ssm')
  if (skip) return skip
  const running = runningInstances(ctx)
  return [...new Set(running.map((i) => i.VpcId ?? ''))].flatMap((vpcId) => check(vpcId, running.filter((i) => i.VpcId === vpcId)))
}

/** The symptom a configuration cause explains, for each instance it affects. */
export function explainsOffline(instanceIds: string[]): FindingRef[] {
  return instanceIds.map((resource) => ({ruleId: 'ssm-agent-not-online', resource}))
}

/** The API answers `available`; the SDK's enum spells it `Available`: compare in lower case. */
const LIVE_ENDPOINT_STATES = new Set(['available', 'pending', 'pendingacceptance'])

/** The interface endpoints for one SSM service in a VPC that exist (available or still coming up). */
export function endpointsFor(ctx: AnalysisContext, vpcId: string, svc: SsmService): J<VpcEndpoint>[] {
  const name = serviceName(ctx.snapshot.meta.region, svc)
  return ctx
    .vpcEndpoints(vpcId)
    .filter((e) => e.VpcEndpointType === 'Interface' && e.ServiceName === name && LIVE_ENDPOINT_STATES.has(String(e.State ?? '').toLowerCase()))
}

/** An endpoint the agent actually uses: with private DNS on, the service's public name resolves to it. */
export function usableEndpoint(ctx: AnalysisContext, vpcId: string, svc: SsmService): J<VpcEndpoint> | undefined {
  return endpointsFor(ctx, vpcId, svc).find((e) => e.PrivateDnsEnabled)
}

export type InternetPath =
  | {kind: 'nat'; target: string}
  | {kind: 'igw'; target: string}
  /** A default route to something whose onward path the snapshot cannot see (transit gateway, NAT instance, peering). */
  | {kind: 'other'; target: string}
  | {kind: 'none'; reason: string}

/** How the instance's subnet reaches public AWS endpoints: its route table's default route. */
export function internetPath(ctx: AnalysisContext, instance: J<Instance>): InternetPath {
  const rt = ctx.routeTableFor(instance.SubnetId ?? '')
  if (!rt) return {kind: 'none', reason: instance.SubnetId ? `no route table found for ${instance.SubnetId}` : 'the instance has no subnet in the snapshot'}
  const route = defaultRoute(rt)
  if (!route) return {kind: 'none', reason: `route table ${rt.RouteTableId} has no 0.0.0.0/0 route`}
  if (isBlackhole(route)) return {kind: 'none', reason: `the 0.0.0.0/0 route of ${rt.RouteTableId} is a blackhole`}
  const target = routeTarget(route)
  if (target.kind === 'nat-gateway') {
    const nat = ctx.snapshot.ec2.NatGateways.find((n) => n.NatGatewayId === target.id)
    if (nat && nat.State !== 'available') return {kind: 'none', reason: `NAT gateway ${nat.NatGatewayId} is ${nat.State}`}
    return {kind: 'nat', target: target.id}
  }
  if (target.kind === 'internet-gateway') {
    if (instance.PublicIpAddress) return {kind: 'igw', target: target.id}
    return {kind: 'none', reason: `route table ${rt.RouteTableId} sends 0.0.0.0/0 to ${target.id}, but the instance has no public IP`}
  }
  return {kind: 'other', target: target.id}
}

/** The role an instance runs as, through its instance profile, if the snapshot knows it. */
export function instanceRole(ctx: AnalysisContext, instance: J<Instance>): {roleName: string; roleArn?: string} | undefined {
  const arn = instance.IamInstanceProfile?.Arn
  const role = arn ? ctx.snapshot.iam?.InstanceProfiles[arn]?.Roles?.[0] : undefined
  return role?.RoleName ? {roleName: role.RoleName, roleArn: role.Arn} : undefined
}

/** Every policy document of a role: its managed policies' default versions and its inline policies. */
export function roleDocuments(ctx: AnalysisContext, roleName: string): NamedDocument[] {
  const iam = ctx.snapshot.iam
  const rp = iam?.RolePolicies[roleName]
  if (!iam || !rp) return []
  const managed = rp.AttachedPolicies.flatMap((p) => {
    const mp = p.PolicyArn ? iam.ManagedPolicies[p.PolicyArn] : undefined
    return mp ? [{name: `managed policy ${p.PolicyName ?? p.PolicyArn}`, document: mp.Document}] : []
  })
  const inline = rp.InlinePolicies.map((p) => ({name: `inline policy ${p.PolicyName}`, document: p.PolicyDocument}))
  return [...managed, ...inline]
}

/** Groups items by a key, keeping first-seen order. */
export function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>()
  for (const item of items) {
    const k = key(item)
    if (!out.has(k)) out.set(k, [])
    out.get(k)!.push(item)
  }
  return out
}

/** The instances' subnets, one per AZ (the subnets to give an endpoint), in AZ order. */
export function oneSubnetPerAz(ctx: AnalysisContext, instances: J<Instance>[]): string[] {
  const byAz = new Map<string, string>()
  for (const i of instances) {
    const az = i.Placement?.AvailabilityZone ?? ctx.subnet(i.SubnetId ?? '')?.AvailabilityZone ?? ''
    if (i.SubnetId && !byAz.has(az)) byAz.set(az, i.SubnetId)
  }
  return [...byAz.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, s]) => s)
}

/**
 * Commands that create the missing interface endpoints. They reuse the security group of an SSM endpoint the
 * VPC already has; otherwise they first create one that admits HTTPS from the VPC's CIDR.
 */
export function createEndpointCommands(ctx: AnalysisContext, vpcId: string, services: SsmService[], subnetIds: string[]): string[] {
  const existingSg = SSM_SERVICES.flatMap((s) => endpointsFor(ctx, vpcId, s)).flatMap((e) => e.Groups ?? [])[0]?.GroupId
  const cidr = ctx.vpc(vpcId)?.CidrBlock ?? raw('<vpc-cidr>')
  const region = ctx.regionFlag
  const sgCommands = existingSg
    ? []
    : [
        cmd`SG=$(aws ec2 create-security-group --group-name ssm-endpoints --description ${'SSM interface endpoints: HTTPS from the VPC'} --vpc-id ${vpcId} --query GroupId --output text ${region})`,
        cmd`aws ec2 authorize-security-group-ingress --group-id "$SG" --protocol tcp --port 443 --cidr ${cidr} ${region}`,
      ]
  const sg = existingSg ?? raw('"$SG"')
  return [
    ...sgCommands,
    ...services.map(
      (svc) =>
        cmd`aws ec2 create-vpc-endpoint --vpc-id ${vpcId} --vpc-endpoint-type Interface --service-name ${serviceName(ctx.snapshot.meta.region, svc)} --subnet-ids ${subnetIds} --security-group-ids ${sg} --private-dns-enabled ${region}`,
    ),
  ]
}
