import {describe, expect, it} from 'vitest'

import {rule as nginxNotRunning} from '../../../src/rules/instance/nginx-not-running.js'
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
    const noSystemd = edit(healthy, {systemd: '0', 'nginx.active': undefined, 'nginx.enabled': undefined, 'nginx.procs': '0', listen: [], 'probe.code': undefined, 'probe.exit': '7'})
    const [f] = findings(nginxNotRunning, worldWith(noSystemd))
    expect(f.message).toContain('(no process) on 3 of 3')
    expect([f.severity, f.confidence]).toEqual(['error', 'certain'])
    expect(findings(nginxNotRunning, worldWith(edit(noSystemd, {'nginx.procs': '3'})))).toEqual([])
  })

  it('never contradicts stronger evidence: no process counted, but nginx listens, the health request answers 200 and the target is healthy', () => {
    // pgrep missing on the host: the process count says 0 while everything else says nginx serves.
    const noProcessProbe = edit(healthy, {systemd: '0', 'nginx.active': undefined, 'nginx.enabled': undefined, 'nginx.procs': '0'})
    expect(findings(nginxNotRunning, worldWith(noProcessProbe))).toEqual([])
    // The same with the socket's process unnamed: the healthy target and the 200 still win.
    expect(findings(nginxNotRunning, worldWith(edit(noProcessProbe, {listen: ['0.0.0.0 80']})))).toEqual([])
  })

  it('says it less surely when an unnamed process still listens on the port but the health check fails', () => {
    const unclear = edit(healthy, {systemd: '0', 'nginx.active': undefined, 'nginx.enabled': undefined, 'nginx.procs': '0', listen: ['0.0.0.0 80'], 'probe.code': '502'})
    const [f] = findings(nginxNotRunning, worldWith(unclear))
    expect([f.severity, f.confidence]).toEqual(['warning', 'possible'])
    expect(f.message).toContain('something still listens on port 80')
  })

  it('is not applicable without on-instance results', () => {
    expect(outcome(nginxNotRunning, healthyWorld())).toEqual({notApplicable: 'on-instance checks were not run (--no-ssm or SSM unreachable)'})
  })
})
