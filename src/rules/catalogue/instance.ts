import type {CatalogueEntry} from '../types.js'

/** The on-instance checks: they read what the read-only diagnostic script found through SSM SendCommand. */
const requires = ['ssm:SendCommand', 'ssm:ListCommandInvocations'] as const

export const instanceCatalogue = [
  {
    id: 'nginx-not-installed',
    category: 'instance',
    title: 'nginx is not installed',
    severity: 'critical',
    description: 'On each checked instance: there is no nginx binary and nothing else answers the health-check path.',
    risk: 'Nothing answers the health checks: every target is unhealthy and the ALB answers 502. A launch template whose user data never installs nginx does this to every new instance.',
    requires,
  },
  {
    id: 'nginx-not-running',
    category: 'instance',
    title: 'nginx is installed but not running',
    severity: 'error',
    description: 'systemctl is-active nginx is not active (or, without systemd, no nginx process runs).',
    risk: 'The port has no server: health checks fail with connection refused and the targets go unhealthy.',
    requires,
  },
  {
    id: 'nginx-config-invalid',
    category: 'instance',
    title: 'nginx configuration test fails',
    severity: 'error',
    description: 'nginx -t reports an error in the configuration.',
    risk: 'nginx will not start or reload with it: the next restart, reboot or new instance leaves the port without a server.',
    requires,
  },
  {
    id: 'nothing-listening-on-port',
    category: 'instance',
    title: 'Nothing serves the target port to the ALB',
    severity: 'error',
    description: 'No socket listens on the target port or the health-check port, or only on loopback, or another program (apache2, httpd) holds it instead of nginx.',
    risk: 'The ALB cannot connect: Target.FailedHealthChecks (connection refused) and 502s.',
    requires,
  },
  {
    id: 'health-path-local-failure',
    category: 'instance',
    title: 'The health-check path fails on the instance itself',
    severity: 'error',
    description: "A request to the health-check path sent on the instance with Host: <private IP>, as the ALB sends it, fails or answers a code outside the target group's matcher.",
    risk: 'The ALB sees the same answer: Target.ResponseCodeMismatch or a failed check, and the target is taken out of service.',
    requires,
  },
  {
    id: 'nginx-not-enabled',
    category: 'instance',
    title: 'nginx does not start at boot',
    severity: 'warning',
    description: 'systemctl is-enabled nginx is not enabled (disabled, masked, enabled-runtime...).',
    risk: 'nginx serves now but not after a reboot: the instance turns unhealthy and is replaced, or stays out of service.',
    requires,
  },
  {
    id: 'nginx-keepalive-shorter-than-idle-timeout',
    category: 'instance',
    title: "nginx keep-alive is not longer than the ALB's idle timeout",
    severity: 'warning',
    description:
      "nginx keepalive_timeout (from nginx -T; 75 s when unset) is positive and not longer than the load balancer's idle_timeout.timeout_seconds. An error, explaining them, when the window shows the 502s it causes (keepalive-502s, or CloudWatch's 502s with no failed connection).",
    risk: 'nginx closes idle connections the ALB is about to reuse: intermittent 502s under light or bursty traffic.',
    requires: [...requires, 'elasticloadbalancing:DescribeLoadBalancerAttributes'],
  },
  {
    id: 'instance-disk-full',
    category: 'instance',
    title: 'The root filesystem is full',
    severity: 'error',
    description: 'The root filesystem of a checked instance is at least 95% used (df -P /).',
    risk: 'nginx cannot write logs or temporary files, package installs fail, and the SSM agent may stop answering.',
    requires,
  },
  {
    id: 'instance-command-no-answer',
    category: 'instance',
    title: 'The on-instance checks got no answer',
    severity: 'warning',
    description: 'The read-only diagnostic command could not be sent to an instance, was not delivered, timed out, or did not produce the script output.',
    risk: 'Nothing is known about nginx on that instance: the on-instance root cause, if any, stays hidden.',
    requires,
  },
] as const satisfies readonly CatalogueEntry[]
