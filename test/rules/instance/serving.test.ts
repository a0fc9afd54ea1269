/** nothing-listening-on-port and health-path-local-failure: what the ALB meets on the port. */
import {describe, expect, it} from 'vitest'

import {healthPathLocalFailure} from '../../../src/rules/instance/health-path-local-failure.js'
import {nothingListeningOnPort} from '../../../src/rules/instance/nothing-listening-on-port.js'
import {INSTANCE_IDS, TG_ARN} from '../../fixtures/world.js'
import {edit, findings, sample, worldWith} from './helpers.js'

const healthy = sample('al2023-healthy')

describe('nothing-listening-on-port', () => {
  it('passes when nginx listens on the port on all addresses', () => {
    expect(findings(nothingListeningOnPort, worldWith(healthy))).toEqual([])
  })

  it('fails when nothing listens on port 80, listing the ports that do listen', () => {
    const [f] = findings(nothingListeningOnPort, worldWith(sample('al2023-nginx-missing')))
    expect(f.key).toBe(`nothing-listening-on-port:${INSTANCE_IDS[0]}:80`)
    expect(f.confidence).toBe('certain')
    expect(f.message).toBe(
      `Port 80 (the traffic and health-check port of web-tg) is not served to the ALB on 3 of 3 checked instances (${INSTANCE_IDS.join(', ')}): nothing listens on port 80 (listening ports: 22)`,
    )
    expect(f.explains).toEqual(expect.arrayContaining([{ruleId: 'target-health-unhealthy', resource: TG_ARN}, {ruleId: 'health-path-local-failure', resource: INSTANCE_IDS[2]}]))
  })

  it('fails, as likely, when apache2 holds the port nginx is installed to serve', () => {
    const [f] = findings(nothingListeningOnPort, worldWith(sample('ubuntu2204-nginx-bad-config-apache2')))
    expect(f.confidence).toBe('likely')
    expect(f.evidence[0]).toBe(`${INSTANCE_IDS[0]}: apache2 holds port 80, not nginx`)
    expect(f.remediation.commands).toContain('sudo systemctl disable --now apache2 2>/dev/null || sudo systemctl disable --now httpd')
    expect(f.remediation.commands!.at(-1)).toContain(`'{"commands":["ss -ltnp '\\''sport = :80'\\''","systemctl status nginx --no-pager"]}'`)
  })

  it('fails when nginx listens on loopback only', () => {
    const [f] = findings(nothingListeningOnPort, worldWith(edit(healthy, {listen: ['127.0.0.1 80 nginx', '[::1] 80 nginx']})))
    expect(f.message).toContain('port 80 listens on 127.0.0.1, [::1] only, which the ALB cannot reach')
  })

  it('says nothing when the instance has neither ss nor netstat', () => {
    expect(findings(nothingListeningOnPort, worldWith(edit(sample('al2023-nginx-missing'), {'listen.tool': 'none'})))).toEqual([])
  })
})

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
