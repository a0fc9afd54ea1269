import {AutoScalingClient, DescribeInstanceRefreshesCommand, DescribeScalingActivitiesCommand} from '@aws-sdk/client-auto-scaling'
import {CloudTrailClient, LookupEventsCommand} from '@aws-sdk/client-cloudtrail'
import {DescribeLaunchTemplateVersionsCommand, EC2Client} from '@aws-sdk/client-ec2'
import {mockClient} from 'aws-sdk-client-mock'
import {describe, expect, it} from 'vitest'
import {CallRunner} from '../../src/collect/runner.js'
import type {Clock} from '../../src/history/changes.js'
import {Pacer, activityToChange, changeSenders, collectChanges, mergeChanges, paced, resourcesInScope, trailEventToChange, versionInUse} from '../../src/history/changes.js'
import {healthyWorld} from '../fixtures/world.js'

const creds = {region: 'us-east-1', credentials: {accessKeyId: 'a', secretAccessKey: 'b'}}

/** A clock that only moves when the code sleeps: pacing is checked by the waits asked for, not by wall time. */
function fakeClock(): Clock & {slept: number[]} {
  let now = 1_000_000
  const slept: number[] = []
  return {slept, now: () => now, sleep: async (ms) => {
    slept.push(ms)
    now += ms
  }}
}

const trail = (id: string, name: string, time: string, extra: Record<string, unknown> = {}) => ({
  EventId: id,
  EventName: name,
  EventTime: new Date(time),
  Username: 'alice',
  Resources: [{ResourceType: 'AWS::EC2::SecurityGroup', ResourceName: 'sg-0web1234567890abc'}],
  CloudTrailEvent: JSON.stringify({eventSource: 'ec2.amazonaws.com', readOnly: false, userIdentity: {arn: 'arn:aws:iam::123456789012:user/alice'}, ...extra}),
})

describe('pacing LookupEvents', () => {
  it('spaces calls to the rate and slows down when throttled', async () => {
    const clock = fakeClock()
    const pacer = new Pacer(2, clock)
    await pacer.take()
    await pacer.take()
    await pacer.take()
    expect(clock.slept).toEqual([500, 500])
    let calls = 0
    const throttle = Object.assign(new Error('Rate exceeded'), {name: 'ThrottlingException'})
    const out = await paced(pacer, async () => {
      calls++
      if (calls < 3) throw throttle
      return 'ok'
    })
    expect(out).toBe('ok')
    expect(pacer.ratePerSecond).toBe(0.5)
    await expect(paced(pacer, async () => Promise.reject(throttle), 1)).rejects.toThrow('Rate exceeded')
    await expect(paced(pacer, async () => Promise.reject(new Error('other')))).rejects.toThrow('other')
  })
})

describe('normalising changes', () => {
  it('keeps writes, drops reads and failed calls, and names who', () => {
    expect(trailEventToChange(trail('e1', 'RevokeSecurityGroupIngress', '2026-11-29T18:10:00Z'), 'sg-0web1234567890abc')).toEqual({
      time: '2026-11-29T18:10:00.000Z',
      source: 'cloudtrail',
      what: 'RevokeSecurityGroupIngress',
      resources: ['sg-0web1234567890abc'],
      who: 'arn:aws:iam::123456789012:user/alice',
      detail: 'ec2.amazonaws.com',
      id: 'e1',
    })
    expect(trailEventToChange(trail('e2', 'DescribeSecurityGroups', '2026-11-29T18:10:00Z', {readOnly: true}), 'x')).toBeUndefined()
    expect(trailEventToChange(trail('e3', 'RevokeSecurityGroupIngress', '2026-11-29T18:10:00Z', {errorCode: 'UnauthorizedOperation'}), 'x')).toBeUndefined()
    expect(trailEventToChange({...trail('e4', 'DescribeInstances', '2026-11-29T18:10:00Z'), CloudTrailEvent: 'not json'}, 'x')).toBeUndefined()
  })

  it('reads activities and merges an event seen under two resources', () => {
    expect(activityToChange({ActivityId: 'a1', AutoScalingGroupName: 'web-asg', Description: 'Terminating EC2 instance: i-0123456789abcdef0', Cause: 'health check', StartTime: new Date('2026-11-29T18:00:00Z'), StatusCode: 'Successful', Progress: 100})).toMatchObject({
      what: 'Terminate',
      resources: ['web-asg', 'i-0123456789abcdef0'],
      who: 'autoscaling',
      status: 'Successful',
    })
    const a = trailEventToChange(trail('e1', 'ModifyRule', '2026-11-29T18:10:00Z'), 'rule-a')!
    const b = trailEventToChange(trail('e1', 'ModifyRule', '2026-11-29T18:10:00Z'), 'listener-b')!
    expect(mergeChanges([a, b])).toHaveLength(1)
    expect(mergeChanges([a, b])[0].resources).toEqual(['rule-a', 'sg-0web1234567890abc', 'listener-b'])
  })

  it('resolves the version a group launches', () => {
    const versions = [
      {LaunchTemplateId: 'lt-1', VersionNumber: 1, DefaultVersion: true},
      {LaunchTemplateId: 'lt-1', VersionNumber: 2, DefaultVersion: false},
    ]
    expect(versionInUse({LaunchTemplate: {LaunchTemplateId: 'lt-1', Version: '$Latest'}}, versions)).toBe(2)
    expect(versionInUse({LaunchTemplate: {LaunchTemplateId: 'lt-1'}}, versions)).toBe(1)
    expect(versionInUse({LaunchTemplate: {LaunchTemplateId: 'lt-1', Version: '1'}}, versions)).toBe(1)
  })
})

describe('the resources in scope', () => {
  it('lists the groups, templates, target groups, load balancer, listeners, security groups, NACLs and route tables', () => {
    const scope = resourcesInScope(healthyWorld())
    const kinds = [...new Set(scope.map((r) => r.kind))]
    expect(kinds.slice(0, 5)).toEqual(['autoscaling-group', 'launch-template', 'target-group', 'load-balancer', 'listener'])
    expect(scope.filter((r) => r.kind === 'security-group').map((r) => r.name)).toContain('sg-0web1234567890abc')
    expect(kinds).toContain('network-acl')
    expect(kinds).toContain('route-table')
  })
})

describe('collecting changes (aws-sdk-client-mock)', () => {
  it('gathers activities, refreshes, versions and CloudTrail events of the window, bounded and paced', async () => {
    const clients = {cloudtrail: new CloudTrailClient(creds), autoscaling: new AutoScalingClient(creds), ec2: new EC2Client(creds)}
    const ct = mockClient(clients.cloudtrail)
    const as = mockClient(clients.autoscaling)
    const ec2 = mockClient(clients.ec2)
    as.on(DescribeScalingActivitiesCommand).resolves({
      Activities: [
        {ActivityId: 'a2', AutoScalingGroupName: 'web-asg', Description: 'Launching a new EC2 instance: i-0aaaaaaaaaaaaaaaa', Cause: 'c', StartTime: new Date('2026-11-29T18:20:00Z'), StatusCode: 'Successful', Progress: 100},
        {ActivityId: 'a1', AutoScalingGroupName: 'web-asg', Description: 'Launching a new EC2 instance: i-0bbbbbbbbbbbbbbbb', Cause: 'c', StartTime: new Date('2026-11-28T10:00:00Z'), StatusCode: 'Successful', Progress: 100},
      ],
      NextToken: 'more',
    })
    as.on(DescribeInstanceRefreshesCommand).resolves({InstanceRefreshes: [{InstanceRefreshId: 'r1', AutoScalingGroupName: 'web-asg', Status: 'Successful', StartTime: new Date('2026-11-29T18:05:00Z')}]})
    ec2.on(DescribeLaunchTemplateVersionsCommand).resolves({
      LaunchTemplateVersions: [
        {LaunchTemplateId: 'lt-0abcdef1234567890', LaunchTemplateName: 'web-lt', VersionNumber: 2, CreateTime: new Date('2026-11-29T18:01:00Z'), CreatedBy: 'arn:aws:iam::123456789012:user/bob', DefaultVersion: false},
        {LaunchTemplateId: 'lt-0abcdef1234567890', LaunchTemplateName: 'web-lt', VersionNumber: 1, CreateTime: new Date('2026-11-01T09:00:00Z'), DefaultVersion: true},
      ],
    })
    ct.on(LookupEventsCommand).resolves({Events: []})
    ct.on(LookupEventsCommand, {LookupAttributes: [{AttributeKey: 'ResourceName', AttributeValue: 'sg-0web1234567890abc'}]}).resolves({Events: [trail('e1', 'RevokeSecurityGroupIngress', '2026-11-29T18:10:00Z')]})

    const clock = fakeClock()
    const runner = new CallRunner()
    const w = {start: Date.parse('2026-11-29T18:00:00Z'), end: Date.parse('2026-11-29T19:00:00Z')}
    const part = await collectChanges(runner, changeSenders(clients), healthyWorld(), w, {maxResources: 7, pacer: new Pacer(2, clock)})

    expect(part.events.map((e) => `${e.time.slice(11, 16)} ${e.source} ${e.what}`)).toEqual([
      '18:01 launch-template-version CreateLaunchTemplateVersion',
      '18:05 instance-refresh InstanceRefresh',
      '18:10 cloudtrail RevokeSecurityGroupIngress',
      '18:20 autoscaling-activity Launch',
    ])
    expect(part.events[0]).toMatchObject({who: 'arn:aws:iam::123456789012:user/bob', detail: 'web-lt version 2 (used by web-asg)'})
    expect(part.launchTemplates).toEqual([{launchTemplateId: 'lt-0abcdef1234567890', launchTemplateName: 'web-lt', latestVersion: 2, defaultVersion: 1, inUse: [{group: 'web-asg', version: 2, spec: '$Latest'}]}])
    expect(part.lookedUp).toHaveLength(7)
    expect(part.skipped.length).toBeGreaterThan(0)
    // One call per resource, one attribute each, within the window.
    const calls = ct.commandCalls(LookupEventsCommand).map((c) => c.args[0].input)
    expect(calls).toHaveLength(7)
    expect(calls.every((i) => i.LookupAttributes?.length === 1 && i.StartTime?.getTime() === w.start)).toBe(true)
    // Paced at two a second: six waits of 500 ms after the first call.
    expect(clock.slept).toEqual([500, 500, 500, 500, 500, 500])
    // Activities stop paging once past the window's start.
    expect(as.commandCalls(DescribeScalingActivitiesCommand)).toHaveLength(1)
    expect(runner.errors).toEqual([])
  })

  it('records LookupEvents being denied and keeps the other sources', async () => {
    const clients = {cloudtrail: new CloudTrailClient(creds), autoscaling: new AutoScalingClient(creds), ec2: new EC2Client(creds)}
    mockClient(clients.cloudtrail).on(LookupEventsCommand).rejects(Object.assign(new Error('denied'), {name: 'AccessDeniedException'}))
    mockClient(clients.autoscaling).on(DescribeScalingActivitiesCommand).resolves({Activities: []}).on(DescribeInstanceRefreshesCommand).resolves({InstanceRefreshes: []})
    mockClient(clients.ec2).on(DescribeLaunchTemplateVersionsCommand).resolves({LaunchTemplateVersions: [{LaunchTemplateId: 'lt-0abcdef1234567890', VersionNumber: 3, CreateTime: new Date('2026-11-29T18:30:00Z')}]})
    const runner = new CallRunner()
    const part = await collectChanges(runner, changeSenders(clients), healthyWorld(), {start: Date.parse('2026-11-29T18:00:00Z'), end: Date.parse('2026-11-29T19:00:00Z')}, {maxResources: 2, pacer: new Pacer(2, fakeClock())})
    expect(part.events.map((e) => e.what)).toEqual(['CreateLaunchTemplateVersion'])
    // The first lookup is asked alone: denied, the second resource is not asked.
    expect(runner.errors.map((e) => [e.api, e.accessDenied])).toEqual([['cloudtrail:LookupEvents', true]])
    expect(part.lookedUp).toEqual([resourcesInScope(healthyWorld())[0].name])
  })

  it('stops asking CloudTrail once a lookup has failed (it fails alike for every resource), and lists the rest as skipped', async () => {
    const clients = {cloudtrail: new CloudTrailClient(creds), autoscaling: new AutoScalingClient(creds), ec2: new EC2Client(creds)}
    const ct = mockClient(clients.cloudtrail)
    ct.on(LookupEventsCommand).rejects(Object.assign(new Error('denied'), {name: 'AccessDeniedException'}))
    mockClient(clients.autoscaling).on(DescribeScalingActivitiesCommand).resolves({Activities: []}).on(DescribeInstanceRefreshesCommand).resolves({InstanceRefreshes: []})
    mockClient(clients.ec2).on(DescribeLaunchTemplateVersionsCommand).resolves({LaunchTemplateVersions: []})
    const runner = new CallRunner()
    const w = {start: Date.parse('2026-11-29T18:00:00Z'), end: Date.parse('2026-11-29T19:00:00Z')}
    const part = await collectChanges(runner, changeSenders(clients), healthyWorld(), w, {maxResources: 10, pacer: new Pacer(2, fakeClock())})
    expect(ct.commandCalls(LookupEventsCommand)).toHaveLength(1)
    expect(part.lookedUp).toHaveLength(1)
    expect(part.skipped).toEqual(resourcesInScope(healthyWorld()).slice(1).map((r) => r.name))
  })
})
