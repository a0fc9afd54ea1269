import {describe, expect, it} from 'vitest'
import {analyze} from '../../../src/analyze/engine.js'
import {rule as asgAzNotEnabledOnAlb} from '../../../src/rules/health/asg-az-not-enabled-on-alb.js'
import {ALB_ARN, INSTANCE_IDS, PRIVATE_SUBNETS, PUBLIC_SUBNETS, TG_ARN, healthyWorld} from '../../fixtures/world.js'
import type {Snapshot} from '../../../src/snapshot/types.js'
import {run, setHealth} from './helpers.js'
import {AnalysisContext} from '../../../src/analyze/context.js'

/** The ALB enables only the first `n` of the three zones the group uses. */
function albZones(w: Snapshot, n: number): void {
  w.elbv2.LoadBalancers[0].AvailabilityZones = w.elbv2.LoadBalancers[0].AvailabilityZones!.slice(0, n)
}

describe('asg-az-not-enabled-on-alb', () => {
  it('passes when the ALB enables every zone the group uses', () => {
    expect(run(asgAzNotEnabledOnAlb, healthyWorld())).toEqual([])
  })

  it('finds the zone the ALB does not enable from the topology, before target health says unused', () => {
    const w = healthyWorld()
    albZones(w, 2)
    const [f, ...rest] = run(asgAzNotEnabledOnAlb, w)
    expect(rest).toEqual([])
    expect(f.severity).toBe('warning')
    expect(f.resources).toEqual(['web-asg', INSTANCE_IDS[2], TG_ARN])
    expect(f.message).toBe(
      `Auto Scaling group web-asg launches into us-east-1c, which load balancer web-alb does not enable: 1 instance there (${INSTANCE_IDS[2]}) gets no traffic from web-tg`,
    )
    expect(f.remediation.commands).toEqual([
      `aws elbv2 set-subnets --load-balancer-arn ${ALB_ARN} --subnets ${PUBLIC_SUBNETS.join(' ')} --region us-east-1`,
      `aws autoscaling update-auto-scaling-group --auto-scaling-group-name web-asg --vpc-zone-identifier ${PRIVATE_SUBNETS.slice(0, 2).join(',')} --region us-east-1`,
    ])
  })

  it('is an error when no InService instance is in an enabled zone', () => {
    const w = healthyWorld()
    albZones(w, 1)
    w.autoscaling.AutoScalingGroups[0].VPCZoneIdentifier = PRIVATE_SUBNETS.slice(1).join(',')
    w.autoscaling.AutoScalingGroups[0].Instances = w.autoscaling.AutoScalingGroups[0].Instances!.slice(1)
    const [f] = run(asgAzNotEnabledOnAlb, w)
    expect(f.severity).toBe('error')
    expect(f.message).toContain('which is every InService instance of the group')
    expect(f.remediation.commands).toHaveLength(1)
  })

  it('explains the unused targets when target health has spoken', () => {
    const w = healthyWorld()
    albZones(w, 2)
    setHealth(w, [{State: 'healthy'}, {State: 'healthy'}, {State: 'unused', Reason: 'Target.NotInUse', Description: 'Target is in an Availability Zone that is not enabled for the load balancer'}])
    const report = analyze(w)
    const root = report.rootCauses.find((r) => r.cause.ruleId === 'asg-az-not-enabled-on-alb')!
    expect(root.symptoms.map((s) => s.ruleId)).toEqual(['target-health-unused'])
  })

  it('says it could not check when the snapshot lists no zone for the ALB', () => {
    const w = healthyWorld()
    delete w.elbv2.LoadBalancers[0].AvailabilityZones
    expect(asgAzNotEnabledOnAlb.check(new AnalysisContext(w))).toHaveProperty('couldNotCheck')
  })
})
