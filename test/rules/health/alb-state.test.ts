import {describe, expect, it} from 'vitest'
import {rule as albState} from '../../../src/rules/health/alb-state.js'
import {ALB_ARN, healthyWorld} from '../../fixtures/world.js'
import {run} from './helpers.js'

function inState(code: string, reason?: string) {
  const w = healthyWorld()
  w.elbv2.LoadBalancers[0].State = {Code: code as never, Reason: reason}
  return run(albState, w)
}

describe('alb-state', () => {
  it('passes on the healthy world', () => {
    expect(run(albState, healthyWorld())).toEqual([])
  })

  it('says to wait while provisioning', () => {
    const [f] = inState('provisioning')
    expect(f.ruleId).toBe('alb-state')
    expect(f.severity).toBe('info')
    expect(f.resources).toEqual([ALB_ARN])
    expect(f.message).toBe('Load balancer web-alb is provisioning: it is still being set up and cannot route traffic yet')
    expect(f.remediation.commands).toEqual([`aws elbv2 wait load-balancer-available --load-balancer-arns ${ALB_ARN} --region us-east-1`])
  })

  it('is an error when impaired, with the reason and the subnets to look at', () => {
    const [f] = inState('active_impaired', 'Insufficient IP addresses')
    expect(f.severity).toBe('error')
    expect(f.message).toContain('is active_impaired: it routes traffic but cannot scale')
    expect(f.message).toContain('(Insufficient IP addresses)')
    expect(f.remediation.commands?.[1]).toContain('aws ec2 describe-subnets --subnet-ids subnet-0pub1a2b3c4d5e6f7 subnet-0pub2b3c4d5e6f7a8 subnet-0pub3c4d5e6f7a8b9')
  })

  it('is critical when failed', () => {
    const [f] = inState('failed')
    expect(f.severity).toBe('critical')
    expect(f.message).toContain('is failed: it could not be set up and routes nothing')
  })

  it('accepts the state in any case', () => {
    expect(inState('ACTIVE')).toEqual([])
  })
})
