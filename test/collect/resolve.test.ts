import {describe, expect, it} from 'vitest'
import {DescribeLoadBalancersCommand} from '@aws-sdk/client-elastic-load-balancing-v2'
import {classifyInput, closeNames, resolveLoadBalancer, sameDnsName} from '../../src/collect/resolve.js'
import {AwsCallError, UserError} from '../../src/lib/errors.js'
import {ALB_ARN, ALB_DNS, ALB_NAME, healthyWorld} from '../fixtures/world.js'
import {mockWorld} from './mock-world.js'

const notFound = () => Object.assign(new Error('One or more load balancers not found'), {name: 'LoadBalancerNotFoundException', $metadata: {httpStatusCode: 400}})

describe('classifyInput', () => {
  it('tells a name from an ARN from a DNS name', () => {
    expect(classifyInput('web-alb')).toEqual({kind: 'name', name: 'web-alb'})
    expect(classifyInput(ALB_ARN)).toEqual({kind: 'arn', arn: ALB_ARN, region: 'us-east-1', type: 'app', name: 'web-alb'})
    expect(classifyInput(ALB_DNS)).toEqual({kind: 'dns', dnsName: ALB_DNS})
  })

  it('cleans up a pasted URL, a trailing dot, upper case and the dualstack. prefix', () => {
    expect(classifyInput('http://Web-ALB-1234567890.eu-west-1.elb.amazonaws.com/health?x=1')).toEqual({kind: 'dns', dnsName: 'web-alb-1234567890.eu-west-1.elb.amazonaws.com'})
    expect(classifyInput(`${ALB_DNS}.`)).toEqual({kind: 'dns', dnsName: ALB_DNS})
    expect(classifyInput(`dualstack.${ALB_DNS}`)).toEqual({kind: 'dns', dnsName: ALB_DNS})
    expect(classifyInput(`  ${ALB_DNS}/index.html `)).toEqual({kind: 'dns', dnsName: ALB_DNS})
  })

  it('accepts China and GovCloud partitions and network load balancer ARNs (rejected later)', () => {
    expect(classifyInput('arn:aws-cn:elasticloadbalancing:cn-north-1:123456789012:loadbalancer/app/a/0123abcd')).toMatchObject({kind: 'arn', region: 'cn-north-1'})
    expect(classifyInput('arn:aws-us-gov:elasticloadbalancing:us-gov-west-1:123456789012:loadbalancer/net/n/0123abcd')).toMatchObject({type: 'net', region: 'us-gov-west-1'})
  })

  it('rejects a malformed ARN with a UserError that shows the expected shape', () => {
    for (const bad of [
      'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-tg/73e2d6bc24d8a067',
      'arn:aws:elasticloadbalancing:us-east-1:1234:loadbalancer/app/web-alb/50dc6c495c0c9188',
      'arn:aws:ec2:us-east-1:123456789012:instance/i-0123',
    ]) {
      expect(() => classifyInput(bad)).toThrow(UserError)
      try {
        classifyInput(bad)
      } catch (e) {
        expect((e as UserError).message).toBe(`"${bad}" is not a load balancer ARN.`)
        expect((e as UserError).hint).toContain('loadbalancer/app/<name>/<id>')
      }
    }
  })

  it('rejects a name AWS would never accept', () => {
    expect(() => classifyInput('my_alb')).toThrow('"my_alb" is not a valid load balancer name, ARN or DNS name.')
    expect(() => classifyInput('-web')).toThrow(UserError)
    expect(() => classifyInput('   ')).toThrow('The load balancer to diagnose is empty.')
  })
})

describe('DNS names and close names', () => {
  it('compares DNS names without case, trailing dot or the internal- prefix', () => {
    expect(sameDnsName('internal-web-1.us-east-1.elb.amazonaws.com', 'WEB-1.us-east-1.elb.amazonaws.com.')).toBe(true)
    expect(sameDnsName('web-1.us-east-1.elb.amazonaws.com', 'web-2.us-east-1.elb.amazonaws.com')).toBe(false)
  })

  it('suggests names a typo or a prefix away', () => {
    expect(closeNames('web-abl', ['web-alb', 'api-alb', 'billing'])).toEqual(['web-alb'])
    expect(closeNames('web-alb', ['web-alb1', 'web-alb-2', 'web-alb-prod-eu'])).toEqual(['web-alb1', 'web-alb-2', 'web-alb-prod-eu'])
    expect(closeNames('web', ['web-alb-prod', 'billing'])).toEqual(['web-alb-prod'])
    expect(closeNames('zzz', ['web-alb'])).toEqual([])
  })
})

describe('resolveLoadBalancer', () => {
  it('resolves a name with one DescribeLoadBalancers by name', async () => {
    const m = mockWorld()
    const lb = await resolveLoadBalancer(ALB_NAME, m.clients)
    expect(lb.LoadBalancerArn).toBe(ALB_ARN)
    expect(m.elbv2.commandCalls(DescribeLoadBalancersCommand).map((c) => c.args[0].input)).toEqual([{Names: [ALB_NAME]}])
  })

  it('resolves an ARN by ARN', async () => {
    const m = mockWorld()
    expect((await resolveLoadBalancer(ALB_ARN, m.clients)).LoadBalancerName).toBe(ALB_NAME)
    expect(m.elbv2.commandCalls(DescribeLoadBalancersCommand)[0].args[0].input).toEqual({LoadBalancerArns: [ALB_ARN]})
  })

  it('resolves a DNS name or a pasted URL by paging through the load balancers', async () => {
    const m = mockWorld()
    const other = {...healthyWorld().elbv2.LoadBalancers[0], LoadBalancerName: 'other', LoadBalancerArn: 'arn:other', DNSName: 'other-1.us-east-1.elb.amazonaws.com'}
    m.elbv2
      .on(DescribeLoadBalancersCommand)
      .callsFake((input) => (input.Marker === 'page2' ? {LoadBalancers: m.world.elbv2.LoadBalancers} : {LoadBalancers: [other], NextMarker: 'page2'}) as never)
    expect((await resolveLoadBalancer(`https://${ALB_DNS.toUpperCase()}./`, m.clients)).LoadBalancerArn).toBe(ALB_ARN)
    expect(m.elbv2.commandCalls(DescribeLoadBalancersCommand)).toHaveLength(2)
  })

  it('says which region it searched and suggests close names for an unknown name', async () => {
    const m = mockWorld()
    m.elbv2.on(DescribeLoadBalancersCommand, {Names: ['web-abl']}).rejects(notFound())
    const err = (await resolveLoadBalancer('web-abl', m.clients).catch((e) => e)) as UserError
    expect(err).toBeInstanceOf(UserError)
    expect(err.message).toBe('No load balancer named "web-abl" was found in us-east-1.')
    expect(err.hint).toContain('Did you mean "web-alb"?')
    expect(err.hint).toContain('`asg-doctor diagnose --region us-east-1` with no argument')
  })

  it('reports an unknown ARN and an unknown DNS name with the region', async () => {
    const m = mockWorld()
    const arn = ALB_ARN.replace('50dc6c495c0c9188', '0000000000000000')
    m.elbv2.on(DescribeLoadBalancersCommand, {LoadBalancerArns: [arn]}).rejects(notFound())
    await expect(resolveLoadBalancer(arn, m.clients)).rejects.toThrow(`No load balancer with ARN ${arn} was found in us-east-1.`)
    await expect(resolveLoadBalancer('nope-1.us-east-1.elb.amazonaws.com', m.clients)).rejects.toThrow(
      'No load balancer in us-east-1 has the DNS name nope-1.us-east-1.elb.amazonaws.com.',
    )
  })

  it('rejects a network load balancer, found by name or given by ARN', async () => {
    const m = mockWorld()
    m.elbv2.on(DescribeLoadBalancersCommand).resolves({LoadBalancers: [{...m.world.elbv2.LoadBalancers[0], LoadBalancerName: 'tcp-nlb', Type: 'network'}]} as never)
    await expect(resolveLoadBalancer('tcp-nlb', m.clients)).rejects.toThrow('"tcp-nlb" is a network load balancer; asg-doctor diagnoses application load balancers only.')
    const calls = m.elbv2.commandCalls(DescribeLoadBalancersCommand).length
    await expect(resolveLoadBalancer('arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/gwy/g/0123abcd', m.clients)).rejects.toThrow('is a gateway load balancer')
    expect(m.elbv2.commandCalls(DescribeLoadBalancersCommand)).toHaveLength(calls)
  })

  it('turns AccessDenied on the lookup into a user error naming the permission', async () => {
    const m = mockWorld()
    m.elbv2.on(DescribeLoadBalancersCommand).rejects(Object.assign(new Error('not authorized'), {name: 'AccessDenied', $metadata: {httpStatusCode: 403}}))
    const err = await resolveLoadBalancer(ALB_NAME, m.clients).catch((e) => e)
    expect(err).toBeInstanceOf(AwsCallError)
    expect(err.message).toContain('elasticloadbalancing:DescribeLoadBalancers was denied (AccessDenied)')
  })
})
