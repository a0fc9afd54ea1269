/**
 * The instances' boot script, as plain shell lines (pure, so tests can read it without synthesising).
 *
 * The healthy script installs nginx, serves an index page and answers the health-check path with 200. The
 * `nginx-missing` script is the reference incident's: it prepares the page but never installs a web server, so
 * nothing listens on the target port and every target fails its health checks.
 */
import type {WebTierProps} from './props.js'

export function userDataLines(p: Pick<WebTierProps, 'scenario' | 'healthCheckPath' | 'targetPort' | 'stackName'>): string[] {
  const page = `<!doctype html><title>${p.stackName}</title><h1>${p.stackName}</h1><p>Served by $(hostname) in $AZ.</p>`
  const azLookup = [
    // IMDSv2 is required by the launch template, so ask for a session token first.
    'TOKEN=$(curl -sS -X PUT http://169.254.169.254/latest/api/token -H "X-aws-ec2-metadata-token-ttl-seconds: 300")',
    'AZ=$(curl -sS -H "X-aws-ec2-metadata-token: $TOKEN" http://169.254.169.254/latest/meta-data/placement/availability-zone)',
  ]
  if (p.scenario === 'nginx-missing') {
    return [
      'set -euxo pipefail',
      ...azLookup,
      // The incident: the page is written, but no web server is ever installed or started.
      'mkdir -p /var/www/html',
      `cat > /var/www/html/index.html <<HTML\n${page}\nHTML`,
    ]
  }
  // Leave the health location out in `wrong-health-path`: nginx answers it with 404.
  const health = p.scenario === 'wrong-health-path' ? '' : `    location = ${p.healthCheckPath} { default_type text/plain; return 200 "ok\\n"; }\n`
  return [
    'set -euxo pipefail',
    ...azLookup,
    'dnf install -y nginx',
    `cat > /usr/share/nginx/html/index.html <<HTML\n${page}\nHTML`,
    // A whole nginx.conf rather than a drop-in: the stock one already claims port 80 as default_server.
    `cat > /etc/nginx/nginx.conf <<'NGINX'\n${nginxConf(p.targetPort, health)}NGINX`,
    'nginx -t',
    'systemctl enable --now nginx',
  ]
}

function nginxConf(port: number, healthLocation: string): string {
  return [
    'user nginx;',
    'worker_processes auto;',
    'error_log /var/log/nginx/error.log notice;',
    'pid /run/nginx.pid;',
    'events { worker_connections 1024; }',
    'http {',
    '  include /etc/nginx/mime.types;',
    '  default_type application/octet-stream;',
    '  access_log /var/log/nginx/access.log;',
    // Longer than the ALB's 60 s idle timeout, so nginx never closes a connection the ALB is about to reuse (a 502).
    '  keepalive_timeout 75s;',
    '  server {',
    // default_server and no server_name: ALB health checks arrive with Host: <private IP>.
    `    listen ${port} default_server;`,
    '    root /usr/share/nginx/html;',
    `${healthLocation}  }`,
    '}',
    '',
  ].join('\n')
}
