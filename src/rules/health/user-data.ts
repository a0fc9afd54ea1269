/**
 * Judges launch template user data, as text (`userDataText` in lib/user-data.ts undoes base64, gzip and MIME
 * multipart), shell or #cloud-config: does it install or start something that answers HTTP? Text heuristics: an
 * AMI can have a web server baked in, and a script fetched at boot can do anything, so callers treat the verdict as
 * evidence, not proof.
 */
import {servablePath} from '../../lib/nginx-install.js'
import {installScript} from '../../ssm/install-script.js'

export const WEB_SERVERS = /\b(nginx\d*|httpd|apache2|caddy|lighttpd|tomcat\d*|haproxy|traefik|envoy)\b/g

export type Verdict =
  | {kind: 'serves'; evidence: string}
  | {kind: 'delegated'; evidence: string}
  | {kind: 'installed-not-started'; servers: string[]}
  | {kind: 'no-server'}
  | {kind: 'empty'}

const APP_SERVERS: RegExp[] = [
  /\b(?:docker|podman|nerdctl)\s+(?:container\s+)?run\b[^\n]*/,
  /\bdocker[- ]compose\b[^\n]*\bup\b[^\n]*/,
  /\bjava\b[^\n]*\s-jar\b[^\n]*/,
  /\b(?:pm2\s+start|npm\s+(?:run\s+)?start|node\s+\S+\.m?js|gunicorn|uvicorn|flask\s+run|python3?\s+-m\s+http\.server|php\s+-S|busybox\s+httpd|puma|rails\s+s(?:erver)?)\b[^\n]*/,
  /\bECS_CLUSTER=\S+/,
]
const DELEGATES = /\b(?:curl|wget)\b[^\n]*\|\s*(?:sudo\s+)?(?:ba)?sh\b|\baws\s+s3\s+cp\b[^\n]*\.(?:sh|bash)\b|\b(?:ansible-pull|chef-client|puppet\s+apply|salt-call|cfn-init)\b|^#include\b/m
const INSTALL = /^\s*-?\s*(?:sudo\s+)?(dnf|yum|apt-get|apt|zypper|apk|amazon-linux-extras|snap)\b[^\n]*\b(?:install|add)\b([^\n]*)/gm

/** Package names in a cloud-config `packages:` list. */
function cloudConfigPackages(text: string): string[] {
  const list = /^packages:\s*\n((?:[ \t]*-[^\n]*\n?)+)/m.exec(text)?.[1] ?? ''
  return list.split('\n').map((l) => l.replace(/^\s*-\s*/, '').replace(/[[\]"',]/g, ' ').trim().split(/\s+/)[0]).filter(Boolean)
}

export function judgeUserData(text: string): Verdict {
  if (text.trim() === '') return {kind: 'empty'}
  // runcmd entries may be YAML arrays: [systemctl, enable, --now, nginx]
  const flat = text.replace(/[[\]"',]/g, ' ')
  for (const re of APP_SERVERS) {
    const m = re.exec(flat)
    if (m) return {kind: 'serves', evidence: m[0].trim()}
  }
  const started = [...flat.matchAll(/\bsystemctl\s+(?:-\S+\s+)*(?:enable|start|restart|reload-or-restart)\b([^\n;&|]*)|\bservice\s+(\S+)\s+(?:re)?start\b/g)]
  const startedServer = started.find((m) => (m[1] ?? m[2] ?? '').match(WEB_SERVERS))
  if (startedServer) return {kind: 'serves', evidence: startedServer[0].trim()}
  // A systemd unit written by the user data and then started: an app server of its own.
  if (/^ExecStart=/m.test(text) && started.length > 0) return {kind: 'serves', evidence: `${started[0][0].trim()} (a unit with ExecStart)`}
  const installs = [...flat.matchAll(INSTALL)].map((m) => ({manager: m[1], servers: [...(m[2].match(WEB_SERVERS) ?? [])]}))
  installs.push({manager: 'cloud-config packages:', servers: cloudConfigPackages(text).filter((p) => p.match(WEB_SERVERS))})
  // Debian packages start their service on install, RPM packages do not; cloud-config does not say which
  // distribution it runs on, so it gets the benefit of the doubt.
  const autoStarted = installs.find((i) => ['apt', 'apt-get', 'snap', 'cloud-config packages:'].includes(i.manager) && i.servers.length > 0)
  if (autoStarted) return {kind: 'serves', evidence: `${autoStarted.manager} install ${autoStarted.servers.join(' ')}`}
  if (DELEGATES.test(text)) return {kind: 'delegated', evidence: DELEGATES.exec(text)![0].trim()}
  const servers = [...new Set(installs.flatMap((i) => i.servers))]
  return servers.length > 0 ? {kind: 'installed-not-started', servers} : {kind: 'no-server'}
}

/** Every package the user data installs with a package manager, for evidence: "amazon-cloudwatch-agent". */
export const installedPackages = (text: string): string[] =>
  [...text.matchAll(INSTALL)].flatMap((m) => m[2].split(/\s+/).filter((w) => /^[a-z0-9][\w.+-]*$/i.test(w) && !['install', 'add', 'update'].includes(w)))

/** What the target group asks of the instances: its traffic port, health-check port and path. */
export interface ServeSpec {
  port?: number
  /** `traffic-port` or a number, as the target group says it. */
  healthCheckPort?: string
  healthCheckPath?: string
}

/**
 * Shell lines for the user data that make the instance serve the target group's health checks. When the user
 * data installs a web server and never starts it: the start line alone (`systemctl enable --now` of the names
 * WEB_SERVERS matched). Otherwise the install script of `fix-nginx` (src/ssm/install-script.ts, whose steps
 * src/lib/nginx-install.ts defines): the very block `fix-nginx --persist` writes, so a later --persist finds it in
 * place. Undefined when the port or the health-check path cannot go into a script safely.
 */
export function nginxLines(spec: ServeSpec, onlyStart?: string[]): string[] | undefined {
  if (onlyStart) return [`systemctl enable --now ${onlyStart.filter((s) => /^[a-z0-9]+$/.test(s)).join(' ')}`]
  if (!servablePath(spec.healthCheckPath)) return undefined
  const hc = spec.healthCheckPort === undefined || /^traffic-port$/i.test(spec.healthCheckPort) ? undefined : Number(spec.healthCheckPort)
  try {
    return installScript({port: spec.port ?? 80, ...(hc !== undefined ? {healthCheckPort: hc} : {}), healthCheckPath: spec.healthCheckPath})
  } catch {
    return undefined // a port outside 1-65535
  }
}

/** The lines as one user data part: the install script as it is, a start line as a script of its own. */
export const userDataBlock = (lines: string[]): string => (lines[0]?.startsWith('#!') ? lines.join('\n') : `#!/bin/bash\nset -euo pipefail\n${lines.join('\n')}\n`)

/** The ECS cluster user data joins its instance to (`ECS_CLUSTER=name` into /etc/ecs/ecs.config), if any. */
export function ecsCluster(text: string): string | undefined {
  const m = /\bECS_CLUSTER=["']?([\w-]+)/.exec(text)
  return m?.[1]
}
