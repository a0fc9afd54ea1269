import {describe, expect, it} from 'vitest'

import {analyze} from '../../../src/analyze/engine.js'
import {rule} from '../../../src/rules/history/keepalive-502s.js'
import {rule as nginxRule} from '../../../src/rules/instance/nginx-keepalive-shorter-than-idle-timeout.js'
import {healthySsmWorld} from '../../fixtures/ssm.js'
import {INSTANCE_IDS} from '../../fixtures/world.js'
import {healthCheckLogs, healthLines, quietHistory} from '../../history/section.js'
import {edit, sample, worldWith} from '../instance/helpers.js'
import {findings, outcome, worldWithHistory} from './helpers.js'
import {keepalive} from './scenarios.js'

const withNginx = (keepaliveTimeout: string) => worldWith(edit(sample('al2023-healthy'), {'nginx.keepalive': keepaliveTimeout}), (w) => void healthySsmWorld(w))

describe('keepalive-502s', () => {
  it('passes on a quiet hour; does not apply without access logs', () => {
    expect(findings(rule, worldWithHistory(quietHistory()))).toEqual([])
    const h = quietHistory()
    delete h.accessLogs
    expect(outcome(rule, worldWithHistory(h))).toEqual({notApplicable: 'no access log was read for the window (access logs off, or none delivered yet)'})
  })

  it('names the action when the log bucket could not be listed', () => {
    const h = quietHistory()
    delete h.accessLogs
    const w = worldWithHistory(h)
    w.elbv2.LoadBalancerAttributes[w.elbv2.LoadBalancers[0].LoadBalancerArn!].push({Key: 'access_logs.s3.enabled', Value: 'true'}, {Key: 'access_logs.s3.bucket', Value: 'web-alb-logs-123456789012'})
    w.errors.push({api: 's3:GetObject', resource: 'web-alb/AWSLogs/123456789012/elasticloadbalancing/us-east-1/2026/11/29/x.log.gz', code: 'AccessDenied', message: 'denied', accessDenied: true})
    expect(outcome(rule, w)).toEqual({couldNotCheck: 's3:GetObject was denied (needs IAM permission s3:GetObject)'})
  })

  it('without on-instance evidence: a likely cause, pointing at the keep-alive setting', () => {
    const [f] = findings(rule, worldWithHistory(keepalive()))
    expect(f.message).toBe(
      "12 of 12 5xx in the access logs are 502s where the target closed the connection without answering, while connections to the targets did open: the targets' keep-alive timeout is most likely shorter than the ALB idle timeout (60 s); on-instance checks would confirm it",
    )
    expect(f).toMatchObject({severity: 'error', confidence: 'likely', explains: [{ruleId: 'alb-5xx-in-window'}]})
    expect(f.evidence).toContain('TargetConnectionErrorCount over the window: 0 (the connections opened: nothing refused them)')
    expect(f.evidence).toContain('sample: 18:21:03 10.0.10.11:80: processing times 0 -1 -1, elb_status_code 502, target_status_code -')
    expect(f.remediation.summary).toContain('Set keepalive_timeout 75s;')
    expect(f.remediation.commands![1]).toContain(`--instance-ids ${INSTANCE_IDS.join(' ')}`)
  })

  it('is not the keep-alive pattern when the connections themselves failed (TargetConnectionErrorCount)', () => {
    expect(findings(rule, worldWithHistory(keepalive({connectionErrors: 2})))).toEqual([])
  })

  it('joined with nginx keepalive_timeout 30 s on the instances: certain, and the nginx finding leads as the root cause', () => {
    const w = worldWithHistory(keepalive(), withNginx('30s'))
    const [f] = findings(rule, w)
    expect(f.confidence).toBe('certain')
    expect(f.message).toContain(`nginx keepalive_timeout (30 s) is not longer than the ALB idle timeout (60 s) on ${INSTANCE_IDS.join(', ')}`)
    const [n] = findings(nginxRule, w)
    expect(n).toMatchObject({severity: 'error', explains: [{ruleId: 'keepalive-502s'}, {ruleId: 'alb-5xx-in-window'}]})
    expect(n.message).toMatch(/: the access logs show 12 502s whose target closed the connection in the window$/)
    const report = analyze(w)
    expect(report.status).toBe('problems')
    expect(report.rootCauses[0].cause.ruleId).toBe('nginx-keepalive-shorter-than-idle-timeout')
    expect(report.rootCauses[0].symptoms.map((s) => s.ruleId)).toEqual(expect.arrayContaining(['keepalive-502s', 'alb-5xx-in-window']))
  })

  it('with nginx keeping connections longer than the idle timeout: only possible, pointing elsewhere', () => {
    const [f] = findings(rule, worldWithHistory(keepalive(), withNginx('75s')))
    expect(f.confidence).toBe('possible')
    expect(f.message).toContain('nginx keepalive_timeout (75 s) is longer than the ALB idle timeout (60 s): something else closes the connections')
    expect(f.remediation.summary).toContain('keepalive_requests')
    expect(f.remediation.commands![0]).toContain('journalctl --since')
  })

  it('leaves the nginx rule a warning without the 502s', () => {
    const [n] = findings(nginxRule, worldWithHistory(quietHistory(), withNginx('30s')))
    expect(n.severity).toBe('warning')
    expect(n.explains).toBeUndefined()
  })
})

describe('keepalive-502s, told apart from targets that were down', () => {
  it('is not the pattern when the health-check logs show the targets failing', () => {
    const h = keepalive()
    h.healthCheckLogs = healthCheckLogs(healthLines(60, (m) => (m >= 20 ? 'ConnectionRefused' : undefined)), 60)
    expect(findings(rule, worldWithHistory(h))).toEqual([])
  })
})
