/**
 * Answers the collect layer's calls from a snapshot (by default the healthy fixture world), with
 * aws-sdk-client-mock on client instances, so each test gets its own mocks. Like AWS, the mocks honour what they
 * are asked: EC2 filters (a filter name they do not know fails the call, as AWS answers InvalidParameterValue),
 * ids, names and ARNs, launch template versions. A collector that sends a wrong filter therefore fails here, not
 * only against moto. Tests override single commands afterwards (`mocks.ec2.on(DescribeNetworkAclsCommand).rejects(...)`).
 */
import {mockClient} from 'aws-sdk-client-mock'
import {AutoScalingClient, DescribeAutoScalingGroupsCommand, DescribeScalingActivitiesCommand} from '@aws-sdk/client-auto-scaling'
import {
  DescribeInstancesCommand,
  DescribeInternetGatewaysCommand,
  DescribeLaunchTemplateVersionsCommand,
  DescribeManagedPrefixListsCommand,
  DescribeNatGatewaysCommand,
  DescribeNetworkAclsCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcEndpointsCommand,
  DescribeVpcsCommand,
  EC2Client,
  GetManagedPrefixListEntriesCommand,
} from '@aws-sdk/client-ec2'
import {
  DescribeListenersCommand,
  DescribeLoadBalancerAttributesCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2'
import {GetCallerIdentityCommand, STSClient} from '@aws-sdk/client-sts'
import {AwsClients} from '../../src/lib/aws.js'
import type {Snapshot} from '../../src/snapshot/types.js'
import {healthyWorld} from '../fixtures/world.js'

/** The fields an EC2 filter name selects on, per Describe call. */
type FilterFields<T> = Record<string, (item: T) => (string | undefined)[]>

/**
 * EC2's filter semantics: every filter must match (AND), any of a filter's values may (OR). A filter name the mock
 * does not know is an error, as AWS answers an unknown filter with InvalidParameterValue.
 */
export function applyFilters<T>(items: readonly T[], filters: readonly {Name?: string; Values?: string[]}[] | undefined, fields: FilterFields<T>): T[] {
  let out = [...items]
  for (const f of filters ?? []) {
    const get = fields[f.Name ?? '']
    if (!get) throw Object.assign(new Error(`The filter '${f.Name}' is invalid`), {name: 'InvalidParameterValue', $metadata: {httpStatusCode: 400}})
    out = out.filter((item) => get(item).some((v) => v !== undefined && (f.Values ?? []).includes(v)))
  }
  return out
}

const config = {region: 'us-east-1', credentials: {accessKeyId: 'testing', secretAccessKey: 'testing'}}

/** The SDK's response types want Date objects and enums; the fixture holds JSON. */
const raw = <T>(value: T) => value as never

export function mockWorld(world: Snapshot = healthyWorld()) {
  const instances = {
    elbv2: new ElasticLoadBalancingV2Client(config),
    ec2: new EC2Client(config),
    autoscaling: new AutoScalingClient(config),
    sts: new STSClient(config),
  }
  const elbv2 = mockClient(instances.elbv2)
  const ec2 = mockClient(instances.ec2)
  const autoscaling = mockClient(instances.autoscaling)
  const sts = mockClient(instances.sts)
  const lb = world.elbv2.LoadBalancers[0]

  elbv2.on(DescribeLoadBalancersCommand).callsFake((input) => {
    const all = world.elbv2.LoadBalancers
    const wanted: string[] | undefined = input.Names ?? input.LoadBalancerArns
    if (!wanted) return raw({LoadBalancers: all})
    const found = all.filter((l) => wanted.includes((input.Names ? l.LoadBalancerName : l.LoadBalancerArn) ?? ''))
    // AWS fails the whole call when one name or ARN is unknown.
    if (found.length < wanted.length) throw Object.assign(new Error('One or more load balancers not found'), {name: 'LoadBalancerNotFoundException', $metadata: {httpStatusCode: 400}})
    return raw({LoadBalancers: found})
  })
  elbv2.on(DescribeLoadBalancerAttributesCommand).callsFake((input) => raw({Attributes: world.elbv2.LoadBalancerAttributes[input.LoadBalancerArn] ?? []}))
  elbv2.on(DescribeListenersCommand).callsFake((input) => raw({Listeners: world.elbv2.Listeners.filter((l) => l.LoadBalancerArn === input.LoadBalancerArn)}))
  elbv2.on(DescribeRulesCommand).callsFake((input) => raw({Rules: world.elbv2.Rules[input.ListenerArn] ?? []}))
  elbv2.on(DescribeTargetGroupsCommand).callsFake((input) =>
    raw({
      TargetGroups: input.TargetGroupArns
        ? world.elbv2.TargetGroups.filter((t) => input.TargetGroupArns.includes(t.TargetGroupArn))
        : world.elbv2.TargetGroups.filter((t) => !input.LoadBalancerArn || (t.LoadBalancerArns ?? []).includes(input.LoadBalancerArn)),
    }),
  )
  elbv2.on(DescribeTargetGroupAttributesCommand).callsFake((input) => raw({Attributes: world.elbv2.TargetGroupAttributes[input.TargetGroupArn] ?? []}))
  elbv2.on(DescribeTargetHealthCommand).callsFake((input) => raw({TargetHealthDescriptions: world.elbv2.TargetHealthDescriptions[input.TargetGroupArn] ?? []}))

  autoscaling.on(DescribeAutoScalingGroupsCommand).callsFake((input) =>
    raw({
      AutoScalingGroups: world.autoscaling.AutoScalingGroups.filter((g) => !input.AutoScalingGroupNames || input.AutoScalingGroupNames.includes(g.AutoScalingGroupName)),
    }),
  )
  autoscaling.on(DescribeScalingActivitiesCommand).callsFake((input) => raw({Activities: world.autoscaling.Activities[input.AutoScalingGroupName] ?? []}))

  const vpc = {'vpc-id': (x: {VpcId?: string}) => [x.VpcId]}
  ec2.on(DescribeInstancesCommand).callsFake((input) =>
    raw({Reservations: [{ReservationId: 'r-0123456789abcdef0', Instances: applyFilters(world.ec2.Instances, input.Filters, {
          'instance-id': (i) => [i.InstanceId],
          'tag:aws:autoscaling:groupName': (i) => (i.Tags ?? []).filter((t) => t.Key === 'aws:autoscaling:groupName').map((t) => t.Value),
          ...vpc,
        })}]}),
  )
  ec2.on(DescribeSubnetsCommand).callsFake((input) => raw({Subnets: applyFilters(world.ec2.Subnets, input.Filters, {'subnet-id': (x) => [x.SubnetId], ...vpc})}))
  ec2.on(DescribeRouteTablesCommand).callsFake((input) => raw({RouteTables: applyFilters(world.ec2.RouteTables, input.Filters, {'route-table-id': (x) => [x.RouteTableId], ...vpc})}))
  ec2.on(DescribeNetworkAclsCommand).callsFake((input) => raw({NetworkAcls: applyFilters(world.ec2.NetworkAcls, input.Filters, {'network-acl-id': (x) => [x.NetworkAclId], ...vpc})}))
  ec2.on(DescribeSecurityGroupsCommand).callsFake((input) => raw({SecurityGroups: applyFilters(world.ec2.SecurityGroups, input.Filters, {'group-id': (x) => [x.GroupId], ...vpc})}))
  ec2.on(DescribeVpcsCommand).callsFake((input) => raw({Vpcs: applyFilters(world.ec2.Vpcs, input.Filters, vpc)}))
  ec2.on(DescribeVpcAttributeCommand).callsFake((input) => {
    const a = world.ec2.VpcAttributes[input.VpcId] ?? {}
    return raw(input.Attribute === 'enableDnsSupport' ? {VpcId: input.VpcId, EnableDnsSupport: {Value: a.EnableDnsSupport}} : {VpcId: input.VpcId, EnableDnsHostnames: {Value: a.EnableDnsHostnames}})
  })
  ec2.on(DescribeVpcEndpointsCommand).callsFake((input) => raw({VpcEndpoints: applyFilters(world.ec2.VpcEndpoints, input.Filters, vpc)}))
  // DescribeNatGateways spells its filter parameter `Filter`.
  ec2.on(DescribeNatGatewaysCommand).callsFake((input) => raw({NatGateways: applyFilters(world.ec2.NatGateways, input.Filter, vpc)}))
  ec2.on(DescribeInternetGatewaysCommand).callsFake((input) =>
    raw({InternetGateways: applyFilters(world.ec2.InternetGateways, input.Filters, {'attachment.vpc-id': (g) => (g.Attachments ?? []).map((a) => a.VpcId)})}),
  )
  ec2.on(DescribeManagedPrefixListsCommand).callsFake((input) => raw({PrefixLists: applyFilters(world.ec2.ManagedPrefixLists, input.Filters, {'prefix-list-id': (p) => [p.PrefixListId]})}))
  ec2.on(GetManagedPrefixListEntriesCommand).callsFake((input) => raw({Entries: world.ec2.PrefixListEntries[input.PrefixListId] ?? []}))
  ec2.on(DescribeLaunchTemplateVersionsCommand).callsFake((input) => {
    const ofTemplate = world.ec2.LaunchTemplateVersions.filter((v) => (input.LaunchTemplateId ? v.LaunchTemplateId === input.LaunchTemplateId : v.LaunchTemplateName === input.LaunchTemplateName))
    const latest = Math.max(0, ...ofTemplate.map((v) => v.VersionNumber ?? 0))
    const versions: string[] = input.Versions ?? []
    const wanted = (v: (typeof ofTemplate)[number]) =>
      versions.length === 0 ||
      versions.some((x) => (x === '$Default' ? v.DefaultVersion === true : x === '$Latest' ? v.VersionNumber === latest : Number(x) === v.VersionNumber))
    return raw({LaunchTemplateVersions: ofTemplate.filter(wanted)})
  })

  sts.on(GetCallerIdentityCommand).resolves({Account: world.meta.accountId, Arn: `arn:aws:iam::${world.meta.accountId}:user/tester`, UserId: 'AIDAEXAMPLE'})

  const clients = AwsClients.from(instances, {region: 'us-east-1'})
  return {elbv2, ec2, autoscaling, sts, clients, world, loadBalancer: raw(lb)}
}
