import {describe, expect, it} from 'vitest'

import {rule as accessLogsOff} from '../../../src/rules/history/access-logs-off.js'
import {rule as healthCheckLogsOff} from '../../../src/rules/history/health-check-logs-off.js'
import {healthySsmWorld} from '../../fixtures/ssm.js'
import {ALB_ARN, healthyWorld} from '../../fixtures/world.js'
import {historySection, quietHistory} from '../../history/section.js'
import {findings, outcome, worldWithHistory} from './helpers.js'
import {badDeploy} from './scenarios.js'

describe('access-logs-off and health-check-logs-off', () => {
  it('pass when the logs are on; do not apply without history', () => {
    const w = worldWithHistory(quietHistory())
    expect(findings(accessLogsOff, w)).toEqual([])
    expect(findings(healthCheckLogsOff, w)).toEqual([])
    expect(outcome(accessLogsOff, healthySsmWorld(healthyWorld()))).toEqual({notApplicable: expect.stringContaining('--no-history')})
  })

  it('say what the access logs would have shown, and turn them on into the bucket the other logs use', () => {
    const [f] = findings(accessLogsOff, worldWithHistory(badDeploy()))
    expect(f.severity).toBe('info')
    expect(f.message).toBe(
      'web-alb has its access logs off (access_logs.s3.enabled is not true): they would have shown which target served each 5xx, and whether it closed the connection (keep-alive), timed out or answered the 5xx itself, for the 1280 5xx of this window',
    )
    expect(f.remediation.summary).toContain('bucket policy lets Elastic Load Balancing\'s log delivery write to it')
    expect(f.remediation.commands).toEqual([
      `aws elbv2 modify-load-balancer-attributes --load-balancer-arn ${ALB_ARN} --attributes Key=access_logs.s3.enabled,Value=true Key=access_logs.s3.bucket,Value=web-alb-logs-123456789012 Key=access_logs.s3.prefix,Value=web-alb --region us-east-1`,
    ])
  })

  it('name a bucket for the account and Region when no log is on', () => {
    const [f] = findings(healthCheckLogsOff, worldWithHistory(historySection({minutes: 60})))
    expect(f.remediation.commands![0]).toContain('Key=health_check_logs.s3.bucket,Value=elb-logs-123456789012-us-east-1')
    expect(f.remediation.summary).toContain('to create with that policy first')
  })
})
