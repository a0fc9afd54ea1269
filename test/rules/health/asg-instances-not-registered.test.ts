import {describe, expect, it} from 'vitest'
import {rule as asgInstancesNotRegistered} from '../../../src/rules/health/asg-instances-not-registered.js'
import {INSTANCE_IDS, TG_ARN, healthyWorld} from '../../fixtures/world.js'
import {HEALTHY, run, setHealth} from './helpers.js'

describe('asg-instances-not-registered', () => {
  it('passes on the healthy world', () => {
    expect(run(asgInstancesNotRegistered, healthyWorld())).toEqual([])
  })

  it('finds an InService instance the target group does not list', () => {
    const w = healthyWorld()
    setHealth(w, [HEALTHY, HEALTHY])
    const [f, ...rest] = run(asgInstancesNotRegistered, w)
    expect(rest).toEqual([])
    expect(f.ruleId).toBe('asg-instances-not-registered')
    expect(f.severity).toBe('error')
    expect(f.resources).toEqual([TG_ARN, 'web-asg', INSTANCE_IDS[2]])
    expect(f.message).toBe('1 InService instance of web-asg is not registered in web-tg')
    expect(f.remediation.commands).toEqual([`aws elbv2 register-targets --target-group-arn ${TG_ARN} --targets Id=${INSTANCE_IDS[2]} --region us-east-1`])
    expect(f.explains).toBeUndefined()
  })

  it('names a suspended AddToLoadBalancer process and explains the empty target group', () => {
    const w = healthyWorld()
    w.elbv2.TargetHealthDescriptions[TG_ARN] = []
    w.autoscaling.AutoScalingGroups[0].SuspendedProcesses = [{ProcessName: 'AddToLoadBalancer', SuspensionReason: 'User suspended'}]
    const [f] = run(asgInstancesNotRegistered, w)
    expect(f.message).toContain("3 InService instances of web-asg are not registered in web-tg: the group's AddToLoadBalancer process is suspended")
    expect(f.remediation.commands?.[0]).toBe('aws autoscaling resume-processes --auto-scaling-group-name web-asg --scaling-processes AddToLoadBalancer --region us-east-1')
    expect(f.explains).toContainEqual({ruleId: 'target-group-empty', resource: TG_ARN})
  })

  it('does not count draining or not-yet-InService instances', () => {
    const w = healthyWorld()
    setHealth(w, [HEALTHY, HEALTHY, {State: 'draining', Reason: 'Target.DeregistrationInProgress'}])
    expect(run(asgInstancesNotRegistered, w)).toEqual([])
    setHealth(w, [HEALTHY, HEALTHY])
    w.autoscaling.AutoScalingGroups[0].Instances![2].LifecycleState = 'Pending'
    expect(run(asgInstancesNotRegistered, w)).toEqual([])
  })
})
