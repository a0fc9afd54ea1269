/**
 * Seeds a realistic world into moto through the SDK v3 clients: a 3-AZ VPC with public and private subnets,
 * an internet gateway and a NAT gateway, an internet-facing ALB in the public subnets, a target group with a
 * health check, an HTTP:80 listener, a launch template whose user data installs nginx, and an Auto Scaling
 * group of 3 in the private subnets attached to the target group. Options break one thing each.
 *
 * With `ssmReady`, the instances are reachable by Systems Manager as on a real account: an instance profile whose
 * role has the SSM agent's permissions, and interface endpoints for ssm, ssmmessages and ec2messages with private
 * DNS in the private subnets (besides the NAT route they already have).
 *
 * moto's gaps (docs/architecture.md, "Testing against moto"): every registered running instance is `healthy`, a stopped one
 * `unused`/`Target.InvalidState`; ASG instances all land in the first subnet; the launch template's instance
 * profile is ignored (so it is associated with each instance here); AWS managed policies exist only when
 * moto_server runs with MOTO_IAM_LOAD_MANAGED_POLICIES=true (else the same document goes inline).
 */
import {AutoScalingClient, CreateAutoScalingGroupCommand, DescribeAutoScalingGroupsCommand} from '@aws-sdk/client-auto-scaling'
import {
  AllocateAddressCommand,
  AssociateIamInstanceProfileCommand,
  AssociateRouteTableCommand,
  AttachInternetGatewayCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateInternetGatewayCommand,
  CreateLaunchTemplateCommand,
  CreateNatGatewayCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  CreateVpcEndpointCommand,
  DescribeInstancesCommand,
  EC2Client,
  ModifyVpcAttributeCommand,
  StopInstancesCommand,
} from '@aws-sdk/client-ec2'
import {
  AddRoleToInstanceProfileCommand,
  AttachRolePolicyCommand,
  CreateInstanceProfileCommand,
  CreateRoleCommand,
  GetPolicyCommand,
  IAMClient,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam'
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2'

import {SSM_CORE_DOCUMENT} from '../../fixtures/ssm.js'

export const REGION = 'us-east-1'
export const AZS = ['us-east-1a', 'us-east-1b', 'us-east-1c'] as const

export const NGINX_USER_DATA = `#!/bin/bash
set -euo pipefail
dnf install -y nginx
echo '<h1>web</h1>' > /usr/share/nginx/html/index.html
systemctl enable --now nginx
`

/** User data of the reference incident: it updates the instance and installs an agent, but never a web server. */
export const NO_WEB_SERVER_USER_DATA = `#!/bin/bash
set -euo pipefail
dnf update -y
dnf install -y amazon-cloudwatch-agent
`

export const SSM_ROLE_NAME = 'web-instance-role'
export const SSM_PROFILE_NAME = 'web-instance-profile'
export const SSM_CORE_ARN = 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore'
const SSM_SERVICES = ['ssm', 'ssmmessages', 'ec2messages'] as const

export interface SeedOptions {
  /** Load balancer name (default web-alb). */
  name?: string
  /** false: the instance security group has no rule admitting the ALB's security group. */
  instanceSgAllowsAlb?: boolean
  /** Stop one of the group's instances after launch (moto: unused / Target.InvalidState). */
  stopOneInstance?: boolean
  /** Do not attach the group to the target group: the target group stays empty. */
  emptyTargetGroup?: boolean
  /** The launch template's user data (default NGINX_USER_DATA). */
  userData?: string
  /** The target group's health-check path (default `/`). */
  healthCheckPath?: string
  /** The launch template version the group names: `$Latest` (default) or a number such as `1`. */
  groupTemplateVersion?: string
  /** Instance profile with the SSM agent's permissions on every instance, and the SSM interface endpoints. */
  ssmReady?: boolean
  /** The region to seed (default us-east-1): its AZs are the region's a, b and c. */
  region?: string
  /** Build the world in this network (made by `seedNetwork`) rather than a new VPC of its own. */
  network?: SeededNetwork
  /** Seed in the account these credentials act in (default: moto's own). */
  credentials?: Credentials
}

export interface Credentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
}

export type SeededNetwork = Pick<SeededWorld, 'vpcId' | 'publicSubnets' | 'privateSubnets' | 'albSg' | 'webSg'>

export interface SeededWorld {
  vpcId: string
  publicSubnets: string[]
  privateSubnets: string[]
  albSg: string
  webSg: string
  albArn: string
  albName: string
  albDns: string
  targetGroupArn: string
  listenerArn: string
  launchTemplateId: string
  asgName: string
  instanceIds: string[]
  stoppedInstanceId?: string
  /** With ssmReady: the instance profile's ARN, and how the role got AmazonSSMManagedInstanceCore's permissions. */
  instanceProfileArn?: string
  ssmPolicy?: 'managed' | 'inline'
  ssmEndpointIds?: string[]
  /** Private IPs by instance id. */
  privateIps: Record<string, string>
  /** Wall time of the seeding, in milliseconds. */
  ms: number
}

/** moto's own account, unless credentials of another (an assumed role's: moto keeps each account apart) are given. */
export function motoClients(endpoint: string, region: string = REGION, credentials: Credentials = {accessKeyId: 'testing', secretAccessKey: 'testing'}) {
  const config = {region, endpoint, credentials}
  return {ec2: new EC2Client(config), elbv2: new ElasticLoadBalancingV2Client(config), autoscaling: new AutoScalingClient(config), iam: new IAMClient(config)}
}

/** AmazonSSMManagedInstanceCore's document, for a moto without AWS managed policies. */
const ssmCoreInline = () => JSON.stringify(SSM_CORE_DOCUMENT)

/**
 * The role the instances run as: AmazonSSMManagedInstanceCore attached when moto has AWS managed policies, else
 * the same document inline (the SSM rules read documents, not names). Returns the profile's ARN.
 */
async function createSsmInstanceProfile(iam: IAMClient): Promise<{arn: string; policy: 'managed' | 'inline'}> {
  const trust = JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: {Service: 'ec2.amazonaws.com'}, Action: 'sts:AssumeRole'}]})
  await iam.send(new CreateRoleCommand({RoleName: SSM_ROLE_NAME, AssumeRolePolicyDocument: trust}))
  const managed = await iam.send(new GetPolicyCommand({PolicyArn: SSM_CORE_ARN})).then(
    () => true,
    (error: {name?: string}) => {
      if (error.name === 'NoSuchEntityException' || error.name === 'NoSuchEntity') return false
      throw error
    },
  )
  if (managed) await iam.send(new AttachRolePolicyCommand({RoleName: SSM_ROLE_NAME, PolicyArn: SSM_CORE_ARN}))
  else await iam.send(new PutRolePolicyCommand({RoleName: SSM_ROLE_NAME, PolicyName: 'ssm-managed-instance-core', PolicyDocument: ssmCoreInline()}))
  const profile = await iam.send(new CreateInstanceProfileCommand({InstanceProfileName: SSM_PROFILE_NAME}))
  await iam.send(new AddRoleToInstanceProfileCommand({InstanceProfileName: SSM_PROFILE_NAME, RoleName: SSM_ROLE_NAME}))
  return {arn: profile.InstanceProfile!.Arn!, policy: managed ? 'managed' : 'inline'}
}

/** Interface endpoints for the SSM agent's three services, private DNS on, HTTPS admitted from the VPC. */
async function createSsmEndpoints(ec2: EC2Client, vpcId: string, subnetIds: string[], name: string, region: string): Promise<string[]> {
  const sg = (await ec2.send(new CreateSecurityGroupCommand({GroupName: `${name}-ssm-endpoints`, Description: 'SSM endpoints: HTTPS from the VPC', VpcId: vpcId}))).GroupId!
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({GroupId: sg, IpPermissions: [{IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{CidrIp: '10.0.0.0/16'}]}]}))
  const ids: string[] = []
  for (const svc of SSM_SERVICES) {
    const out = await ec2.send(
      new CreateVpcEndpointCommand({
        VpcId: vpcId,
        VpcEndpointType: 'Interface',
        ServiceName: `com.amazonaws.${region}.${svc}`,
        SubnetIds: subnetIds,
        SecurityGroupIds: [sg],
        PrivateDnsEnabled: true,
      }),
    )
    ids.push(out.VpcEndpoint!.VpcEndpointId!)
  }
  return ids
}

/**
 * The network of a world: a VPC with DNS on, public subnets routed to an internet gateway, private subnets routed
 * to a NAT gateway, the ALB's security group (HTTP from anywhere) and the instances' (HTTP from the ALB's, unless
 * `instanceSgAllowsAlb` is false). Several worlds may share one (`SeedOptions.network`).
 */
export async function seedNetwork(ec2: EC2Client, name: string, azs: readonly string[], instanceSgAllowsAlb = true): Promise<SeededNetwork> {
  const vpcId = (await ec2.send(new CreateVpcCommand({CidrBlock: '10.0.0.0/16'}))).Vpc!.VpcId!
  await ec2.send(new ModifyVpcAttributeCommand({VpcId: vpcId, EnableDnsSupport: {Value: true}}))
  await ec2.send(new ModifyVpcAttributeCommand({VpcId: vpcId, EnableDnsHostnames: {Value: true}}))
  const subnet = async (cidr: string, az: string) => (await ec2.send(new CreateSubnetCommand({VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: az}))).Subnet!.SubnetId!
  const publicSubnets = await Promise.all(azs.map((az, i) => subnet(`10.0.${i}.0/24`, az)))
  const privateSubnets = await Promise.all(azs.map((az, i) => subnet(`10.0.${10 + i}.0/24`, az)))

  const igw = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!
  await ec2.send(new AttachInternetGatewayCommand({InternetGatewayId: igw, VpcId: vpcId}))
  const publicRt = (await ec2.send(new CreateRouteTableCommand({VpcId: vpcId}))).RouteTable!.RouteTableId!
  await ec2.send(new CreateRouteCommand({RouteTableId: publicRt, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw}))
  await Promise.all(publicSubnets.map((s) => ec2.send(new AssociateRouteTableCommand({RouteTableId: publicRt, SubnetId: s}))))
  const eip = (await ec2.send(new AllocateAddressCommand({Domain: 'vpc'}))).AllocationId!
  const nat = (await ec2.send(new CreateNatGatewayCommand({SubnetId: publicSubnets[0], AllocationId: eip}))).NatGateway!.NatGatewayId!
  const privateRt = (await ec2.send(new CreateRouteTableCommand({VpcId: vpcId}))).RouteTable!.RouteTableId!
  await ec2.send(new CreateRouteCommand({RouteTableId: privateRt, DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: nat}))
  await Promise.all(privateSubnets.map((s) => ec2.send(new AssociateRouteTableCommand({RouteTableId: privateRt, SubnetId: s}))))

  const albSg = (await ec2.send(new CreateSecurityGroupCommand({GroupName: `${name}-alb`, Description: 'ALB: HTTP from the internet', VpcId: vpcId}))).GroupId!
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({GroupId: albSg, IpPermissions: [{IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{CidrIp: '0.0.0.0/0'}]}]}),
  )
  const webSg = (await ec2.send(new CreateSecurityGroupCommand({GroupName: `${name}-web`, Description: 'Web instances: HTTP from the ALB', VpcId: vpcId}))).GroupId!
  if (instanceSgAllowsAlb) {
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({GroupId: webSg, IpPermissions: [{IpProtocol: 'tcp', FromPort: 80, ToPort: 80, UserIdGroupPairs: [{GroupId: albSg}]}]}),
    )
  }
  return {vpcId, publicSubnets, privateSubnets, albSg, webSg}
}

export async function seedWorld(endpoint: string, options: SeedOptions = {}): Promise<SeededWorld> {
  const started = performance.now()
  const region = options.region ?? REGION
  const azs = AZS.map((az) => az.replace(REGION, region))
  const {ec2, elbv2, autoscaling, iam} = motoClients(endpoint, region, options.credentials)
  const name = options.name ?? 'web-alb'
  const profile = options.ssmReady ? await createSsmInstanceProfile(iam) : undefined

  const {vpcId, publicSubnets, privateSubnets, albSg, webSg} = options.network ?? (await seedNetwork(ec2, name, azs, options.instanceSgAllowsAlb !== false))

  const alb = (
    await elbv2.send(new CreateLoadBalancerCommand({Name: name, Subnets: publicSubnets, SecurityGroups: [albSg], Scheme: 'internet-facing', Type: 'application'}))
  ).LoadBalancers![0]
  const targetGroupArn = (
    await elbv2.send(
      new CreateTargetGroupCommand({
        Name: `${name}-tg`,
        Protocol: 'HTTP',
        Port: 80,
        VpcId: vpcId,
        TargetType: 'instance',
        HealthCheckProtocol: 'HTTP',
        HealthCheckPort: 'traffic-port',
        HealthCheckPath: options.healthCheckPath ?? '/',
        HealthCheckIntervalSeconds: 30,
        HealthCheckTimeoutSeconds: 5,
        HealthyThresholdCount: 5,
        UnhealthyThresholdCount: 2,
        Matcher: {HttpCode: '200'},
      }),
    )
  ).TargetGroups![0].TargetGroupArn!
  const listenerArn = (
    await elbv2.send(
      new CreateListenerCommand({LoadBalancerArn: alb.LoadBalancerArn!, Protocol: 'HTTP', Port: 80, DefaultActions: [{Type: 'forward', TargetGroupArn: targetGroupArn}]}),
    )
  ).Listeners![0].ListenerArn!

  // moto launches from any image id (it only warns); DescribeImages would cost 1-2 s of moto's time per seed.
  const imageId = 'ami-0c02fb55956c7d316'
  const launchTemplateId = (
    await ec2.send(
      new CreateLaunchTemplateCommand({
        LaunchTemplateName: `${name}-lt`,
        LaunchTemplateData: {
          ImageId: imageId,
          InstanceType: 't3.micro',
          SecurityGroupIds: [webSg],
          UserData: Buffer.from(options.userData ?? NGINX_USER_DATA).toString('base64'),
          ...(profile ? {IamInstanceProfile: {Arn: profile.arn}} : {}),
        },
      }),
    )
  ).LaunchTemplate!.LaunchTemplateId!
  const asgName = `${name}-asg`
  await autoscaling.send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: asgName,
      LaunchTemplate: {LaunchTemplateId: launchTemplateId, Version: options.groupTemplateVersion ?? '$Latest'},
      MinSize: 3,
      MaxSize: 3,
      DesiredCapacity: 3,
      VPCZoneIdentifier: privateSubnets.join(','),
      HealthCheckType: 'ELB',
      HealthCheckGracePeriod: 300,
      ...(options.emptyTargetGroup ? {} : {TargetGroupARNs: [targetGroupArn]}),
    }),
  )
  const group = (await autoscaling.send(new DescribeAutoScalingGroupsCommand({AutoScalingGroupNames: [asgName]}))).AutoScalingGroups![0]
  const instanceIds = (group.Instances ?? []).map((i) => i.InstanceId!).sort()
  // moto ignores the launch template's instance profile: associate it with each instance, as EC2 would have.
  if (profile) await Promise.all(instanceIds.map((id) => ec2.send(new AssociateIamInstanceProfileCommand({InstanceId: id, IamInstanceProfile: {Arn: profile.arn}}))))
  const ssmEndpointIds = options.ssmReady && !options.network ? await createSsmEndpoints(ec2, vpcId, privateSubnets, name, region) : undefined
  const described = await ec2.send(new DescribeInstancesCommand({InstanceIds: instanceIds}))
  const privateIps = Object.fromEntries((described.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => [i.InstanceId!, i.PrivateIpAddress!]))
  let stoppedInstanceId: string | undefined
  if (options.stopOneInstance) {
    stoppedInstanceId = instanceIds[0]
    await ec2.send(new StopInstancesCommand({InstanceIds: [stoppedInstanceId]}))
  }
  for (const c of [ec2, elbv2, autoscaling, iam]) c.destroy()
  return {
    vpcId,
    publicSubnets,
    privateSubnets,
    albSg,
    webSg,
    albArn: alb.LoadBalancerArn!,
    albName: name,
    albDns: alb.DNSName!,
    targetGroupArn,
    listenerArn,
    launchTemplateId,
    asgName,
    instanceIds,
    ...(stoppedInstanceId ? {stoppedInstanceId} : {}),
    ...(profile ? {instanceProfileArn: profile.arn, ssmPolicy: profile.policy} : {}),
    ...(ssmEndpointIds ? {ssmEndpointIds} : {}),
    privateIps,
    ms: Math.round(performance.now() - started),
  }
}
