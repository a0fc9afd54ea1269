/**
 * A mocked account for fix-nginx tests: the reference ALB, its target group with three registered instances,
 * the Auto Scaling group and its launch template, EC2 and SSM views. Tests change one answer to get their case.
 */
import {AutoScalingClient, DescribeAutoScalingGroupsCommand} from '@aws-sdk/client-auto-scaling'
import type {AutoScalingGroup} from '@aws-sdk/client-auto-scaling'
import {DescribeInstancesCommand, DescribeLaunchTemplateVersionsCommand, EC2Client} from '@aws-sdk/client-ec2'
import {
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2'
import type {TargetHealthDescription} from '@aws-sdk/client-elastic-load-balancing-v2'
import {DescribeInstanceInformationCommand, SSMClient} from '@aws-sdk/client-ssm'
import {mockClient} from 'aws-sdk-client-mock'
import {AwsClients} from '../../src/lib/aws.js'
import {applyFilters} from '../collect/mock-world.js'
import type {Clock, CommandRunner, InvocationResult, RunShellScriptRequest} from '../../src/ssm/types.js'
import {ALB_ARN, ALB_DNS, ALB_NAME, ASG_NAME, BROKEN_USER_DATA, INSTANCE_IDS, INSTANCE_IPS, LISTENER_ARN, LT_ID, LT_NAME, TG_ARN, TG_NAME} from '../fixtures/world.js'

export const IDS = [...INSTANCE_IDS]

export function mocks() {
  const elbv2 = mockClient(ElasticLoadBalancingV2Client)
  const ec2 = mockClient(EC2Client)
  const autoscaling = mockClient(AutoScalingClient)
  const ssm = mockClient(SSMClient)
  const clients = AwsClients.from({
    elbv2: new ElasticLoadBalancingV2Client({region: 'us-east-1'}),
    ec2: new EC2Client({region: 'us-east-1'}),
    autoscaling: new AutoScalingClient({region: 'us-east-1'}),
    ssm: new SSMClient({region: 'us-east-1'}),
  }, {region: 'us-east-1'})
  return {elbv2, ec2, autoscaling, ssm, clients, reset: () => [elbv2, ec2, autoscaling, ssm].forEach((m) => m.restore())}
}

export type Mocks = ReturnType<typeof mocks>

export const health = (id: string, state: string, reason?: string): TargetHealthDescription => ({
  Target: {Id: id, Port: 80},
  TargetHealth: {State: state as 'healthy', ...(reason ? {Reason: reason as 'Target.Timeout'} : {})},
})

export function asg(overrides: Partial<AutoScalingGroup> = {}): AutoScalingGroup {
  return {
    AutoScalingGroupName: ASG_NAME,
    LaunchTemplate: {LaunchTemplateId: LT_ID, LaunchTemplateName: LT_NAME, Version: '3'},
    TargetGroupARNs: [TG_ARN],
    Instances: IDS.map((id) => ({InstanceId: id, LaunchTemplate: {LaunchTemplateId: LT_ID, Version: '3'}, LifecycleState: 'InService', HealthStatus: 'Healthy', AvailabilityZone: 'us-east-1a', ProtectedFromScaleIn: false})),
    MinSize: 3,
    MaxSize: 6,
    DesiredCapacity: 3,
    DefaultCooldown: 300,
    AvailabilityZones: ['us-east-1a'],
    HealthCheckType: 'ELB',
    CreatedTime: new Date('2026-11-01T00:00:00Z'),
    ...overrides,
  }
}

/** An AWS error as the SDK throws it. */
const awsError = (name: string, message: string, status = 400) => Object.assign(new Error(message), {name, $metadata: {httpStatusCode: status}})

/**
 * The reference incident: every target unhealthy (Target.FailedHealthChecks), all instances Online in SSM. Like
 * AWS, the mocks answer what they are asked: names, ARNs, filters and versions are honoured, an unknown filter
 * fails the call, so a wrong request fails here and not only against moto.
 */
export function world(m: Mocks, options: {ping?: Record<string, string>; states?: Record<string, string>; userData?: string} = {}): void {
  const lbs = [{LoadBalancerArn: ALB_ARN, LoadBalancerName: ALB_NAME, DNSName: ALB_DNS, Type: 'application' as const, Scheme: 'internet-facing' as const}]
  m.elbv2.on(DescribeLoadBalancersCommand).callsFake((input) => {
    const wanted: string[] | undefined = input.Names ?? input.LoadBalancerArns
    const found = wanted ? lbs.filter((l) => wanted.includes(input.Names ? l.LoadBalancerName : l.LoadBalancerArn)) : lbs
    if (wanted && found.length < wanted.length) throw awsError('LoadBalancerNotFoundException', 'One or more load balancers not found')
    return {LoadBalancers: found}
  })
  const tgs = [
    {
      TargetGroupArn: TG_ARN,
      TargetGroupName: TG_NAME,
      Protocol: 'HTTP' as const,
      Port: 80,
      TargetType: 'instance' as const,
      HealthCheckProtocol: 'HTTP' as const,
      HealthCheckPort: 'traffic-port',
      HealthCheckPath: '/health',
      Matcher: {HttpCode: '200'},
      LoadBalancerArns: [ALB_ARN],
    },
  ]
  m.elbv2.on(DescribeTargetGroupsCommand).callsFake((input) => {
    if (input.TargetGroupArns) {
      const found = tgs.filter((t) => input.TargetGroupArns.includes(t.TargetGroupArn))
      if (found.length < input.TargetGroupArns.length) throw awsError('TargetGroupNotFoundException', 'One or more target groups not found')
      return {TargetGroups: found}
    }
    if (input.LoadBalancerArn && !lbs.some((l) => l.LoadBalancerArn === input.LoadBalancerArn)) throw awsError('LoadBalancerNotFoundException', 'Load balancer not found')
    return {TargetGroups: tgs.filter((t) => !input.LoadBalancerArn || t.LoadBalancerArns.includes(input.LoadBalancerArn))}
  })
  m.elbv2.on(DescribeTargetHealthCommand).callsFake((input) => {
    if (input.TargetGroupArn !== TG_ARN) throw awsError('TargetGroupNotFoundException', `Target group ${input.TargetGroupArn} not found`)
    return {TargetHealthDescriptions: IDS.map((id) => health(id, 'unhealthy', 'Target.FailedHealthChecks'))}
  })
  m.elbv2.on(DescribeListenersCommand).callsFake((input) => ({
    Listeners:
      input.LoadBalancerArn === ALB_ARN ? [{ListenerArn: LISTENER_ARN, LoadBalancerArn: ALB_ARN, Protocol: 'HTTP' as const, Port: 80, DefaultActions: [{Type: 'forward' as const, TargetGroupArn: TG_ARN}]}] : [],
  }))
  const groups = [asg(), asg({AutoScalingGroupName: 'other-asg', TargetGroupARNs: []})]
  m.autoscaling.on(DescribeAutoScalingGroupsCommand).callsFake((input) => ({
    AutoScalingGroups: groups.filter((g) => !input.AutoScalingGroupNames || input.AutoScalingGroupNames.includes(g.AutoScalingGroupName!)),
  }))
  const instances = IDS.map((id, i) => ({InstanceId: id, PrivateIpAddress: INSTANCE_IPS[i], State: {Name: (options.states?.[id] ?? 'running') as 'running'}}))
  m.ec2.on(DescribeInstancesCommand).callsFake((input) => ({Reservations: [{Instances: applyFilters(instances, input.Filters, {'instance-id': (x) => [x.InstanceId]})}]}))
  m.ec2.on(DescribeLaunchTemplateVersionsCommand).callsFake((input) => {
    const version = {LaunchTemplateId: LT_ID, LaunchTemplateName: LT_NAME, VersionNumber: 3, DefaultVersion: true, LaunchTemplateData: {UserData: Buffer.from(options.userData ?? BROKEN_USER_DATA).toString('base64')}}
    const mine = input.LaunchTemplateId ? input.LaunchTemplateId === LT_ID : input.LaunchTemplateName === LT_NAME
    if (!mine) throw awsError('InvalidLaunchTemplateId.NotFound', 'The specified launch template does not exist')
    const versions: string[] = input.Versions ?? []
    return {LaunchTemplateVersions: versions.length === 0 || versions.some((v) => ['3', '$Default', '$Latest'].includes(v)) ? [version] : []}
  })
  const infos = IDS.filter((id) => options.ping?.[id] !== 'none').map((id) => ({InstanceId: id, PingStatus: (options.ping?.[id] ?? 'Online') as 'Online', PlatformType: 'Linux' as const}))
  m.ssm.on(DescribeInstanceInformationCommand).callsFake((input) => {
    let out = infos
    for (const f of input.Filters ?? []) {
      if (f.Key !== 'InstanceIds') throw awsError('InvalidFilterKey', `The filter key ${f.Key} is not valid`)
      out = out.filter((i) => (f.Values ?? []).includes(i.InstanceId))
    }
    return {InstanceInformationList: out}
  })
}

/** A runner that answers from a table, and remembers what it was asked. */
export function fakeRunner(answer: (id: string, request: RunShellScriptRequest) => Partial<InvocationResult>): CommandRunner & {requests: RunShellScriptRequest[]} {
  const requests: RunShellScriptRequest[] = []
  return {
    requests,
    async runShellScript(request) {
      requests.push(request)
      return request.instanceIds.map((id) => ({instanceId: id, status: 'Success', stdout: '', stderr: '', ...answer(id, request)}))
    },
  }
}

export const installed = (): Partial<InvocationResult> => ({status: 'Success', responseCode: 0, stdout: 'asg-doctor: installing nginx with dnf\nasg-doctor-result: changed=installed,config,index,enabled,started\n'})

/** Time that passes only when slept. */
export function fakeClock(): Clock & {slept: number[]} {
  let now = 0
  const slept: number[] = []
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms)
      now += ms
    },
  }
}
