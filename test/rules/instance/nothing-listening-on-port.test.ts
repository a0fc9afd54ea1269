import {describe, expect, it} from 'vitest'

import {rule as nothingListeningOnPort} from '../../../src/rules/instance/nothing-listening-on-port.js'
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
    const [f] = findings(nothingListeningOnPort, worldWith(edit(healthy, {listen: ['127.0.0.1 80 nginx', '[::1] 80 nginx'], 'probe.code': undefined, 'probe.exit': '7'})))
    expect(f.message).toContain('port 80 listens on 127.0.0.1, [::1] only, which the ALB cannot reach')
  })

  it('says nothing when the instance has neither ss nor netstat', () => {
    expect(findings(nothingListeningOnPort, worldWith(edit(sample('al2023-nginx-missing'), {'listen.tool': 'none'})))).toEqual([])
  })
})
