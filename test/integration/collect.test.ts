/**
 * collectSnapshot against moto: the seeded 3-AZ world comes back whole, with no failed calls, in a number of
 * calls that does not grow with instances.
 */
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'
import {AwsClients} from '../../src/lib/aws.js'
import {collectSnapshot} from '../../src/collect/index.js'
import {listLoadBalancers} from '../../src/collect/list.js'
import {resolveLoadBalancer} from '../../src/collect/resolve.js'
import type {Moto} from './helpers/moto.js'
import {startMoto, useMotoCredentials} from './helpers/moto.js'
import {seedWorld} from './helpers/seed.js'

let moto: Moto
const timings: Record<string, number> = {}

beforeAll(async () => {
  useMotoCredentials()
  const t = performance.now()
  moto = await startMoto()
  timings.motoStartMs = Math.round(performance.now() - t)
})

afterAll(async () => {
  await moto?.stop()
  // Measured numbers for the benchmark notes; vitest shows them with the file's output.
  console.log(`timings: ${JSON.stringify(timings)}`)
})

beforeEach(async () => {
  await moto.reset()
})

function clients() {
  return new AwsClients({region: 'us-east-1', endpointUrl: moto.endpoint})
}

async function collect(input: string) {
  const c = clients()
  const loadBalancer = await resolveLoadBalancer(input, c)
  const t = performance.now()
  const result = await collectSnapshot({loadBalancer, input, clients: c, region: 'us-east-1', toolVersion: 'test', endpointUrl: moto.endpoint})
  return {...result, ms: Math.round(performance.now() - t)}
}

describe('collectSnapshot against moto', () => {
  it('collects the seeded healthy world whole, with no failed call', async () => {
    const world = await seedWorld(moto.endpoint)
    timings.seedMs = world.ms
    const {snapshot, stats, ms} = await collect(world.albDns)
    timings.collectMs = ms
    timings.calls = stats.calls

    expect(snapshot.errors).toEqual([])
    expect(snapshot.meta).toMatchObject({region: 'us-east-1', accountId: '123456789012', endpointUrl: moto.endpoint, target: {input: world.albDns, loadBalancerArn: world.albArn}})
    expect(snapshot.elbv2.LoadBalancers.map((l) => l.LoadBalancerName)).toEqual(['web-alb'])
    expect(snapshot.elbv2.LoadBalancerAttributes[world.albArn]?.length).toBeGreaterThan(0)
    expect(snapshot.elbv2.Listeners.map((l) => [l.Port, l.Protocol])).toEqual([[80, 'HTTP']])
    expect(Object.keys(snapshot.elbv2.Rules)).toEqual([world.listenerArn])
    expect(snapshot.elbv2.TargetGroups.map((t) => t.TargetGroupArn)).toEqual([world.targetGroupArn])
    const health = snapshot.elbv2.TargetHealthDescriptions[world.targetGroupArn]
    expect(health.map((h) => [h.Target?.Id, h.TargetHealth?.State])).toEqual(world.instanceIds.map((id) => [id, 'healthy']))
    expect(snapshot.autoscaling.AutoScalingGroups.map((g) => [g.AutoScalingGroupName, g.TargetGroupARNs])).toEqual([[world.asgName, [world.targetGroupArn]]])
    expect(Object.keys(snapshot.autoscaling.Activities)).toEqual([world.asgName])
    expect(snapshot.ec2.Instances.map((i) => i.InstanceId)).toEqual(world.instanceIds)
    expect(snapshot.ec2.Subnets.map((s) => s.SubnetId).sort()).toEqual([...world.publicSubnets, ...world.privateSubnets].sort())
    expect(snapshot.ec2.SecurityGroups.map((g) => g.GroupId).sort()).toEqual([world.albSg, world.webSg].sort())
    expect(snapshot.ec2.NetworkAcls.map((a) => a.IsDefault)).toEqual([true])
    // The main table, the public one, the private one.
    expect(snapshot.ec2.RouteTables).toHaveLength(3)
    expect(snapshot.ec2.Vpcs.map((v) => v.VpcId)).toEqual([world.vpcId])
    expect(snapshot.ec2.VpcAttributes).toEqual({[world.vpcId]: {EnableDnsSupport: true, EnableDnsHostnames: true}})
    expect(snapshot.ec2.InternetGateways).toHaveLength(1)
    expect(snapshot.ec2.NatGateways).toHaveLength(1)
    expect(snapshot.ec2.LaunchTemplateVersions.map((v) => [v.LaunchTemplateId, v.VersionNumber])).toEqual([[world.launchTemplateId, 1]])
    expect(Buffer.from(snapshot.ec2.LaunchTemplateVersions[0].LaunchTemplateData?.UserData ?? '', 'base64').toString()).toContain('dnf install -y nginx')
    // Dates are strings: the snapshot is JSON.
    expect(typeof snapshot.ec2.Instances[0].LaunchTime).toBe('string')

    // One call per list and per target group; nothing per instance or per subnet.
    expect(stats.failed).toBe(0)
    expect(stats.perApi['ec2:DescribeInstances']).toBe(1)
    expect(stats.perApi['ec2:DescribeSubnets']).toBe(1)
    // 20: the account comes from the ALB's ARN, no sts:GetCallerIdentity.
    expect(stats.calls).toBe(20)
    expect(stats.perApi['sts:GetCallerIdentity']).toBeUndefined()
  })

  it('sees a stopped instance as unused / Target.InvalidState (moto) and an empty target group as empty', async () => {
    const world = await seedWorld(moto.endpoint, {stopOneInstance: true})
    const {snapshot} = await collect(world.albName)
    const stopped = snapshot.elbv2.TargetHealthDescriptions[world.targetGroupArn].find((h) => h.Target?.Id === world.stoppedInstanceId)
    expect(stopped?.TargetHealth).toMatchObject({State: 'unused', Reason: 'Target.InvalidState'})
    expect(snapshot.ec2.Instances.find((i) => i.InstanceId === world.stoppedInstanceId)?.State?.Name).toBe('stopped')

    await moto.reset()
    const empty = await seedWorld(moto.endpoint, {emptyTargetGroup: true})
    const second = await collect(empty.albArn)
    expect(second.snapshot.elbv2.TargetHealthDescriptions[empty.targetGroupArn]).toEqual([])
    // The unattached group in the ALB's VPC is still collected, as the candidate for "ASG not attached".
    expect(second.snapshot.autoscaling.AutoScalingGroups.map((g) => [g.AutoScalingGroupName, g.TargetGroupARNs])).toEqual([[empty.asgName, []]])
    expect(second.snapshot.ec2.Instances).toHaveLength(3)
  })

  it('keeps to one DescribeInstances call as the world grows, and leaves other VPCs out', async () => {
    const a = await seedWorld(moto.endpoint)
    await seedWorld(moto.endpoint, {name: 'other-alb'})
    const {snapshot, stats} = await collect(a.albName)
    expect(snapshot.ec2.Instances.map((i) => i.InstanceId)).toEqual(a.instanceIds)
    expect(snapshot.autoscaling.AutoScalingGroups.map((g) => g.AutoScalingGroupName)).toEqual([a.asgName])
    expect(snapshot.ec2.Subnets).toHaveLength(6)
    expect(stats.perApi['ec2:DescribeInstances']).toBe(1)
  })

  it('lists the region\'s load balancers with their health', async () => {
    const world = await seedWorld(moto.endpoint, {stopOneInstance: true})
    const list = await listLoadBalancers(clients())
    expect(list).toEqual([
      {
        name: 'web-alb',
        arn: world.albArn,
        scheme: 'internet-facing',
        state: 'active',
        dnsName: world.albDns,
        targetGroups: [{name: 'web-alb-tg', arn: world.targetGroupArn, healthy: 2, unhealthy: 0, other: 1}],
      },
    ])
  })

  it('tells the user which region it searched for an unknown name', async () => {
    await seedWorld(moto.endpoint)
    await expect(resolveLoadBalancer('web-abl', clients())).rejects.toThrow('No load balancer named "web-abl" was found in us-east-1.')
  })
})
