import type {CatalogueEntry} from '../types.js'

/**
 * The checks over a window of time: they read the snapshot's `history` section (CloudWatch metrics, change events,
 * the access and health-check log summaries). Without it they do not apply. A rule that can work from either of two
 * sources (metrics or access logs) declares neither here: a failed source it can do without must not stop it, and
 * the rule itself says *could not check*, naming the action, when neither answered.
 */
export const historyCatalogue = [
  {
    id: 'alb-5xx-in-window',
    category: 'history',
    title: 'The load balancer served 5xx in the window',
    severity: 'error',
    description:
      'CloudWatch (HTTPCode_ELB_5XX/502/503/504, HTTPCode_Target_5XX) or the access logs show 5xx answers in the window: how many by code, when they began and their shape (steady, bursts, periodic, a single burst).',
    risk: 'Users got 5xx. However healthy the deployment looks at this moment, the report must not say healthy: the causes below explain it.',
    requires: [],
  },
  {
    id: 'keepalive-502s',
    category: 'history',
    title: 'The targets closed kept-alive connections: 502s',
    severity: 'error',
    description:
      "The access log's 502s with no response from the target (target_status_code `-`, processing times of -1) while the connections did open (TargetConnectionErrorCount stays low) and the targets passed their health checks: the target closed an idle kept-alive connection the load balancer was reusing. Certain when nginx's keepalive_timeout is found not longer than the idle timeout on the instances.",
    risk: "The classic source of intermittent 502s with every target healthy: the application's keep-alive timeout is shorter than the load balancer's idle timeout.",
    requires: ['s3:ListBucket'],
  },
  {
    id: 'change-before-5xx-onset',
    category: 'history',
    title: 'A change came right before the 5xx began',
    severity: 'error',
    description:
      'The latest change to what serves traffic (a launch template version, the Auto Scaling group, an instance refresh, a security group, NACL, route, listener, target group or load balancer attribute) in the hour before the errors began, with who made it and when.',
    risk: 'The first question of an incident is what changed: rolling it back is usually the fastest way out, before the root cause is understood.',
    requires: [],
  },
  {
    id: 'one-target-5xx',
    category: 'history',
    title: 'Most 5xx came from one target',
    severity: 'error',
    description: 'In the access logs, at least 80% of the 5xx that reached a target came from one instance, while the target group has others.',
    risk: 'One bad instance (a full disk, a broken deploy, a stuck process) fails a share of every request while its health check still passes.',
    requires: ['s3:ListBucket'],
  },
  {
    id: 'deregistration-5xx',
    category: 'history',
    title: 'Requests cut by deregistration: 5xx during an instance refresh or scale-in',
    severity: 'error',
    description:
      "5xx while instances were leaving (an instance refresh, or a termination by the Auto Scaling group) and the target group's deregistration_delay.timeout_seconds is shorter than the longest requests the logs or TargetResponseTime show.",
    risk: 'The load balancer stops waiting for in-flight requests when the deregistration delay ends: the longest requests are cut and their users get 502/504.',
    requires: ['elasticloadbalancing:DescribeTargetGroupAttributes'],
  },
  {
    id: 'health-checks-flapping',
    category: 'history',
    title: 'Health checks flap',
    severity: 'warning',
    description:
      'A target fails its health checks, recovers and fails again within the window (health-check log transitions), or UnHealthyHostCount goes up and down repeatedly. An error when the load balancer also served 5xx.',
    risk: "A target that flaps takes traffic while it is failing, and its group's capacity swings: intermittent 5xx, and in Auto Scaling groups with ELB health checks, instances replaced for no lasting fault.",
    requires: [],
  },
  {
    id: 'application-5xx',
    category: 'history',
    title: 'The application answered 5xx',
    severity: 'error',
    description:
      'HTTPCode_Target_5XX_Count, or access-log entries whose target_status_code is the 5xx the client got: the application on the targets answered with a server error itself.',
    risk: "Users get 5xx, and no load balancer, network or health-check setting will fix it: the cause is in the application, in its logs on the instances.",
    requires: [],
  },
  {
    id: 'access-logs-off',
    category: 'history',
    title: 'Access logs are off',
    severity: 'info',
    description: "The load balancer's access_logs.s3.enabled attribute is not true.",
    risk: 'Without them, a 5xx cannot be traced to the target that caused it, nor told apart as a closed keep-alive connection, a timeout or the application\'s own answer.',
    requires: ['elasticloadbalancing:DescribeLoadBalancerAttributes'],
  },
  {
    id: 'health-check-logs-off',
    category: 'history',
    title: 'Health-check logs are off',
    severity: 'info',
    description: "The load balancer's health_check_logs.s3.enabled attribute is not true.",
    risk: 'Without them, a flapping target and the reason of each failed check (refused, reset, timed out, the wrong status code) stay hidden behind the aggregate UnHealthyHostCount.',
    requires: ['elasticloadbalancing:DescribeLoadBalancerAttributes'],
  },
] as const satisfies readonly CatalogueEntry[]
