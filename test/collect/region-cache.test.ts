/**
 * The region cache: collections of the ALBs of one region read the shared data once, and each snapshot is the one
 * collectSnapshot makes without the cache, failures included.
 */
import {describe, expect, it} from 'vitest'
import {DescribeAutoScalingGroupsCommand, DescribeScalingActivitiesCommand} from '@aws-sdk/client-auto-scaling'
import {
  DescribeInstancesCommand,
  DescribeLaunchTemplateVersionsCommand,
  DescribeNetworkAclsCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
} from '@aws-sdk/client-ec2'
import {DescribeListenersCommand} from '@aws-sdk/client-elastic-load-balancing-v2'
import {collectSnapshot} from '../../src/collect/index.js'
import {directReads} from '../../src/collect/reads.js'
import {mergeStats, RegionCache} from '../../src/collect/region-cache.js'
import {CallRunner} from '../../src/collect/runner.js'
import {ALB_NAME, ALB_SG, WEB_SG} from '../fixtures/world.js'
import {mockWorld} from './mock-world.js'

const NOW = () => new Date('2026-11-24T10:00:00.000Z')

function collect(m: ReturnType<typeof mockWorld>, cache?: RegionCache) {
  return collectSnapshot({loadBalancer: m.loadBalancer, input: ALB_NAME, clients: m.clients, region: 'us-east-1', toolVersion: '9.9.9', now: NOW, runner: new CallRunner(), ...(cache ? {cache} : {})})
}

describe('collectSnapshot with a region cache', () => {
  it('collects the same snapshot as without it, and reads what ALBs share once for all of them', async () => {
    const alone = (await collect(mockWorld())).snapshot
    const m = mockWorld()
    const cache = new RegionCache()
    const [a, b, c] = await Promise.all([collect(m, cache), collect(m, cache), collect(m, cache)])
    for (const got of [a, b, c]) expect(got.snapshot).toEqual(alone)
    // Shared: once for the three collections.
    for (const command of [DescribeVpcsCommand, DescribeNetworkAclsCommand, DescribeInstancesCommand, DescribeLaunchTemplateVersionsCommand]) {
      expect(m.ec2.commandCalls(command), command.name).toHaveLength(1)
    }
    expect(m.autoscaling.commandCalls(DescribeAutoScalingGroupsCommand)).toHaveLength(1)
    expect(m.autoscaling.commandCalls(DescribeScalingActivitiesCommand)).toHaveLength(1)
    // The load balancer's own reads: once per collection.
    expect(m.elbv2.commandCalls(DescribeListenersCommand)).toHaveLength(3)
    expect(cache.stats().calls + [a, b, c].reduce((n, r) => n + r.stats.calls, 0)).toBeLessThan(3 * (await collect(mockWorld())).stats.calls)
  })

  it('records a failed shared read in every snapshot that needed it, after asking once', async () => {
    const m = mockWorld()
    m.ec2.on(DescribeNetworkAclsCommand).rejects(Object.assign(new Error('not authorized'), {name: 'UnauthorizedOperation', $metadata: {httpStatusCode: 403}}))
    const cache = new RegionCache()
    const first = await collect(m, cache)
    const second = await collect(m, cache)
    for (const got of [first, second]) {
      expect(got.snapshot.errors).toEqual([{api: 'ec2:DescribeNetworkAcls', resource: expect.any(String), code: 'UnauthorizedOperation', message: 'not authorized', accessDenied: true}])
    }
    expect(m.ec2.commandCalls(DescribeNetworkAclsCommand)).toHaveLength(1)
  })
})

describe('RegionCache.byKey', () => {
  it('asks only for the keys not read yet, and remembers a key nothing came back for', async () => {
    const m = mockWorld()
    const cache = new RegionCache()
    const reads = cache.reads(new CallRunner(), (r) => directReads(r, m.clients))
    expect((await reads.securityGroups([ALB_SG, 'sg-0gone'])).map((g) => g.GroupId)).toEqual([ALB_SG])
    expect((await reads.securityGroups([ALB_SG, WEB_SG, 'sg-0gone'])).map((g) => g.GroupId)).toEqual([ALB_SG, WEB_SG])
    const asked = m.ec2.commandCalls(DescribeSecurityGroupsCommand).map((c) => c.args[0].input.Filters?.[0].Values)
    expect(asked).toEqual([[ALB_SG, 'sg-0gone'], [WEB_SG]])
  })

  it('asks again, through the filter, for instances the id parameter did not return', async () => {
    const m = mockWorld()
    m.ec2.on(DescribeInstancesCommand, {InstanceIds: ['i-0gone']}).rejects(Object.assign(new Error('not found'), {name: 'InvalidInstanceID.NotFound', $metadata: {httpStatusCode: 400}}))
    const cache = new RegionCache()
    const reads = cache.reads(new CallRunner(), (r) => directReads(r, m.clients))
    expect(await reads.groupInstances(['i-0gone'])).toEqual([])
    expect(await reads.instances(['i-0gone'])).toEqual([])
    // Now known not to exist: not asked a third time.
    expect(await reads.instances(['i-0gone'])).toEqual([])
    expect(m.ec2.commandCalls(DescribeInstancesCommand)).toHaveLength(2)
  })

  it('counts every call its loads made', async () => {
    const m = mockWorld()
    const cache = new RegionCache()
    const reads = cache.reads(new CallRunner(), (r) => directReads(r, m.clients))
    await Promise.all([reads.vpcSubnets(['vpc-0a1b2c3d4e5f60718']), reads.vpcSubnets(['vpc-0a1b2c3d4e5f60718']), reads.allGroups()])
    expect(m.ec2.commandCalls(DescribeSubnetsCommand)).toHaveLength(1)
    expect(cache.stats()).toMatchObject({calls: 2, perApi: {'autoscaling:DescribeAutoScalingGroups': 1, 'ec2:DescribeSubnets': 1}})
    expect(mergeStats([cache.stats(), cache.stats()]).calls).toBe(4)
  })
})
