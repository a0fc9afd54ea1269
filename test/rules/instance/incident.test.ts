/**
 * The reference incident, end to end through analyze(): user data that never installs nginx, every target
 * unhealthy with Target.FailedHealthChecks, and the on-instance checks proving nginx is not installed. The report
 * must lead with nginx-not-installed, with the unhealthy targets and the launch template finding under it.
 */
import {describe, expect, it} from 'vitest'

import {analyze} from '../../../src/analyze/engine.js'
import {BROKEN_USER_DATA, INSTANCE_IDS, TG_ARN} from '../../fixtures/world.js'
import type {Snapshot} from '../../../src/snapshot/types.js'
import {sample, worldWith} from './helpers.js'

function incident(onInstance: boolean): Snapshot {
  return worldWith(sample('al2023-nginx-missing'), (w) => {
    w.ec2.LaunchTemplateVersions[0].LaunchTemplateData!.UserData = Buffer.from(BROKEN_USER_DATA).toString('base64')
    w.elbv2.TargetHealthDescriptions[TG_ARN] = INSTANCE_IDS.map((id) => ({
      Target: {Id: id, Port: 80},
      HealthCheckPort: '80',
      TargetHealth: {State: 'unhealthy', Reason: 'Target.FailedHealthChecks', Description: 'Health checks failed'},
    }))
    if (!onInstance) delete w.onInstance
  })
}

describe('the reference incident through analyze()', () => {
  it('leads with nginx-not-installed, the on-instance proof, and folds the symptoms and the launch template suspicion under it', () => {
    const report = analyze(incident(true))
    const [first] = report.rootCauses
    expect(first.cause.ruleId).toBe('nginx-not-installed')
    expect(first.cause.confidence).toBe('certain')
    const symptoms = first.symptoms.map((s) => s.ruleId)
    expect(symptoms).toEqual(expect.arrayContaining(['target-health-unhealthy', 'launch-template-no-web-server', 'nothing-listening-on-port', 'health-path-local-failure']))
    expect(report.rootCauses.map((r) => r.cause.ruleId)).not.toContain('target-health-unhealthy')
    expect(report.rootCauses.map((r) => r.cause.ruleId)).not.toContain('launch-template-no-web-server')
    expect(report.checks.find((c) => c.ruleId === 'instance-command-no-answer')?.status).toBe('pass')
  })

  it('without the on-instance checks (--no-ssm), the rules say so and the launch template finding leads instead', () => {
    const report = analyze(incident(false))
    expect(report.checks.find((c) => c.ruleId === 'nginx-not-installed')).toMatchObject({
      status: 'not-applicable',
      reason: 'on-instance checks were not run (--no-ssm or SSM unreachable)',
    })
    expect(report.rootCauses[0].cause.ruleId).toBe('launch-template-no-web-server')
  })

  it('reports the on-instance checks as could-not-check when SendCommand was denied', () => {
    const w = incident(true)
    w.errors.push({api: 'ssm:SendCommand', code: 'AccessDeniedException', message: 'denied', accessDenied: true})
    const check = analyze(w).checks.find((c) => c.ruleId === 'nginx-not-installed')
    expect(check).toMatchObject({status: 'could-not-check', reason: 'ssm:SendCommand was denied (needs IAM permission ssm:SendCommand)'})
  })
})
