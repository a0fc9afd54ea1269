import {describe, expect, it} from 'vitest'
import {rule as targetGroupEmpty} from '../../../src/rules/health/target-group-empty.js'
import {TG_ARN, healthyWorld} from '../../fixtures/world.js'
import {run} from './helpers.js'

describe('target-group-empty', () => {
  it('passes on the healthy world', () => {
    expect(run(targetGroupEmpty, healthyWorld())).toEqual([])
  })

  it('finds the default target group without registered targets: 503 for everything', () => {
    const w = healthyWorld()
    w.elbv2.TargetHealthDescriptions[TG_ARN] = []
    const [f, ...rest] = run(targetGroupEmpty, w)
    expect(rest).toEqual([])
    expect(f.ruleId).toBe('target-group-empty')
    expect(f.severity).toBe('critical')
    expect(f.resources).toEqual([TG_ARN])
    expect(f.message).toBe("Target group web-tg has no registered target, so the ALB answers 503 for every request its listener's default action forwards there")
    expect(f.evidence).toContain('attached Auto Scaling groups: web-asg')
    expect(f.remediation.commands).toEqual(['aws autoscaling describe-auto-scaling-groups --auto-scaling-group-names web-asg --region us-east-1'])
  })

  it('counts a NotRegistered entry as no target, and says to register when no group is attached', () => {
    const w = healthyWorld()
    w.autoscaling.AutoScalingGroups[0].TargetGroupARNs = []
    w.elbv2.TargetHealthDescriptions[TG_ARN] = [{Target: {Id: 'i-0123', Port: 80}, TargetHealth: {State: 'unused', Reason: 'Target.NotRegistered'}}]
    const [f] = run(targetGroupEmpty, w)
    expect(f.evidence).toContain('attached Auto Scaling groups: none')
    expect(f.remediation.commands?.[0]).toContain(`aws elbv2 register-targets --target-group-arn ${TG_ARN}`)
  })

  it('is an error, not critical, for a target group only a listener rule forwards to', () => {
    const w = healthyWorld()
    w.elbv2.Listeners[0].DefaultActions = [{Type: 'fixed-response', FixedResponseConfig: {StatusCode: '404'}}]
    const rules = Object.values(w.elbv2.Rules)[0]
    rules.push({RuleArn: 'arn:rule/api', Priority: '10', IsDefault: false, Conditions: [], Actions: [{Type: 'forward', TargetGroupArn: TG_ARN}]})
    w.elbv2.TargetHealthDescriptions[TG_ARN] = []
    const [f] = run(targetGroupEmpty, w)
    expect(f.severity).toBe('error')
    expect(f.message).toContain('the requests its listener rules forward there')
  })

  it('leaves a target group on no listener to target-group-no-listener', () => {
    const w = healthyWorld()
    w.elbv2.Listeners[0].DefaultActions = [{Type: 'fixed-response', FixedResponseConfig: {StatusCode: '503'}}]
    w.elbv2.Rules = {}
    w.elbv2.TargetHealthDescriptions[TG_ARN] = []
    expect(run(targetGroupEmpty, w)).toEqual([])
  })
})
