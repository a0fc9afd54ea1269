/**
 * The benchmark's worlds, seeded into moto through the SDK: one VPC over three AZs (public subnets for the ALB,
 * private /19 subnets large enough for 3,000 instances), an internet-facing ALB with one HTTP:80 listener whose
 * default action and path rules forward to `targetGroups` target groups, a launch template, and one Auto Scaling
 * group of `instances` attached to every target group. Every instance carries an instance profile whose role has
 * one customer-managed policy, so the IAM side of a diagnosis walks its whole chain
 * (profile → role policies → GetPolicy → GetPolicyVersion).
 *
 * moto's gaps (see test/integration/helpers/seed.ts): it ignores the launch template's instance profile (so it is
 * associated with each instance here), and it puts every group instance in the first subnet (hence /19 subnets).
 */
import {AutoScalingClient, CreateAutoScalingGroupCommand, DescribeAutoScalingGroupsCommand} from '@aws-sdk/client-auto-scaling'
import {
  AssociateIamInstanceProfileCommand,
  AssociateRouteTableCommand,
  AttachInternetGatewayCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateInternetGatewayCommand,
  CreateLaunchTemplateCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  EC2Client,
  DescribeInstancesCommand,
  ModifyVpcAttributeCommand,
} from '@aws-sdk/client-ec2'
import {
  AddRoleToInstanceProfileCommand,
  AttachRolePolicyCommand,
  CreateInstanceProfileCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  IAMClient,
} from '@aws-sdk/client-iam'
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2'

export const REGION = 'us-east-1'
const AZS = ['us-east-1a', 'us-east-1b', 'us-east-1c'] as const

export interface WorldSpec {
  instances: number
  targetGroups: number
}

export interface World extends WorldSpec {
  name: string
  vpcId: string
  albArn: string
  albName: string
  listenerArn: string
  targetGroupArns: string[]
  asgName: string
  instanceIds: string[]
  privateIps: Record<string, string>
  profileName: string
  roleName: string
  /** Seconds moto took to build it. */
  seedSeconds: number
}

export const worldLabel = (s: WorldSpec) => `${s.instances} inst, ${s.targetGroups} TG`

function clients(endpoint: string) {
  const config = {region: REGION, endpoint, credentials: {accessKeyId: 'testing', secretAccessKey: 'testing'}, maxAttempts: 1}
  return {ec2: new EC2Client(config), elbv2: new ElasticLoadBalancingV2Client(config), autoscaling: new AutoScalingClient(config), iam: new IAMClient(config)}
}

/** Runs `fn` over `items` with at most `n` at once. */
async function pool<T>(items: T[], n: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0
  await Promise.all(
    Array.from({length: Math.min(n, items.length)}, async () => {
      while (next < items.length) await fn(items[next++])
    }),
  )
}

const SSM_ACTIONS = ['ssm:UpdateInstanceInformation', 'ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel', 'ssmmessages:OpenControlChannel', 'ssmmessages:OpenDataChannel', 'ec2messages:*']

export async function seedWorld(endpoint: string, spec: WorldSpec): Promise<World> {
  const started = performance.now()
  const {ec2, elbv2, autoscaling, iam} = clients(endpoint)
  const name = `bench-${spec.instances}-${spec.targetGroups}`

  // IAM: a role with one customer-managed and one inline policy, in an instance profile.
  const roleName = `${name}-role`
  const profileName = `${name}-profile`
  const trust = JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: {Service: 'ec2.amazonaws.com'}, Action: 'sts:AssumeRole'}]})
  await iam.send(new CreateRoleCommand({RoleName: roleName, AssumeRolePolicyDocument: trust}))
  const policy = await iam.send(
    new CreatePolicyCommand({PolicyName: `${name}-ssm`, PolicyDocument: JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow', Action: SSM_ACTIONS, Resource: '*'}]})}),
  )
  await iam.send(new AttachRolePolicyCommand({RoleName: roleName, PolicyArn: policy.Policy!.Arn!}))
  const profile = await iam.send(new CreateInstanceProfileCommand({InstanceProfileName: profileName}))
  await iam.send(new AddRoleToInstanceProfileCommand({InstanceProfileName: profileName, RoleName: roleName}))
  const profileArn = profile.InstanceProfile!.Arn!

  // Network.
  const vpcId = (await ec2.send(new CreateVpcCommand({CidrBlock: '10.0.0.0/16'}))).Vpc!.VpcId!
  await ec2.send(new ModifyVpcAttributeCommand({VpcId: vpcId, EnableDnsSupport: {Value: true}}))
  await ec2.send(new ModifyVpcAttributeCommand({VpcId: vpcId, EnableDnsHostnames: {Value: true}}))
  const subnet = async (cidr: string, az: string) => (await ec2.send(new CreateSubnetCommand({VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: az}))).Subnet!.SubnetId!
  const publicSubnets = await Promise.all(AZS.map((az, i) => subnet(`10.0.${i}.0/24`, az)))
  const privateSubnets = await Promise.all(AZS.map((az, i) => subnet(`10.0.${32 * (i + 1)}.0/19`, az)))
  const igw = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!
  await ec2.send(new AttachInternetGatewayCommand({InternetGatewayId: igw, VpcId: vpcId}))
  const publicRt = (await ec2.send(new CreateRouteTableCommand({VpcId: vpcId}))).RouteTable!.RouteTableId!
  await ec2.send(new CreateRouteCommand({RouteTableId: publicRt, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw}))
  await Promise.all(publicSubnets.map((s) => ec2.send(new AssociateRouteTableCommand({RouteTableId: publicRt, SubnetId: s}))))

  const albSg = (await ec2.send(new CreateSecurityGroupCommand({GroupName: `${name}-alb`, Description: 'ALB', VpcId: vpcId}))).GroupId!
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({GroupId: albSg, IpPermissions: [{IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{CidrIp: '0.0.0.0/0'}]}]}))
  const webSg = (await ec2.send(new CreateSecurityGroupCommand({GroupName: `${name}-web`, Description: 'web', VpcId: vpcId}))).GroupId!
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({GroupId: webSg, IpPermissions: [{IpProtocol: 'tcp', FromPort: 80, ToPort: 80, UserIdGroupPairs: [{GroupId: albSg}]}]}))

  // Load balancer, target groups, listener and rules.
  const alb = (await elbv2.send(new CreateLoadBalancerCommand({Name: name, Subnets: publicSubnets, SecurityGroups: [albSg], Scheme: 'internet-facing', Type: 'application'})))
    .LoadBalancers![0]
  const targetGroupArns: string[] = []
  for (let i = 0; i < spec.targetGroups; i++) {
    const tg = await elbv2.send(
      new CreateTargetGroupCommand({Name: `${name}-tg${i}`, Protocol: 'HTTP', Port: 80, VpcId: vpcId, TargetType: 'instance', HealthCheckPath: '/', Matcher: {HttpCode: '200'}}),
    )
    targetGroupArns.push(tg.TargetGroups![0].TargetGroupArn!)
  }
  const listenerArn = (
    await elbv2.send(new CreateListenerCommand({LoadBalancerArn: alb.LoadBalancerArn!, Protocol: 'HTTP', Port: 80, DefaultActions: [{Type: 'forward', TargetGroupArn: targetGroupArns[0]}]}))
  ).Listeners![0].ListenerArn!
  for (let i = 1; i < targetGroupArns.length; i++) {
    await elbv2.send(
      new CreateRuleCommand({
        ListenerArn: listenerArn,
        Priority: i,
        Conditions: [{Field: 'path-pattern', PathPatternConfig: {Values: [`/app${i}/*`]}}],
        Actions: [{Type: 'forward', TargetGroupArn: targetGroupArns[i]}],
      }),
    )
  }

  // Launch template and the group.
  const launchTemplateId = (
    await ec2.send(
      new CreateLaunchTemplateCommand({
        LaunchTemplateName: `${name}-lt`,
        LaunchTemplateData: {ImageId: 'ami-0c02fb55956c7d316', InstanceType: 't3.micro', SecurityGroupIds: [webSg], IamInstanceProfile: {Arn: profileArn}},
      }),
    )
  ).LaunchTemplate!.LaunchTemplateId!
  const asgName = `${name}-asg`
  await autoscaling.send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: asgName,
      LaunchTemplate: {LaunchTemplateId: launchTemplateId, Version: '$Latest'},
      MinSize: spec.instances,
      MaxSize: spec.instances,
      DesiredCapacity: spec.instances,
      VPCZoneIdentifier: privateSubnets.join(','),
      HealthCheckType: 'ELB',
      HealthCheckGracePeriod: 300,
      TargetGroupARNs: targetGroupArns,
    }),
  )
  const group = (await autoscaling.send(new DescribeAutoScalingGroupsCommand({AutoScalingGroupNames: [asgName]}))).AutoScalingGroups![0]
  const instanceIds = (group.Instances ?? []).map((i) => i.InstanceId!).sort()
  await pool(instanceIds, 8, (id) => ec2.send(new AssociateIamInstanceProfileCommand({InstanceId: id, IamInstanceProfile: {Arn: profileArn}})))
  const privateIps: Record<string, string> = {}
  let token: string | undefined
  do {
    const page = await ec2.send(new DescribeInstancesCommand({Filters: [{Name: 'vpc-id', Values: [vpcId]}], MaxResults: 1000, ...(token ? {NextToken: token} : {})}))
    for (const i of (page.Reservations ?? []).flatMap((r) => r.Instances ?? [])) privateIps[i.InstanceId!] = i.PrivateIpAddress!
    token = page.NextToken
  } while (token)
  for (const c of [ec2, elbv2, autoscaling, iam]) c.destroy()
  return {
    ...spec,
    name,
    vpcId,
    albArn: alb.LoadBalancerArn!,
    albName: name,
    listenerArn,
    targetGroupArns,
    asgName,
    instanceIds,
    privateIps,
    profileName,
    roleName,
    seedSeconds: (performance.now() - started) / 1000,
  }
}
