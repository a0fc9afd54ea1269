import {describe, expect, it} from 'vitest'
import type {AutoScalingGroup} from '@aws-sdk/client-auto-scaling'
import {launchTemplateRequests, selectGroups} from '../../src/collect/autoscaling.js'
import {actionTargetGroupArns, referencedTargetGroupArns} from '../../src/collect/elbv2.js'
import {referencedGroupIds, referencedPrefixListIds} from '../../src/collect/ec2.js'
import {CallRunner} from '../../src/collect/runner.js'
import {chunk, sortedRecord} from '../../src/collect/util.js'

const group = (name: string, g: Partial<AutoScalingGroup>): AutoScalingGroup =>
  ({AutoScalingGroupName: name, MinSize: 0, MaxSize: 1, DesiredCapacity: 0, DefaultCooldown: 300, AvailabilityZones: [], HealthCheckType: 'EC2', CreatedTime: new Date(), ...g}) as AutoScalingGroup

describe('selectGroups', () => {
  const selection = {targetGroupArns: new Set(['tg-a']), registeredInstanceIds: new Set(['i-reg']), vpcSubnetIds: new Set(['subnet-in'])}
  it('keeps attached groups, owners of registered instances and unattached groups in the VPC', () => {
    const kept = selectGroups(
      [
        group('attached', {TargetGroupARNs: ['tg-a']}),
        group('owner', {TargetGroupARNs: ['tg-other'], Instances: [{InstanceId: 'i-reg'} as never]}),
        group('candidate', {TargetGroupARNs: [], VPCZoneIdentifier: 'subnet-x, subnet-in'}),
        group('other-vpc', {TargetGroupARNs: [], VPCZoneIdentifier: 'subnet-out'}),
        group('other-tg', {TargetGroupARNs: ['tg-other'], VPCZoneIdentifier: 'subnet-in'}),
      ],
      selection,
    )
    expect(kept.map((g) => g.AutoScalingGroupName)).toEqual(['attached', 'owner', 'candidate'])
  })
})

describe('launchTemplateRequests', () => {
  it('asks once per template for the group version, mixed-policy version and instance versions', () => {
    const reqs = launchTemplateRequests([
      group('a', {LaunchTemplate: {LaunchTemplateId: 'lt-1', Version: '$Latest'}, Instances: [{LaunchTemplate: {LaunchTemplateId: 'lt-1', Version: '3'}} as never]}),
      group('b', {MixedInstancesPolicy: {LaunchTemplate: {LaunchTemplateSpecification: {LaunchTemplateName: 'web'}}}}),
      group('c', {LaunchTemplate: {LaunchTemplateId: 'lt-1', Version: '3'}}),
      group('d', {LaunchConfigurationName: 'old-style'}),
    ])
    expect(reqs).toEqual([
      {launchTemplateId: 'lt-1', versions: ['$Latest', '3']},
      {launchTemplateName: 'web', versions: ['$Default']},
    ])
  })
})

describe('references', () => {
  it('finds target groups in TargetGroupArn and weighted ForwardConfig actions of listeners and rules', () => {
    expect(actionTargetGroupArns([{Type: 'forward', TargetGroupArn: 'a', ForwardConfig: {TargetGroups: [{TargetGroupArn: 'a'}, {TargetGroupArn: 'b'}]}}, {Type: 'fixed-response'}])).toEqual(['a', 'b'])
    expect(referencedTargetGroupArns([{DefaultActions: [{Type: 'forward', TargetGroupArn: 'a'}]}], {l: [{Actions: [{Type: 'forward', TargetGroupArn: 'c'}]}]})).toEqual(['a', 'c'])
  })

  it('finds security groups and prefix lists named by ingress and egress rules', () => {
    const sgs = [
      {GroupId: 'sg-1', IpPermissions: [{UserIdGroupPairs: [{GroupId: 'sg-2'}], PrefixListIds: [{PrefixListId: 'pl-1'}]}], IpPermissionsEgress: [{UserIdGroupPairs: [{GroupId: 'sg-3'}]}]},
      {GroupId: 'sg-2', IpPermissionsEgress: [{PrefixListIds: [{PrefixListId: 'pl-2'}, {PrefixListId: 'pl-1'}]}]},
    ]
    expect(referencedGroupIds(sgs)).toEqual(['sg-2', 'sg-3'])
    expect(referencedPrefixListIds(sgs)).toEqual(['pl-1', 'pl-2'])
  })
})

describe('CallRunner.paginate', () => {
  it('stops when an endpoint answers the same token again', async () => {
    const r = new CallRunner()
    let calls = 0
    const items = await r.paginate('x:List', undefined, async () => ({items: [++calls], next: 'same'}), (p) => p.items, (p) => p.next)
    expect(items).toEqual([1, 2])
    expect(r.stats(0).perApi).toEqual({'x:List': 2})
  })

  it('keeps the pages before a failed one and records the failure', async () => {
    const r = new CallRunner()
    const items = await r.paginate(
      'x:List',
      'res',
      async (t) => {
        if (t === 'p2') throw Object.assign(new Error('slow down'), {name: 'Throttling'})
        return {items: ['a'], next: 'p2'}
      },
      (p) => p.items,
      (p) => p.next,
    )
    expect(items).toEqual(['a'])
    expect(r.errors).toEqual([{api: 'x:List', resource: 'res', code: 'Throttling', message: 'slow down', accessDenied: false}])
  })
})

describe('CallRunner: one runner, three ways to fail', () => {
  const denied = () => Object.assign(new Error('no'), {name: 'AccessDenied', $metadata: {httpStatusCode: 403}})

  it('call records a failure named by its IAM action and answers undefined', async () => {
    const lines: string[] = []
    const r = new CallRunner(8, (l) => lines.push(l))
    expect(await r.call('ec2:DescribeNetworkAcls', 'vpc-1', () => Promise.reject(denied()))).toBeUndefined()
    expect(r.errors).toEqual([{api: 'ec2:DescribeNetworkAcls', resource: 'vpc-1', code: 'AccessDenied', message: 'no', accessDenied: true}])
    expect(lines).toEqual([expect.stringMatching(/^ec2:DescribeNetworkAcls vpc-1 \d+ ms failed: AccessDenied$/)])
  })

  it('must throws the user error that names the missing permission, and records nothing', async () => {
    const r = new CallRunner()
    await expect(r.must('ec2:CreateLaunchTemplateVersion', 'lt-1', () => Promise.reject(denied()))).rejects.toThrow(
      'ec2:CreateLaunchTemplateVersion was denied (AccessDenied): the credentials lack the IAM permission ec2:CreateLaunchTemplateVersion.',
    )
    expect(r.errors).toEqual([])
    expect(r.stats(0)).toEqual({calls: 1, perApi: {'ec2:CreateLaunchTemplateVersion': 1}, failed: 1, wallMs: 0})
  })

  it('attempt throws the SDK error itself, counted', async () => {
    const r = new CallRunner()
    const e = Object.assign(new Error('bad id'), {name: 'InvalidInstanceId'})
    await expect(r.attempt('ssm:SendCommand', undefined, () => Promise.reject(e))).rejects.toBe(e)
    expect(r.stats(0).failed).toBe(1)
    expect(r.errors).toEqual([])
  })

  it('aborts on rejected credentials whatever the mode', async () => {
    const r = new CallRunner()
    const bad = Object.assign(new Error('bad'), {name: 'InvalidClientTokenId', $metadata: {httpStatusCode: 403}})
    await expect(r.call('sts:GetCallerIdentity', undefined, () => Promise.reject(bad))).rejects.toThrow('AWS rejected the credentials when calling sts:GetCallerIdentity')
  })

  it('asks a service whose endpoint did not answer no more: its later calls fail at once, other services carry on', async () => {
    const lines: string[] = []
    const r = new CallRunner(8, (l) => lines.push(l))
    const timeout = Object.assign(new Error('socket timed out'), {name: 'TimeoutError', $metadata: {attempts: 5}})
    expect(await r.call('iam:GetInstanceProfile', 'p1', () => Promise.reject(timeout))).toBeUndefined()
    let sent = 0
    const later = () => {
      sent++
      return Promise.resolve({})
    }
    expect(await r.call('iam:GetPolicy', 'arn1', later)).toBeUndefined()
    await expect(r.must('iam:GetRole', 'r', later)).rejects.toThrow('iam:GetRole failed: the endpoint did not answer in time.')
    expect(sent).toBe(0)
    expect(await r.call('ec2:DescribeVpcs', undefined, later)).toEqual({})
    expect(sent).toBe(1)
    expect(r.errors[1]).toEqual({api: 'iam:GetPolicy', resource: 'arn1', code: 'TimeoutError', message: 'not sent: iam did not answer an earlier call (socket timed out)', accessDenied: false})
    expect(r.stats(0).perApi).toEqual({'ec2:DescribeVpcs': 1, 'iam:GetInstanceProfile': 1})
    expect(lines).toContain('iam:GetPolicy arn1 not sent: iam did not answer an earlier call (TimeoutError)')
  })

  it('does not give up on a service for a throttled or dropped call', async () => {
    const r = new CallRunner()
    await r.call('ec2:DescribeVpcs', undefined, () => Promise.reject(Object.assign(new Error('reset'), {code: 'ECONNRESET'})))
    await r.call('ec2:DescribeVpcs', undefined, () => Promise.reject(Object.assign(new Error('slow down'), {name: 'Throttling'})))
    expect(await r.call('ec2:DescribeVpcs', undefined, () => Promise.resolve('ok'))).toBe('ok')
  })

  it('stops at the page cap, each page counted, and says so in the log', async () => {
    const lines: string[] = []
    const r = new CallRunner(8, (l) => lines.push(l))
    let n = 0
    const items = await r.paginate('x:List', 'res', async () => ({items: [++n], next: `t${n}`}), (p) => p.items, (p) => p.next, {maxPages: 3})
    expect(items).toEqual([1, 2, 3])
    expect(r.stats(0).perApi).toEqual({'x:List': 3})
    expect(lines.at(-1)).toBe('x:List res: stopped after 3 page(s): page cap reached')
  })

  it('paginate with onFailure throw keeps the fix\'s semantics: a failed page stops the command', async () => {
    const r = new CallRunner()
    await expect(
      r.paginate('autoscaling:DescribeAutoScalingGroups', undefined, (t) => (t ? Promise.reject(denied()) : Promise.resolve({items: [1], next: 'p2'})), (p) => p.items, (p) => p.next, {
        onFailure: 'throw',
      }),
    ).rejects.toThrow('autoscaling:DescribeAutoScalingGroups was denied')
    expect(r.stats(0).perApi).toEqual({'autoscaling:DescribeAutoScalingGroups': 2})
  })
})

describe('CallRunner: a full pool serves the critical path first', () => {
  /** Sends that stay in flight until released, recording the order in which they started. */
  function gate() {
    const started: string[] = []
    const open = new Map<string, () => void>()
    const send = (name: string) => () =>
      new Promise<string>((resolve) => {
        started.push(name)
        open.set(name, () => resolve(name))
      })
    const tick = () => new Promise<void>((resolve) => setImmediate(resolve))
    /** Answers a call once it has started (failing if it never does), then lets the runner hand its slot on. */
    const settle = async (name: string) => {
      for (let i = 0; i < 20 && !open.has(name); i++) await tick()
      const answer = open.get(name)
      if (!answer) throw new Error(`${name} never started; started: ${started.join(', ')}`)
      answer()
      await tick()
    }
    return {started, send, settle}
  }

  it('gives a freed slot to a waiting read of the chain before reads asked for earlier that nothing waits on', async () => {
    const g = gate()
    const r = new CallRunner(1)
    const all = [
      r.call('ec2:DescribeVpcs', 'first', g.send('vpcs')),
      r.call('ec2:DescribeRouteTables', undefined, g.send('route tables')),
      r.call('ec2:DescribeNetworkAcls', undefined, g.send('nacls')),
      r.call('elasticloadbalancing:DescribeTargetHealth', 'tg', g.send('health')),
      r.call('iam:GetPolicyVersion', 'p', g.send('policy version')),
    ]
    for (const name of ['vpcs', 'health', 'policy version', 'route tables', 'nacls']) await g.settle(name)
    expect(await Promise.all(all)).toEqual(['vpcs', 'route tables', 'nacls', 'health', 'policy version'])
    expect(g.started).toEqual(['vpcs', 'health', 'policy version', 'route tables', 'nacls'])
  })

  it('keeps the order calls were asked in within one rank, and takes the ranking it is given', async () => {
    const g = gate()
    const r = new CallRunner(1, undefined, (api) => (api.endsWith('Last') ? 2 : 0))
    const all = [r.call('x:Busy', undefined, g.send('busy')), r.call('x:Last', undefined, g.send('last')), r.call('x:A', undefined, g.send('a')), r.call('x:B', undefined, g.send('b'))]
    for (const name of ['busy', 'a', 'b', 'last']) await g.settle(name)
    await Promise.all(all)
    expect(g.started).toEqual(['busy', 'a', 'b', 'last'])
  })
})

describe('util', () => {
  it('chunks and sorts record keys', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]])
    expect(Object.keys(sortedRecord({b: 1, a: 2}))).toEqual(['a', 'b'])
  })
})

describe('followPages', () => {
  it('follows tokens until there is none, and stops when an endpoint repeats the same token', async () => {
    const {followPages} = await import('../../src/collect/util.js')
    const tokens: (string | undefined)[] = []
    const pages = await followPages(
      async (token) => (tokens.push(token), {items: [token ?? 'first'], next: token === undefined ? 't1' : 't1'}),
      (r) => r.next,
    )
    expect(tokens).toEqual([undefined, 't1'])
    expect(pages.map((p) => p.items[0])).toEqual(['first', 't1'])
  })

  it('keeps the pages before a failed one', async () => {
    const {followPages} = await import('../../src/collect/util.js')
    const pages = await followPages(async (token) => (token === 't2' ? undefined : {n: token ?? 't0'}), (r) => (r.n === 't0' ? 't1' : 't2'))
    expect(pages).toEqual([{n: 't0'}, {n: 't1'}])
  })
})

describe('plainJson', () => {
  it('is what a JSON round trip makes of SDK shapes', async () => {
    const {plainJson} = await import('../../src/collect/index.js')
    const value = {
      a: new Date('2026-11-20T09:15:00Z'),
      b: undefined,
      c: [1, undefined, 'x', {d: new Date(0), e: undefined, f: null}],
      g: {h: {i: NaN, j: Infinity, k: -0, l: true}},
      m: () => 1,
      n: '',
    }
    expect(plainJson(value)).toEqual(JSON.parse(JSON.stringify(value)))
    expect(JSON.stringify(plainJson(value))).toBe(JSON.stringify(value))
  })
})
