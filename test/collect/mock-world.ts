/**
 * Answers the collect layer's calls from a snapshot (by default the healthy fixture world), with
 * aws-sdk-client-mock on client instances, so each test gets its own mocks. Filters are ignored: every list
 * returns the whole fixture list, as the fixture holds only the world's resources. Tests override single
 * commands afterwards (`mocks.ec2.on(DescribeNetworkAclsCommand).rejects(...)`).
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

  elbv2.on(DescribeLoadBalancersCommand).resolves(raw({LoadBalancers: world.elbv2.LoadBalancers}))
  elbv2.on(DescribeLoadBalancerAttributesCommand).callsFake((input) => raw({Attributes: world.elbv2.LoadBalancerAttributes[input.LoadBalancerArn] ?? []}))
  elbv2.on(DescribeListenersCommand).resolves(raw({Listeners: world.elbv2.Listeners}))
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

  autoscaling.on(DescribeAutoScalingGroupsCommand).resolves(raw({AutoScalingGroups: world.autoscaling.AutoScalingGroups}))
  autoscaling.on(DescribeScalingActivitiesCommand).callsFake((input) => raw({Activities: world.autoscaling.Activities[input.AutoScalingGroupName] ?? []}))

  ec2.on(DescribeInstancesCommand).resolves(raw({Reservations: [{ReservationId: 'r-0123456789abcdef0', Instances: world.ec2.Instances}]}))
  ec2.on(DescribeSubnetsCommand).resolves(raw({Subnets: world.ec2.Subnets}))
  ec2.on(DescribeRouteTablesCommand).resolves(raw({RouteTables: world.ec2.RouteTables}))
  ec2.on(DescribeNetworkAclsCommand).resolves(raw({NetworkAcls: world.ec2.NetworkAcls}))
  ec2.on(DescribeSecurityGroupsCommand).callsFake((input) => {
    const ids = (input.Filters ?? []).flatMap((f: {Values?: string[]}) => f.Values ?? [])
    return raw({SecurityGroups: world.ec2.SecurityGroups.filter((g) => ids.includes(g.GroupId))})
  })
  ec2.on(DescribeVpcsCommand).resolves(raw({Vpcs: world.ec2.Vpcs}))
  ec2.on(DescribeVpcAttributeCommand).callsFake((input) => {
    const a = world.ec2.VpcAttributes[input.VpcId] ?? {}
    return raw(input.Attribute === 'enableDnsSupport' ? {VpcId: input.VpcId, EnableDnsSupport: {Value: a.EnableDnsSupport}} : {VpcId: input.VpcId, EnableDnsHostnames: {Value: a.EnableDnsHostnames}})
  })
  ec2.on(DescribeVpcEndpointsCommand).resolves(raw({VpcEndpoints: world.ec2.VpcEndpoints}))
  ec2.on(DescribeNatGatewaysCommand).resolves(raw({NatGateways: world.ec2.NatGateways}))
  ec2.on(DescribeInternetGatewaysCommand).resolves(raw({InternetGateways: world.ec2.InternetGateways}))
  ec2.on(DescribeManagedPrefixListsCommand).resolves(raw({PrefixLists: world.ec2.ManagedPrefixLists}))
  ec2.on(GetManagedPrefixListEntriesCommand).callsFake((input) => raw({Entries: world.ec2.PrefixListEntries[input.PrefixListId] ?? []}))
  ec2.on(DescribeLaunchTemplateVersionsCommand).resolves(raw({LaunchTemplateVersions: world.ec2.LaunchTemplateVersions}))

  sts.on(GetCallerIdentityCommand).resolves({Account: world.meta.accountId, Arn: `arn:aws:iam::${world.meta.accountId}:user/tester`, UserId: 'AIDAEXAMPLE'})

  const clients = AwsClients.from(instances, {region: 'us-east-1'})
  return {elbv2, ec2, autoscaling, sts, clients, world, loadBalancer: raw(lb)}
}
