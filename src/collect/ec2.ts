/**
 * The EC2 side of the walk: instances, the network they sit in, security groups and the prefix lists their
 * rules name, and launch template versions. Lists are asked for by filter (`instance-id`, `group-id`, `vpc-id`)
 * rather than by id parameters: a filter skips an id that no longer exists, where an id parameter fails the
 * whole batch with a NotFound.
 */
import type {
  Filter,
  Instance,
  InternetGateway,
  LaunchTemplateVersion,
  ManagedPrefixList,
  NatGateway,
  NetworkAcl,
  PrefixListEntry,
  RouteTable,
  SecurityGroup,
  Subnet,
  Vpc,
  VpcEndpoint,
} from '@aws-sdk/client-ec2'
import type {AwsClients} from '../lib/aws.js'
import type {CallRunner} from './runner.js'
import type {TemplateRequest} from './autoscaling.js'
import {ec2Sdk} from '../lib/aws.js'
import {chunk, uniq} from './util.js'

const API = 'ec2'
/** EC2 accepts up to 200 values per filter. */
const FILTER_BATCH = 200

/** A filtered, paginated Describe* over batches of filter values, all batches at once. */
async function byFilter<P, I>(
  r: CallRunner,
  api: string,
  name: string,
  values: readonly string[],
  page: (filters: Filter[], token: string | undefined) => Promise<P>,
  items: (p: P) => I[] | undefined,
  next: (p: P) => string | undefined,
): Promise<I[]> {
  const batches = await Promise.all(
    chunk(uniq(values), FILTER_BATCH).map((batch) =>
      r.paginate(`${API}:${api}`, batch.length === 1 ? batch[0] : `${batch[0]} (+${batch.length - 1})`, (t) => page([{Name: name, Values: batch}], t), items, next),
    ),
  )
  return batches.flat()
}

export function describeInstances(r: CallRunner, c: AwsClients, ids: readonly string[]): Promise<Instance[]> {
  const {DescribeInstancesCommand} = ec2Sdk()
  return byFilter(
    r,
    'DescribeInstances',
    'instance-id',
    ids,
    (Filters, NextToken) => c.ec2.send(new DescribeInstancesCommand({Filters, MaxResults: 1000, ...(NextToken ? {NextToken} : {})})),
    // Reservations group instances by launch request; the snapshot keeps the instances only.
    (p) => (p.Reservations ?? []).flatMap((res) => res.Instances ?? []),
    (p) => p.NextToken,
  )
}

export function describeSubnets(r: CallRunner, c: AwsClients, by: {vpcIds: readonly string[]} | {ids: readonly string[]}): Promise<Subnet[]> {
  const {DescribeSubnetsCommand} = ec2Sdk()
  const [name, values] = 'vpcIds' in by ? ['vpc-id', by.vpcIds] : ['subnet-id', by.ids]
  return byFilter(
    r,
    'DescribeSubnets',
    name,
    values,
    (Filters, NextToken) => c.ec2.send(new DescribeSubnetsCommand({Filters, MaxResults: 1000, ...(NextToken ? {NextToken} : {})})),
    (p) => p.Subnets,
    (p) => p.NextToken,
  )
}

export function describeSecurityGroups(r: CallRunner, c: AwsClients, ids: readonly string[]): Promise<SecurityGroup[]> {
  const {DescribeSecurityGroupsCommand} = ec2Sdk()
  return byFilter(
    r,
    'DescribeSecurityGroups',
    'group-id',
    ids,
    (Filters, NextToken) => c.ec2.send(new DescribeSecurityGroupsCommand({Filters, MaxResults: 1000, ...(NextToken ? {NextToken} : {})})),
    (p) => p.SecurityGroups,
    (p) => p.NextToken,
  )
}

/** Groups that the rules of these groups name as sources or destinations. */
export function referencedGroupIds(groups: readonly SecurityGroup[]): string[] {
  return uniq(groups.flatMap((g) => [...(g.IpPermissions ?? []), ...(g.IpPermissionsEgress ?? [])].flatMap((p) => (p.UserIdGroupPairs ?? []).map((u) => u.GroupId))))
}

export function referencedPrefixListIds(groups: readonly SecurityGroup[]): string[] {
  return uniq(groups.flatMap((g) => [...(g.IpPermissions ?? []), ...(g.IpPermissionsEgress ?? [])].flatMap((p) => (p.PrefixListIds ?? []).map((u) => u.PrefixListId))))
}

export interface VpcNetwork {
  Vpcs: Vpc[]
  VpcAttributes: Record<string, {EnableDnsSupport?: boolean; EnableDnsHostnames?: boolean}>
  RouteTables: RouteTable[]
  NetworkAcls: NetworkAcl[]
  VpcEndpoints: VpcEndpoint[]
  NatGateways: NatGateway[]
  InternetGateways: InternetGateway[]
}

/** Everything about the VPCs' network that the checks read, each list one filtered call for all the VPCs. */
export async function describeVpcNetwork(r: CallRunner, c: AwsClients, vpcIds: readonly string[]): Promise<VpcNetwork> {
  const sdk = ec2Sdk()
  // Most of these lists take up to 1000 per page; DescribeRouteTables takes 100.
  const page = {MaxResults: 1000}
  const tok = (NextToken: string | undefined) => (NextToken ? {NextToken} : {})
  const [Vpcs, RouteTables, NetworkAcls, VpcEndpoints, NatGateways, InternetGateways, attributes] = await Promise.all([
    byFilter(r, 'DescribeVpcs', 'vpc-id', vpcIds, (Filters, t) => c.ec2.send(new sdk.DescribeVpcsCommand({Filters, ...page, ...tok(t)})), (p) => p.Vpcs, (p) => p.NextToken),
    byFilter(r, 'DescribeRouteTables', 'vpc-id', vpcIds, (Filters, t) => c.ec2.send(new sdk.DescribeRouteTablesCommand({Filters, MaxResults: 100, ...tok(t)})), (p) => p.RouteTables, (p) => p.NextToken),
    byFilter(r, 'DescribeNetworkAcls', 'vpc-id', vpcIds, (Filters, t) => c.ec2.send(new sdk.DescribeNetworkAclsCommand({Filters, ...page, ...tok(t)})), (p) => p.NetworkAcls, (p) => p.NextToken),
    byFilter(r, 'DescribeVpcEndpoints', 'vpc-id', vpcIds, (Filters, t) => c.ec2.send(new sdk.DescribeVpcEndpointsCommand({Filters, ...page, ...tok(t)})), (p) => p.VpcEndpoints, (p) => p.NextToken),
    // DescribeNatGateways spells its filter parameter `Filter`.
    byFilter(r, 'DescribeNatGateways', 'vpc-id', vpcIds, (Filter, t) => c.ec2.send(new sdk.DescribeNatGatewaysCommand({Filter, ...page, ...tok(t)})), (p) => p.NatGateways, (p) => p.NextToken),
    byFilter(r, 'DescribeInternetGateways', 'attachment.vpc-id', vpcIds, (Filters, t) => c.ec2.send(new sdk.DescribeInternetGatewaysCommand({Filters, ...page, ...tok(t)})), (p) => p.InternetGateways, (p) => p.NextToken),
    Promise.all(uniq(vpcIds).map((id) => describeVpcDnsAttributes(r, c, id).then((a) => [id, a] as const))),
  ])
  return {Vpcs, RouteTables, NetworkAcls, VpcEndpoints, NatGateways, InternetGateways, VpcAttributes: Object.fromEntries(attributes.filter(([, a]) => Object.keys(a).length > 0))}
}

/** DescribeVpcAttribute answers one attribute per call. */
async function describeVpcDnsAttributes(r: CallRunner, c: AwsClients, vpcId: string): Promise<{EnableDnsSupport?: boolean; EnableDnsHostnames?: boolean}> {
  const {DescribeVpcAttributeCommand} = ec2Sdk()
  const api = `${API}:DescribeVpcAttribute`
  const [support, hostnames] = await Promise.all([
    r.call(api, vpcId, () => c.ec2.send(new DescribeVpcAttributeCommand({VpcId: vpcId, Attribute: 'enableDnsSupport'}))),
    r.call(api, vpcId, () => c.ec2.send(new DescribeVpcAttributeCommand({VpcId: vpcId, Attribute: 'enableDnsHostnames'}))),
  ])
  return {
    ...(support?.EnableDnsSupport?.Value !== undefined ? {EnableDnsSupport: support.EnableDnsSupport.Value} : {}),
    ...(hostnames?.EnableDnsHostnames?.Value !== undefined ? {EnableDnsHostnames: hostnames.EnableDnsHostnames.Value} : {}),
  }
}

export async function describePrefixLists(
  r: CallRunner,
  c: AwsClients,
  ids: readonly string[],
): Promise<{lists: ManagedPrefixList[]; entries: Record<string, PrefixListEntry[]>}> {
  const sdk = ec2Sdk()
  const [lists, entries] = await Promise.all([
    byFilter(
      r,
      'DescribeManagedPrefixLists',
      'prefix-list-id',
      ids,
      (Filters, NextToken) => c.ec2.send(new sdk.DescribeManagedPrefixListsCommand({Filters, MaxResults: 100, ...(NextToken ? {NextToken} : {})})),
      (p) => p.PrefixLists,
      (p) => p.NextToken,
    ),
    Promise.all(
      uniq(ids).map(async (id) => {
        const got = await r.paginate(
          `${API}:GetManagedPrefixListEntries`,
          id,
          (NextToken) => c.ec2.send(new sdk.GetManagedPrefixListEntriesCommand({PrefixListId: id, MaxResults: 100, ...(NextToken ? {NextToken} : {})})),
          (p) => p.Entries,
          (p) => p.NextToken,
        )
        return [id, got] as const
      }),
    ),
  ])
  return {lists, entries: Object.fromEntries(entries)}
}

/** One call (and its pages) per launch template, for every version asked of it. */
export async function describeLaunchTemplateVersions(r: CallRunner, c: AwsClients, requests: readonly TemplateRequest[]): Promise<LaunchTemplateVersion[]> {
  const {DescribeLaunchTemplateVersionsCommand} = ec2Sdk()
  const results = await Promise.all(
    requests.map((req) =>
      r.paginate(
        `${API}:DescribeLaunchTemplateVersions`,
        req.launchTemplateId ?? req.launchTemplateName,
        (NextToken) =>
          c.ec2.send(
            new DescribeLaunchTemplateVersionsCommand({
              ...(req.launchTemplateId ? {LaunchTemplateId: req.launchTemplateId} : {LaunchTemplateName: req.launchTemplateName}),
              Versions: req.versions,
              ...(NextToken ? {NextToken} : {}),
            }),
          ),
        (p) => p.LaunchTemplateVersions,
        (p) => p.NextToken,
      ),
    ),
  )
  return results.flat()
}
