import {describe, expect, it} from 'vitest'
import {rule as listenerDefaultAction} from '../../../src/rules/health/listener-default-action.js'
import {ALB_ARN, LISTENER_ARN, TG_ARN, healthyWorld} from '../../fixtures/world.js'
import {run} from './helpers.js'

const fixed503 = [{Type: 'fixed-response' as const, FixedResponseConfig: {StatusCode: '503', ContentType: 'text/plain', MessageBody: 'down'}}]

describe('listener-default-action', () => {
  it('passes on the healthy world', () => {
    expect(run(listenerDefaultAction, healthyWorld())).toEqual([])
  })

  it('finds a load balancer without listener', () => {
    const w = healthyWorld()
    w.elbv2.Listeners = []
    w.elbv2.Rules = {}
    const [f] = run(listenerDefaultAction, w)
    expect(f.ruleId).toBe('listener-default-action')
    expect(f.severity).toBe('error')
    expect(f.resources).toEqual([ALB_ARN])
    expect(f.message).toBe('Load balancer web-alb has no listener: nothing accepts connections on it')
    expect(f.remediation.commands).toEqual([
      `aws elbv2 create-listener --load-balancer-arn ${ALB_ARN} --protocol HTTP --port 80 --default-actions Type=forward,TargetGroupArn=${TG_ARN} --region us-east-1`,
    ])
  })

  it('finds a fixed response while a target group exists and no rule forwards', () => {
    const w = healthyWorld()
    w.elbv2.Listeners[0].DefaultActions = fixed503
    w.elbv2.Rules = {}
    const [f] = run(listenerDefaultAction, w)
    expect(f.resources).toEqual([LISTENER_ARN, TG_ARN])
    expect(f.message).toContain('Listener HTTP:80 answers every request with a fixed 503 response and forwards nothing')
    expect(f.evidence).toContain('default action: fixed-response 503 "down"')
    expect(f.remediation.commands).toEqual([
      `aws elbv2 modify-listener --listener-arn ${LISTENER_ARN} --default-actions Type=forward,TargetGroupArn=${TG_ARN} --region us-east-1`,
    ])
    expect(f.explains).toEqual([{ruleId: 'target-group-no-listener', resource: TG_ARN}])
  })

  it('accepts a fixed 404 default when listener rules forward to the target group', () => {
    const w = healthyWorld()
    w.elbv2.Listeners[0].DefaultActions = [{Type: 'fixed-response', FixedResponseConfig: {StatusCode: '404'}}]
    w.elbv2.Rules[LISTENER_ARN].push({RuleArn: 'arn:rule/app', Priority: '10', IsDefault: false, Conditions: [], Actions: [{Type: 'forward', TargetGroupArn: TG_ARN}]})
    expect(run(listenerDefaultAction, w)).toEqual([])
  })

  it('finds a default forward to an empty target group', () => {
    const w = healthyWorld()
    w.elbv2.TargetHealthDescriptions[TG_ARN] = []
    const [f] = run(listenerDefaultAction, w)
    expect(f.resources).toEqual([LISTENER_ARN, TG_ARN])
    expect(f.message).toBe('Listener HTTP:80 forwards by default to web-tg, which has no registered target: the ALB answers 503')
    expect(f.remediation.summary).toContain('attach the Auto Scaling group')
  })

  it('finds a redirect to itself, and accepts the usual HTTP to HTTPS redirect', () => {
    const w = healthyWorld()
    w.elbv2.Listeners[0].DefaultActions = [{Type: 'redirect', RedirectConfig: {Protocol: 'HTTP', Port: '80', Host: '#{host}', Path: '/#{path}', Query: '#{query}', StatusCode: 'HTTP_301'}}]
    const [f] = run(listenerDefaultAction, w)
    expect(f.message).toContain('Listener HTTP:80 redirects every request to the same protocol, port, host and path')
    expect(f.resources).toEqual([LISTENER_ARN])

    w.elbv2.Listeners[0].DefaultActions = [{Type: 'redirect', RedirectConfig: {Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301'}}]
    expect(run(listenerDefaultAction, w)).toEqual([])
  })

  it('looks past an authenticate action to the action that answers', () => {
    const w = healthyWorld()
    w.elbv2.Listeners[0].DefaultActions = [
      {Type: 'authenticate-oidc', Order: 1},
      {...fixed503[0], Order: 2},
    ]
    w.elbv2.Rules = {}
    expect(run(listenerDefaultAction, w)[0].message).toContain('fixed 503 response')
  })
})
