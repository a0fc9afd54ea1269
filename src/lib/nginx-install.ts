/**
 * How asg-doctor installs nginx, defined once. Three places speak of it and all take their steps from here:
 * - the install script `fix-nginx` runs through SSM and `--persist` puts into launch template user data
 *   (src/ssm/install-script.ts), which adds idempotence, backups and reporting around these steps;
 * - the launch template rule's proposed user data (src/rules/health/user-data.ts), which is that same script;
 * - the on-instance rules' remediation for a person at a shell (src/rules/instance/util.ts).
 *
 * The steps: install the package with the host's package manager; write a server block that is the
 * default_server on the target group's port(s) and answers the health-check path with 200; check the
 * configuration with `nginx -t` and undo the change when it fails; enable nginx at boot and (re)start it.
 *
 * Every value from an AWS account that reaches these steps is checked here first: ports are integers 1-65535,
 * the health-check path is a plain URL path (see {@link validateHealthCheckPath}). Nothing else from an account
 * goes in; everything else is asg-doctor's own text.
 */
import {UserError} from './errors.js'

export type PackageManager = 'dnf' | 'yum' | 'apt' | 'zypper' | 'apk'

export interface PackageInstall {
  /** Refreshes the package index first; a failure there does not stop the install. */
  refresh?: string
  /** Installs nginx without asking. */
  install: string
  /** Environment the install needs (`VAR=value`). */
  env?: string
}

/** The package install of nginx, per package manager, run as root. */
export const NGINX_PACKAGES: Record<PackageManager, PackageInstall> = {
  dnf: {install: 'dnf install -y nginx'},
  yum: {install: 'yum install -y nginx'},
  apt: {refresh: 'apt-get update -q', install: 'apt-get install -y -q nginx', env: 'DEBIAN_FRONTEND=noninteractive'},
  zypper: {install: 'zypper --non-interactive install nginx'},
  apk: {install: 'apk add nginx'},
}

/** Amazon Linux 2: its yum repositories have no nginx, an extras topic does. */
export const AMAZON_LINUX_2_INSTALL = 'amazon-linux-extras install -y nginx1'

/** The service steps under systemd. */
export const SERVICE = {
  enable: 'systemctl enable nginx',
  start: 'systemctl start nginx',
  reload: 'systemctl reload nginx',
  restart: 'systemctl restart nginx',
} as const

/** The configuration check that guards every start. */
export const CONFIG_TEST = 'nginx -t'

/** The server block asg-doctor owns, and the directory its index page lives in. */
export const CONF_PATH = '/etc/nginx/conf.d/asg-doctor.conf'
export const WEB_ROOT = '/usr/share/nginx/asg-doctor'

export const DEFAULT_INDEX_HTML = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>nginx is up</title></head>
<body><h1>nginx is up</h1><p>Installed by asg-doctor fix-nginx.</p></body>
</html>
`

/**
 * Installing nginx on one host, as root, one command a line: the package (with the index refresh first where the
 * manager needs one), then enabled at boot and (re)started. For a person at a shell; the install script runs the
 * same commands with its own checks around them.
 */
export function packageSteps(pm: PackageManager | undefined, osId?: string): string[] {
  if (pm === 'apk') return [NGINX_PACKAGES.apk.install, 'rc-update add nginx', 'rc-service nginx restart']
  const p = NGINX_PACKAGES[pm ?? 'dnf']
  const install = pm === 'yum' && osId === 'amzn' ? AMAZON_LINUX_2_INSTALL : [p.env, p.install].filter(Boolean).join(' ')
  return [...(p.refresh ? [p.refresh] : []), install, SERVICE.enable, SERVICE.restart]
}

// A health-check path as the ALB sends it: a slash, then unreserved URL characters (plus an optional ?query).
// Narrower than what the ELB API accepts on purpose: the path goes into an nginx config line, so quotes,
// backslashes, `$`, `;`, braces, spaces and control characters never get there.
const PATH_RE = /^\/[A-Za-z0-9._~/-]*(\?[A-Za-z0-9._~=&%/-]*)?$/
const MAX_PATH = 1024

export function validatePort(port: number, what = 'port'): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UserError(`The ${what} ${port} is not a TCP port (1-65535).`)
  return port
}

/** The health-check path as nginx will match it (no query), after checking it holds only safe characters. */
export function validateHealthCheckPath(path: string): string {
  if (path.length > MAX_PATH || !PATH_RE.test(path)) {
    throw new UserError(
      `The health-check path ${JSON.stringify(path)} is not one asg-doctor can serve safely.`,
      `It must start with "/" and hold at most ${MAX_PATH} letters, digits and . _ ~ / - (plus an optional ?query).`,
    )
  }
  return path.split('?')[0]
}

/** Whether {@link validateHealthCheckPath} accepts the path, for callers that must not throw (rules). */
export function servablePath(path: string | undefined): path is string {
  return path !== undefined && path.length <= MAX_PATH && PATH_RE.test(path)
}

/** The nginx server block: default_server on each port, so the ALB's `Host: <private IP>` lands here. */
export function nginxConfig(ports: number[], locationPath: string): string {
  // `/` and `/index.html` are answered by the index page itself; an exact location would shadow it.
  const healthLocation =
    locationPath === '/' || locationPath === '/index.html'
      ? []
      : [
          `    # The ALB health check (Host: the instance's private IP) gets a 200 here.`,
          `    location = "${locationPath}" {`,
          '        access_log off;',
          '        default_type text/plain;',
          '        return 200 "ok\\n";',
          '    }',
        ]
  return [
    '# Written by asg-doctor fix-nginx; a re-run rewrites it. Put your own sites in other files.',
    'server {',
    ...ports.map((p) => `    listen ${validatePort(p)} default_server;`),
    '    server_name _;',
    `    root ${WEB_ROOT};`,
    '    index index.html;',
    '    # Longer than the ALB idle timeout (60 s by default), so nginx never closes a connection the ALB reuses.',
    '    keepalive_timeout 75s;',
    ...healthLocation,
    '    location / {',
    '        try_files $uri $uri/ =404;',
    '    }',
    '}',
  ].join('\n')
}

/** In words, for the plan fix-nginx shows: what the steps change on an instance. */
export function describeSteps(ports: number[], healthCheckPath: string, index: string): string[] {
  return [
    `install nginx with ${(['dnf', 'yum', 'apt'] as const).map((m) => NGINX_PACKAGES[m].install.split(' ')[0]).join(', ').replace(/, (?=[^,]*$)/, ' or ')}, unless it is installed`,
    `write ${CONF_PATH}: listen on ${ports.join(' and ')} as the default server, answer ${healthCheckPath} with 200`,
    'take default_server off any other server on that port (a copy goes to /var/backups/asg-doctor)',
    `write the index page ${WEB_ROOT}/index.html (${index})`,
    `check the configuration with ${CONFIG_TEST} (undo the changes if it fails), enable and start nginx, reload it if it ran`,
  ]
}
