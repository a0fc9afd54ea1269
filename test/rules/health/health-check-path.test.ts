import {describe, expect, it} from 'vitest'
import {rule as healthCheckPath, mismatchCodes} from '../../../src/rules/health/health-check-path.js'
import {TG_ARN, healthyWorld} from '../../fixtures/world.js'
import {FAILED, HEALTHY, mismatch, run, setHealth, setUserData} from './helpers.js'

const INITIAL = {State: 'initial', Reason: 'Elb.InitialHealthChecking'}
const modify = (opts: string) => `aws elbv2 modify-target-group --target-group-arn ${TG_ARN} ${opts} --region us-east-1`

describe('health-check-path', () => {
  it('passes on the healthy world', () => {
    expect(run(healthCheckPath, healthyWorld())).toEqual([])
  })

  it('reads the codes out of Target.ResponseCodeMismatch', () => {
    expect(mismatchCodes('Health checks failed with these codes: [404]')).toEqual([404])
    expect(mismatchCodes('Health checks failed with these codes: [301, 302]')).toEqual([301, 302])
    expect(mismatchCodes(undefined)).toEqual([])
  })

  it('says which code came back on a 404 and explains the unhealthy targets', () => {
    const w = healthyWorld()
    setHealth(w, [mismatch(404), mismatch(404), mismatch(404)])
    const [f, ...rest] = run(healthCheckPath, w)
    expect(rest).toEqual([])
    expect(f.ruleId).toBe('health-check-path')
    expect(f.severity).toBe('error')
    expect(f.confidence).toBe('certain')
    expect(f.resources).toEqual([TG_ARN])
    expect(f.message).toBe('Health checks of web-tg on /health get 404 while the matcher accepts only 200: /health does not exist on the web server')
    expect(f.remediation.commands).toEqual([modify('--health-check-path / --matcher HttpCode=200')])
    expect(f.explains).toEqual([{ruleId: 'target-health-unhealthy', resource: TG_ARN}])
  })

  it('suggests the trailing slash for a directory that redirects, and a wider matcher for other redirects', () => {
    const w = healthyWorld()
    w.elbv2.TargetGroups[0].HealthCheckPath = '/app'
    setHealth(w, [mismatch(301), mismatch(301), HEALTHY])
    const [f] = run(healthCheckPath, w)
    expect(f.message).toContain('get 301')
    expect(f.message).toContain('/app redirects')
    expect(f.remediation.commands).toEqual([modify('--health-check-path /app/ --matcher HttpCode=200')])

    w.elbv2.TargetGroups[0].HealthCheckPath = '/index.html'
    setHealth(w, [mismatch(302), mismatch(302), mismatch(302)])
    expect(run(healthCheckPath, w)[0].remediation.commands).toEqual([modify('--health-check-path /index.html --matcher HttpCode=200-399')])
  })

  it('finds an HTTPS health check to a plain HTTP traffic port', () => {
    const w = healthyWorld()
    w.elbv2.TargetGroups[0].HealthCheckProtocol = 'HTTPS'
    setHealth(w, [FAILED, FAILED, FAILED])
    const [f] = run(healthCheckPath, w)
    expect(f.confidence).toBe('certain')
    expect(f.message).toBe('Health checks of web-tg speak HTTPS to port 80, where the targets serve plain HTTP: the TLS handshake fails')
    expect(f.remediation.commands).toEqual([modify('--health-check-protocol HTTP')])
    expect(f.explains).toEqual([{ruleId: 'target-health-unhealthy', resource: TG_ARN}])
  })

  it('suspects a directory-like path without trailing slash while no target is healthy (possible)', () => {
    const w = healthyWorld()
    w.elbv2.TargetGroups[0].HealthCheckPath = '/static'
    setHealth(w, [INITIAL, INITIAL, INITIAL])
    const [f] = run(healthCheckPath, w)
    expect(f.severity).toBe('warning')
    expect(f.confidence).toBe('possible')
    expect(f.message).toContain('/static looks like a directory without its trailing slash')
    expect(f.remediation.commands).toEqual([modify('--health-check-path /static/')])
    expect(f.explains).toBeUndefined()
  })

  it('suspects an app route on a stock nginx that the user data never creates', () => {
    const w = healthyWorld()
    w.elbv2.TargetGroups[0].HealthCheckPath = '/api/healthz'
    setUserData(w, '#!/bin/bash\ndnf install -y nginx\nsystemctl enable --now nginx\n')
    setHealth(w, [INITIAL, INITIAL, INITIAL])
    const [f] = run(healthCheckPath, w)
    expect(f.message).toContain('the user data installs a stock nginx and never creates /api/healthz')
    expect(f.remediation.commands).toEqual([modify('--health-check-path /')])
  })

  it('trusts a healthy target over the heuristics', () => {
    const w = healthyWorld()
    w.elbv2.TargetGroups[0].HealthCheckPath = '/static'
    expect(run(healthCheckPath, w)).toEqual([])
  })
})
