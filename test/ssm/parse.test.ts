import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'

import {nginxSeconds, parseDiagnosticOutput} from '../../src/ssm/parse.js'

const fixture = (name: string) => readFileSync(new URL(`../fixtures/on-instance/${name}`, import.meta.url), 'utf8')

describe('parseDiagnosticOutput on sample outputs', () => {
  it('Amazon Linux 2023, nginx missing: not installed, nothing on port 80, the request refused', () => {
    const p = parseDiagnosticOutput(fixture('al2023-nginx-missing.txt'))!
    expect(p).toEqual({
      version: 'ASGD1',
      complete: true,
      privateIp: '10.0.10.11',
      os: {id: 'amzn', versionId: '2023', prettyName: 'Amazon Linux 2023.6.20241121'},
      packageManager: 'dnf',
      systemd: true,
      nginx: {installed: false, active: 'inactive', statusLine: 'Unit nginx.service could not be found.'},
      listenTool: 'ss',
      listeners: [],
      allPorts: [22],
      healthProbe: {tool: 'curl', url: 'http://10.0.10.11:80/health', error: 'connection refused (nothing listens on the port, or a firewall rejects it)'},
      errorLog: [],
      diskUsePercent: 23,
      warnings: [],
    })
  })

  it('Amazon Linux 2023, healthy: nginx active, enabled, config ok, keep-alive 65 s, 200 on /health', () => {
    const p = parseDiagnosticOutput(fixture('al2023-healthy.txt'))!
    expect(p.nginx).toEqual({
      installed: true,
      binary: '/usr/sbin/nginx',
      version: '1.24.0',
      active: 'active',
      enabled: 'enabled',
      statusLine: 'Active: active (running) since Fri 2026-11-20 09:16:02 UTC; 4 days ago',
      configTest: {ok: true, message: 'nginx: configuration file /etc/nginx/nginx.conf test is successful'},
      keepaliveTimeoutSeconds: 65,
      keepaliveRaw: ['65'],
    })
    expect(p.listeners.map((l) => `${l.address}:${l.port} ${l.process}`)).toEqual(['0.0.0.0:80 nginx', '[::]:80 nginx'])
    expect(p.healthProbe?.statusCode).toBe(200)
    expect(p.warnings).toEqual([])
  })

  it('Ubuntu 22.04: nginx failed on a bad config, apache2 on port 80 answering 404', () => {
    const p = parseDiagnosticOutput(fixture('ubuntu2204-nginx-bad-config-apache2.txt'))!
    expect(p.os).toEqual({id: 'ubuntu', versionId: '22.04', prettyName: 'Ubuntu 22.04.5 LTS'})
    expect(p.packageManager).toBe('apt')
    expect(p.nginx).toMatchObject({installed: true, version: '1.18.0 (Ubuntu)', active: 'failed', enabled: 'enabled'})
    expect(p.nginx.configTest).toEqual({ok: false, message: 'nginx: [emerg] unknown directive "server_nme" in /etc/nginx/sites-enabled/default:24'})
    expect(p.nginx.keepaliveTimeoutSeconds).toBeUndefined()
    expect(p.listeners).toEqual([{address: '*', port: 80, process: 'apache2'}])
    expect(p.allPorts).toEqual([22, 53, 80])
    expect(p.healthProbe).toEqual({tool: 'curl', url: 'http://10.0.11.12:80/health', statusCode: 404})
    expect(p.errorLog[0]).toContain('bind() to 0.0.0.0:80 failed (98: Address already in use)')
    expect(p.diskUsePercent).toBe(41)
  })

  it('every sample stays far under the 2,500 characters ListCommandInvocations returns', () => {
    for (const f of ['al2023-nginx-missing.txt', 'al2023-healthy.txt', 'ubuntu2204-nginx-bad-config-apache2.txt']) {
      expect(fixture(f).length).toBeLessThan(1000)
    }
  })
})

describe('parseDiagnosticOutput, defensively', () => {
  it('returns undefined for output without the header', () => {
    expect(parseDiagnosticOutput('')).toBeUndefined()
    expect(parseDiagnosticOutput('sh: 1: syntax error\n')).toBeUndefined()
  })

  it('keeps the first value of a key, and reports repeats, unknown keys, bad numbers and text before the header', () => {
    const p = parseDiagnosticOutput('noise\nASGD1\nnginx.bin=/usr/sbin/nginx\nnginx.active=failed\nnginx.active=active\nweird=1\ndisk.use=9x\nlisten=0.0.0.0 http nginx\n')!
    expect(p.nginx.active).toBe('failed')
    expect(p.complete).toBe(false)
    expect(p.diskUsePercent).toBeUndefined()
    expect(p.listeners).toEqual([])
    expect(p.warnings).toEqual([
      'before header: noise',
      'unexpected line: nginx.active=active',
      'unexpected line: weird=1',
      'listen line not understood: 0.0.0.0 http nginx',
      'disk.use is not a number: 9x',
    ])
  })

  it('takes the shortest keep-alive, in nginx units, and nginx\'s default 75 s when the config sets none', () => {
    const base = 'ASGD1\nnginx.bin=/usr/sbin/nginx\n'
    expect(parseDiagnosticOutput(base + 'nginx.keepalive=65,10s 5s,1m\n')!.nginx.keepaliveTimeoutSeconds).toBe(10)
    expect(parseDiagnosticOutput(base + 'nginx.keepalive=\n')!.nginx.keepaliveTimeoutSeconds).toBe(75)
    expect(parseDiagnosticOutput(base)!.nginx.keepaliveTimeoutSeconds).toBeUndefined()
    expect(parseDiagnosticOutput(base + 'nginx.keepalive=abc\n')!.warnings).toEqual(['keepalive_timeout not understood: abc'])
  })

  it('turns curl exit codes into reasons', () => {
    const probe = (code: string, exit: string) => parseDiagnosticOutput(`ASGD1\nprobe.tool=curl\nprobe.code=${code}\nprobe.exit=${exit}\n`)!.healthProbe
    expect(probe('000', '28')?.error).toBe('timed out')
    expect(probe('000', '52')?.error).toBe('empty reply from server')
    expect(probe('000', '99')?.error).toBe('curl exited with 99')
    expect(probe('301', '0')).toEqual({tool: 'curl', statusCode: 301})
  })
})

describe('nginxSeconds', () => {
  it('reads nginx durations', () => {
    expect(nginxSeconds('65')).toBe(65)
    expect(nginxSeconds('75s')).toBe(75)
    expect(nginxSeconds('1m30s')).toBe(90)
    expect(nginxSeconds('500ms')).toBe(0.5)
    expect(nginxSeconds('1h')).toBe(3600)
    expect(nginxSeconds('10x')).toBeUndefined()
  })
})
