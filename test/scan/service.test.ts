/**
 * scanFleet with mocked clients (aws-sdk-client-mock): scopes, isolation of what cannot be read, filters, order,
 * progress. One ALB per region comes from the healthy fixture world (test/collect/mock-world.ts).
 */
import {describe, expect, it} from 'vitest'
import {mockClient} from 'aws-sdk-client-mock'
import {DescribeAutoScalingGroupsCommand} from '@aws-sdk/client-auto-scaling'
import {DescribeRegionsCommand} from '@aws-sdk/client-ec2'
import {DescribeListenersCommand, DescribeLoadBalancersCommand, DescribeTagsCommand, ElasticLoadBalancingV2Client} from '@aws-sdk/client-elastic-load-balancing-v2'
import {IAMClient} from '@aws-sdk/client-iam'
import {DescribeInstanceInformationCommand, SSMClient} from '@aws-sdk/client-ssm'
import {AwsClients} from '../../src/lib/aws.js'
import {UserError} from '../../src/lib/errors.js'
import {scanFleet, sortEntries} from '../../src/scan/service.js'
import type {ScanDeps, ScanEntry, ScanRequest} from '../../src/scan/types.js'
import {ALB_ARN, ALB_NAME} from '../fixtures/world.js'
import {mockWorld} from '../collect/mock-world.js'
import {healthyWorld} from '../fixtures/world.js'

const NOW = new Date('2026-11-24T10:00:00.000Z')
const denied = (api: string) => Object.assign(new Error(`User is not authorized to perform: ${api}`), {name: 'AccessDenied', $metadata: {httpStatusCode: 403}})

/** The healthy world's clients, with IAM denied and SSM answering that no instance is registered. */
function worldClients() {
  const m = mockWorld()
  const iam = new IAMClient({region: 'us-east-1'})
  mockClient(iam).onAnyCommand().rejects(denied('iam:GetInstanceProfile'))
  const ssm = new SSMClient({region: 'us-east-1'})
  mockClient(ssm).on(DescribeInstanceInformationCommand).resolves({InstanceInformationList: []})
  const clients = AwsClients.from({elbv2: m.clients.elbv2, ec2: m.clients.ec2, autoscaling: m.clients.autoscaling, iam, ssm}, {region: 'us-east-1'})
  return {m, clients}
}

/** A region whose DescribeLoadBalancers fails with `error` (or lists nothing). */
function regionClients(region: string, error?: Error) {
  const elbv2 = new ElasticLoadBalancingV2Client({region})
  const mock = mockClient(elbv2)
  if (error) mock.on(DescribeLoadBalancersCommand).rejects(error)
  else mock.on(DescribeLoadBalancersCommand).resolves({LoadBalancers: []})
  return AwsClients.from({elbv2}, {region})
}

const request = (r: Partial<ScanRequest> = {}): ScanRequest => ({regions: [], profiles: [], failOn: 'error', ssm: false, history: false, ...r})

function deps(clients: ScanDeps['clients']) {
  const asked: string[] = []
  const progress: [number, number][] = []
  const d: ScanDeps = {
    clients: (region, profile) => {
      asked.push(`${profile ?? '-'}/${region ?? '-'}`)
      return clients(region, profile)
    },
    toolVersion: '9.9.9',
    now: () => NOW,
    progress: (done, total) => progress.push([done, total]),
  }
  return {d, asked, progress}
}

describe('scanFleet', () => {
  it('reports each ALB with its report, and a denied region as one error entry naming the IAM action', async () => {
    const world = worldClients()
    const {d, asked, progress} = deps((region) => (region === 'eu-west-1' ? regionClients('eu-west-1', denied('elasticloadbalancing:DescribeLoadBalancers')) : world.clients))
    const report = await scanFleet(request({regions: ['us-east-1', 'eu-west-1']}), d)

    expect(report).toMatchObject({schema: 'asg-doctor-scan', version: 1, scannedAt: NOW.toISOString()})
    const [alb, region] = [report.entries.find((e) => e.name), report.entries.find((e) => !e.name)]
    expect(alb).toMatchObject({region: 'us-east-1', account: '123456789012', name: ALB_NAME, loadBalancerArn: ALB_ARN, targets: {healthy: 3, total: 3}})
    expect(alb?.verdict).toBe(alb?.report?.status)
    expect(alb?.report?.notes).toContain('On-instance checks were skipped (a scan runs them only with --ssm): nothing was sent to the instances.')
    expect(alb?.snapshot).toBeUndefined()
    expect(region).toEqual({region: 'eu-west-1', verdict: 'error', error: expect.stringMatching(/^elasticloadbalancing:DescribeLoadBalancers was denied \(AccessDenied\)/)})
    expect(report.summary.loadBalancers).toBe(1)
    expect(report.summary.byVerdict.error).toBe(1)
    expect(report.summary.calls).toBeGreaterThan(10)
    // One set of clients per region, asked once.
    expect(asked.sort()).toEqual(['-/eu-west-1', '-/us-east-1'])
    expect(progress.at(-1)).toEqual([1, 1])
  })

  it('says a region that rejects the credentials may not be enabled', async () => {
    const bad = Object.assign(new Error('The security token included in the request is invalid.'), {name: 'UnrecognizedClientException', $metadata: {httpStatusCode: 403}})
    const {d} = deps((region) => regionClients(region ?? 'x', region === 'ap-east-1' ? bad : undefined))
    const report = await scanFleet(request({regions: ['ap-east-1', 'us-east-1']}), d)
    expect(report.entries).toEqual([{region: 'ap-east-1', verdict: 'error', error: expect.stringContaining('the region may not be enabled for this account')}])
  })

  it('scans each profile as its own account, and keeps one unreadable profile to its own entry', async () => {
    const world = worldClients()
    const expired = Object.assign(new Error('expired'), {name: 'ExpiredToken', $metadata: {httpStatusCode: 403}})
    const {d, asked} = deps((region, profile) => (profile === 'old' ? regionClients(region ?? 'us-east-1', expired) : world.clients))
    const report = await scanFleet(request({regions: ['us-east-1'], profiles: ['prod', 'old']}), d)
    // Problems found come before what could not be read.
    expect(report.entries.map((e) => [e.profile, e.name ?? null, e.verdict])).toEqual([
      ['prod', ALB_NAME, 'problems'],
      ['old', null, 'error'],
    ])
    expect(report.entries[1].error).toMatch(/AWS rejected the credentials when calling elasticloadbalancing:DescribeLoadBalancers \(ExpiredToken\)/)
    expect(asked.sort()).toEqual(['old/us-east-1', 'prod/us-east-1'])
  })

  it('makes an ALB that cannot be read an error entry of its own', async () => {
    const world = worldClients()
    world.m.elbv2.on(DescribeListenersCommand).rejects(Object.assign(new Error('expired'), {name: 'ExpiredToken', $metadata: {httpStatusCode: 403}}))
    const {d} = deps(() => world.clients)
    const report = await scanFleet(request({regions: ['us-east-1'], profiles: ['a', 'b']}), d)
    expect(report.entries.map((e) => [e.name, e.verdict])).toEqual([
      [ALB_NAME, 'error'],
      [ALB_NAME, 'error'],
    ])
    expect(report.entries[0].error).toMatch(/elasticloadbalancing:DescribeListeners \(ExpiredToken\)/)
  })

  it('keeps a failure of the reads shared by the region to the entries of its ALBs', async () => {
    const world = healthyWorld()
    const second = {...world.elbv2.LoadBalancers[0], LoadBalancerName: 'web-alb-2', LoadBalancerArn: ALB_ARN.replace('web-alb', 'web-alb-2')}
    world.elbv2.LoadBalancers.push(second)
    const m = mockWorld(world)
    m.autoscaling.on(DescribeAutoScalingGroupsCommand).rejects(Object.assign(new Error('expired'), {name: 'ExpiredToken', $metadata: {httpStatusCode: 403}}))
    const {d} = deps(() => m.clients)
    const report = await scanFleet(request({profiles: ['a', 'b']}), d)
    expect(report.entries.map((e) => [e.profile, e.name, e.verdict])).toEqual([
      ['a', ALB_NAME, 'error'],
      ['a', 'web-alb-2', 'error'],
      ['b', ALB_NAME, 'error'],
      ['b', 'web-alb-2', 'error'],
    ])
    expect(report.entries[0].error).toMatch(/autoscaling:DescribeAutoScalingGroups \(ExpiredToken\)/)
  })

  it('stops with the user error when the only account has no credentials', async () => {
    const none = Object.assign(new Error('Could not load credentials from any providers'), {name: 'CredentialsProviderError'})
    const {d} = deps((region) => regionClients(region ?? 'us-east-1', none))
    await expect(scanFleet(request({regions: ['us-east-1']}), d)).rejects.toBeInstanceOf(UserError)
  })

  it('asks the account for its enabled regions with --regions all', async () => {
    const world = worldClients()
    world.m.ec2.on(DescribeRegionsCommand).resolves({
      Regions: [
        {RegionName: 'us-east-1', OptInStatus: 'opt-in-not-required'},
        {RegionName: 'eu-west-3', OptInStatus: 'opted-in'},
        {RegionName: 'me-south-1', OptInStatus: 'not-opted-in'},
      ],
    })
    // The configured region's clients ask for the regions, and are the ones that region is then scanned with.
    const {d, asked} = deps((region) => (region === undefined || region === 'us-east-1' ? world.clients : regionClients(region)))
    const report = await scanFleet(request({regions: ['all']}), d)
    expect(report.entries.map((e) => e.region)).toEqual(['us-east-1'])
    expect(asked).toEqual(['-/-', '-/us-east-1', '-/eu-west-3'])
  })

  it('keeps the ALBs a name glob or a tag names, and says when tags cannot be read', async () => {
    const world = worldClients()
    const {d} = deps(() => world.clients)
    expect((await scanFleet(request({filter: ['web-*']}), d)).entries.map((e) => e.name)).toEqual([ALB_NAME])
    expect((await scanFleet(request({filter: ['api-*']}), d)).entries).toEqual([])

    world.m.elbv2.on(DescribeTagsCommand).resolves({TagDescriptions: [{ResourceArn: ALB_ARN, Tags: [{Key: 'team', Value: 'payments'}]}]})
    expect((await scanFleet(request({filter: ['tag:team=payments']}), d)).entries.map((e) => e.name)).toEqual([ALB_NAME])
    expect((await scanFleet(request({filter: ['tag:team=search']}), d)).entries).toEqual([])

    world.m.elbv2.on(DescribeTagsCommand).rejects(denied('elasticloadbalancing:DescribeTags'))
    const failed = await scanFleet(request({filter: ['tag:team']}), d)
    expect(failed.entries).toEqual([
      {region: 'us-east-1', account: '123456789012', verdict: 'error', error: 'The tag filter could not be applied: elasticloadbalancing:DescribeTags was denied (needs IAM permission elasticloadbalancing:DescribeTags).'},
    ])
  })

  it('keeps each snapshot when asked (the watchdog stores them)', async () => {
    const world = worldClients()
    const {d} = deps(() => world.clients)
    const report = await scanFleet(request({keepSnapshots: true}), d)
    expect(report.entries[0].snapshot?.meta).toMatchObject({region: 'us-east-1', target: {input: ALB_NAME, loadBalancerArn: ALB_ARN}})
  })
})

describe('sortEntries', () => {
  it('puts problems first, then what could not be read, then the incomplete, then the healthy; the more severe cause first', () => {
    const e = (name: string, verdict: ScanEntry['verdict'], severity?: 'critical' | 'error' | 'warning'): ScanEntry => ({
      region: 'us-east-1',
      name,
      verdict,
      ...(severity ? {leadCause: {ruleId: 'x', title: 'x', severity}} : {}),
    })
    const sorted = sortEntries([e('h', 'healthy'), e('i', 'incomplete', 'warning'), e('x', 'error'), e('p2', 'problems', 'error'), e('p1', 'problems', 'critical')])
    expect(sorted.map((s) => s.name)).toEqual(['p1', 'p2', 'x', 'i', 'h'])
  })
})
