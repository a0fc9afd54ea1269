import {describe, expect, it} from 'vitest'
import {analyze} from '../../../src/analyze/engine.js'
import {rule as asgNotAttached} from '../../../src/rules/health/asg-not-attached.js'
import {healthRules} from '../../../src/rules/health/index.js'
import {TG_ARN, healthyWorld} from '../../fixtures/world.js'
import {run, setUserData} from './helpers.js'

/** The group was created without its target group, so nothing was ever registered. */
function detached() {
  const w = healthyWorld()
  w.autoscaling.AutoScalingGroups[0].TargetGroupARNs = []
  w.elbv2.TargetHealthDescriptions[TG_ARN] = []
  return w
}

describe('asg-not-attached', () => {
  it('passes on the healthy world', () => {
    expect(run(asgNotAttached, healthyWorld())).toEqual([])
  })

  it('finds the unattached group in the VPC while the target group is empty', () => {
    const [f, ...rest] = run(asgNotAttached, detached())
    expect(rest).toEqual([])
    expect(f.ruleId).toBe('asg-not-attached')
    expect(f.severity).toBe('error')
    expect(f.confidence).toBe('likely')
    expect(f.resources).toEqual(['web-asg', TG_ARN])
    expect(f.message).toContain('Auto Scaling group web-asg (3 InService instances, in the ALB\'s VPC) is attached to no target group of web-alb')
    expect(f.remediation.commands).toEqual([
      `aws autoscaling attach-load-balancer-target-groups --auto-scaling-group-name web-asg --target-group-arns ${TG_ARN} --region us-east-1`,
    ])
    expect(f.explains).toContainEqual({ruleId: 'target-group-empty', resource: TG_ARN})
  })

  it('ignores a group whose subnets are in another VPC', () => {
    const w = detached()
    w.ec2.Subnets.push({SubnetId: 'subnet-0other', VpcId: 'vpc-0other', AvailabilityZone: 'us-east-1a'})
    w.autoscaling.AutoScalingGroups[0].VPCZoneIdentifier = 'subnet-0other'
    expect(run(asgNotAttached, w)).toEqual([])
  })

  it('stays quiet while the target group has targets', () => {
    const w = healthyWorld()
    w.autoscaling.AutoScalingGroups[0].TargetGroupARNs = []
    expect(run(asgNotAttached, w)).toEqual([])
  })

  it('explains target-group-empty in the report', () => {
    const report = analyze(detached(), {rules: healthRules})
    const root = report.rootCauses.find((r) => r.cause.ruleId === 'asg-not-attached')
    expect(root?.symptoms.map((s) => s.ruleId)).toEqual(expect.arrayContaining(['target-group-empty', 'listener-default-action']))
  })

  it('does not propose attaching ECS container hosts: the ECS service registers its tasks', () => {
    const w = detached()
    setUserData(w, '#!/bin/bash\necho ECS_CLUSTER=web-cluster >> /etc/ecs/ecs.config\n')
    expect(run(asgNotAttached, w)).toEqual([])
    const report = analyze(w)
    expect(report.findings.flatMap((f) => f.remediation.commands ?? []).filter((c) => c.includes('attach-load-balancer-target-groups'))).toEqual([])
    const empty = report.findings.find((f) => f.ruleId === 'target-group-empty')!
    expect(empty.remediation.summary).toContain('Auto Scaling group web-asg hosts ECS cluster web-cluster')
    expect(empty.remediation.commands?.[0]).toBe('aws ecs list-services --cluster web-cluster --region us-east-1')
  })
})
