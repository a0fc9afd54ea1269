/**
 * `collectSnapshot`: the one place where `diagnose` reads the account. It walks from the resolved load balancer
 * to everything the rules look at and returns the snapshot (raw SDK shapes, JSON dates, failed calls listed in
 * `errors`) and call statistics. Independent calls run at once through a small pool; lists are paginated and
 * ids batched, so the number of calls grows with pages, not with instances or targets.
 *
 * The `iam` and `ssm` sections come from their own collector (ssm-readiness.ts), run from here with
 * `ssmReadiness` so that it starts as soon as the instances are known; `onInstance` is not collected here.
 *
 * The order of the calls follows the chain of reads that depend on each other: ALB → target groups and Auto
 * Scaling groups → target health and the groups' instances → instance profiles (→ role policies → policy
 * documents) and security groups. Reads that nothing waits on are asked for after the ones something does.
 */
import type {AutoScalingGroup} from '@aws-sdk/client-auto-scaling'
import type {Instance, SecurityGroup, Subnet} from '@aws-sdk/client-ec2'
import type {
  LoadBalancer,
  TargetGroup,
  TargetGroupAttribute,
  TargetHealthDescription,
} from '@aws-sdk/client-elastic-load-balancing-v2'
import type {AwsClients} from '../lib/aws.js'
import {SNAPSHOT_FORMAT, SNAPSHOT_VERSION} from '../snapshot/types.js'
import type {Snapshot} from '../snapshot/types.js'
import {groupSubnets, launchTemplateRequests, selectGroups} from './autoscaling.js'
import {referencedGroupIds, referencedPrefixListIds} from './ec2.js'
import type {VpcNetwork} from './ec2.js'
import {
  describeListeners,
  describeLoadBalancerAttributes,
  describeRules,
  describeTargetGroupAttributes,
  describeTargetGroups,
  describeTargetHealth,
  referencedTargetGroupArns,
} from './elbv2.js'
import {CallRunner} from './runner.js'
import type {CollectStats} from './runner.js'
import {loadSdk, requestsOnWire} from '../lib/aws.js'
import type {ServiceKey} from '../lib/aws.js'
import {directReads} from './reads.js'
import type {SharedReads} from './reads.js'
import type {RegionCache} from './region-cache.js'
import {collectSsmReadiness} from './ssm-readiness.js'
import type {Jsonify} from '../snapshot/types.js'
import {dedupeBy, early, sortBy, sortedRecord, uniq} from './util.js'

export type {CollectStats}
export {resolveLoadBalancer, classifyInput} from './resolve.js'
export {listLoadBalancers} from './list.js'
export {RegionCache} from './region-cache.js'

export interface CollectOptions {
  /** The load balancer, as resolveLoadBalancer returned it. */
  loadBalancer: LoadBalancer
  /** What the user typed, kept in meta.target.input. */
  input: string
  clients: AwsClients
  region: string
  toolVersion: string
  endpointUrl?: string
  now?: () => Date
  /** One line per AWS call (API, resource, milliseconds), for --verbose. */
  log?: (line: string) => void
  /** Calls in flight at once (default 8). */
  concurrency?: number
  /**
   * The runner to send the calls through (the caller's, so that its stats cover the whole command); by default a
   * runner of its own. The snapshot's `errors` are the failures this collection recorded.
   */
  runner?: CallRunner
  /**
   * Also collect the `iam` and `ssm` sections (src/collect/ssm-readiness.ts), started as soon as the instances are
   * known instead of after the whole walk.
   */
  ssmReadiness?: boolean
  /**
   * The region's shared reads (Auto Scaling groups, subnets, network, security groups, instances, prefix lists,
   * launch templates, IAM), memoised for every load balancer collected with the same cache: a scan's. The
   * snapshot is the same as without it.
   */
  cache?: RegionCache
}

interface TargetGroupData {
  groups: TargetGroup[]
  health: Record<string, TargetHealthDescription[]>
  /** Settles after the health: nothing in the walk waits on attributes. */
  attributes: Promise<Record<string, TargetGroupAttribute[]>>
}

export async function collectSnapshot(options: CollectOptions): Promise<{snapshot: Snapshot; stats: CollectStats}> {
  const started = performance.now()
  const r = options.runner ?? new CallRunner(options.concurrency ?? 8, options.log)
  const errorsBefore = r.errors.length
  const c = options.clients
  const lb = options.loadBalancer
  const lbArn = lb.LoadBalancerArn ?? ''
  const lbVpcIds = uniq([lb.VpcId])
  const reads = options.cache ? options.cache.reads(r, (own) => directReads(own, c)) : directReads(r, c)

  // Round 1. The pool serves calls in the order they are asked for, so the reads the next rounds wait on go first
  // (listeners, target groups, Auto Scaling groups), and the VPC-wide reads nobody waits on go last. The elbv2
  // requests leave before the EC2 and Auto Scaling SDKs load (a yield lets the SDK put them on the wire).
  const listenersP = early(describeListeners(r, c, lbArn))
  const lbTargetGroupsP = early(describeTargetGroups(r, c, {loadBalancerArn: lbArn}))
  await yieldToIo()
  const allGroupsP = early(reads.allGroups())
  const vpcSubnetsP = early(reads.vpcSubnets(lbVpcIds))
  const lbAttributesP = early(describeLoadBalancerAttributes(r, c, lbArn))
  const lbNetworkP = early(reads.network(lbVpcIds))
  // Loaded while round 1 is in flight rather than when the instances are known.
  if (options.ssmReadiness) {
    await requestsOnWire()
    preloadSdks(['iam', 'ssm'])
  }

  // Round 2: target health as soon as the target groups are known (the listener rules only add target groups
  // that are not the load balancer's, which is rare and off the critical path).
  const lbTgsP = early(lbTargetGroupsP.then((groups) => targetGroupData(r, c, groups, [])))
  const rulesP = early(
    listenersP.then(async (listeners) =>
      Object.fromEntries(await Promise.all(listeners.map(async (l) => [l.ListenerArn ?? '', await describeRules(r, c, l.ListenerArn ?? '')] as const))),
    ),
  )
  // Also round 2: the instances of the groups attached to the load balancer's target groups, without waiting for
  // target health (the groups list their instances).
  const [allGroups, lbTargetGroups, vpcSubnets] = await Promise.all([allGroupsP, lbTargetGroupsP, vpcSubnetsP])
  const lbTgArns = new Set(lbTargetGroups.map((t) => t.TargetGroupArn ?? ''))
  const vpcSubnetIds = new Set(vpcSubnets.map((s) => s.SubnetId ?? ''))
  const attached = selectGroups(allGroups, {targetGroupArns: lbTgArns, registeredInstanceIds: new Set(), vpcSubnetIds})
  const attachedInstancesP = early(reads.groupInstances(attached.flatMap((g) => (g.Instances ?? []).map((i) => i.InstanceId ?? ''))))

  // The rest of the target groups: those the rules name that the load balancer does not list.
  const [listeners, rules, lbTgs] = await Promise.all([listenersP, rulesP, lbTgsP])
  const ruleTgs = await targetGroupData(r, c, [], referencedTargetGroupArns(listeners, rules), lbTgArns)
  const tgs = mergeTargetGroups(lbTgs, ruleTgs)

  // The groups that matter, now that target health names the registered instances, and the target groups they
  // are attached to that the listeners do not use.
  const groups = selectGroups(allGroups, {
    targetGroupArns: new Set(tgs.groups.map((t) => t.TargetGroupArn ?? '')),
    registeredInstanceIds: new Set(registeredInstanceIds(tgs.health)),
    vpcSubnetIds,
  })
  const activitiesP = early(Promise.all(groups.map(async (g) => [g.AutoScalingGroupName ?? '', await reads.activities(g.AutoScalingGroupName ?? '')] as const)))
  const templatesP = early(reads.launchTemplateVersions(launchTemplateRequests(groups)))
  const groupTgsP = early(targetGroupData(r, c, [], groups.flatMap((g) => g.TargetGroupARNs ?? []), new Set(tgs.groups.map((t) => t.TargetGroupArn ?? ''))))

  // Every instance: those of the attached groups (asked for above), then any other registered or group instance.
  const wanted = uniq([...registeredInstanceIds(tgs.health), ...groups.flatMap((g) => (g.Instances ?? []).map((i) => i.InstanceId))])
  const attachedInstances = await attachedInstancesP
  const found = new Set(attachedInstances.map((i) => i.InstanceId))
  const missing = wanted.filter((id) => !found.has(id))
  const wantedSet = new Set(wanted)
  const instances = dedupeBy(
    [...attachedInstances.filter((i) => wantedSet.has(i.InstanceId ?? '')), ...(missing.length > 0 ? await reads.instances(missing) : [])],
    (i) => i.InstanceId,
  )
  // Round 3 and on: SSM readiness (instance profiles → role policies → policy documents; SSM's view of the
  // instances) starts as soon as the instances are known, beside the security groups.
  const readinessP = options.ssmReadiness && instances.length > 0
    ? early(collectSsmReadiness({clients: c, instances: instances as unknown as Jsonify<Instance>[], log: options.log, runner: r, cache: options.cache}))
    : undefined

  const [groupTgs, templates, lbNetwork] = await Promise.all([groupTgsP, templatesP, lbNetworkP])
  const allTgs = mergeTargetGroups(tgs, groupTgs)
  const otherVpcIds = uniq(instances.map((i) => i.VpcId)).filter((v) => !lbVpcIds.includes(v))
  const [subnets, otherNetwork, securityGroups] = await Promise.all([
    withReferencedSubnets(reads, vpcSubnets, lb, instances, groups),
    otherVpcIds.length ? reads.network(otherVpcIds) : undefined,
    securityGroupsInPlay(reads, [
      ...(lb.SecurityGroups ?? []),
      ...instances.flatMap((i) => [...(i.SecurityGroups ?? []).map((g) => g.GroupId), ...(i.NetworkInterfaces ?? []).flatMap((n) => (n.Groups ?? []).map((g) => g.GroupId))]),
      ...lbNetwork.VpcEndpoints.flatMap((e) => (e.Groups ?? []).map((g) => g.GroupId)),
      ...templates.flatMap((t) => t.LaunchTemplateData?.SecurityGroupIds ?? []),
    ]),
  ])
  const network = mergeNetworks(lbNetwork, otherNetwork)
  // Endpoints of another VPC name groups of their own: read the ones not read yet.
  const endpointGroupIds = uniq((otherNetwork?.VpcEndpoints ?? []).flatMap((e) => (e.Groups ?? []).map((g) => g.GroupId))).filter((id) => !securityGroups.some((g) => g.GroupId === id))
  if (endpointGroupIds.length > 0) securityGroups.push(...(await securityGroupsInPlay(reads, endpointGroupIds)))
  const prefixListIds = referencedPrefixListIds(securityGroups)
  const prefixLists = prefixListIds.length > 0 ? await reads.prefixLists(prefixListIds) : {lists: [], entries: {}}
  const [lbAttributes, activities, readiness, tgAttributes] = await Promise.all([lbAttributesP, activitiesP, readinessP, allTgs.attributes])
  const accountId = accountOf(lbArn)

  const snapshot = {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    meta: {
      collectedAt: (options.now?.() ?? new Date()).toISOString(),
      region: options.region,
      toolVersion: options.toolVersion,
      target: {input: options.input, loadBalancerArn: lbArn},
      ...(accountId ? {accountId} : {}),
      ...(options.endpointUrl ? {endpointUrl: options.endpointUrl} : {}),
    },
    elbv2: {
      LoadBalancers: [lb],
      // Attributes keep the API's own (stable) order.
      LoadBalancerAttributes: lbAttributes ? {[lbArn]: lbAttributes} : {},
      Listeners: sortBy(listeners, (l) => l.ListenerArn),
      Rules: sortedRecord(rules),
      TargetGroups: sortBy(dedupeBy(allTgs.groups, (t) => t.TargetGroupArn), (t) => t.TargetGroupArn),
      TargetGroupAttributes: sortedRecord(tgAttributes),
      TargetHealthDescriptions: sortedRecord(allTgs.health),
    },
    autoscaling: {
      AutoScalingGroups: sortBy(groups, (g) => g.AutoScalingGroupName),
      Activities: sortedRecord(Object.fromEntries(activities.filter(([, a]) => a !== undefined))),
    },
    ec2: {
      Instances: sortBy(dedupeBy(instances, (i) => i.InstanceId), (i) => i.InstanceId),
      Subnets: sortBy(subnets, (s) => s.SubnetId),
      RouteTables: sortBy(network.RouteTables, (t) => t.RouteTableId),
      NetworkAcls: sortBy(network.NetworkAcls, (a) => a.NetworkAclId),
      SecurityGroups: sortBy(securityGroups, (g) => g.GroupId),
      Vpcs: sortBy(network.Vpcs, (v) => v.VpcId),
      VpcAttributes: sortedRecord(network.VpcAttributes),
      VpcEndpoints: sortBy(network.VpcEndpoints, (e) => e.VpcEndpointId),
      NatGateways: sortBy(network.NatGateways, (n) => n.NatGatewayId),
      InternetGateways: sortBy(network.InternetGateways, (g) => g.InternetGatewayId),
      ManagedPrefixLists: sortBy(prefixLists.lists, (p) => p.PrefixListId),
      PrefixListEntries: sortedRecord(prefixLists.entries),
      LaunchTemplateVersions: sortBy(
        dedupeBy(templates, (t) => `${t.LaunchTemplateId}:${t.VersionNumber}`),
        (t) => `${t.LaunchTemplateId}:${String(t.VersionNumber ?? 0).padStart(8, '0')}`,
      ),
    },
    errors: sortBy(r.errors.slice(errorsBefore), (e) => `${e.api} ${e.resource ?? ''}`),
    ...(readiness ? {iam: readiness.iam, ssm: readiness.ssm} : {}),
  }
  return {snapshot: plainJson(snapshot) as Snapshot, stats: r.stats(performance.now() - started)}
}

/** The account in an ARN (`arn:aws:elasticloadbalancing:region:123456789012:loadbalancer/...`): no STS call. */
export function accountOf(arn: string): string | undefined {
  const account = arn.split(':')[4]
  return account && /^\d{12}$/.test(account) ? account : undefined
}

/** Lets pending promise chains run and the SDK write the requests they started before the next synchronous work. */
const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve))

/**
 * Loads SDK packages now, while requests are in flight, rather than when their first call is made (loading one
 * is synchronous and holds everything else up: the EC2 package alone takes a few hundred milliseconds).
 */
export function preloadSdks(keys: readonly ServiceKey[]): void {
  for (const k of keys) loadSdk(k)
}

/**
 * What a JSON round trip would make of a value (Dates as ISO strings, undefined fields and functions dropped,
 * undefined array items as null), without the round trip's text: at 3,000 instances that text alone is tens of
 * megabytes held beside both copies of the data.
 */
export function plainJson(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value + 0 : null
  if (value === null || typeof value !== 'object') return value
  if (typeof (value as {toJSON?: unknown}).toJSON === 'function') return plainJson((value as {toJSON: () => unknown}).toJSON())
  if (Array.isArray(value)) return value.map((v) => (v === undefined || typeof v === 'function' || typeof v === 'symbol' ? null : plainJson(v)))
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue
    out[k] = plainJson(v)
  }
  return out
}

function mergeTargetGroups(a: TargetGroupData, b: TargetGroupData): TargetGroupData {
  return {
    groups: [...a.groups, ...b.groups],
    health: {...a.health, ...b.health},
    attributes: early(Promise.all([a.attributes, b.attributes]).then(([x, y]) => ({...x, ...y}))),
  }
}

/**
 * Target health of the given target groups, plus the groups in `moreArns` that are neither in `known` nor in
 * `groups` (described first, in batches). Every target health call is asked for before any attributes call (the
 * next round waits on health, nothing waits on attributes), and the attributes come as a promise of their own.
 */
async function targetGroupData(
  r: CallRunner,
  c: AwsClients,
  groups: TargetGroup[],
  moreArns: string[],
  known: ReadonlySet<string> = new Set(),
): Promise<TargetGroupData> {
  const have = new Set([...known, ...groups.map((t) => t.TargetGroupArn ?? '')])
  const missing = uniq(moreArns).filter((a) => !have.has(a))
  const all = [...groups, ...(missing.length > 0 ? await describeTargetGroups(r, c, {arns: missing}) : [])]
  const arns = all.map((tg) => tg.TargetGroupArn ?? '')
  const healthP = arns.map((arn) => describeTargetHealth(r, c, arn))
  const attributes = early(
    Promise.all(arns.map((arn) => describeTargetGroupAttributes(r, c, arn))).then((got) => {
      const out: Record<string, TargetGroupAttribute[]> = {}
      got.forEach((a, i) => {
        if (a) out[arns[i]] = a
      })
      return out
    }),
  )
  const health: Record<string, TargetHealthDescription[]> = {}
  ;(await Promise.all(healthP)).forEach((h, i) => {
    if (h) health[arns[i]] = sortBy(h, (d) => `${d.Target?.Id}:${String(d.Target?.Port ?? 0).padStart(5, '0')}`)
  })
  return {groups: all, health, attributes}
}

/** Instance ids among the registered targets (ip and lambda targets are not instances). */
function registeredInstanceIds(health: Record<string, TargetHealthDescription[]>): string[] {
  return uniq(
    Object.values(health)
      .flat()
      .map((h) => h.Target?.Id)
      .filter((id) => id?.startsWith('i-')),
  )
}

/** The VPC's subnets, plus any subnet the load balancer, instances or groups use outside it. */
async function withReferencedSubnets(reads: SharedReads, vpcSubnets: Subnet[], lb: LoadBalancer, instances: Instance[], groups: AutoScalingGroup[]): Promise<Subnet[]> {
  const have = new Set(vpcSubnets.map((s) => s.SubnetId))
  const wanted = uniq([...(lb.AvailabilityZones ?? []).map((z) => z.SubnetId), ...instances.map((i) => i.SubnetId), ...groups.flatMap(groupSubnets)])
  const missing = wanted.filter((id) => !have.has(id))
  const extra = missing.length > 0 ? await reads.subnets(missing) : []
  return dedupeBy([...vpcSubnets, ...extra], (s) => s.SubnetId)
}

/** The groups named, then once more the groups their rules name (an instance SG that admits the ALB's SG). */
async function securityGroupsInPlay(reads: SharedReads, ids: (string | undefined)[]): Promise<SecurityGroup[]> {
  const first = await reads.securityGroups(uniq(ids))
  const have = new Set(first.map((g) => g.GroupId))
  const more = referencedGroupIds(first).filter((id) => !have.has(id))
  const second = more.length > 0 ? await reads.securityGroups(more) : []
  return dedupeBy([...first, ...second], (g) => g.GroupId)
}

function mergeNetworks(a: VpcNetwork, b: VpcNetwork | undefined): VpcNetwork {
  if (!b) return a
  return {
    Vpcs: [...a.Vpcs, ...b.Vpcs],
    VpcAttributes: {...a.VpcAttributes, ...b.VpcAttributes},
    RouteTables: [...a.RouteTables, ...b.RouteTables],
    NetworkAcls: [...a.NetworkAcls, ...b.NetworkAcls],
    VpcEndpoints: [...a.VpcEndpoints, ...b.VpcEndpoints],
    NatGateways: [...a.NatGateways, ...b.NatGateways],
    InternetGateways: [...a.InternetGateways, ...b.InternetGateways],
  }
}
