/**
 * The web tier: an internet-facing ALB, a target group that checks the health path, and an Auto Scaling group of
 * Amazon Linux 2023 instances in the private subnets, reachable only from the ALB (and by Session Manager).
 */
import {Annotations, Duration, Fn} from 'aws-cdk-lib'
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling'
import * as ec2 from 'aws-cdk-lib/aws-ec2'
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2'
import * as iam from 'aws-cdk-lib/aws-iam'
import type * as sns from 'aws-cdk-lib/aws-sns'
import {Construct} from 'constructs'
import {acknowledge} from './nag.js'
import type {Network} from './network.js'
import type {WebTierProps} from './props.js'
import {userDataLines} from './user-data.js'

export class WebTier extends Construct {
  readonly alb: elbv2.ApplicationLoadBalancer
  readonly targetGroup: elbv2.ApplicationTargetGroup
  /**
   * `targetgroup/NAME/ID`, the TargetGroup dimension of its metrics, cut from the ARN instead of CDK's
   * `Fn::GetAtt TargetGroupFullName`, which the moto emulator cannot resolve (CreateStack fails on it).
   */
  readonly targetGroupFullName: string
  readonly asg: autoscaling.AutoScalingGroup
  readonly albSecurityGroup: ec2.SecurityGroup
  readonly instanceSecurityGroup: ec2.SecurityGroup

  constructor(scope: Construct, id: string, props: WebTierProps, network: Network, topic: sns.ITopic) {
    super(scope, id)
    const {vpc} = network
    const https = props.certificateArn !== undefined

    this.albSecurityGroup = new ec2.SecurityGroup(this, 'AlbSg', {vpc, description: 'ALB: HTTP(S) from the internet, out only to the instances', allowAllOutbound: false})
    this.albSecurityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(80), https ? 'HTTP from the internet (redirected to HTTPS)' : 'HTTP from the internet')
    if (https) this.albSecurityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS from the internet')
    acknowledge(this.albSecurityGroup, [{id: 'AwsSolutions-EC23', reason: 'This is the internet-facing load balancer of a public web site: it must accept HTTP/HTTPS from any address. Only ports 80 (and 443 with a certificate) are open.'}])

    this.instanceSecurityGroup = new ec2.SecurityGroup(this, 'InstanceSg', {vpc, description: 'Web instances: the target port from the ALB only', allowAllOutbound: true})
    const port = ec2.Port.tcp(props.targetPort)
    // The broken scenario leaves out exactly this rule; the ALB's egress stays, as in a real misconfiguration.
    if (props.scenario !== 'no-alb-ingress') this.instanceSecurityGroup.addIngressRule(this.albSecurityGroup, port, 'Traffic and health checks from the ALB only')
    this.albSecurityGroup.addEgressRule(this.instanceSecurityGroup, port, 'Traffic and health checks to the instances')
    if (network.endpointSecurityGroup) network.endpointSecurityGroup.addIngressRule(this.instanceSecurityGroup, ec2.Port.tcp(443), 'Session Manager from the instances')

    this.alb = new elbv2.ApplicationLoadBalancer(this, 'Alb', {
      vpc,
      internetFacing: true,
      vpcSubnets: {subnetType: ec2.SubnetType.PUBLIC},
      securityGroup: this.albSecurityGroup,
      dropInvalidHeaderFields: true,
    })
    acknowledge(this.alb, [{id: 'AwsSolutions-ELB2', reason: 'Access logs need an S3 bucket with a region-specific bucket policy and cost per GB stored; this is a short-lived reference stack whose diagnosis uses target health, CloudWatch metrics and VPC flow logs instead. Enable access logs before serving production traffic.'}])

    this.targetGroup = new elbv2.ApplicationTargetGroup(this, 'Targets', {
      vpc,
      port: props.targetPort,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targetType: elbv2.TargetType.INSTANCE,
      deregistrationDelay: Duration.seconds(30),
      healthCheck: {path: props.healthCheckPath, healthyHttpCodes: '200', interval: Duration.seconds(15), timeout: Duration.seconds(5), healthyThresholdCount: 2, unhealthyThresholdCount: 2},
    })
    this.targetGroupFullName = Fn.select(5, Fn.split(':', this.targetGroup.targetGroupArn))
    const listener = https
      ? this.httpsListeners(props.certificateArn!)
      : this.alb.addListener('Http', {port: 80, protocol: elbv2.ApplicationProtocol.HTTP, open: false, defaultTargetGroups: [this.targetGroup]})

    this.asg = new autoscaling.AutoScalingGroup(this, 'Asg', {
      vpc,
      vpcSubnets: {subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS},
      launchTemplate: this.launchTemplate(props),
      minCapacity: props.minCapacity,
      desiredCapacity: props.desiredCapacity,
      maxCapacity: props.maxCapacity,
      healthChecks: autoscaling.HealthChecks.withAdditionalChecks({additionalTypes: [autoscaling.AdditionalHealthCheckType.ELB], gracePeriod: Duration.seconds(props.healthCheckGraceSeconds)}),
      notifications: [{topic}],
    })
    Annotations.of(this.asg).acknowledgeWarning('@aws-cdk/aws-autoscaling:desiredCapacitySet', 'The desired capacity is an option of this reference stack; a redeployment resetting it to that value is intended.')
    // Registered through the L1 property rather than attachToApplicationTargetGroup(), which would open the
    // instance security group to the ALB by itself: the rule above is explicit so a scenario can leave it out.
    const cfnAsg = this.asg.node.defaultChild as autoscaling.CfnAutoScalingGroup
    cfnAsg.targetGroupArns = [this.targetGroup.targetGroupArn]
    this.asg.node.addDependency(listener)
    this.scaling(props, listener)
  }

  private httpsListeners(certificateArn: string): elbv2.ApplicationListener {
    this.alb.addListener('Http', {port: 80, protocol: elbv2.ApplicationProtocol.HTTP, open: false, defaultAction: elbv2.ListenerAction.redirect({protocol: 'HTTPS', port: '443', permanent: true})})
    return this.alb.addListener('Https', {
      port: 443,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      open: false,
      certificates: [elbv2.ListenerCertificate.fromArn(certificateArn)],
      sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
      defaultTargetGroups: [this.targetGroup],
    })
  }

  private launchTemplate(props: WebTierProps): ec2.LaunchTemplate {
    const instanceType = new ec2.InstanceType(props.instanceType)
    const arch = instanceType.architecture === ec2.InstanceArchitecture.ARM_64 ? 'arm64' : 'x86_64'
    const role = new iam.Role(this, 'InstanceRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: 'Web instances: Session Manager access only',
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore')],
    })
    acknowledge(role, [{
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]',
      reason: 'AmazonSSMManagedInstanceCore is the AWS-maintained minimum for the SSM agent (Session Manager, Run Command); AWS updates it as the agent needs, which a copied inline policy would not follow.',
    }])
    const userData = ec2.UserData.forLinux()
    userData.addCommands(...userDataLines(props))
    return new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      instanceType,
      // Latest AL2023 with its newest kernel, through AWS's public SSM parameter, resolved at each deployment
      // (CDK's latestAmazonLinux2023() pins the 6.1 kernel).
      machineImage: ec2.MachineImage.fromSsmParameter(`/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${arch}`),
      requireImdsv2: true,
      httpPutResponseHopLimit: 1,
      securityGroup: this.instanceSecurityGroup,
      role,
      userData,
      // No key pair: the way in is Session Manager. Private subnets give no public IP.
      blockDevices: [{deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(8, {volumeType: ec2.EbsDeviceVolumeType.GP3, encrypted: true, deleteOnTermination: true})}],
    })
  }

  private scaling(props: WebTierProps, listener: elbv2.ApplicationListener): void {
    if (props.scaleOn !== 'requests') this.asg.scaleOnCpuUtilization('Cpu', {targetUtilizationPercent: props.cpuTargetPercent})
    if (props.scaleOn === 'cpu') return
    // What scaleOnRequestCount() builds, spelled out because the group is registered through the L1 property.
    const policy = new autoscaling.TargetTrackingScalingPolicy(this, 'RequestsPerTarget', {
      autoScalingGroup: this.asg,
      targetValue: props.requestsPerTarget,
      predefinedMetric: autoscaling.PredefinedMetric.ALB_REQUEST_COUNT_PER_TARGET,
      resourceLabel: `${this.alb.loadBalancerFullName}/${this.targetGroupFullName}`,
    })
    policy.node.addDependency(listener)
  }
}
