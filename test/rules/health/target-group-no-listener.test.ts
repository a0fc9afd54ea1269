import {describe, expect, it} from 'vitest'
import {rule as targetGroupNoListener} from '../../../src/rules/health/target-group-no-listener.js'
import {ACCOUNT, LISTENER_ARN, REGION, TG_ARN, healthyWorld} from '../../fixtures/world.js'
import {run} from './helpers.js'

const OTHER_TG = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:targetgroup/old-tg/0123456789abcdef`

describe('target-group-no-listener', () => {
  it('passes on the healthy world', () => {
    expect(run(targetGroupNoListener, healthyWorld())).toEqual([])
  })

  it('finds the group\'s target group that the listener does not forward to', () => {
    const w = healthyWorld()
    w.elbv2.Listeners[0].DefaultActions = [{Type: 'forward', TargetGroupArn: OTHER_TG}]
    w.elbv2.Rules = {}
    const [f, ...rest] = run(targetGroupNoListener, w)
    expect(rest).toEqual([])
    expect(f.ruleId).toBe('target-group-no-listener')
    expect(f.severity).toBe('warning')
    expect(f.resources).toEqual([TG_ARN])
    expect(f.message).toBe('No listener of web-alb forwards to target group web-tg (attached to web-asg), so its targets get no traffic')
    expect(f.remediation.commands).toEqual([
      `aws elbv2 modify-listener --listener-arn ${LISTENER_ARN} --default-actions Type=forward,TargetGroupArn=${TG_ARN} --region us-east-1`,
    ])
    expect(f.explains).toEqual([{ruleId: 'target-health-unused', resource: TG_ARN}])
  })

  it('leaves alone a target group another load balancer serves', () => {
    const w = healthyWorld()
    w.elbv2.Listeners[0].DefaultActions = [{Type: 'forward', TargetGroupArn: OTHER_TG}]
    w.elbv2.Rules = {}
    w.elbv2.TargetGroups[0].LoadBalancerArns = [`arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:loadbalancer/app/other/1111111111111111`]
    expect(run(targetGroupNoListener, w)).toEqual([])
  })

  it('proposes a listener when the load balancer has none', () => {
    const w = healthyWorld()
    w.elbv2.Listeners = []
    w.elbv2.Rules = {}
    const [f] = run(targetGroupNoListener, w)
    expect(f.remediation.commands?.[0]).toContain('aws elbv2 create-listener --load-balancer-arn')
    expect(f.remediation.commands?.[0]).toContain(`--protocol HTTP --port 80 --default-actions Type=forward,TargetGroupArn=${TG_ARN} --region us-east-1`)
  })
})
