/**
 * `collectSnapshot`: the one place where `diagnose` reads the account. It walks from the resolved load balancer
 * to everything the rules look at and returns the snapshot (raw SDK shapes, JSON dates, failed calls listed in
 * `errors`) and call statistics. Independent calls run at once through a small pool; lists are paginated and
 * ids batched, so the number of calls grows with pages, not with instances or targets.
 *
 * Not collected here: the `iam`, `ssm` and `onInstance` sections (their own collectors).
 */
import type {AutoScalingGroup} from '@aws-sdk/client-auto-scaling'
import type {Instance, SecurityGroup, Subnet} from '@aws-sdk/client-ec2'
import type {
  LoadBalancer,
  Rule,
  TargetGroup,
  TargetGroupAttribute,
  TargetHealthDescription,
} from '@aws-sdk/client-elastic-load-balancing-v2'
import type {AwsClients} from '../lib/aws.js'
import {SNAPSHOT_FORMAT, SNAPSHOT_VERSION} from '../snapshot/types.js'
import type {Snapshot} from '../snapshot/types.js'
import {describeActivities, describeAllGroups, groupSubnets, launchTemplateRequests, selectGroups} from './autoscaling.js'
import {
  describeInstances,
  describeLaunchTemplateVersions,
  describePrefixLists,
  describeSecurityGroups,
  describeSubnets,
  describeVpcNetwork,
  referencedGroupIds,
  referencedPrefixListIds,
} from './ec2.js'
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
import {stsSdk} from '../lib/aws.js'
import {dedupeBy, early, sortBy, sortedRecord, uniq} from './util.js'

export type {CollectStats}
export {resolveLoadBalancer, classifyInput} from './resolve.js'
export {listLoadBalancers} from './list.js'

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
}

interface TargetGroupData {
  groups: TargetGroup[]
  attributes: Record<string, TargetGroupAttribute[]>
  health: Record<string, TargetHealthDescription[]>
}

export async function collectSnapshot(options: CollectOptions): Promise<{snapshot: Snapshot; stats: CollectStats}> {
  const started = performance.now()
  const r = options.runner ?? new CallRunner(options.concurrency ?? 8, options.log)
  const errorsBefore = r.errors.length
  const c = options.clients
  const lb = options.loadBalancer
  const lbArn = lb.LoadBalancerArn ?? ''
  const lbVpcIds = uniq([lb.VpcId])

  // Everything that needs only the load balancer starts at once.
  const accountP = early(callerAccount(r, c))
  const allGroupsP = early(describeAllGroups(r, c))
  const vpcSubnetsP = early(describeSubnets(r, c, {vpcIds: lbVpcIds}))
  const lbNetworkP = early(describeVpcNetwork(r, c, lbVpcIds))
  const lbAttributesP = early(describeLoadBalancerAttributes(r, c, lbArn))
  const [listeners, lbTargetGroups] = await Promise.all([describeListeners(r, c, lbArn), describeTargetGroups(r, c, {loadBalancerArn: lbArn})])

  const rules: Record<string, Rule[]> = Object.fromEntries(
    await Promise.all(listeners.map(async (l) => [l.ListenerArn ?? '', await describeRules(r, c, l.ListenerArn ?? '')] as const)),
  )
  const tgs = await targetGroupData(r, c, lbTargetGroups, referencedTargetGroupArns(listeners, rules))

  // The groups that matter, and the target groups they are attached to that the listeners do not use.
  const [allGroups, vpcSubnets] = await Promise.all([allGroupsP, vpcSubnetsP])
  const registered = registeredInstanceIds(tgs.health)
  const groups = selectGroups(allGroups, {
    targetGroupArns: new Set(tgs.groups.map((t) => t.TargetGroupArn ?? '')),
    registeredInstanceIds: new Set(registered),
    vpcSubnetIds: new Set(vpcSubnets.map((s) => s.SubnetId ?? '')),
  })
  const activitiesP = early(Promise.all(groups.map(async (g) => [g.AutoScalingGroupName ?? '', await describeActivities(r, c, g.AutoScalingGroupName ?? '')] as const)))
  const templatesP = early(describeLaunchTemplateVersions(r, c, launchTemplateRequests(groups)))
  const groupTgs = await targetGroupData(r, c, [], groups.flatMap((g) => g.TargetGroupARNs ?? []), new Set(tgs.groups.map((t) => t.TargetGroupArn ?? '')))
  const allTgs: TargetGroupData = {
    groups: [...tgs.groups, ...groupTgs.groups],
    attributes: {...tgs.attributes, ...groupTgs.attributes},
    health: {...tgs.health, ...groupTgs.health},
  }

  const instances = await describeInstances(r, c, uniq([...registeredInstanceIds(allTgs.health), ...groups.flatMap((g) => (g.Instances ?? []).map((i) => i.InstanceId))]))
  const subnets = await withReferencedSubnets(r, c, vpcSubnets, lb, instances, groups)
  const otherVpcIds = uniq(instances.map((i) => i.VpcId)).filter((v) => !lbVpcIds.includes(v))
  const [lbNetwork, otherNetwork, templates] = await Promise.all([lbNetworkP, otherVpcIds.length ? describeVpcNetwork(r, c, otherVpcIds) : undefined, templatesP])
  const network = mergeNetworks(lbNetwork, otherNetwork)

  const securityGroups = await securityGroupsInPlay(r, c, [
    ...(lb.SecurityGroups ?? []),
    ...instances.flatMap((i) => [...(i.SecurityGroups ?? []).map((g) => g.GroupId), ...(i.NetworkInterfaces ?? []).flatMap((n) => (n.Groups ?? []).map((g) => g.GroupId))]),
    ...network.VpcEndpoints.flatMap((e) => (e.Groups ?? []).map((g) => g.GroupId)),
    ...templates.flatMap((t) => t.LaunchTemplateData?.SecurityGroupIds ?? []),
  ])
  const prefixListIds = referencedPrefixListIds(securityGroups)
  const prefixLists = prefixListIds.length > 0 ? await describePrefixLists(r, c, prefixListIds) : {lists: [], entries: {}}
  const [accountId, lbAttributes, activities] = await Promise.all([accountP, lbAttributesP, activitiesP])

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
      TargetGroupAttributes: sortedRecord(allTgs.attributes),
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
  }
  // A JSON round trip turns the SDK's Date objects into ISO strings and drops undefined fields.
  return {snapshot: JSON.parse(JSON.stringify(snapshot)) as Snapshot, stats: r.stats(performance.now() - started)}
}

/** sts:GetCallerIdentity, for meta.accountId. Its failure is recorded and changes nothing else. */
async function callerAccount(r: CallRunner, c: AwsClients): Promise<string | undefined> {
  const {GetCallerIdentityCommand} = stsSdk()
  const out = await r.call('sts:GetCallerIdentity', undefined, () => c.sts.send(new GetCallerIdentityCommand({})))
  return out?.Account
}

/**
 * Attributes and target health of the given target groups, plus the groups in `moreArns` that are neither in
 * `known` nor in `groups` (described first, in batches).
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
  const per = await Promise.all(
    all.map(async (tg) => {
      const arn = tg.TargetGroupArn ?? ''
      const [attributes, health] = await Promise.all([describeTargetGroupAttributes(r, c, arn), describeTargetHealth(r, c, arn)])
      return {arn, attributes, health}
    }),
  )
  const data: TargetGroupData = {groups: all, attributes: {}, health: {}}
  for (const p of per) {
    if (p.attributes) data.attributes[p.arn] = p.attributes
    if (p.health) data.health[p.arn] = sortBy(p.health, (h) => `${h.Target?.Id}:${String(h.Target?.Port ?? 0).padStart(5, '0')}`)
  }
  return data
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
async function withReferencedSubnets(r: CallRunner, c: AwsClients, vpcSubnets: Subnet[], lb: LoadBalancer, instances: Instance[], groups: AutoScalingGroup[]): Promise<Subnet[]> {
  const have = new Set(vpcSubnets.map((s) => s.SubnetId))
  const wanted = uniq([...(lb.AvailabilityZones ?? []).map((z) => z.SubnetId), ...instances.map((i) => i.SubnetId), ...groups.flatMap(groupSubnets)])
  const missing = wanted.filter((id) => !have.has(id))
  const extra = missing.length > 0 ? await describeSubnets(r, c, {ids: missing}) : []
  return dedupeBy([...vpcSubnets, ...extra], (s) => s.SubnetId)
}

/** The groups named, then once more the groups their rules name (an instance SG that admits the ALB's SG). */
async function securityGroupsInPlay(r: CallRunner, c: AwsClients, ids: (string | undefined)[]): Promise<SecurityGroup[]> {
  const first = await describeSecurityGroups(r, c, uniq(ids))
  const have = new Set(first.map((g) => g.GroupId))
  const more = referencedGroupIds(first).filter((id) => !have.has(id))
  const second = more.length > 0 ? await describeSecurityGroups(r, c, more) : []
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
