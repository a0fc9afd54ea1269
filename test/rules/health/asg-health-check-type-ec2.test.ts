import {describe, expect, it} from 'vitest'
import {rule as asgHealthCheckTypeEc2} from '../../../src/rules/health/asg-health-check-type-ec2.js'
import {healthyWorld} from '../../fixtures/world.js'
import {run} from './helpers.js'

describe('asg-health-check-type-ec2', () => {
  it('passes on the healthy world (ELB health checks)', () => {
    expect(run(asgHealthCheckTypeEc2, healthyWorld())).toEqual([])
  })

  it('finds an attached group that only uses EC2 health checks', () => {
    const w = healthyWorld()
    w.autoscaling.AutoScalingGroups[0].HealthCheckType = 'EC2'
    const [f, ...rest] = run(asgHealthCheckTypeEc2, w)
    expect(rest).toEqual([])
    expect(f.ruleId).toBe('asg-health-check-type-ec2')
    expect(f.severity).toBe('warning')
    expect(f.resources).toEqual(['web-asg'])
    expect(f.message).toBe('Auto Scaling group web-asg uses EC2 health checks only: instances that web-tg finds unhealthy are never replaced')
    expect(f.remediation.commands).toEqual([
      'aws autoscaling update-auto-scaling-group --auto-scaling-group-name web-asg --health-check-type ELB --health-check-grace-period 300 --region us-east-1',
    ])
  })

  it('leaves alone a group attached to no target group of this load balancer', () => {
    const w = healthyWorld()
    w.autoscaling.AutoScalingGroups[0].HealthCheckType = 'ec2'
    w.autoscaling.AutoScalingGroups[0].TargetGroupARNs = []
    expect(run(asgHealthCheckTypeEc2, w)).toEqual([])
  })
})
