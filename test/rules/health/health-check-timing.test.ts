import {describe, expect, it} from 'vitest'
import {rule as healthCheckTiming} from '../../../src/rules/health/health-check-timing.js'
import {TG_ARN, healthyWorld} from '../../fixtures/world.js'
import {run} from './helpers.js'

function withTiming(settings: Record<string, unknown>) {
  const w = healthyWorld()
  Object.assign(w.elbv2.TargetGroups[0], settings)
  return run(healthCheckTiming, w)
}

describe('health-check-timing', () => {
  it('passes on the healthy world (5 s timeout, 30 s interval, thresholds 5/2)', () => {
    expect(run(healthCheckTiming, healthyWorld())).toEqual([])
  })

  it('is an error when the timeout is not below the interval', () => {
    const [f] = withTiming({HealthCheckIntervalSeconds: 10, HealthCheckTimeoutSeconds: 10})
    expect(f.ruleId).toBe('health-check-timing')
    expect(f.severity).toBe('error')
    expect(f.resources).toEqual([TG_ARN])
    expect(f.message).toContain('timeout 10 s is not below the interval 10 s')
    expect(f.remediation.commands).toEqual([`aws elbv2 modify-target-group --target-group-arn ${TG_ARN} --health-check-timeout-seconds 5 --region us-east-1`])
  })

  it('warns when the timeout is 80% of the interval or more', () => {
    const [f] = withTiming({HealthCheckIntervalSeconds: 30, HealthCheckTimeoutSeconds: 25})
    expect(f.severity).toBe('warning')
    expect(f.message).toContain('timeout 25 s is 83% of the interval 30 s')
    expect(withTiming({HealthCheckIntervalSeconds: 30, HealthCheckTimeoutSeconds: 23})).toEqual([])
  })

  it('warns about an unhealthy threshold of 1, combined with the timeout fix in one command', () => {
    const [f] = withTiming({UnhealthyThresholdCount: 1, HealthCheckIntervalSeconds: 6, HealthCheckTimeoutSeconds: 5})
    expect(f.message).toContain('unhealthy threshold 1: a single failed check takes a target out')
    expect(f.remediation.commands?.[0]).toBe(`aws elbv2 modify-target-group --target-group-arn ${TG_ARN} --health-check-timeout-seconds 3 --unhealthy-threshold-count 2 --region us-east-1`)
  })

  it('warns when health checks are disabled on an instance target group, not on a Lambda one', () => {
    const [f] = withTiming({HealthCheckEnabled: false})
    expect(f.severity).toBe('warning')
    expect(f.message).toContain('health checks are disabled')
    expect(f.remediation.commands?.[0]).toContain('--health-check-enabled')
    expect(withTiming({HealthCheckEnabled: false, TargetType: 'lambda'})).toEqual([])
  })
})
