import {describe, expect, it} from 'vitest'
import {DescribeAutoScalingGroupsCommand} from '@aws-sdk/client-auto-scaling'
import {DescribeInstancesCommand, DescribeLaunchTemplateVersionsCommand, DescribeNetworkAclsCommand, DescribeSecurityGroupsCommand} from '@aws-sdk/client-ec2'
import {DescribeListenersCommand, DescribeRulesCommand, DescribeTargetGroupsCommand, DescribeTargetHealthCommand} from '@aws-sdk/client-elastic-load-balancing-v2'
import {GetCallerIdentityCommand} from '@aws-sdk/client-sts'
import {GetInstanceProfileCommand, IAMClient, ListAttachedRolePoliciesCommand, ListRolePoliciesCommand} from '@aws-sdk/client-iam'
import {DescribeInstanceInformationCommand, SSMClient} from '@aws-sdk/client-ssm'
import {mockClient} from 'aws-sdk-client-mock'
import {AwsClients} from '../../src/lib/aws.js'
import {collectSnapshot} from '../../src/collect/index.js'
import {AwsCallError, UserError} from '../../src/lib/errors.js'
import {healthyWorld, INSTANCE_PROFILE_ARN, ALB_ARN, ALB_NAME, ASG_NAME, INSTANCE_IDS, TG_ARN, VPC_ID, WEB_SG, ALB_SG, ENDPOINT_SG, LT_ID} from '../fixtures/world.js'
import {applyFilters, mockWorld} from './mock-world.js'

const NOW = new Date('2026-11-24T10:00:00.000Z')

function collect(m: ReturnType<typeof mockWorld>, extra: {log?: (l: string) => void; concurrency?: number} = {}) {
  return collectSnapshot({loadBalancer: m.loadBalancer, input: ALB_NAME, clients: m.clients, region: 'us-east-1', toolVersion: '9.9.9', now: () => NOW, ...extra})
}

const ids = <T>(items: T[], key: keyof T) => items.map((i) => i[key] as string).sort()

describe('collectSnapshot on the healthy world', () => {
  it('collects every section of the snapshot from the walk', async () => {
    const m = mockWorld()
    const {snapshot, stats} = await collect(m)
    const w = healthyWorld()
    expect(snapshot.meta).toEqual({collectedAt: NOW.toISOString(), region: 'us-east-1', toolVersion: '9.9.9', target: {input: ALB_NAME, loadBalancerArn: ALB_ARN}, accountId: '123456789012'})
    expect(snapshot.format).toBe('asg-doctor-snapshot')
    expect(snapshot.elbv2).toEqual(w.elbv2)
    expect(snapshot.autoscaling).toEqual(w.autoscaling)
    expect(ids(snapshot.ec2.Instances, 'InstanceId')).toEqual([...INSTANCE_IDS])
    expect(snapshot.ec2.Subnets).toHaveLength(6)
    expect(ids(snapshot.ec2.SecurityGroups, 'GroupId')).toEqual([ALB_SG, ENDPOINT_SG, WEB_SG].sort())
    expect(snapshot.ec2.NetworkAcls).toEqual(w.ec2.NetworkAcls)
    expect(snapshot.ec2.RouteTables).toHaveLength(w.ec2.RouteTables.length)
    expect(snapshot.ec2.VpcAttributes).toEqual({[VPC_ID]: {EnableDnsSupport: true, EnableDnsHostnames: true}})
    expect(snapshot.ec2.VpcEndpoints).toHaveLength(4)
    expect(snapshot.ec2.NatGateways).toHaveLength(3)
    expect(snapshot.ec2.InternetGateways).toEqual(w.ec2.InternetGateways)
    expect(snapshot.ec2.LaunchTemplateVersions).toEqual(w.ec2.LaunchTemplateVersions)
    expect(snapshot.errors).toEqual([])
    // One call per list and per target group: nothing per instance.
    expect(stats.perApi['ec2:DescribeInstances']).toBe(1)
    expect(stats.perApi['ec2:DescribeVpcAttribute']).toBe(2)
    // 20: no sts:GetCallerIdentity any more, the account is in the ALB's ARN.
    expect(stats.calls).toBe(20)
    expect(stats.failed).toBe(0)
  })

  it('asks for the group version and the instances\' versions of a launch template in one call', async () => {
    const m = mockWorld()
    await collect(m)
    const calls = m.ec2.commandCalls(DescribeLaunchTemplateVersionsCommand)
    expect(calls.map((c) => c.args[0].input)).toEqual([{LaunchTemplateId: LT_ID, Versions: ['$Latest', '1']}])
  })

  it('writes dates as ISO strings and sorts lists by id', async () => {
    const m = mockWorld()
    const instances = [...m.world.ec2.Instances].reverse().map((i) => ({...i, LaunchTime: new Date('2026-11-20T09:15:00Z')}))
    m.ec2.on(DescribeInstancesCommand).resolves({Reservations: [{Instances: instances as never}]})
    const {snapshot} = await collect(m)
    expect(snapshot.ec2.Instances.map((i) => i.InstanceId)).toEqual([...INSTANCE_IDS])
    expect(snapshot.ec2.Instances[0].LaunchTime).toBe('2026-11-20T09:15:00.000Z')
  })

  it('logs one line per call with the API, the resource and the time', async () => {
    const m = mockWorld()
    const lines: string[] = []
    const {stats} = await collect(m, {log: (l) => lines.push(l)})
    expect(lines).toHaveLength(stats.calls)
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^elasticloadbalancing:DescribeTargetHealth ${TG_ARN} \\d+ ms$`)))
  })
})

describe('collectSnapshot pagination and batching', () => {
  it('follows Marker pages of listeners and NextToken pages of groups and instances', async () => {
    const m = mockWorld()
    const base = m.world.elbv2.Listeners[0]
    const listeners = [1, 2, 3].map((n) => ({...base, ListenerArn: `${base.ListenerArn}${n}`, Port: 8080 + n}))
    m.elbv2.on(DescribeListenersCommand).callsFake((input) => {
      const page = input.Marker ? Number(input.Marker) : 0
      return {Listeners: [listeners[page]], ...(page < 2 ? {NextMarker: String(page + 1)} : {})} as never
    })
    const other = {...m.world.autoscaling.AutoScalingGroups[0], AutoScalingGroupName: 'elsewhere', TargetGroupARNs: ['arn:other-tg'], Instances: [], VPCZoneIdentifier: 'subnet-0other'}
    m.autoscaling.on(DescribeAutoScalingGroupsCommand).callsFake((input) =>
      (input.NextToken === 't2' ? {AutoScalingGroups: m.world.autoscaling.AutoScalingGroups} : {AutoScalingGroups: [other], NextToken: 't2'}) as never,
    )
    m.ec2.on(DescribeInstancesCommand).callsFake((input) => {
      const page = input.NextToken ? Number(input.NextToken) : 0
      return {Reservations: [{Instances: [m.world.ec2.Instances[page]]}], ...(page < 2 ? {NextToken: String(page + 1)} : {})} as never
    })
    const {snapshot, stats} = await collect(m)
    expect(snapshot.elbv2.Listeners.map((l) => l.Port)).toEqual([8081, 8082, 8083])
    expect(Object.keys(snapshot.elbv2.Rules)).toHaveLength(3)
    expect(stats.perApi['elasticloadbalancing:DescribeListeners']).toBe(3)
    expect(stats.perApi['elasticloadbalancing:DescribeRules']).toBe(3)
    // The other group is attached to another target group and lives elsewhere: walked past, not kept.
    expect(snapshot.autoscaling.AutoScalingGroups.map((g) => g.AutoScalingGroupName)).toEqual([ASG_NAME])
    expect(stats.perApi['autoscaling:DescribeAutoScalingGroups']).toBe(2)
    expect(snapshot.ec2.Instances).toHaveLength(3)
    expect(stats.perApi['ec2:DescribeInstances']).toBe(3)
  })

  it('reads a group\'s instances by id in one call, 247 more registered by hand in 200-id filter batches, and their target health in one call', async () => {
    const m = mockWorld()
    // The group's 3 instances and 247 more registered by hand.
    const many = [...INSTANCE_IDS, ...Array.from({length: 247}, (_, n) => `i-${String(n).padStart(17, '0')}`)]
    m.elbv2.on(DescribeTargetHealthCommand).resolves({TargetHealthDescriptions: many.map((id) => ({Target: {Id: id, Port: 80}, TargetHealth: {State: 'healthy'}}))})
    m.ec2.on(DescribeInstancesCommand).callsFake((input) => {
      const wanted: string[] = input.InstanceIds ?? input.Filters[0].Values
      return {Reservations: [{Instances: wanted.map((id) => ({InstanceId: id, State: {Name: 'running'}}))}]} as never
    })
    const {snapshot, stats} = await collect(m)
    const calls = m.ec2.commandCalls(DescribeInstancesCommand)
    expect(calls.map((c) => [c.args[0].input.InstanceIds?.length, c.args[0].input.Filters?.[0].Name, c.args[0].input.Filters?.[0].Values?.length])).toEqual([
      [3, undefined, undefined],
      [undefined, 'instance-id', 200],
      [undefined, 'instance-id', 47],
    ])
    expect(snapshot.ec2.Instances).toHaveLength(250)
    expect(snapshot.elbv2.TargetHealthDescriptions[TG_ARN]).toHaveLength(250)
    expect(stats.perApi['elasticloadbalancing:DescribeTargetHealth']).toBe(1)
  })

  it('asks again through the instance-id filter when an id the group lists no longer exists (InvalidInstanceID.NotFound)', async () => {
    const m = mockWorld()
    m.ec2.on(DescribeInstancesCommand).callsFake(async (input) => {
      if (input.InstanceIds) throw Object.assign(new Error("The instance ID 'i-gone' does not exist"), {name: 'InvalidInstanceID.NotFound', $metadata: {httpStatusCode: 400}})
      return {Reservations: [{Instances: applyFilters(m.world.ec2.Instances, input.Filters, {'instance-id': (i) => [i.InstanceId]})}]} as never
    })
    const {snapshot, stats} = await collect(m)
    expect(snapshot.ec2.Instances.map((i) => i.InstanceId)).toEqual([...INSTANCE_IDS])
    expect(snapshot.errors).toEqual([])
    expect(stats.perApi['ec2:DescribeInstances']).toBe(2)
  })

  it('describes target groups referenced by a rule\'s ForwardConfig or attached to a group, once each', async () => {
    const m = mockWorld()
    const extraTg = {...m.world.elbv2.TargetGroups[0], TargetGroupArn: `${TG_ARN}-canary`, TargetGroupName: 'canary', LoadBalancerArns: []}
    const asgTg = {...m.world.elbv2.TargetGroups[0], TargetGroupArn: `${TG_ARN}-asg`, TargetGroupName: 'asg-only', LoadBalancerArns: []}
    m.world.elbv2.TargetGroups.push(extraTg as never, asgTg as never)
    const listenerArn = m.world.elbv2.Listeners[0].ListenerArn ?? ''
    m.world.elbv2.Rules[listenerArn].push({
      RuleArn: 'arn:rule/canary',
      Priority: '10',
      IsDefault: false,
      Actions: [{Type: 'forward', ForwardConfig: {TargetGroups: [{TargetGroupArn: TG_ARN, Weight: 90}, {TargetGroupArn: extraTg.TargetGroupArn, Weight: 10}]}}],
    } as never)
    m.world.autoscaling.AutoScalingGroups[0].TargetGroupARNs = [TG_ARN, asgTg.TargetGroupArn]
    const {snapshot} = await collect(m)
    expect(snapshot.elbv2.TargetGroups.map((t) => t.TargetGroupName).sort()).toEqual(['asg-only', 'canary', 'web-tg'])
    const byArn = m.elbv2.commandCalls(DescribeTargetGroupsCommand).map((c) => c.args[0].input.TargetGroupArns).filter(Boolean)
    expect(byArn).toEqual([[extraTg.TargetGroupArn], [asgTg.TargetGroupArn]])
    expect(Object.keys(snapshot.elbv2.TargetHealthDescriptions)).toHaveLength(3)
  })

  it('keeps an unattached group that launches into the load balancer\'s VPC as a candidate', async () => {
    const m = mockWorld()
    const orphan = {...m.world.autoscaling.AutoScalingGroups[0], AutoScalingGroupName: 'orphan', TargetGroupARNs: [], Instances: []}
    m.world.autoscaling.AutoScalingGroups.push(orphan)
    const {snapshot} = await collect(m)
    expect(snapshot.autoscaling.AutoScalingGroups.map((g) => g.AutoScalingGroupName)).toEqual(['orphan', ASG_NAME])
  })

  it('never has more calls in flight than the pool allows', async () => {
    const m = mockWorld()
    let active = 0
    let peak = 0
    m.elbv2.on(DescribeTargetHealthCommand).callsFake(async () => {
      active++
      peak = Math.max(peak, active)
      await new Promise((r) => setTimeout(r, 5))
      active--
      return {TargetHealthDescriptions: []}
    })
    const tgs = Array.from({length: 12}, (_, n) => ({...m.world.elbv2.TargetGroups[0], TargetGroupArn: `${TG_ARN}-${n}`}))
    m.world.elbv2.TargetGroups.splice(0, 1, ...(tgs as never[]))
    await collect(m, {concurrency: 3})
    expect(peak).toBeGreaterThan(1)
    expect(peak).toBeLessThanOrEqual(3)
  })
})

describe('collectSnapshot security groups and prefix lists', () => {
  it('fetches the groups and prefix lists that rules name, and the prefix lists\' entries', async () => {
    const m = mockWorld()
    const web = m.world.ec2.SecurityGroups.find((g) => g.GroupId === WEB_SG)!
    web.IpPermissions!.push({IpProtocol: 'tcp', FromPort: 22, ToPort: 22, UserIdGroupPairs: [{GroupId: 'sg-0bastion000000001'}], PrefixListIds: [{PrefixListId: 'pl-0corp000000000001'}]})
    m.world.ec2.SecurityGroups.push({GroupId: 'sg-0bastion000000001', GroupName: 'bastion', VpcId: VPC_ID, IpPermissions: [], IpPermissionsEgress: []})
    m.world.ec2.ManagedPrefixLists.push({PrefixListId: 'pl-0corp000000000001', PrefixListName: 'corp', AddressFamily: 'IPv4', State: 'create-complete'} as never)
    m.world.ec2.PrefixListEntries['pl-0corp000000000001'] = [{Cidr: '203.0.113.0/24', Description: 'office'}]
    const {snapshot, stats} = await collect(m)
    expect(ids(snapshot.ec2.SecurityGroups, 'GroupId')).toEqual([ALB_SG, ENDPOINT_SG, WEB_SG, 'sg-0bastion000000001'].sort())
    expect(stats.perApi['ec2:DescribeSecurityGroups']).toBe(2)
    expect(snapshot.ec2.ManagedPrefixLists.map((p) => p.PrefixListId)).toEqual(['pl-0corp000000000001'])
    expect(snapshot.ec2.PrefixListEntries).toEqual({'pl-0corp000000000001': [{Cidr: '203.0.113.0/24', Description: 'office'}]})
  })
})

describe('collectSnapshot failures', () => {
  it('records AccessDenied on DescribeNetworkAcls and collects the rest', async () => {
    const m = mockWorld()
    m.ec2.on(DescribeNetworkAclsCommand).rejects(Object.assign(new Error('You are not authorized to perform this operation.'), {name: 'UnauthorizedOperation', $metadata: {httpStatusCode: 403}}))
    const {snapshot, stats} = await collect(m)
    expect(snapshot.errors).toEqual([
      {api: 'ec2:DescribeNetworkAcls', resource: VPC_ID, code: 'UnauthorizedOperation', message: 'You are not authorized to perform this operation.', accessDenied: true},
    ])
    expect(snapshot.ec2.NetworkAcls).toEqual([])
    expect(snapshot.ec2.Instances).toHaveLength(3)
    expect(snapshot.ec2.SecurityGroups).toHaveLength(3)
    expect(snapshot.elbv2.TargetHealthDescriptions[TG_ARN]).toHaveLength(3)
    expect(stats.failed).toBe(1)
  })

  it('records a throttled target health call as not access-denied, without the target group\'s health', async () => {
    const m = mockWorld()
    m.elbv2.on(DescribeTargetHealthCommand).rejects(Object.assign(new Error('Rate exceeded'), {name: 'Throttling', $metadata: {httpStatusCode: 400}}))
    const {snapshot} = await collect(m)
    expect(snapshot.errors).toEqual([{api: 'elasticloadbalancing:DescribeTargetHealth', resource: TG_ARN, code: 'Throttling', message: 'Rate exceeded', accessDenied: false}])
    expect(snapshot.elbv2.TargetHealthDescriptions).toEqual({})
    // Without target health, the group attached to the target group still brings its instances.
    expect(snapshot.ec2.Instances).toHaveLength(3)
  })

  it('takes the account from the ALB\'s ARN: no sts:GetCallerIdentity', async () => {
    const m = mockWorld()
    m.sts.on(GetCallerIdentityCommand).rejects(Object.assign(new Error('denied'), {name: 'AccessDenied', $metadata: {httpStatusCode: 403}}))
    const {snapshot, stats} = await collect(m)
    expect(snapshot.meta.accountId).toBe(ALB_ARN.split(':')[4])
    expect(m.sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(0)
    expect(stats.perApi['sts:GetCallerIdentity']).toBeUndefined()
    expect(snapshot.errors).toEqual([])
  })

  it('aborts with the user error when there are no credentials, recording nothing', async () => {
    const m = mockWorld()
    const noCreds = Object.assign(new Error('Could not load credentials from any providers'), {name: 'CredentialsProviderError'})
    m.elbv2.on(DescribeListenersCommand).rejects(noCreds)
    m.ec2.on(DescribeSecurityGroupsCommand).rejects(noCreds)
    const err = await collect(m).catch((e) => e)
    expect(err).toBeInstanceOf(UserError)
    expect(err.message).toBe('No AWS credentials were found.')
  })

  it('aborts when AWS rejects the credentials', async () => {
    const m = mockWorld()
    m.autoscaling.on(DescribeAutoScalingGroupsCommand).rejects(Object.assign(new Error('The security token included in the request is invalid.'), {name: 'InvalidClientTokenId', $metadata: {httpStatusCode: 403}}))
    const err = await collect(m).catch((e) => e)
    expect(err).toBeInstanceOf(AwsCallError)
    expect(err.message).toBe('AWS rejected the credentials when calling autoscaling:DescribeAutoScalingGroups (InvalidClientTokenId).')
  })

  it('keeps the rules of the other listeners when one DescribeRules fails', async () => {
    const m = mockWorld()
    const base = m.world.elbv2.Listeners[0]
    m.world.elbv2.Listeners.push({...base, ListenerArn: `${base.ListenerArn}-443`, Port: 443})
    m.elbv2.on(DescribeRulesCommand, {ListenerArn: `${base.ListenerArn}-443`}).rejects(Object.assign(new Error('boom'), {name: 'InternalFailure', $metadata: {httpStatusCode: 500}}))
    const {snapshot} = await collect(m)
    expect(snapshot.elbv2.Rules[base.ListenerArn ?? '']).toHaveLength(1)
    expect(snapshot.errors).toEqual([{api: 'elasticloadbalancing:DescribeRules', resource: `${base.ListenerArn}-443`, code: 'InternalFailure', message: 'boom', accessDenied: false}])
  })
})

describe('the mocked world answers what it is asked, as AWS does', () => {
  it('fails a call with a filter EC2 does not know, and honours the values of the ones it does', async () => {
    const {CallRunner} = await import('../../src/collect/runner.js')
    const {describeInstances, describeSubnets, describeVpcNetwork} = await import('../../src/collect/ec2.js')
    const m = mockWorld()
    const r = new CallRunner()
    // A collector that wrote `instance-ids` for `instance-id` gets a failed call, so its check cannot pass unseen.
    const out = await r.call('ec2:DescribeInstances', undefined, () => m.clients.ec2.send(new DescribeInstancesCommand({Filters: [{Name: 'instance-ids', Values: [INSTANCE_IDS[0]]}]})))
    expect(out).toBeUndefined()
    expect(r.errors).toEqual([{api: 'ec2:DescribeInstances', code: 'InvalidParameterValue', message: "The filter 'instance-ids' is invalid", accessDenied: false}])
    // The collectors' filters select exactly what they name.
    expect((await describeInstances(r, m.clients, [INSTANCE_IDS[1]])).map((i) => i.InstanceId)).toEqual([INSTANCE_IDS[1]])
    expect(await describeSubnets(r, m.clients, {vpcIds: ['vpc-0000000000000000f']})).toEqual([])
    const network = await describeVpcNetwork(r, m.clients, ['vpc-0000000000000000f'])
    expect([network.Vpcs, network.RouteTables, network.NetworkAcls, network.VpcEndpoints, network.NatGateways, network.InternetGateways]).toEqual([[], [], [], [], [], []])
    expect((await describeVpcNetwork(r, m.clients, [VPC_ID])).InternetGateways).toHaveLength(1)
    expect(r.errors).toHaveLength(1)
  })

  it('answers a load balancer name it does not hold with LoadBalancerNotFound', async () => {
    const {DescribeLoadBalancersCommand} = await import('@aws-sdk/client-elastic-load-balancing-v2')
    const m = mockWorld()
    await expect(m.clients.elbv2.send(new DescribeLoadBalancersCommand({Names: ['web-abl']}))).rejects.toMatchObject({name: 'LoadBalancerNotFoundException'})
    expect((await m.clients.elbv2.send(new DescribeLoadBalancersCommand({Names: [ALB_NAME]}))).LoadBalancers?.map((l) => l.LoadBalancerName)).toEqual([ALB_NAME])
  })
})

describe('collectSnapshot call order', () => {
  it('asks first for what the next rounds wait on: listeners, target groups, Auto Scaling groups; VPC-wide reads after', async () => {
    const m = mockWorld()
    const lines: string[] = []
    // One call at a time: the log's order is the order the calls were asked for.
    await collect(m, {concurrency: 1, log: (l) => lines.push(l.split(' ')[0])})
    expect(lines.slice(0, 3)).toEqual(['elasticloadbalancing:DescribeListeners', 'elasticloadbalancing:DescribeTargetGroups', 'autoscaling:DescribeAutoScalingGroups'])
    expect(lines.indexOf('ec2:DescribeVpcs')).toBeGreaterThan(2)
    expect(lines).not.toContain('sts:GetCallerIdentity')
    // Target health (the next round waits on it) before target group attributes (nothing does).
    expect(lines.indexOf('elasticloadbalancing:DescribeTargetHealth')).toBeLessThan(lines.indexOf('elasticloadbalancing:DescribeTargetGroupAttributes'))
  })

  it('starts SSM readiness as soon as the instances are known, before the security groups answer', async () => {
    const m = mockWorld()
    const config = {region: 'us-east-1', credentials: {accessKeyId: 'testing', secretAccessKey: 'testing'}}
    const iamClient = new IAMClient(config)
    const ssmClient = new SSMClient(config)
    const iam = mockClient(iamClient)
    const ssm = mockClient(ssmClient)
    let profileAsked = () => {}
    const asked = new Promise<void>((resolve) => (profileAsked = resolve))
    iam.on(GetInstanceProfileCommand).callsFake(async () => {
      profileAsked()
      return {
        InstanceProfile: {
          InstanceProfileName: 'web-instance-profile',
          InstanceProfileId: 'AIPA1',
          Arn: INSTANCE_PROFILE_ARN,
          Path: '/',
          CreateDate: new Date('2026-11-01T00:00:00Z'),
          Roles: [{RoleName: 'web-role', RoleId: 'AROA1', Arn: 'arn:aws:iam::123456789012:role/web-role', Path: '/', CreateDate: new Date('2026-11-01T00:00:00Z')}],
        },
      }
    })
    iam.on(ListAttachedRolePoliciesCommand).resolves({AttachedPolicies: [], IsTruncated: false})
    iam.on(ListRolePoliciesCommand).resolves({PolicyNames: [], IsTruncated: false})
    ssm.on(DescribeInstanceInformationCommand).resolves({InstanceInformationList: []})
    // The security groups answer only once the instance profile has been asked for: a collection that read
    // readiness after the security groups would never finish.
    m.ec2.on(DescribeSecurityGroupsCommand).callsFake(async (input) => {
      await asked
      return {SecurityGroups: applyFilters(m.world.ec2.SecurityGroups, input.Filters, {'group-id': (g) => [g.GroupId]})} as never
    })
    const clients = AwsClients.from({elbv2: m.clients.elbv2, ec2: m.clients.ec2, autoscaling: m.clients.autoscaling, iam: iamClient, ssm: ssmClient})
    const {snapshot} = await collectSnapshot({loadBalancer: m.loadBalancer, input: ALB_NAME, clients, region: 'us-east-1', toolVersion: '9.9.9', now: () => NOW, ssmReadiness: true})
    expect(Object.keys(snapshot.iam?.InstanceProfiles ?? {})).toEqual([INSTANCE_PROFILE_ARN])
    expect(snapshot.ssm?.RequestedInstanceIds).toEqual([...INSTANCE_IDS])
    expect(snapshot.ec2.SecurityGroups).toHaveLength(3)
    expect(snapshot.errors).toEqual([])
  })
})
