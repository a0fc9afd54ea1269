import {describe, expect, it} from 'vitest'
import {rule as targetHealthInitial} from '../../../src/rules/health/target-health-initial.js'
import {INSTANCE_IDS, TG_ARN, healthyWorld} from '../../fixtures/world.js'
import {HEALTHY, run, setHealth} from './helpers.js'

describe('target-health-initial', () => {
  it('passes on the healthy world', () => {
    expect(run(targetHealthInitial, healthyWorld())).toEqual([])
  })

  it('says to wait interval × healthy threshold seconds, as info', () => {
    const w = healthyWorld()
    setHealth(w, [
      {State: 'initial', Reason: 'Elb.RegistrationInProgress'},
      {State: 'initial', Reason: 'Elb.InitialHealthChecking'},
      HEALTHY,
    ])
    w.elbv2.TargetGroups[0].HealthCheckIntervalSeconds = 10
    w.elbv2.TargetGroups[0].HealthyThresholdCount = 3
    const [f, ...rest] = run(targetHealthInitial, w)
    expect(rest).toEqual([])
    expect(f.ruleId).toBe('target-health-initial')
    expect(f.severity).toBe('info')
    expect(f.resources).toEqual([TG_ARN, INSTANCE_IDS[0], INSTANCE_IDS[1]])
    expect(f.message).toContain('2 targets of web-tg are still being registered or health-checked')
    expect(f.message).toContain('Elb.InitialHealthChecking: 1, Elb.RegistrationInProgress: 1')
    expect(f.message).toContain('not a fault yet: wait about 30 s (10 s interval × 3 healthy checks)')
    expect(f.remediation.summary).toBe('Wait about 30 s, then look again.')
    expect(f.remediation.commands).toEqual([`aws elbv2 describe-target-health --target-group-arn ${TG_ARN} --region us-east-1`])
  })
})
