import {describe, expect, it} from 'vitest'

import {analyze} from '../../../src/analyze/engine.js'
import {rule} from '../../../src/rules/history/change-before-5xx-onset.js'
import type {Snapshot} from '../../../src/snapshot/types.js'
import {healthySsmWorld} from '../../fixtures/ssm.js'
import {BROKEN_USER_DATA, INSTANCE_IDS, TG_ARN, WEB_SG, healthyWorld} from '../../fixtures/world.js'
import {change, historySection, minute} from '../../history/section.js'
import {findings, outcome, worldWithHistory} from './helpers.js'
import {ALICE, badDeploy, keepalive} from './scenarios.js'

/** The world after the bad deploy: version 2 never installs nginx, and the instances launched from it fail their checks. */
function deployedWorld(): Snapshot {
  const w = healthySsmWorld(healthyWorld())
  const v1 = w.ec2.LaunchTemplateVersions[0]
  w.ec2.LaunchTemplateVersions.push({...structuredClone(v1), VersionNumber: 2, DefaultVersion: false, CreateTime: minute(20), CreatedBy: ALICE, LaunchTemplateData: {...v1.LaunchTemplateData, UserData: Buffer.from(BROKEN_USER_DATA).toString('base64')}})
  w.elbv2.TargetHealthDescriptions[TG_ARN] = INSTANCE_IDS.map((id) => ({Target: {Id: id, Port: 80}, HealthCheckPort: '80', TargetHealth: {State: 'unhealthy', Reason: 'Target.FailedHealthChecks', Description: 'Health checks failed'}}))
  return worldWithHistory(badDeploy(), w)
}

describe('change-before-5xx-onset', () => {
  it('passes when nothing changed, or without errors', () => {
    expect(findings(rule, worldWithHistory(keepalive()))).toEqual([])
    expect(findings(rule, worldWithHistory(historySection({minutes: 60, changes: [change(10, 'ModifyListener', 'listener/app/web-alb/x')]})))).toEqual([])
  })

  it('names the launch template version, who made it and the rollout, and rolls the group back', () => {
    const w = deployedWorld()
    const [f] = findings(rule, w)
    expect(f.message).toBe(
      `The 5xx began at 2026-11-29 18:28 UTC, 8 min after this launch template change: CreateLaunchTemplateVersion on lt-0abcdef1234567890 at 2026-11-29 18:20 UTC by ${ALICE}, rolled out by StartInstanceRefresh on web-asg at 2026-11-29 18:22 UTC by ${ALICE}`,
    )
    expect(f).toMatchObject({severity: 'error', confidence: 'likely'})
    expect(f.remediation.commands).toEqual([
      'aws autoscaling cancel-instance-refresh --auto-scaling-group-name web-asg --region us-east-1',
      'aws autoscaling update-auto-scaling-group --auto-scaling-group-name web-asg --launch-template LaunchTemplateId=lt-0abcdef1234567890,Version=1 --region us-east-1',
      `aws autoscaling start-instance-refresh --auto-scaling-group-name web-asg --preferences '{"MinHealthyPercentage":0,"SkipMatching":true}' --region us-east-1`,
    ])
    // Leads the report, with what the new version broke folded under it.
    const report = analyze(w)
    expect(report.rootCauses[0].cause.ruleId).toBe('change-before-5xx-onset')
    expect(report.rootCauses[0].symptoms.map((s) => s.ruleId)).toEqual(expect.arrayContaining(['alb-5xx-in-window', 'launch-template-no-web-server', 'target-health-unhealthy']))
  })

  it('rolls back to the latest version before it that still exists', () => {
    const w = deployedWorld()
    const v = w.history!.changes!.events.find((e) => e.source === 'launch-template-version')!
    v.id = `${v.resources[0]}:5`
    const [f] = findings(rule, w)
    expect(f.remediation.commands).toContain('aws autoscaling update-auto-scaling-group --auto-scaling-group-name web-asg --launch-template LaunchTemplateId=lt-0abcdef1234567890,Version=2 --region us-east-1')
  })

  it('a security-group change 20 minutes before is only possible, and points at its CloudTrail record', () => {
    const h = keepalive()
    h.changes!.events = [{...change(1, 'RevokeSecurityGroupIngress', WEB_SG, ALICE), id: 'a1b2c3d4-0000-4000-8000-000000000009'}]
    const [f] = findings(rule, worldWithHistory(h))
    expect(f).toMatchObject({severity: 'warning', confidence: 'possible'})
    expect(f.message).toBe(`The 5xx began at 2026-11-29 18:21 UTC, 20 min after this security group change: RevokeSecurityGroupIngress on ${WEB_SG} at 2026-11-29 18:01 UTC by ${ALICE}`)
    expect(f.explains).toContainEqual({ruleId: 'sg-instance-ingress', resource: WEB_SG})
    expect(f.remediation.commands).toEqual(['aws cloudtrail lookup-events --lookup-attributes AttributeKey=EventId,AttributeValue=a1b2c3d4-0000-4000-8000-000000000009 --region us-east-1'])
  })

  it('does not apply when the errors predate the window, and says which call failed when nothing was found', () => {
    const steady = historySection({minutes: 60, metrics: {minutes: 60, elb502: () => 30}})
    expect(outcome(rule, worldWithHistory(steady))).toEqual({notApplicable: expect.stringContaining('longer --since')})
    const w = worldWithHistory(keepalive())
    w.errors.push({api: 'cloudtrail:LookupEvents', resource: 'web-asg', code: 'AccessDenied', message: 'denied', accessDenied: true})
    expect(outcome(rule, w)).toEqual({couldNotCheck: 'no change found before the onset, and cloudtrail:LookupEvents was denied (needs IAM permission cloudtrail:LookupEvents)'})
  })
})
