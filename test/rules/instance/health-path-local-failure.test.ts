import {describe, expect, it} from 'vitest'

import {rule as healthPathLocalFailure} from '../../../src/rules/instance/health-path-local-failure.js'
import {INSTANCE_IDS, TG_ARN} from '../../fixtures/world.js'
import {edit, findings, sample, worldWith} from './helpers.js'

const healthy = sample('al2023-healthy')

describe('health-path-local-failure', () => {
  it('passes when the path answers a code in the matcher', () => {
    expect(findings(healthPathLocalFailure, worldWith(healthy))).toEqual([])
  })

  it('fails on a 404, explaining the named-virtual-host trap', () => {
    const [f] = findings(healthPathLocalFailure, worldWith([healthy, sample('ubuntu2204-nginx-bad-config-apache2'), healthy]))
    expect(f.message).toBe(`HTTP GET /health on port 80 with Host: <private IP>, sent on the instance, gets HTTP 404 instead of 200 on 1 of 3 checked instances of web-tg (${INSTANCE_IDS[1]})`)
    expect(f.evidence[0]).toContain('(Host: 10.0.11.12) → HTTP 404: the path does not exist, or nginx only serves a named server_name')
    expect(f.explains).toEqual([{ruleId: 'target-health-unhealthy', resource: TG_ARN}])
  })

  it('defers to the ALB: no finding for a target it finds healthy, even if the local request failed', () => {
    const w = worldWith(edit(healthy, {'probe.code': '404'}), (x) => {
      x.elbv2.TargetHealthDescriptions[TG_ARN] = INSTANCE_IDS.map((Id) => ({Target: {Id, Port: 80}, TargetHealth: {State: 'healthy'}}))
    })
    expect(findings(healthPathLocalFailure, w)).toEqual([])
  })

  it('fails when the connection is refused', () => {
    const [f] = findings(healthPathLocalFailure, worldWith(sample('al2023-nginx-missing')))
    expect(f.message).toContain('gets connection refused (nothing listens on the port, or a firewall rejects it) instead of 200 on 3 of 3')
  })

  it('reads the matcher: a 301 passes 200-399 and fails 200', () => {
    const redirect = edit(healthy, {'probe.code': '301'})
    expect(findings(healthPathLocalFailure, worldWith(redirect))[0].evidence[0]).toContain('health checks do not follow redirects')
    expect(findings(healthPathLocalFailure, worldWith(redirect, (w) => (w.onInstance!.probes[0].matcher = '200-399')))).toEqual([])
  })
})
