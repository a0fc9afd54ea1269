/**
 * The install script, run for real by dash (what AWS-RunShellScript uses on Ubuntu) and bash, against stub
 * package managers, nginx and systemctl in a temp dir. PATH holds only the stubs and the few tools the script
 * needs, so the machine's own apt-get or systemctl can never be reached; ASG_DOCTOR_ROOT keeps every write in
 * the temp dir.
 */
import {spawnSync} from 'node:child_process'
import {chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {CONF_PATH, INSTALL_MARKER, WEB_ROOT, installScript, nginxConfig} from '../../src/ssm/install-script.js'
import {UserError} from '../../src/lib/errors.js'
import {AnalysisContext} from '../../src/analyze/context.js'
import {servablePath} from '../../src/lib/nginx-install.js'
import {rule as launchTemplateNoWebServer} from '../../src/rules/health/launch-template-no-web-server.js'
import {TG_ARN, healthyWorld} from '../fixtures/world.js'

const TOOLS = ['mktemp', 'cmp', 'cp', 'mv', 'chmod', 'rm', 'mkdir', 'dirname', 'tail', 'grep', 'sed', 'readlink', 'base64', 'cat', 'touch']

function which(cmd: string): string {
  const r = spawnSync('/bin/sh', ['-c', `command -v ${cmd}`], {encoding: 'utf8'})
  return r.stdout.trim()
}

interface Sandbox {
  dir: string
  root: string
  bin: string
  state: string
  calls(): string[]
  run(lines: string[], shell: string): {status: number | null; stdout: string; stderr: string}
  addStub(name: string, body: string): void
}

/** nginx appears on the PATH when a package manager "installs" it. */
const NGINX_STUB = `#!/bin/sh
echo "nginx $*" >>"$STATE/calls"
if [ "$1" = "-t" ] && [ -f "$STATE/nginx-t-fails" ]; then echo 'nginx: [emerg] a duplicate default server for 0.0.0.0:80'; exit 1; fi
exit 0
`
const installer = (name: string, alsoStart: boolean) => `#!/bin/sh
echo "${name} $*" >>"$STATE/calls"
case "$*" in *install*) cp "$STATE/nginx-stub" "$STUB_BIN/nginx"; chmod 755 "$STUB_BIN/nginx";${alsoStart ? ' touch "$STATE/enabled" "$STATE/active";' : ''} esac
exit 0
`
const SYSTEMCTL_STUB = `#!/bin/sh
echo "systemctl $*" >>"$STATE/calls"
case "$1" in
  is-enabled) [ -f "$STATE/enabled" ] ;;
  is-active) [ -f "$STATE/active" ] ;;
  enable) touch "$STATE/enabled" ;;
  start) touch "$STATE/active" ;;
  reload|status) exit 0 ;;
  *) exit 1 ;;
esac
`

function sandbox(): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'asg-doctor-install-'))
  const root = join(dir, 'root')
  const bin = join(dir, 'bin')
  const state = join(dir, 'state')
  const tools = join(dir, 'tools')
  for (const d of [root, bin, state, tools, join(dir, 'tmp')]) mkdirSync(d, {recursive: true})
  for (const t of TOOLS) symlinkSync(which(t), join(tools, t))
  writeFileSync(join(state, 'nginx-stub'), NGINX_STUB)
  writeFileSync(join(state, 'calls'), '')
  const box: Sandbox = {
    dir,
    root,
    bin,
    state,
    calls: () => readFileSync(join(state, 'calls'), 'utf8').split('\n').filter(Boolean),
    addStub(name, body) {
      writeFileSync(join(bin, name), body)
      chmodSync(join(bin, name), 0o755)
    },
    run(lines, shell) {
      const file = join(dir, 'script.sh')
      writeFileSync(file, lines.join('\n') + '\n')
      const r = spawnSync(shell, [file], {
        cwd: dir,
        encoding: 'utf8',
        env: {PATH: `${bin}:${tools}`, ASG_DOCTOR_ROOT: root, STATE: state, STUB_BIN: bin, TMPDIR: join(dir, 'tmp')},
      })
      return {status: r.status, stdout: r.stdout, stderr: r.stderr}
    },
  }
  box.addStub('systemctl', SYSTEMCTL_STUB)
  return box
}

const lastLine = (s: string) => s.trim().split('\n').at(-1)

for (const shell of ['/bin/sh', '/bin/bash']) {
  describe(`install script under ${shell}`, () => {
    let box: Sandbox
    beforeEach(() => {
      box = sandbox()
    })
    afterEach(() => rmSync(box.dir, {recursive: true, force: true}))

    it('installs nginx with dnf, writes config and index, enables and starts it', () => {
      box.addStub('dnf', installer('dnf', false))
      const r = box.run(installScript({port: 80, healthCheckPath: '/health'}), shell)
      expect(r.status, r.stdout + r.stderr).toBe(0)
      expect(lastLine(r.stdout)).toBe('asg-doctor-result: changed=installed,config,index,enabled,started')
      const conf = readFileSync(join(box.root, CONF_PATH), 'utf8')
      expect(conf).toContain('listen 80 default_server;')
      expect(conf).toContain('location = "/health" {')
      expect(conf).toContain('try_files $uri $uri/ =404;')
      expect(readFileSync(join(box.root, WEB_ROOT, 'index.html'), 'utf8')).toContain('nginx is up')
      expect(box.calls()).toEqual(['dnf install -y nginx', 'nginx -t', 'systemctl is-enabled --quiet nginx', 'systemctl enable nginx', 'systemctl is-active --quiet nginx', 'systemctl start nginx'])
    })

    it('changes nothing on a second run and says so', () => {
      box.addStub('dnf', installer('dnf', false))
      const lines = installScript({port: 80, healthCheckPath: '/health'})
      expect(box.run(lines, shell).status).toBe(0)
      writeFileSync(join(box.state, 'calls'), '')
      const r = box.run(lines, shell)
      expect(r.status).toBe(0)
      expect(r.stdout).toContain('asg-doctor: nginx is already installed')
      expect(lastLine(r.stdout)).toBe('asg-doctor-result: unchanged')
      expect(box.calls()).toEqual(['nginx -t', 'systemctl is-enabled --quiet nginx', 'systemctl is-active --quiet nginx'])
    })

    it('installs with apt-get and takes default_server off Ubuntu\'s default site, then reloads', () => {
      box.addStub('apt-get', installer('apt-get', true))
      const avail = join(box.root, 'etc/nginx/sites-available')
      const enabled = join(box.root, 'etc/nginx/sites-enabled')
      mkdirSync(avail, {recursive: true})
      mkdirSync(enabled, {recursive: true})
      writeFileSync(join(avail, 'default'), 'server {\n\tlisten 80 default_server;\n\tlisten [::]:80 default_server;\n\tlisten 8080 default_server;\n\troot /var/www/html;\n}\n')
      symlinkSync(join(avail, 'default'), join(enabled, 'default'))
      const r = box.run(installScript({port: 80, healthCheckPath: '/'}), shell)
      expect(r.status, r.stdout + r.stderr).toBe(0)
      expect(lastLine(r.stdout)).toBe('asg-doctor-result: changed=installed,default-server,config,index,reloaded')
      expect(readFileSync(join(avail, 'default'), 'utf8')).toBe('server {\n\tlisten 80;\n\tlisten [::]:80;\n\tlisten 8080 default_server;\n\troot /var/www/html;\n}\n')
      expect(lstatSync(join(enabled, 'default')).isSymbolicLink()).toBe(true)
      expect(box.calls()).toContain('apt-get install -y -q nginx')
      expect(box.calls()).toContain('systemctl reload nginx')
      expect(box.calls()).not.toContain('systemctl start nginx')
      // A health-check path of / is served by the index page itself.
      expect(readFileSync(join(box.root, CONF_PATH), 'utf8')).not.toContain('location =')
      // The second run finds nothing to change, including the default site.
      expect(lastLine(box.run(installScript({port: 80, healthCheckPath: '/'}), shell).stdout)).toBe('asg-doctor-result: unchanged')
    })

    it('fails without starting nginx when nginx -t rejects the config, and undoes its changes', () => {
      box.addStub('dnf', installer('dnf', false))
      writeFileSync(join(box.state, 'nginx-t-fails'), '')
      const conf = join(box.root, 'etc/nginx/nginx.conf')
      mkdirSync(join(box.root, 'etc/nginx'), {recursive: true})
      const original = 'http {\n  server {\n    listen       80 default_server;\n  }\n}\n'
      writeFileSync(conf, original)
      const r = box.run(installScript({port: 80, healthCheckPath: '/health'}), shell)
      expect(r.status).toBe(1)
      expect(r.stdout).toContain('a duplicate default server')
      expect(lastLine(r.stdout)).toBe('asg-doctor-result: failed=config-test changed=installed,default-server,config,index')
      expect(box.calls().filter((c) => c.startsWith('systemctl'))).toEqual([])
      expect(existsSync(join(box.root, CONF_PATH))).toBe(false)
      expect(readFileSync(conf, 'utf8')).toBe(original)
    })

    it('fails clearly when no package manager is found', () => {
      const r = box.run(installScript({port: 80, healthCheckPath: '/health'}), shell)
      expect(r.status).toBe(1)
      expect(lastLine(r.stdout)).toBe('asg-doctor-result: failed=install')
      expect(r.stdout).toContain('no supported package manager (dnf, yum, apt-get) was found')
    })

    it('runs as the user data the launch template rule proposes: the same script, the same result', () => {
      box.addStub('dnf', installer('dnf', false))
      const w = healthyWorld()
      w.ec2.LaunchTemplateVersions[0].LaunchTemplateData!.UserData = undefined
      Object.assign(w.elbv2.TargetGroups[0], {Port: 8080, HealthCheckPath: '/status/ready.json?full=1'})
      w.elbv2.TargetHealthDescriptions[TG_ARN] = w.elbv2.TargetHealthDescriptions[TG_ARN].map((d) => ({...d, TargetHealth: {State: 'unhealthy', Reason: 'Target.FailedHealthChecks'}}))
      const out = launchTemplateNoWebServer.check(new AnalysisContext(w))
      const create = (Array.isArray(out) ? out : [])[0]?.remediation.commands?.[0] ?? ''
      const userData = Buffer.from(JSON.parse(/'(\{.*\})'/.exec(create)![1]).UserData, 'base64').toString('utf8')
      expect(userData.split('\n')).toEqual(installScript({port: 8080, healthCheckPath: '/status/ready.json?full=1'}))
      expect(spawnSync(shell, ['-n', '-c', userData]).status).toBe(0)
      const r = box.run(userData.split('\n'), shell)
      expect(r.status, r.stdout + r.stderr).toBe(0)
      expect(lastLine(r.stdout)).toBe('asg-doctor-result: changed=installed,config,index,enabled,started')
      expect(readFileSync(join(box.root, CONF_PATH), 'utf8')).toContain('listen 8080 default_server;')
      expect(readFileSync(join(box.root, CONF_PATH), 'utf8')).toContain('location = "/status/ready.json" {')
    })

    it('delivers a hostile index page byte for byte and never runs it', () => {
      box.addStub('dnf', installer('dnf', false))
      const hostile = Buffer.concat([
        // rm -rf aimed at a canary directory, not at /: a regression must not be able to hurt the machine.
        Buffer.from("$(rm -rf canary) `touch pwned` $(touch pwned2) '\"' \\ ${HOME} ASG_DOCTOR_CONF\n'; touch pwned3; '\n"),
        Buffer.from([0x00, 0xff, 0xfe, 0x0a]),
      ])
      mkdirSync(join(box.dir, 'canary'))
      const r = box.run(installScript({port: 8080, healthCheckPath: '/health', indexHtml: hostile}), shell)
      expect(r.status, r.stdout + r.stderr).toBe(0)
      expect(readFileSync(join(box.root, WEB_ROOT, 'index.html')).equals(hostile)).toBe(true)
      for (const f of ['pwned', 'pwned2', 'pwned3']) expect(existsSync(join(box.dir, f))).toBe(false)
      expect(existsSync(join(box.dir, 'canary'))).toBe(true)
    })
  })
}

describe('installScript input checks', () => {
  it('starts with the marker persist looks for', () => {
    expect(installScript({port: 80, healthCheckPath: '/health'})[1]).toBe(`${INSTALL_MARKER} v1: port(s) 80, health check /health`)
  })

  it.each(['health', '/a;b', "/h'$(x)", '/h"', '/a b', '/a\nb', '/$x', '/`id`', '/a\tb', '/a\u0000', '/é', `/${'a'.repeat(1024)}`, ''])('refuses the health-check path %j', (path) => {
    expect(() => installScript({port: 80, healthCheckPath: path})).toThrow(UserError)
    expect(servablePath(path)).toBe(false)
  })

  it.each(['/', '/health', '/a/b.c-d_e~f', '/hc?x=1&y=%20', `/${'a'.repeat(1023)}`])('serves the health-check path %j', (path) => {
    expect(servablePath(path)).toBe(true)
    expect(installScript({port: 80, healthCheckPath: path})[1]).toBe(`${INSTALL_MARKER} v1: port(s) 80, health check ${path}`)
  })

  it('accepts a query string but matches only the path', () => {
    expect(installScript({port: 80, healthCheckPath: '/health?full=1'}).join('\n')).toContain('location = "/health" {')
  })

  it.each([0, 65536, 80.5])('refuses the port %s', (port) => {
    expect(() => installScript({port, healthCheckPath: '/'})).toThrow(/is not a TCP port/)
  })

  it('refuses an index page over the size limit', () => {
    expect(() => installScript({port: 80, healthCheckPath: '/', indexHtml: 'x'.repeat(13 * 1024)})).toThrow(/at most 12288/)
  })

  it('listens on the health-check port too when it differs', () => {
    const conf = nginxConfig([80, 8081], '/health')
    expect(conf).toContain('listen 80 default_server;\n    listen 8081 default_server;')
    expect(installScript({port: 80, healthCheckPort: 8081, healthCheckPath: '/health'})).toContain("PORT_RE='(80|8081)'")
  })
})

const shellcheck = which('shellcheck')
describe(shellcheck ? 'shellcheck' : 'shellcheck (not installed on this machine: skipped)', () => {
  it.skipIf(!shellcheck)('passes shellcheck as POSIX sh', () => {
    const dir = mkdtempSync(join(tmpdir(), 'asg-doctor-sc-'))
    const file = join(dir, 'install.sh')
    writeFileSync(file, installScript({port: 80, healthCheckPath: '/health'}).join('\n') + '\n')
    const r = spawnSync(shellcheck, ['-s', 'sh', file], {encoding: 'utf8'})
    rmSync(dir, {recursive: true, force: true})
    expect(r.stdout).toBe('')
    expect(r.status).toBe(0)
  })
})
