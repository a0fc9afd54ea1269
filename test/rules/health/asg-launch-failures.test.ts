import {describe, expect, it} from 'vitest'
import {rule as asgLaunchFailures} from '../../../src/rules/health/asg-launch-failures.js'
import {TG_ARN, healthyWorld} from '../../fixtures/world.js'
import {run} from './helpers.js'

const BAD_AMI = "The image id '[ami-0deadbeef0000000]' does not exist. Launching EC2 instance failed."

function withActivity(statusCode: string, startTime: string, statusMessage = BAD_AMI) {
  const w = healthyWorld()
  w.autoscaling.Activities['web-asg'].unshift({
    ActivityId: 'f0000000-0000-4000-8000-000000000001',
    AutoScalingGroupName: 'web-asg',
    Description: 'Launching a new EC2 instance.  Status Reason: failed',
    Cause: 'At 2026-11-20T14:00:00Z an instance was started in response to a difference between desired and actual capacity',
    StartTime: startTime,
    EndTime: startTime,
    StatusCode: statusCode as never,
    StatusMessage: statusMessage,
    Progress: 100,
  })
  return w
}

describe('asg-launch-failures', () => {
  it('passes on the healthy world', () => {
    expect(run(asgLaunchFailures, healthyWorld())).toEqual([])
  })

  it('reports the latest failed launch with its status message and what it means', () => {
    const [f, ...rest] = run(asgLaunchFailures, withActivity('Failed', '2026-11-20T14:00:05.000Z'))
    expect(rest).toEqual([])
    expect(f.ruleId).toBe('asg-launch-failures')
    expect(f.severity).toBe('error')
    expect(f.resources).toEqual(['web-asg', TG_ARN])
    expect(f.message).toContain('1 scaling activities of web-asg failed or were cancelled in the day before collection, including the latest: the group cannot launch instances')
    expect(f.message).toContain("The image id '[ami-0deadbeef0000000]' does not exist")
    expect(f.evidence).toContain(`2026-11-20T14:00:05.000Z Failed: ${BAD_AMI}`)
    expect(f.evidence).toContain("the launch template's AMI does not exist, is not shared with the account, or was deregistered")
    expect(f.remediation.commands).toEqual(['aws autoscaling describe-scaling-activities --auto-scaling-group-name web-asg --max-items 10 --region us-east-1'])
    expect(f.explains).toContainEqual({ruleId: 'asg-no-capacity', resource: 'web-asg'})
    expect(f.explains).toContainEqual({ruleId: 'target-group-empty', resource: TG_ARN})
  })

  it('compares status codes case-insensitively and hints at capacity and IAM errors', () => {
    const w = withActivity('cancelled', '2026-11-20T14:00:05.000Z', 'We currently do not have sufficient t3.micro capacity in the Availability Zone you requested (InsufficientInstanceCapacity).')
    const [f] = run(asgLaunchFailures, w)
    expect(f.evidence).toContain('the AZ has no capacity for the instance type: allow more instance types or AZs')
    const iam = run(asgLaunchFailures, withActivity('Failed', '2026-11-20T14:00:05.000Z', 'Invalid IamInstanceProfile name: web-instance-profile'))
    expect(iam[0].evidence).toContain('the instance profile is wrong or the Auto Scaling service role may not pass its role')
  })

  it('is a warning without links when a later activity succeeded', () => {
    const [f] = run(asgLaunchFailures, withActivity('Failed', '2026-11-20T09:00:00.000Z'))
    expect(f.severity).toBe('warning')
    expect(f.message).toContain('a later activity succeeded')
    expect(f.explains).toBeUndefined()
  })

  it('ignores failures older than a day', () => {
    expect(run(asgLaunchFailures, withActivity('Failed', '2026-11-18T09:00:00.000Z'))).toEqual([])
  })
})
