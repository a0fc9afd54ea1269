import {describe, expect, it, beforeAll} from 'vitest'
import {Match} from 'aws-cdk-lib/assertions'
import type {Template} from 'aws-cdk-lib/assertions'
import {CERT, SYNTH_TIMEOUT, logicalIdOf, ofType, resources, templateOf, userData} from './helpers.js'

describe('WebTierStack, default props (healthy)', () => {
  let t: Template
  beforeAll(() => {
    t = templateOf()
  }, SYNTH_TIMEOUT)

  it('spreads a VPC over three AZs with public and private subnets', () => {
    t.resourceCountIs('AWS::EC2::VPC', 1)
    t.hasResourceProperties('AWS::EC2::VPC', {EnableDnsSupport: true, EnableDnsHostnames: true})
    const subnets = ofType(t, 'AWS::EC2::Subnet')
    expect(subnets).toHaveLength(6)
    const azIndexes = new Set(subnets.map(([, s]) => JSON.stringify(s.Properties?.AvailabilityZone)))
    expect(azIndexes.size).toBe(3)
    for (const i of [0, 1, 2]) t.hasResourceProperties('AWS::EC2::Subnet', {AvailabilityZone: {'Fn::Select': [i, {'Fn::GetAZs': ''}]}, MapPublicIpOnLaunch: false})
    expect(subnets.filter(([, s]) => s.Properties?.MapPublicIpOnLaunch === true)).toHaveLength(3)
  })

  it('has one NAT gateway per AZ by default and an S3 gateway endpoint', () => {
    t.resourceCountIs('AWS::EC2::NatGateway', 3)
    t.hasResourceProperties('AWS::EC2::VPCEndpoint', {VpcEndpointType: 'Gateway', ServiceName: {'Fn::Join': ['', ['com.amazonaws.', {Ref: 'AWS::Region'}, '.s3']]}})
  })

  it('logs rejected traffic of the VPC to CloudWatch Logs for a month', () => {
    t.hasResourceProperties('AWS::EC2::FlowLog', {ResourceType: 'VPC', TrafficType: 'REJECT', LogDestinationType: 'cloud-watch-logs'})
    t.hasResourceProperties('AWS::Logs::LogGroup', {RetentionInDays: 30})
  })

  it('has interface endpoints for ssm, ssmmessages and ec2messages with private DNS, admitting 443 from the instances only', () => {
    for (const svc of ['ssm', 'ssmmessages', 'ec2messages']) {
      t.hasResourceProperties('AWS::EC2::VPCEndpoint', {VpcEndpointType: 'Interface', PrivateDnsEnabled: true, ServiceName: {'Fn::Join': ['', ['com.amazonaws.', {Ref: 'AWS::Region'}, `.${svc}`]]}})
    }
    const endpointSg = logicalIdOf(t, 'AWS::EC2::SecurityGroup', /interface endpoints/)
    const instanceSg = logicalIdOf(t, 'AWS::EC2::SecurityGroup', /Web instances/)
    t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {GroupId: {'Fn::GetAtt': [endpointSg, 'GroupId']}, FromPort: 443, ToPort: 443, SourceSecurityGroupId: {'Fn::GetAtt': [instanceSg, 'GroupId']}})
    expect(resources(t)[endpointSg].Properties?.SecurityGroupIngress).toBeUndefined()
  })

  it('puts an internet-facing ALB in the public subnets that drops invalid header fields, with an HTTP listener', () => {
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internet-facing',
      Type: 'application',
      LoadBalancerAttributes: Match.arrayWith([{Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true'}]),
    })
    t.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 1)
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {Port: 80, Protocol: 'HTTP', DefaultActions: [Match.objectLike({Type: 'forward'})]})
  })

  it('checks the health path on the target group', () => {
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {Port: 80, Protocol: 'HTTP', TargetType: 'instance', HealthCheckPath: '/health', Matcher: {HttpCode: '200'}})
  })

  it('opens the ALB to port 80 from the internet only, and the instances to port 80 from the ALB only', () => {
    const albSg = logicalIdOf(t, 'AWS::EC2::SecurityGroup', /^ALB/)
    const instanceSg = logicalIdOf(t, 'AWS::EC2::SecurityGroup', /Web instances/)
    const r = resources(t)
    expect(r[albSg].Properties?.SecurityGroupIngress).toEqual([{CidrIp: '0.0.0.0/0', Description: 'HTTP from the internet', FromPort: 80, IpProtocol: 'tcp', ToPort: 80}])
    expect(r[instanceSg].Properties?.SecurityGroupIngress).toBeUndefined()
    const intoInstances = ofType(t, 'AWS::EC2::SecurityGroupIngress').filter(([, i]) => JSON.stringify(i.Properties?.GroupId).includes(instanceSg))
    expect(intoInstances.map(([, i]) => i.Properties)).toEqual([{
      Description: 'Traffic and health checks from the ALB only', FromPort: 80, ToPort: 80, IpProtocol: 'tcp',
      GroupId: {'Fn::GetAtt': [instanceSg, 'GroupId']}, SourceSecurityGroupId: {'Fn::GetAtt': [albSg, 'GroupId']},
    }])
  })

  it('builds a launch template with AL2023 from SSM, IMDSv2, an encrypted gp3 root volume, no key pair and the SSM role', () => {
    t.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        MetadataOptions: {HttpTokens: 'required', HttpPutResponseHopLimit: 1},
        BlockDeviceMappings: [{DeviceName: '/dev/xvda', Ebs: {Encrypted: true, VolumeType: 'gp3', VolumeSize: 8, DeleteOnTermination: true}}],
        InstanceType: 't3.micro',
        KeyName: Match.absent(),
        IamInstanceProfile: Match.anyValue(),
      }),
    })
    const params = (t.toJSON() as {Parameters: Record<string, {Type: string; Default: string}>}).Parameters
    expect(Object.values(params)).toEqual([{Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>', Default: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64'}])
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {Statement: [Match.objectLike({Principal: {Service: 'ec2.amazonaws.com'}})]},
      ManagedPolicyArns: [{'Fn::Join': ['', ['arn:', {Ref: 'AWS::Partition'}, ':iam::aws:policy/AmazonSSMManagedInstanceCore']]}],
    })
  })

  it('installs and starts nginx with an index page and the health path in the user data', () => {
    const ud = userData(t)
    expect(ud).toContain('dnf install -y nginx')
    expect(ud).toContain('/usr/share/nginx/html/index.html')
    expect(ud).toContain('location = /health { default_type text/plain; return 200 "ok\\n"; }')
    expect(ud).toContain('listen 80 default_server;')
    expect(ud).toContain('systemctl enable --now nginx')
  })

  it('runs the Auto Scaling group in the private subnets with ELB health checks, a grace period and CPU target tracking', () => {
    t.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MinSize: '2', DesiredCapacity: '2', MaxSize: '4',
      HealthCheckType: 'ELB', HealthCheckGracePeriod: 300,
      TargetGroupARNs: [{Ref: Match.stringLikeRegexp('^WebTargets')}],
      NotificationConfigurations: [Match.objectLike({TopicARN: {Ref: Match.stringLikeRegexp('^Alerts')}})],
    })
    const [[, asg]] = ofType(t, 'AWS::AutoScaling::AutoScalingGroup')
    const zones = (asg.Properties?.VPCZoneIdentifier as Array<{Ref: string}>).map((z) => z.Ref)
    expect(zones).toHaveLength(3)
    for (const z of zones) expect(z).toMatch(/privateSubnet/)
    t.resourceCountIs('AWS::AutoScaling::ScalingPolicy', 1)
    t.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {PolicyType: 'TargetTrackingScaling', TargetTrackingConfiguration: {PredefinedMetricSpecification: {PredefinedMetricType: 'ASGAverageCPUUtilization'}, TargetValue: 60}})
  })

  it('raises five alarms to the SNS topic and draws a dashboard', () => {
    const alarms = ofType(t, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties as {MetricName: string; Namespace: string; AlarmActions: unknown[]; Threshold: number})
    expect(alarms.map((a) => `${a.Namespace}/${a.MetricName}`).sort()).toEqual([
      'AWS/ApplicationELB/HTTPCode_ELB_5XX_Count', 'AWS/ApplicationELB/HTTPCode_Target_5XX_Count', 'AWS/ApplicationELB/TargetResponseTime', 'AWS/ApplicationELB/UnHealthyHostCount', 'AWS/EC2/CPUUtilization',
    ])
    for (const a of alarms) expect(a.AlarmActions).toEqual([{Ref: expect.stringMatching(/^Alerts/)}])
    t.resourceCountIs('AWS::SNS::Topic', 1)
    t.resourceCountIs('AWS::SNS::Subscription', 0)
    t.resourceCountIs('AWS::CloudWatch::Dashboard', 1)
  })

  it('outputs the ALB DNS name, name and ARN, the target group ARN and the ASG name', () => {
    const outputs = Object.keys((t.toJSON() as {Outputs: object}).Outputs)
    expect(outputs).toEqual(expect.arrayContaining(['AlbDnsName', 'AlbName', 'AlbArn', 'TargetGroupArn', 'AsgName']))
  })

  it('has no custom resources or Lambda functions, and no bootstrap version parameter', () => {
    const types = Object.values(resources(t)).map((r) => r.Type)
    expect(types.filter((ty) => ty.startsWith('Custom::') || ty === 'AWS::CloudFormation::CustomResource' || ty === 'AWS::Lambda::Function')).toEqual([])
    expect(JSON.stringify(t.toJSON())).not.toContain('BootstrapVersion')
    // Sent inline as YAML (~1.15x the JSON): stay well under CloudFormation's 51,200-byte limit.
    expect(JSON.stringify(t.toJSON()).length).toBeLessThan(51_200 / 1.2)
  })
})

describe('WebTierStack, HTTPS with e-mail alerts, one NAT gateway, scaling on CPU and requests', () => {
  let t: Template
  beforeAll(() => {
    t = templateOf({certificateArn: CERT, alertEmail: 'ops@example.com', natGateways: 1, scaleOn: 'both', instanceType: 't4g.small', minCapacity: 1, desiredCapacity: 3, maxCapacity: 6, healthCheckPath: '/healthz'})
  }, SYNTH_TIMEOUT)

  it('adds an HTTPS listener with the certificate and turns HTTP into a redirect, opening 443 on the ALB', () => {
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {Port: 443, Protocol: 'HTTPS', Certificates: [{CertificateArn: CERT}], SslPolicy: Match.stringLikeRegexp('TLS'), DefaultActions: [Match.objectLike({Type: 'forward'})]})
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {Port: 80, Protocol: 'HTTP', DefaultActions: [{Type: 'redirect', RedirectConfig: Match.objectLike({Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301'})}]})
    const albSg = logicalIdOf(t, 'AWS::EC2::SecurityGroup', /^ALB/)
    expect((resources(t)[albSg].Properties?.SecurityGroupIngress as Array<{FromPort: number}>).map((r) => r.FromPort)).toEqual([80, 443])
  })

  it('subscribes the e-mail address to the topic', () => {
    t.hasResourceProperties('AWS::SNS::Subscription', {Protocol: 'email', Endpoint: 'ops@example.com'})
  })

  it('has one NAT gateway, the Graviton AMI for an arm64 type, the custom health path and both scaling policies', () => {
    t.resourceCountIs('AWS::EC2::NatGateway', 1)
    const params = (t.toJSON() as {Parameters: Record<string, {Default: string}>}).Parameters
    expect(Object.values(params).map((p) => p.Default)).toEqual(['/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64'])
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {HealthCheckPath: '/healthz'})
    expect(userData(t)).toContain('location = /healthz {')
    t.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {MinSize: '1', DesiredCapacity: '3', MaxSize: '6'})
    t.resourceCountIs('AWS::AutoScaling::ScalingPolicy', 2)
    t.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {TargetTrackingConfiguration: {PredefinedMetricSpecification: {PredefinedMetricType: 'ALBRequestCountPerTarget', ResourceLabel: Match.anyValue()}, TargetValue: 1000}})
  })
})

describe('WebTierStack scenarios', {timeout: SYNTH_TIMEOUT}, () => {
  it('nginx-missing: the user data never mentions nginx, everything else stays', () => {
    const t = templateOf({scenario: 'nginx-missing'})
    const ud = userData(t)
    expect(ud).not.toMatch(/nginx/i)
    expect(ud).toContain('/var/www/html/index.html')
    t.hasResourceProperties('AWS::EC2::LaunchTemplate', {LaunchTemplateData: Match.objectLike({MetadataOptions: {HttpTokens: 'required', HttpPutResponseHopLimit: 1}})})
    t.resourceCountIs('AWS::EC2::VPCEndpoint', 4)
    t.resourceCountIs('AWS::EC2::SecurityGroupIngress', 2)
  })

  it('no-alb-ingress: nothing admits traffic into the instance security group, while the ALB still sends to it', () => {
    const t = templateOf({scenario: 'no-alb-ingress'})
    const instanceSg = logicalIdOf(t, 'AWS::EC2::SecurityGroup', /Web instances/)
    const intoInstances = ofType(t, 'AWS::EC2::SecurityGroupIngress').filter(([, i]) => JSON.stringify(i.Properties?.GroupId).includes(instanceSg))
    expect(intoInstances).toEqual([])
    t.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {DestinationSecurityGroupId: {'Fn::GetAtt': [instanceSg, 'GroupId']}, FromPort: 80})
    expect(userData(t)).toContain('location = /health {')
  })

  it('wrong-health-path: nginx runs but serves no health location', () => {
    const t = templateOf({scenario: 'wrong-health-path'})
    const ud = userData(t)
    expect(ud).toContain('dnf install -y nginx')
    expect(ud).not.toContain('location =')
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {HealthCheckPath: '/health'})
  })

  it('no-ssm-endpoints: only the S3 gateway endpoint remains', () => {
    const t = templateOf({scenario: 'no-ssm-endpoints'})
    t.resourceCountIs('AWS::EC2::VPCEndpoint', 1)
    t.hasResourceProperties('AWS::EC2::VPCEndpoint', {VpcEndpointType: 'Gateway'})
    expect(userData(t)).toContain('systemctl enable --now nginx')
  })
})
