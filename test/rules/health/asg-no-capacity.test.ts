import {describe, expect, it} from 'vitest'
import {rule as asgNoCapacity} from '../../../src/rules/health/asg-no-capacity.js'
import {TG_ARN, healthyWorld} from '../../fixtures/world.js'
import {run} from './helpers.js'

describe('asg-no-capacity', () => {
  it('passes on the healthy world', () => {
    expect(run(asgNoCapacity, healthyWorld())).toEqual([])
  })

  it('finds a group scaled to desired 0', () => {
    const w = healthyWorld()
    Object.assign(w.autoscaling.AutoScalingGroups[0], {MinSize: 0, DesiredCapacity: 0, Instances: []})
    const [f, ...rest] = run(asgNoCapacity, w)
    expect(rest).toEqual([])
    expect(f.ruleId).toBe('asg-no-capacity')
    expect(f.severity).toBe('error')
    expect(f.resources).toEqual(['web-asg', TG_ARN])
    expect(f.message).toBe('Auto Scaling group web-asg has desired capacity 0 and maximum size 6: it runs no instance to serve web-tg')
    expect(f.remediation.commands?.[0]).toBe('aws autoscaling update-auto-scaling-group --auto-scaling-group-name web-asg --min-size 0 --max-size 6 --desired-capacity 1 --region us-east-1')
    expect(f.explains).toContainEqual({ruleId: 'target-group-empty', resource: TG_ARN})
  })

  it('finds a group with maximum size 0', () => {
    const w = healthyWorld()
    Object.assign(w.autoscaling.AutoScalingGroups[0], {MinSize: 0, MaxSize: 0, DesiredCapacity: 0, Instances: []})
    const [f] = run(asgNoCapacity, w)
    expect(f.message).toContain('maximum size 0')
    expect(f.remediation.commands?.[0]).toContain('--min-size 0 --max-size 1 --desired-capacity 1')
  })
})
