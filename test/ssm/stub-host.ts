/**
 * A fake instance for running the diagnostic script for real: a temp dir holding a root (/etc/os-release,
 * /run/systemd/system, the nginx error log) and a bin dir of stub executables (systemctl, nginx, ss, curl, wget,
 * df, hostname), plus links to the few real text tools the script uses. PATH holds only those two dirs, so no
 * real curl or network tool is ever reached: the IMDS call and the health-check request hit the curl stub.
 */
import {execFile, execFileSync} from 'node:child_process'
import {promisify} from 'node:util'
import {chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {diagnosticScript} from '../../src/ssm/diagnostic-script.js'
import type {DiagnosticScriptOptions} from '../../src/ssm/diagnostic-script.js'

const REAL_TOOLS = ['tr', 'cut', 'sed', 'awk', 'grep', 'head', 'tail', 'sort', 'wc', 'timeout', 'cat']

export interface HostScenario {
  osRelease?: string
  systemd?: boolean
  /** systemctl is-active / is-enabled answers, and the Active: line of systemctl status; undefined: unit not found. */
  unit?: {active: string; enabled: string; statusLine: string}
  /** nginx stub; undefined: not installed. */
  nginx?: {version: string; testOk: boolean; testOutput: string; config: string}
  errorLog?: string
  /** Lines `ss -ltnp` prints after its header. */
  ssLines?: string[]
  /** false: no ss on the host. */
  ss?: boolean
  /** The health-check answer of the curl stub: an HTTP code, or a curl exit code (7 = refused). */
  curl?: {code: string; exit: number} | false
  wget?: {code: string} | false
  imdsIp?: string
  hostnameIp?: string
  diskUse?: number
  /** A package manager to put on PATH (dnf, yum, apt-get...): a stub that only exists. */
  packageManager?: string
  /** More real tools to link onto PATH (e.g. bash, for the /dev/tcp fallback). */
  extraTools?: string[]
}

export interface HostRun {
  stdout: string
  /** The arguments each curl call got, one call per line, arguments separated by NUL. */
  curlCalls: string[][]
  dir: string
  cleanup: () => void
}

const toolPaths = new Map<string, string>()
/** Where a real tool lives on this machine, looked up once. */
function realTool(name: string): string {
  if (!toolPaths.has(name)) toolPaths.set(name, execFileSync('/bin/sh', ['-c', `command -v ${name}`]).toString().trim())
  return toolPaths.get(name)!
}

const sh = (name: string, dir: string, body: string) => {
  const path = join(dir, name)
  writeFileSync(path, `#!/bin/sh\n${body}\n`)
  chmodSync(path, 0o755)
}

/** Writes a file whose content is printed verbatim by a stub (no quoting trouble with heredocs). */
const data = (dir: string, name: string, content: string) => {
  const path = join(dir, name)
  writeFileSync(path, content)
  return path
}

interface Prepared {
  file: string
  dir: string
  env: Record<string, string>
}

function prepare(s: HostScenario, script: Partial<DiagnosticScriptOptions>): Prepared {
  const dir = mkdtempSync(join(tmpdir(), 'asgd-host-'))
  const root = join(dir, 'root')
  const bin = join(dir, 'bin')
  const tools = join(dir, 'tools')
  const d = join(dir, 'data')
  for (const p of [root, bin, tools, d, join(root, 'etc')]) mkdirSync(p, {recursive: true})
  for (const t of [...REAL_TOOLS, ...(s.extraTools ?? [])]) symlinkSync(realTool(t), join(tools, t))
  if (s.osRelease) writeFileSync(join(root, 'etc/os-release'), s.osRelease)
  if (s.systemd !== false) mkdirSync(join(root, 'run/systemd/system'), {recursive: true})
  if (s.errorLog !== undefined) {
    mkdirSync(join(root, 'var/log/nginx'), {recursive: true})
    writeFileSync(join(root, 'var/log/nginx/error.log'), s.errorLog)
  }

  const status = data(d, 'status', s.unit ? `● nginx.service - The nginx HTTP and reverse proxy server\n     Loaded: loaded\n     ${s.unit.statusLine}\n` : 'Unit nginx.service could not be found.\n')
  sh('systemctl', bin, s.unit
    ? `case "$1" in is-active) echo ${s.unit.active};; is-enabled) echo ${s.unit.enabled};; status) cat '${status}';; esac`
    : `case "$1" in is-active) echo inactive; exit 3;; is-enabled) echo 'Failed to get unit file state for nginx.service: No such file or directory' >&2; exit 1;; status) cat '${status}' >&2; exit 4;; esac`)
  if (s.nginx) {
    const test = data(d, 'nginx-t', s.nginx.testOutput)
    const conf = data(d, 'nginx-T', s.nginx.config)
    sh('nginx', bin, [
      `case "$1" in`,
      `  -v) echo 'nginx version: nginx/${s.nginx.version}' >&2;;`,
      `  -t) cat '${test}' >&2; exit ${s.nginx.testOk ? 0 : 1};;`,
      `  -T) ${s.nginx.testOk ? `cat '${test}' >&2; cat '${conf}'` : `cat '${test}' >&2; exit 1`};;`,
      `esac`,
    ].join('\n'))
  }
  if (s.ss !== false) {
    const table = data(d, 'ss', ['State  Recv-Q Send-Q Local Address:Port  Peer Address:Port Process', ...(s.ssLines ?? [])].join('\n') + '\n')
    sh('ss', bin, `cat '${table}'`)
  }
  if (s.curl) {
    sh('curl', bin, [
      `for a in "$@"; do printf '%s\\0' "$a"; done >> '${join(dir, 'curl-calls')}'; echo >> '${join(dir, 'curl-calls')}'`,
      `case "$*" in`,
      `  *169.254.169.254/latest/api/token*) printf 'AQAEAtoken==';;`,
      `  *169.254.169.254/latest/meta-data/local-ipv4*) ${s.imdsIp ? `printf '${s.imdsIp}'` : 'exit 7'};;`,
      `  *) printf '${s.curl.code}'; exit ${s.curl.exit};;`,
      `esac`,
    ].join('\n'))
  }
  if (s.wget) sh('wget', bin, `echo '  HTTP/1.1 ${s.wget.code} X' >&2; echo 'Length: 0' >&2`)
  if (s.packageManager) sh(s.packageManager, bin, 'exit 1')
  if (s.hostnameIp) sh('hostname', bin, `[ "$1" = -I ] && echo '${s.hostnameIp} fe80::1'`)
  if (s.diskUse !== undefined) {
    sh('df', bin, `echo 'Filesystem     1024-blocks    Used Available Capacity Mounted on'; echo '/dev/nvme0n1p1 8310764 ${Math.round(83107.64 * s.diskUse)} 1000 ${s.diskUse}% /'`)
  }

  const lines = diagnosticScript({targetPort: 80, healthCheckPort: 80, healthCheckPath: '/health', healthCheckProtocol: 'HTTP', ...script, rootDir: root})
  const file = data(dir, 'script.sh', lines.join('\n') + '\n')
  return {file, dir, env: {PATH: `${bin}:${tools}`}}
}

function finish(dir: string, stdout: string): HostRun {
  const callsFile = join(dir, 'curl-calls')
  const curlCalls = existsSync(callsFile)
    ? readFileSync(callsFile, 'utf8').split('\n').filter(Boolean).map((l) => l.split('\0').filter((a) => a !== ''))
    : []
  return {stdout, curlCalls, dir, cleanup: () => rmSync(dir, {recursive: true, force: true})}
}

/** Runs the script on a fresh stub host with `shell` (bash, or dash as Ubuntu's sh). */
export function runOnStubHost(s: HostScenario, script: Partial<DiagnosticScriptOptions> = {}, shell = '/bin/bash'): HostRun {
  const p = prepare(s, script)
  const stdout = execFileSync(shell, [p.file], {cwd: p.dir, env: p.env, timeout: 20_000}).toString()
  return finish(p.dir, stdout)
}

/** The same without blocking the event loop, for a test that serves the health check from this process. */
export async function runOnStubHostAsync(s: HostScenario, script: Partial<DiagnosticScriptOptions> = {}, shell = '/bin/bash'): Promise<HostRun> {
  const p = prepare(s, script)
  const {stdout} = await promisify(execFile)(shell, [p.file], {cwd: p.dir, env: p.env, timeout: 20_000})
  return finish(p.dir, stdout)
}

export const AL2023_OS_RELEASE = `NAME="Amazon Linux"
VERSION="2023"
ID="amzn"
ID_LIKE="fedora"
VERSION_ID="2023"
PLATFORM_ID="platform:al2023"
PRETTY_NAME="Amazon Linux 2023.6.20241121"
ANSI_COLOR="0;33"
`

export const UBUNTU_2204_OS_RELEASE = `PRETTY_NAME="Ubuntu 22.04.5 LTS"
NAME="Ubuntu"
VERSION_ID="22.04"
VERSION="22.04.5 LTS (Jammy Jellyfish)"
VERSION_CODENAME=jammy
ID=ubuntu
ID_LIKE=debian
`

export const NGINX_OK_TEST = `nginx: the configuration file /etc/nginx/nginx.conf syntax is ok
nginx: configuration file /etc/nginx/nginx.conf test is successful
`

/** An excerpt of `nginx -T` on Amazon Linux 2023 with the stock nginx.conf. */
export const AL2023_NGINX_T = `# configuration file /etc/nginx/nginx.conf:
user nginx;
worker_processes auto;
error_log /var/log/nginx/error.log notice;
pid /run/nginx.pid;
http {
    sendfile            on;
    tcp_nopush          on;
    keepalive_timeout   65;
    types_hash_max_size 4096;
    server {
        listen       80;
        listen       [::]:80;
        server_name  _;
        root         /usr/share/nginx/html;
    }
}
`

export const NGINX_SS_LINES = [
  'LISTEN 0      511          0.0.0.0:80        0.0.0.0:*    users:(("nginx",pid=2605,fd=6),("nginx",pid=2604,fd=6))',
  'LISTEN 0      4096         0.0.0.0:22        0.0.0.0:*    users:(("sshd",pid=1510,fd=3))',
  'LISTEN 0      511             [::]:80           [::]:*    users:(("nginx",pid=2605,fd=7),("nginx",pid=2604,fd=7))',
  'LISTEN 0      4096            [::]:22           [::]:*    users:(("sshd",pid=1510,fd=4))',
]

export const SSHD_ONLY_SS_LINES = [
  'LISTEN 0      128          0.0.0.0:22        0.0.0.0:*    users:(("sshd",pid=1502,fd=3))',
  'LISTEN 0      128             [::]:22           [::]:*    users:(("sshd",pid=1502,fd=4))',
]

const UBUNTU_BAD_CONFIG_TEST = `nginx: [emerg] unknown directive "server_nme" in /etc/nginx/sites-enabled/default:24
nginx: configuration file /etc/nginx/nginx.conf test failed
`

/** The three hosts of the issue, plus the sample outputs in test/fixtures/on-instance/ were made from them. */
export const SCENARIOS = {
  /** The reference incident: Amazon Linux 2023 whose user data never installed nginx. */
  al2023NginxMissing: {
    osRelease: AL2023_OS_RELEASE,
    packageManager: 'dnf',
    ssLines: SSHD_ONLY_SS_LINES,
    curl: {code: '000', exit: 7},
    imdsIp: '10.0.10.11',
    diskUse: 23,
  },
  /** nginx installed, then stopped and disabled. */
  al2023NginxInactive: {
    osRelease: AL2023_OS_RELEASE,
    packageManager: 'dnf',
    unit: {active: 'inactive', enabled: 'disabled', statusLine: 'Active: inactive (dead)'},
    nginx: {version: '1.24.0', testOk: true, testOutput: NGINX_OK_TEST, config: AL2023_NGINX_T},
    errorLog: '',
    ssLines: SSHD_ONLY_SS_LINES,
    curl: {code: '000', exit: 7},
    imdsIp: '10.0.10.11',
    diskUse: 23,
  },
  al2023Healthy: {
    osRelease: AL2023_OS_RELEASE,
    packageManager: 'dnf',
    unit: {active: 'active', enabled: 'enabled', statusLine: 'Active: active (running) since Fri 2026-11-20 09:16:02 UTC; 4 days ago'},
    nginx: {version: '1.24.0', testOk: true, testOutput: NGINX_OK_TEST, config: AL2023_NGINX_T},
    errorLog: '2026/11/20 09:16:02 [notice] 2604#2604: using inherited sockets from "6;7;"\n',
    ssLines: NGINX_SS_LINES,
    curl: {code: '200', exit: 0},
    imdsIp: '10.0.10.11',
    diskUse: 23,
  },
  /** Ubuntu 22.04: nginx failed on a typo in its site config, and apache2 holds port 80 (answering 404). */
  ubuntu2204BadConfigApache: {
    osRelease: UBUNTU_2204_OS_RELEASE,
    packageManager: 'apt-get',
    unit: {active: 'failed', enabled: 'enabled', statusLine: 'Active: failed (Result: exit-code) since Mon 2026-11-23 08:02:11 UTC; 1 day 6h ago'},
    nginx: {version: '1.18.0 (Ubuntu)', testOk: false, testOutput: UBUNTU_BAD_CONFIG_TEST, config: ''},
    errorLog: [
      '2026/11/23 07:58:40 [emerg] 1893#1893: bind() to 0.0.0.0:80 failed (98: Address already in use)',
      '2026/11/23 07:58:40 [emerg] 1893#1893: bind() to [::]:80 failed (98: Address already in use)',
      '2026/11/23 07:58:41 [emerg] 1893#1893: still could not bind()',
      '2026/11/23 08:02:11 [emerg] 2231#2231: unknown directive "server_nme" in /etc/nginx/sites-enabled/default:24',
      '',
    ].join('\n'),
    ssLines: [
      'LISTEN 0      4096   127.0.0.53%lo:53         0.0.0.0:*    users:(("systemd-resolve",pid=654,fd=14))',
      'LISTEN 0      128          0.0.0.0:22         0.0.0.0:*    users:(("sshd",pid=801,fd=3))',
      'LISTEN 0      511                *:80               *:*    users:(("apache2",pid=1201,fd=4),("apache2",pid=1200,fd=4),("apache2",pid=912,fd=4))',
      'LISTEN 0      128             [::]:22            [::]:*    users:(("sshd",pid=801,fd=4))',
    ],
    curl: {code: '404', exit: 0},
    imdsIp: '10.0.11.12',
    diskUse: 41,
  },
} satisfies Record<string, HostScenario>
