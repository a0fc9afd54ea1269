import {describe, expect, it} from 'vitest'
import {rule as targetHealthUnused} from '../../../src/rules/health/target-health-unused.js'
import {ALB_ARN, INSTANCE_IDS, LISTENER_ARN, PUBLIC_SUBNETS, TG_ARN, healthyWorld} from '../../fixtures/world.js'
import {HEALTHY, run, setHealth} from './helpers.js'

const NOT_IN_USE = {State: 'unused', Reason: 'Target.NotInUse', Description: 'Target group is not configured to receive traffic from the load balancer'}

describe('target-health-unused', () => {
  it('passes on the healthy world', () => {
    expect(run(targetHealthUnused, healthyWorld())).toEqual([])
  })

  it('finds a target whose AZ is not enabled on the ALB and adds a subnet of that AZ', () => {
    const w = healthyWorld()
    w.elbv2.LoadBalancers[0].AvailabilityZones = w.elbv2.LoadBalancers[0].AvailabilityZones!.slice(0, 2)
    setHealth(w, [HEALTHY, HEALTHY, NOT_IN_USE])
    const [f] = run(targetHealthUnused, w)
    expect(f.ruleId).toBe('target-health-unused')
    // The Auto Scaling group counts it InService: capacity that serves nothing is an error, not a remark.
    expect(f.severity).toBe('error')
    expect(f.resources).toEqual([TG_ARN, INSTANCE_IDS[2]])
    expect(f.message).toContain(`1 target of web-tg is unused and gets no traffic (az-not-enabled); Auto Scaling counts ${INSTANCE_IDS[2]} as InService`)
    expect(f.evidence[0]).toContain(`${INSTANCE_IDS[2]} (us-east-1c) port 80: unused Target.NotInUse`)
    // The public subnet of us-east-1c: the ALB is internet-facing.
    expect(f.remediation.commands).toEqual([
      `aws elbv2 set-subnets --load-balancer-arn ${ALB_ARN} --subnets ${PUBLIC_SUBNETS[0]} ${PUBLIC_SUBNETS[1]} ${PUBLIC_SUBNETS[2]} --region us-east-1`,
    ])
  })

  it('finds a stopped instance and says to start it', () => {
    const w = healthyWorld()
    w.ec2.Instances[1].State = {Code: 80, Name: 'stopped'}
    setHealth(w, [HEALTHY, {State: 'unused', Reason: 'Target.InvalidState', Description: 'Target is in the stopped state'}, HEALTHY])
    const [f] = run(targetHealthUnused, w)
    expect(f.message).toContain('(instance-stopped)')
    expect(f.resources).toEqual([TG_ARN, INSTANCE_IDS[1]])
    expect(f.remediation.commands).toEqual([`aws ec2 start-instances --instance-ids ${INSTANCE_IDS[1]} --region us-east-1`])
    expect(f.severity).toBe('error')
  })

  it('keeps a stopped instance no Auto Scaling group counts as a warning while others serve', () => {
    const w = healthyWorld()
    w.ec2.Instances[1].State = {Code: 80, Name: 'stopped'}
    w.autoscaling.AutoScalingGroups[0].Instances = w.autoscaling.AutoScalingGroups[0].Instances!.filter((i) => i.InstanceId !== INSTANCE_IDS[1])
    setHealth(w, [HEALTHY, {State: 'unused', Reason: 'Target.InvalidState', Description: 'Target is in the stopped state'}, HEALTHY])
    const [f] = run(targetHealthUnused, w)
    expect(f.severity).toBe('warning')
    expect(f.message).not.toContain('InService')
  })

  it('reads states and reason codes case-insensitively', () => {
    const w = healthyWorld()
    w.ec2.Instances[1].State = {Code: 80, Name: 'STOPPED' as never}
    setHealth(w, [HEALTHY, {State: 'Unused', Reason: 'target.invalidstate'}, HEALTHY])
    expect(run(targetHealthUnused, w)[0].message).toContain('(instance-stopped)')
  })

  it('deregisters a terminated instance', () => {
    const w = healthyWorld()
    w.ec2.Instances[1].State = {Code: 48, Name: 'terminated'}
    setHealth(w, [HEALTHY, {State: 'unused', Reason: 'Target.InvalidState'}, HEALTHY])
    const [f] = run(targetHealthUnused, w)
    expect(f.remediation.commands).toEqual([`aws elbv2 deregister-targets --target-group-arn ${TG_ARN} --targets Id=${INSTANCE_IDS[1]},Port=80 --region us-east-1`])
  })

  it('blames the missing listener when the target group is on none, as an error when nothing serves', () => {
    const w = healthyWorld()
    w.elbv2.Listeners[0].DefaultActions = [{Type: 'fixed-response', FixedResponseConfig: {StatusCode: '503'}}]
    w.elbv2.Rules = {}
    setHealth(w, [NOT_IN_USE, NOT_IN_USE, NOT_IN_USE])
    const [f] = run(targetHealthUnused, w)
    expect(f.severity).toBe('error')
    expect(f.message).toContain('3 targets of web-tg are unused and get no traffic (no-listener); Auto Scaling counts all of them as InService; no target is left to serve, so the ALB answers 503')
    expect(f.remediation.commands?.[0]).toContain(`aws elbv2 modify-listener --listener-arn ${LISTENER_ARN} --default-actions Type=forward,TargetGroupArn=${TG_ARN} --region us-east-1`)
  })
})
