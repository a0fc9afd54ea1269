/**
 * Runs the diagnostic script for real, with bash and with dash (Ubuntu's sh), on stub hosts (test/ssm/stub-host.ts):
 * no network, no real curl, only stub executables and a handful of real text tools on PATH.
 */
import {execFileSync} from 'node:child_process'
import {existsSync, readdirSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:http'
import type {AddressInfo} from 'node:net'
import {join} from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'

import {diagnosticScript, shQuote} from '../../src/ssm/diagnostic-script.js'
import {parseDiagnosticOutput} from '../../src/ssm/parse.js'
import {runOnStubHost, runOnStubHostAsync, SCENARIOS} from './stub-host.js'
import type {HostRun} from './stub-host.js'

const SHELLS = ['/bin/bash', ...(existsSync('/usr/bin/dash') ? ['/usr/bin/dash'] : [])]
const runs: HostRun[] = []
const run = (...args: Parameters<typeof runOnStubHost>) => {
  const r = runOnStubHost(...args)
  runs.push(r)
  return r
}
afterEach(() => {
  for (const r of runs.splice(0)) r.cleanup()
})

describe.each(SHELLS)('diagnostic script under %s', (shell) => {
  it('nginx not installed: no binary, no unit, nothing on port 80, the local request is refused', () => {
    const r = run(SCENARIOS.al2023NginxMissing, {}, shell)
    const p = parseDiagnosticOutput(r.stdout)!
    expect(p.complete).toBe(true)
    expect(p.warnings).toEqual([])
    expect(p.nginx).toEqual({installed: false, active: 'inactive', statusLine: 'Unit nginx.service could not be found.'})
    expect(p.listenTool).toBe('ss')
    expect(p.listeners).toEqual([])
    expect(p.allPorts).toEqual([22])
    expect(p.healthProbe).toEqual({tool: 'curl', url: 'http://10.0.10.11:80/health', error: expect.stringContaining('connection refused')})
    expect(p).toMatchObject({privateIp: '10.0.10.11', os: {id: 'amzn', versionId: '2023'}, packageManager: 'dnf', systemd: true, diskUsePercent: 23})
  })

  it('installed but inactive and disabled', () => {
    const p = parseDiagnosticOutput(run(SCENARIOS.al2023NginxInactive, {}, shell).stdout)!
    expect(p.nginx).toMatchObject({installed: true, version: '1.24.0', active: 'inactive', enabled: 'disabled', configTest: {ok: true}})
    expect(p.nginx.keepaliveTimeoutSeconds).toBe(65)
    expect(p.listeners).toEqual([])
    expect(p.healthProbe?.statusCode).toBeUndefined()
  })

  it('healthy: nginx active and enabled, listening on 80, /health answers 200 to a request with Host: <private IP>', () => {
    const r = run(SCENARIOS.al2023Healthy, {}, shell)
    const p = parseDiagnosticOutput(r.stdout)!
    expect(p.nginx).toMatchObject({installed: true, active: 'active', enabled: 'enabled', configTest: {ok: true}, keepaliveTimeoutSeconds: 65, keepaliveRaw: ['65']})
    expect(p.listeners).toEqual([
      {address: '0.0.0.0', port: 80, process: 'nginx'},
      {address: '[::]', port: 80, process: 'nginx'},
    ])
    expect(p.healthProbe).toEqual({tool: 'curl', url: 'http://10.0.10.11:80/health', statusCode: 200})
    expect(p.errorLog).toEqual(['2026/11/20 09:16:02 [notice] 2604#2604: using inherited sockets from "6;7;"'])
    // IMDSv2: a token first, then the address with it, then the probe with the ALB's Host header.
    expect(r.curlCalls[0]).toEqual(expect.arrayContaining(['-X', 'PUT', 'http://169.254.169.254/latest/api/token']))
    expect(r.curlCalls[1]).toEqual(expect.arrayContaining(['X-aws-ec2-metadata-token: AQAEAtoken==', 'http://169.254.169.254/latest/meta-data/local-ipv4']))
    expect(r.curlCalls[2]).toEqual(expect.arrayContaining(['-H', 'Host: 10.0.10.11', 'http://10.0.10.11:80/health']))
    expect(r.stdout.length).toBeLessThan(1000)
  })

  it('Ubuntu: nginx failed on a bad config while apache2 holds port 80 and answers 404', () => {
    const p = parseDiagnosticOutput(run(SCENARIOS.ubuntu2204BadConfigApache, {}, shell).stdout)!
    expect(p.nginx.configTest).toEqual({ok: false, message: 'nginx: [emerg] unknown directive "server_nme" in /etc/nginx/sites-enabled/default:24'})
    expect(p.nginx.keepaliveTimeoutSeconds).toBeUndefined()
    expect(p.listeners).toEqual([{address: '*', port: 80, process: 'apache2'}])
    expect(p.healthProbe?.statusCode).toBe(404)
    expect(p.packageManager).toBe('apt')
    expect(p.errorLog).toHaveLength(4)
  })

  it('quotes a hostile health-check path: quotes, $(), backticks and spaces reach curl as one literal argument', () => {
    const path = `/he'al"th $(touch PWNED1) \`touch PWNED2\` x;touch PWNED3`
    const r = run(SCENARIOS.al2023Healthy, {healthCheckPath: path}, shell)
    expect(r.curlCalls[2].at(-1)).toBe(`http://10.0.10.11:80${path}`)
    expect(readdirSync(r.dir).filter((f) => f.startsWith('PWNED'))).toEqual([])
    expect(parseDiagnosticOutput(r.stdout)!.warnings).toEqual([])
  })

  it('a hostile error-log line cannot forge a key: control characters dropped, each line cut to 120 characters', () => {
    const evil = ['nginx.test=ok\rnginx.active=active', `\x1b[31mred\x1b[0m ${'A'.repeat(400)}`, 'end=1'].join('\n') + '\n'
    const p = parseDiagnosticOutput(run({...SCENARIOS.ubuntu2204BadConfigApache, errorLog: evil}, {}, shell).stdout)!
    expect(p.nginx.configTest?.ok).toBe(false)
    expect(p.nginx.active).toBe('failed')
    expect(p.errorLog[0]).toBe('nginx.test=ok nginx.active=active')
    expect(p.errorLog[1]).toMatch(/^\[31mred\[0m A+$/)
    expect(p.errorLog[1]).toHaveLength(120)
    expect(p.errorLog[2]).toBe('end=1')
    expect(p.warnings).toEqual([])
  })

  it('writes nothing: the host root is the same after the run', () => {
    const list = (dir: string): string[] =>
      readdirSync(dir, {withFileTypes: true}).flatMap((e) => (e.isDirectory() ? [e.name + '/', ...list(join(dir, e.name)).map((c) => `${e.name}/${c}`)] : [e.name]))
    const r = run(SCENARIOS.ubuntu2204BadConfigApache, {}, shell)
    expect(list(join(r.dir, 'root'))).toEqual([
      'etc/', 'etc/os-release', 'run/', 'run/systemd/', 'run/systemd/system/', 'var/', 'var/log/', 'var/log/nginx/', 'var/log/nginx/error.log',
    ])
    expect(readdirSync(r.dir).sort()).toEqual(['bin', 'curl-calls', 'data', 'root', 'script.sh', 'tools'])
  })

  it('falls back to wget for the request and hostname -I for the address, and says when it cannot list sockets', () => {
    const {curl: _curl, ...noCurl} = SCENARIOS.al2023Healthy
    const r = run({...noCurl, curl: false, wget: {code: '404'}, hostnameIp: '10.0.12.13', ss: false}, {}, shell)
    const p = parseDiagnosticOutput(r.stdout)!
    expect(p.privateIp).toBe('10.0.12.13')
    expect(p.healthProbe).toEqual({tool: 'wget', url: 'http://10.0.12.13:80/health', statusCode: 404})
    expect(p.listenTool).toBeUndefined()
    expect(p.listeners).toEqual([])
  })
})

describe('diagnostic script, bash /dev/tcp fallback', () => {
  it('sends the request with bash when neither curl nor wget exists', async () => {
    const seen: {url?: string; host?: string}[] = []
    const server = createServer((req, res) => {
      seen.push({url: req.url, host: req.headers.host})
      res.writeHead(418).end()
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const port = (server.address() as AddressInfo).port
    try {
      const {curl: _curl, ...noCurl} = SCENARIOS.al2023Healthy
      const r = await runOnStubHostAsync({...noCurl, curl: false, hostnameIp: '127.0.0.1', extraTools: ['bash']}, {healthCheckPort: port, healthCheckPath: '/hc?x=1'})
      runs.push(r)
      const p = parseDiagnosticOutput(r.stdout)!
      expect(p.healthProbe).toEqual({tool: 'bash', url: `http://127.0.0.1:${port}/hc?x=1`, statusCode: 418})
      expect(seen).toEqual([{url: '/hc?x=1', host: '127.0.0.1'}])
    } finally {
      server.close()
    }
  })
})

describe('diagnosticScript', () => {
  const opts = {targetPort: 80, healthCheckPort: 8080, healthCheckPath: '/health', healthCheckProtocol: 'HTTPS'}

  it('fills every placeholder, and sends https with the given ports', () => {
    const text = diagnosticScript(opts).join('\n')
    expect(text).not.toMatch(/@@[A-Z]+@@/)
    expect(text).toContain('TPORT=80\nHPORT=8080\nHPATH=\'/health\'\nHSCHEME=https\n')
    expect(diagnosticScript({...opts, healthCheckPath: 'ping'}).join('\n')).toContain("HPATH='/ping'")
  })

  it('refuses ports and protocols it cannot put in a script', () => {
    expect(() => diagnosticScript({...opts, targetPort: 0})).toThrow('targetPort must be a port number')
    expect(() => diagnosticScript({...opts, healthCheckPort: 80.5})).toThrow('healthCheckPort')
    expect(() => diagnosticScript({...opts, healthCheckProtocol: 'TCP'})).toThrow('HTTP or HTTPS')
  })

  it('is read-only: every redirection goes to /dev/null or a file descriptor, and it installs or restarts nothing', () => {
    const text = diagnosticScript(opts).join('\n')
    const targets = [...text.matchAll(/(?<![0-9=<>!-])>{1,2}(?!=)\s*([^\s&|;)'"]+)/g)].map((m) => m[1])
    expect(new Set(targets)).toEqual(new Set(['/dev/null']))
    expect(text).not.toMatch(/\b(install|restart|reload|rm|mv|tee|mkdir|touch)\b/)
    expect(text).not.toMatch(/systemctl (start|stop|enable|disable)/)
  })

  it('shQuote survives the shell: the value comes back byte for byte', () => {
    const value = `it's "$(x)" \`y\` $HOME \\ ;&|`
    expect(execFileSync('/bin/sh', ['-c', `printf '%s' ${shQuote(value)}`], {env: {}}).toString()).toBe(value)
  })

  it('stays well under 2,500 characters in the worst case: long messages, five long log lines, five listeners', () => {
    const long = 'x'.repeat(1000)
    const scenario = {
      ...SCENARIOS.ubuntu2204BadConfigApache,
      unit: {active: long, enabled: long, statusLine: `Active: ${long}`},
      nginx: {...SCENARIOS.ubuntu2204BadConfigApache.nginx, version: long, testOutput: `nginx: [emerg] ${long}\n`},
      errorLog: Array.from({length: 20}, () => long).join('\n') + '\n',
      ssLines: Array.from({length: 12}, (_, i) => `LISTEN 0 511 10.0.0.${i}:80 0.0.0.0:* users:(("${'p'.repeat(200)}",pid=1,fd=4))`),
    }
    const r = run(scenario, {healthCheckPath: '/' + 'h'.repeat(200)})
    expect(r.stdout.length).toBeLessThan(2300)
  })

  it('passes shellcheck as POSIX sh', (ctx) => {
    let shellcheck = ''
    try {
      shellcheck = execFileSync('/bin/sh', ['-c', 'command -v shellcheck']).toString().trim()
    } catch {
      ctx.skip('shellcheck is not installed (apt-get install -y shellcheck)')
    }
    const file = join(run(SCENARIOS.al2023Healthy).dir, 'lint.sh')
    writeFileSync(file, diagnosticScript(opts).join('\n') + '\n')
    expect(execFileSync(shellcheck, ['-s', 'sh', '-f', 'gcc', file]).toString()).toBe('')
  })
})
