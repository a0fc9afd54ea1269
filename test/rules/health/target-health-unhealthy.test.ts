import {describe, expect, it} from 'vitest'
import {rule as targetHealthUnhealthy} from '../../../src/rules/health/target-health-unhealthy.js'
import {INSTANCE_IDS, TG_ARN, healthyWorld} from '../../fixtures/world.js'
import {FAILED, HEALTHY, TIMEOUT, mismatch, run, setHealth} from './helpers.js'

describe('target-health-unhealthy', () => {
  it('passes on the healthy world', () => {
    expect(run(targetHealthUnhealthy, healthyWorld())).toEqual([])
  })

  it('is critical when every target is unhealthy: the ALB fails open', () => {
    const w = healthyWorld()
    setHealth(w, [FAILED, FAILED, FAILED])
    const [f, ...rest] = run(targetHealthUnhealthy, w)
    expect(rest).toEqual([])
    expect(f.ruleId).toBe('target-health-unhealthy')
    expect(f.severity).toBe('critical')
    expect(f.resources).toEqual([TG_ARN, ...INSTANCE_IDS])
    expect(f.message).toContain('3 of 3 targets of web-tg are unhealthy (Target.FailedHealthChecks: 3)')
    expect(f.message).toContain('502/504')
    expect(f.evidence).toContain(`${INSTANCE_IDS[0]} (us-east-1a) port 80: unhealthy Target.FailedHealthChecks: Health checks failed`)
    expect(f.remediation.commands?.[0]).toBe(`aws elbv2 describe-target-health --target-group-arn ${TG_ARN} --region us-east-1`)
    expect(f.remediation.commands?.[1]).toContain(`aws ssm start-session --target ${INSTANCE_IDS[0]} --region us-east-1`)
    expect(f.remediation.summary).toContain('nothing listens on the port')
  })

  it('is an error with counts per reason when some targets are still healthy', () => {
    const w = healthyWorld()
    setHealth(w, [TIMEOUT, mismatch(404), HEALTHY])
    const [f] = run(targetHealthUnhealthy, w)
    expect(f.severity).toBe('error')
    expect(f.resources).toEqual([TG_ARN, INSTANCE_IDS[0], INSTANCE_IDS[1]])
    expect(f.message).toContain('2 of 3 targets of web-tg are unhealthy (Target.ResponseCodeMismatch: 1, Target.Timeout: 1)')
    expect(f.message).not.toContain('fails open')
    expect(f.evidence).toContain(`${INSTANCE_IDS[1]} (us-east-1b) port 80: unhealthy Target.ResponseCodeMismatch: Health checks failed with these codes: [404]`)
    expect(f.remediation.summary).toContain('Target.Timeout: no answer in time')
    expect(f.remediation.summary).toContain('Target.ResponseCodeMismatch: the health-check path answered with a code outside the matcher')
    expect(f.data).toMatchObject({healthy: 1, unhealthy: 2, reasons: {'Target.Timeout': 1, 'Target.ResponseCodeMismatch': 1}})
  })

  it('reads Elb.InternalError as an AWS-side problem and does not send the user onto the instance', () => {
    const w = healthyWorld()
    setHealth(w, [{State: 'unhealthy', Reason: 'Elb.InternalError'}, HEALTHY, HEALTHY])
    const [f] = run(targetHealthUnhealthy, w)
    expect(f.remediation.summary).toContain('Elb.InternalError: an error on the load balancer side')
    expect(f.remediation.commands).toHaveLength(1)
  })
})
