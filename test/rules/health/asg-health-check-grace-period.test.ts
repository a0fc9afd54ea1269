import {describe, expect, it} from 'vitest'
import {rule as asgHealthCheckGracePeriod} from '../../../src/rules/health/asg-health-check-grace-period.js'
import {ASG_NAME, INSTANCE_IDS, TG_ARN, healthyWorld} from '../../fixtures/world.js'
import type {Snapshot} from '../../../src/snapshot/types.js'
import {run} from './helpers.js'

const grace = (w: Snapshot, seconds: number | undefined) => {
  w.autoscaling.AutoScalingGroups[0].HealthCheckGracePeriod = seconds
}

/** The group's history: instances taken out of service for failing ELB health checks. */
function elbTerminations(w: Snapshot): void {
  w.autoscaling.Activities[ASG_NAME].push(
    ...INSTANCE_IDS.map((id, i) => ({
      ActivityId: `9e6f7a8b-0000-4000-8000-00000000000${i}`,
      AutoScalingGroupName: ASG_NAME,
      Description: `Terminating EC2 instance: ${id}`,
      Cause: `At 2026-11-20T09:20:10Z an instance was taken out of service in response to an ELB system health check failure.`,
      StartTime: '2026-11-20T09:20:10.000Z',
      StatusCode: 'Successful' as const,
      Progress: 100,
    })),
  )
}

describe('asg-health-check-grace-period', () => {
  it('passes with the 300 s grace period of the healthy world', () => {
    expect(run(asgHealthCheckGracePeriod, healthyWorld())).toEqual([])
  })

  it('leaves alone a group with EC2 health checks (asg-health-check-type-ec2 speaks for it)', () => {
    const w = healthyWorld()
    w.autoscaling.AutoScalingGroups[0].HealthCheckType = 'EC2'
    grace(w, 0)
    expect(run(asgHealthCheckGracePeriod, w)).toEqual([])
  })

  it('finds a grace period of 0 with ELB health checks: an error, likely', () => {
    const w = healthyWorld()
    grace(w, 0)
    const [f, ...rest] = run(asgHealthCheckGracePeriod, w)
    expect(rest).toEqual([])
    expect(f.severity).toBe('error')
    expect(f.confidence).toBe('likely')
    expect(f.resources).toEqual([ASG_NAME, TG_ARN])
    expect(f.message).toContain(`Auto Scaling group ${ASG_NAME} replaces instances that fail the load balancer's health checks after a grace period of 0 s`)
    // The user data installs nginx: boot 60 s + install 120 s + 5 checks of 30 s.
    expect(f.data).toMatchObject({gracePeriodSeconds: 0, neededSeconds: 330})
    expect(f.remediation.commands).toEqual([`aws autoscaling update-auto-scaling-group --auto-scaling-group-name ${ASG_NAME} --health-check-grace-period 360 --region us-east-1`])
  })

  it('reads an unset grace period as 0', () => {
    const w = healthyWorld()
    grace(w, undefined)
    expect(run(asgHealthCheckGracePeriod, w)).toHaveLength(1)
  })

  it('is certain when the group replaced instances for failing ELB health checks within the needed time', () => {
    const w = healthyWorld()
    grace(w, 240)
    expect(run(asgHealthCheckGracePeriod, w)).toEqual([])
    elbTerminations(w)
    const [f] = run(asgHealthCheckGracePeriod, w)
    expect(f.confidence).toBe('certain')
    expect(f.severity).toBe('error')
    expect(f.message).toContain('(3 instances were replaced for failing ELB health checks)')
  })

  it('does not blame the grace period for replacements when no target ever passes (something else keeps them unhealthy)', () => {
    const w = healthyWorld()
    grace(w, 240)
    elbTerminations(w)
    w.elbv2.TargetHealthDescriptions[TG_ARN] = INSTANCE_IDS.map((Id) => ({Target: {Id, Port: 80}, TargetHealth: {State: 'unhealthy', Reason: 'Target.Timeout'}}))
    expect(run(asgHealthCheckGracePeriod, w)).toEqual([])
  })
})
