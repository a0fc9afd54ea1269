/**
 * Seeds a realistic world into moto through the SDK v3 clients: a 3-AZ VPC with public and private subnets,
 * an internet gateway and a NAT gateway, an internet-facing ALB in the public subnets, a target group with a
 * health check, an HTTP:80 listener, a launch template whose user data installs nginx, and an Auto Scaling
 * group of 3 in the private subnets attached to the target group. Options break one thing each.
 *
 * moto's gaps (DESIGN.md): every registered running instance is `healthy`, a stopped one
 * `unused`/`Target.InvalidState`; ASG instances all land in the first subnet.
 */
import {AutoScalingClient, CreateAutoScalingGroupCommand, DescribeAutoScalingGroupsCommand} from '@aws-sdk/client-auto-scaling'
import {
  AllocateAddressCommand,
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
  EC2Client,
  ModifyVpcAttributeCommand,
  StopInstancesCommand,
} from '@aws-sdk/client-ec2'
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2'

export const REGION = 'us-east-1'
export const AZS = ['us-east-1a', 'us-east-1b', 'us-east-1c'] as const

export const NGINX_USER_DATA = `#!/bin/bash
set -euo pipefail
dnf install -y nginx
echo '<h1>web</h1>' > /usr/share/nginx/html/index.html
systemctl enable --now nginx
`

export interface SeedOptions {
  /** Load balancer name (default web-alb). */
  name?: string
  /** false: the instance security group has no rule admitting the ALB's security group. */
  instanceSgAllowsAlb?: boolean
  /** Stop one of the group's instances after launch (moto: unused / Target.InvalidState). */
  stopOneInstance?: boolean
  /** Do not attach the group to the target group: the target group stays empty. */
  emptyTargetGroup?: boolean
}

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
  /** Wall time of the seeding, in milliseconds. */
  ms: number
}

export function motoClients(endpoint: string) {
  const config = {region: REGION, endpoint, credentials: {accessKeyId: 'testing', secretAccessKey: 'testing'}}
  return {ec2: new EC2Client(config), elbv2: new ElasticLoadBalancingV2Client(config), autoscaling: new AutoScalingClient(config)}
}

export async function seedWorld(endpoint: string, options: SeedOptions = {}): Promise<SeededWorld> {
  const started = performance.now()
  const {ec2, elbv2, autoscaling} = motoClients(endpoint)
  const name = options.name ?? 'web-alb'

  const vpcId = (await ec2.send(new CreateVpcCommand({CidrBlock: '10.0.0.0/16'}))).Vpc!.VpcId!
  await ec2.send(new ModifyVpcAttributeCommand({VpcId: vpcId, EnableDnsSupport: {Value: true}}))
  await ec2.send(new ModifyVpcAttributeCommand({VpcId: vpcId, EnableDnsHostnames: {Value: true}}))
  const subnet = async (cidr: string, az: string) => (await ec2.send(new CreateSubnetCommand({VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: az}))).Subnet!.SubnetId!
  const publicSubnets = await Promise.all(AZS.map((az, i) => subnet(`10.0.${i}.0/24`, az)))
  const privateSubnets = await Promise.all(AZS.map((az, i) => subnet(`10.0.${10 + i}.0/24`, az)))

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
  if (options.instanceSgAllowsAlb !== false) {
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({GroupId: webSg, IpPermissions: [{IpProtocol: 'tcp', FromPort: 80, ToPort: 80, UserIdGroupPairs: [{GroupId: albSg}]}]}),
    )
  }

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
        HealthCheckPath: '/',
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
        LaunchTemplateData: {ImageId: imageId, InstanceType: 't3.micro', SecurityGroupIds: [webSg], UserData: Buffer.from(NGINX_USER_DATA).toString('base64')},
      }),
    )
  ).LaunchTemplate!.LaunchTemplateId!
  const asgName = `${name}-asg`
  await autoscaling.send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: asgName,
      LaunchTemplate: {LaunchTemplateId: launchTemplateId, Version: '$Latest'},
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
  let stoppedInstanceId: string | undefined
  if (options.stopOneInstance) {
    stoppedInstanceId = instanceIds[0]
    await ec2.send(new StopInstancesCommand({InstanceIds: [stoppedInstanceId]}))
  }
  for (const c of [ec2, elbv2, autoscaling]) c.destroy()
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
    ms: Math.round(performance.now() - started),
  }
}
