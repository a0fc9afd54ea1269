/** nginx-not-running, nginx-not-enabled, nginx-config-invalid: the state of the nginx service itself. */
import {describe, expect, it} from 'vitest'

import {nginxConfigInvalid} from '../../../src/rules/instance/nginx-config-invalid.js'
import {nginxNotEnabled} from '../../../src/rules/instance/nginx-not-enabled.js'
import {nginxNotRunning} from '../../../src/rules/instance/nginx-not-running.js'
import {INSTANCE_IDS, TG_ARN, healthyWorld} from '../../fixtures/world.js'
import {edit, findings, outcome, sample, worldWith} from './helpers.js'

const healthy = sample('al2023-healthy')
const ubuntu = sample('ubuntu2204-nginx-bad-config-apache2')

describe('nginx-not-running', () => {
  it('passes when nginx is active, and does not fire when nginx is not installed at all', () => {
    expect(findings(nginxNotRunning, worldWith(healthy))).toEqual([])
    expect(findings(nginxNotRunning, worldWith(sample('al2023-nginx-missing')))).toEqual([])
  })

  it('fails when the unit is failed, with the status line and the last error-log line as evidence', () => {
    const [f] = findings(nginxNotRunning, worldWith([healthy, ubuntu, healthy]))
    expect(f.message).toBe(`nginx is installed but not running (failed) on 1 of 3 checked instances of web-tg (${INSTANCE_IDS[1]})`)
    expect(f.evidence[0]).toBe(
      `${INSTANCE_IDS[1]}: Active: failed (Result: exit-code) since Mon 2026-11-23 08:02:11 UTC; 1 day 6h ago; last error.log line: 2026/11/23 08:02:11 [emerg] 2231#2231: unknown directive "server_nme" in /etc/nginx/sites-enabled/default:24`,
    )
    expect(f.explains).toEqual(expect.arrayContaining([{ruleId: 'target-health-unhealthy', resource: TG_ARN}, {ruleId: 'nothing-listening-on-port', resource: INSTANCE_IDS[1]}]))
    expect(f.remediation.commands).toContain('sudo journalctl -u nginx -n 50 --no-pager')
  })

  it('without systemd, goes by the nginx process count', () => {
    const noSystemd = edit(healthy, {systemd: '0', 'nginx.active': undefined, 'nginx.enabled': undefined, 'nginx.procs': '0'})
    expect(findings(nginxNotRunning, worldWith(noSystemd))[0].message).toContain('(no process) on 3 of 3')
    expect(findings(nginxNotRunning, worldWith(edit(noSystemd, {'nginx.procs': '3'})))).toEqual([])
  })

  it('is not applicable without on-instance results', () => {
    expect(outcome(nginxNotRunning, healthyWorld())).toEqual({notApplicable: 'on-instance checks were not run (--no-ssm or SSM unreachable)'})
  })
})

describe('nginx-not-enabled', () => {
  it('passes when nginx is enabled', () => {
    expect(findings(nginxNotEnabled, worldWith(healthy))).toEqual([])
  })

  it('fails when nginx is disabled (it will not survive a reboot)', () => {
    const [f] = findings(nginxNotEnabled, worldWith(edit(healthy, {'nginx.enabled': 'disabled'})))
    expect(f.severity).toBe('warning')
    expect(f.message).toBe(`nginx will not start at boot (systemctl is-enabled: disabled) on 3 of 3 checked instances of web-tg (${INSTANCE_IDS.join(', ')})`)
    expect(f.remediation.commands![0]).toBe('sudo systemctl enable --now nginx')
  })

  it('unmasks a masked unit first', () => {
    const [f] = findings(nginxNotEnabled, worldWith(edit(healthy, {'nginx.enabled': 'masked'})))
    expect(f.remediation.commands!.slice(0, 2)).toEqual(['sudo systemctl unmask nginx', 'sudo systemctl enable --now nginx'])
  })
})

describe('nginx-config-invalid', () => {
  it('passes when nginx -t succeeds', () => {
    expect(findings(nginxConfigInvalid, worldWith(healthy))).toEqual([])
  })

  it('fails with the emerg line of nginx -t, and explains nginx-not-running on the same instances', () => {
    const [f] = findings(nginxConfigInvalid, worldWith(ubuntu))
    expect(f.message).toBe(
      `nginx -t fails on 3 of 3 checked instances of web-tg (${INSTANCE_IDS.join(', ')}): nginx: [emerg] unknown directive "server_nme" in /etc/nginx/sites-enabled/default:24`,
    )
    expect(f.explains).toEqual(INSTANCE_IDS.map((resource) => ({ruleId: 'nginx-not-running', resource})))
  })
})
