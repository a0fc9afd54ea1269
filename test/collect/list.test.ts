import {describe, expect, it} from 'vitest'
import {DescribeLoadBalancersCommand, DescribeTargetGroupsCommand, DescribeTargetHealthCommand} from '@aws-sdk/client-elastic-load-balancing-v2'
import {formatLbSummary, listLoadBalancers} from '../../src/collect/list.js'
import {UserError} from '../../src/lib/errors.js'
import {ALB_ARN, ALB_DNS, TG_ARN} from '../fixtures/world.js'
import {mockWorld} from './mock-world.js'

const API_ARN = ALB_ARN.replace('web-alb', 'api-alb')
const API_TG = TG_ARN.replace('web-tg', 'api-tg')

function twoAlbsAndAnNlb() {
  const m = mockWorld()
  const web = m.world.elbv2.LoadBalancers[0]
  const api = {...web, LoadBalancerArn: API_ARN, LoadBalancerName: 'api-alb', Scheme: 'internal', DNSName: 'internal-api-alb-1.us-east-1.elb.amazonaws.com'}
  const nlb = {...web, LoadBalancerArn: 'arn:nlb', LoadBalancerName: 'tcp-nlb', Type: 'network'}
  // Two pages of load balancers, one page of target groups for all of them.
  m.elbv2.on(DescribeLoadBalancersCommand).callsFake((input) => (input.Marker ? {LoadBalancers: [nlb, web]} : {LoadBalancers: [api], NextMarker: 'p2'}) as never)
  m.elbv2.on(DescribeTargetGroupsCommand).resolves({
    TargetGroups: [
      {TargetGroupArn: TG_ARN, TargetGroupName: 'web-tg', LoadBalancerArns: [ALB_ARN]},
      {TargetGroupArn: API_TG, TargetGroupName: 'api-tg', LoadBalancerArns: [API_ARN]},
      {TargetGroupArn: 'arn:nlb-tg', TargetGroupName: 'nlb-tg', LoadBalancerArns: ['arn:nlb']},
    ],
  })
  m.elbv2.on(DescribeTargetHealthCommand, {TargetGroupArn: API_TG}).resolves({
    TargetHealthDescriptions: [
      {Target: {Id: 'i-1'}, TargetHealth: {State: 'unhealthy', Reason: 'Target.Timeout'}},
      {Target: {Id: 'i-2'}, TargetHealth: {State: 'unhealthy', Reason: 'Target.Timeout'}},
      {Target: {Id: 'i-3'}, TargetHealth: {State: 'draining'}},
    ],
  })
  return m
}

describe('listLoadBalancers', () => {
  it('lists the application load balancers with their target groups\' health counts', async () => {
    const m = twoAlbsAndAnNlb()
    const list = await listLoadBalancers(m.clients)
    expect(list).toEqual([
      {
        name: 'api-alb',
        arn: API_ARN,
        scheme: 'internal',
        state: 'active',
        dnsName: 'internal-api-alb-1.us-east-1.elb.amazonaws.com',
        targetGroups: [{name: 'api-tg', arn: API_TG, healthy: 0, unhealthy: 2, other: 1}],
      },
      {name: 'web-alb', arn: ALB_ARN, scheme: 'internet-facing', state: 'active', dnsName: ALB_DNS, targetGroups: [{name: 'web-tg', arn: TG_ARN, healthy: 3, unhealthy: 0, other: 0}]},
    ])
    // Pages of load balancers, one walk of target groups, one health call per ALB target group: nothing for the NLB.
    expect(m.elbv2.commandCalls(DescribeLoadBalancersCommand)).toHaveLength(2)
    expect(m.elbv2.commandCalls(DescribeTargetGroupsCommand)).toHaveLength(1)
    expect(m.elbv2.commandCalls(DescribeTargetHealthCommand).map((c) => c.args[0].input.TargetGroupArn).sort()).toEqual([TG_ARN, API_TG].sort())
  })

  it('says which target group\'s health could not be read, and lists the rest', async () => {
    const m = twoAlbsAndAnNlb()
    m.elbv2.on(DescribeTargetHealthCommand, {TargetGroupArn: TG_ARN}).rejects(Object.assign(new Error('denied'), {name: 'AccessDenied', $metadata: {httpStatusCode: 403}}))
    const list = await listLoadBalancers(m.clients)
    expect(list[1].targetGroups[0]).toEqual({name: 'web-tg', arn: TG_ARN, healthy: 0, unhealthy: 0, other: 0, error: 'AccessDenied: denied'})
    expect(formatLbSummary(list[1])).toBe(`web-alb  internet-facing  active  ${ALB_DNS}  web-tg (target health unreadable: AccessDenied: denied)`)
  })

  it('returns an empty list when the region has no application load balancer', async () => {
    const m = mockWorld()
    m.elbv2.on(DescribeLoadBalancersCommand).resolves({LoadBalancers: []})
    expect(await listLoadBalancers(m.clients)).toEqual([])
    expect(m.elbv2.commandCalls(DescribeTargetGroupsCommand)).toHaveLength(0)
  })

  it('fails with a user error when the load balancers cannot be listed', async () => {
    const m = mockWorld()
    m.elbv2.on(DescribeLoadBalancersCommand).rejects(Object.assign(new Error('denied'), {name: 'AccessDenied', $metadata: {httpStatusCode: 403}}))
    await expect(listLoadBalancers(m.clients)).rejects.toBeInstanceOf(UserError)
  })
})

describe('formatLbSummary', () => {
  it('prints one line with the counts, and "other" only when there are any', () => {
    const line = formatLbSummary({
      name: 'api-alb',
      arn: API_ARN,
      scheme: 'internal',
      state: 'active',
      dnsName: 'internal-api-alb-1.us-east-1.elb.amazonaws.com',
      targetGroups: [
        {name: 'api-tg', arn: API_TG, healthy: 0, unhealthy: 2, other: 1},
        {name: 'web-tg', arn: TG_ARN, healthy: 3, unhealthy: 0, other: 0},
      ],
    })
    expect(line).toBe('api-alb  internal  active  internal-api-alb-1.us-east-1.elb.amazonaws.com  api-tg 0 healthy, 2 unhealthy, 1 other; web-tg 3 healthy, 0 unhealthy')
    expect(formatLbSummary({name: 'x', arn: 'a', scheme: 'internal', state: 'provisioning', dnsName: 'x.elb', targetGroups: []})).toBe('x  internal  provisioning  x.elb  no target groups')
  })
})
