import type {CatalogueEntry} from '../types.js'

const LISTENERS = ['elasticloadbalancing:DescribeListeners', 'elasticloadbalancing:DescribeRules'] as const
const HEALTH = ['elasticloadbalancing:DescribeTargetGroups', 'elasticloadbalancing:DescribeTargetHealth'] as const
const ASG = 'autoscaling:DescribeAutoScalingGroups'

/** Listener, target group, target health, health-check settings and Auto Scaling rules. */
export const healthCatalogue = [
  {
    id: 'alb-state',
    category: 'listener',
    title: 'Load balancer is not active',
    severity: 'error',
    description: 'Checks that the load balancer\'s state is `active` (not provisioning, active_impaired or failed).',
    risk: 'A load balancer that is not active routes nothing, or cannot scale with the traffic.',
    requires: ['elasticloadbalancing:DescribeLoadBalancers'],
  },
  {
    id: 'listener-default-action',
    category: 'listener',
    title: 'Listener default action forwards nowhere useful',
    severity: 'error',
    description:
      'Checks that the load balancer has a listener and that each listener\'s default action forwards to a target group with targets: not a fixed response while target groups exist and no rule forwards, not an empty target group, not a redirect to itself.',
    risk: 'Every request that matches no rule gets a canned answer, a 503 or a redirect loop instead of the application.',
    requires: [...LISTENERS, ...HEALTH],
  },
  {
    id: 'target-group-no-listener',
    category: 'listener',
    title: 'Target group is on no listener',
    severity: 'warning',
    description: 'Checks that every target group in the snapshot (those the Auto Scaling groups are attached to) is forwarded to by a listener default action or rule of this load balancer.',
    risk: 'The instances register and pass nothing: their target group gets no traffic, and the listener serves something else.',
    requires: [...LISTENERS, 'elasticloadbalancing:DescribeTargetGroups'],
  },
  {
    id: 'target-group-empty',
    category: 'target-health',
    title: 'Target group has no registered target',
    severity: 'error',
    description:
      'Checks that every target group a listener forwards to has at least one registered target. When the target group registers IP targets or an Auto Scaling group hosts an ECS cluster, it points at the ECS service (no running task) instead of attaching the group.',
    risk: 'The ALB answers 503 Service Unavailable for every request routed to an empty target group.',
    requires: [...LISTENERS, ...HEALTH],
  },
  {
    id: 'target-health-unhealthy',
    category: 'target-health',
    title: 'Targets are unhealthy',
    severity: 'error',
    description: 'Reports the unhealthy targets of each target group, counted by reason code (Target.ResponseCodeMismatch, Target.Timeout, Target.FailedHealthChecks, Elb.InternalError), with what each code points to.',
    risk: 'With every target unhealthy the ALB fails open and sends traffic to dead backends: users get 502/504. With some, capacity is lost.',
    requires: HEALTH,
  },
  {
    id: 'target-health-initial',
    category: 'target-health',
    title: 'Targets are still in their initial health checks',
    severity: 'info',
    description: 'Reports targets in the `initial` state (Elb.RegistrationInProgress, Elb.InitialHealthChecking) and how long they take to turn healthy (interval × healthy threshold).',
    risk: 'Not a fault: a diagnosis made now may change once the first health checks are done.',
    requires: HEALTH,
  },
  {
    id: 'target-health-unused',
    category: 'target-health',
    title: 'Targets are unused',
    severity: 'warning',
    description:
      'Reports `unused` targets by cause: their AZ is not enabled on the ALB, the instance is stopped or terminated, or the target group is on no listener. An error when no target serves or when an Auto Scaling group counts an unused target as InService; a warning otherwise.',
    risk: 'Unused targets get no traffic; when no target is left to serve, the ALB answers 503.',
    requires: [...HEALTH, ...LISTENERS, 'ec2:DescribeInstances'],
  },
  {
    id: 'health-check-path',
    category: 'health-check',
    title: 'Health-check path or matcher does not fit the targets',
    severity: 'error',
    description:
      'Checks the health-check path, matcher and protocol: codes outside the matcher (read from Target.ResponseCodeMismatch), an HTTPS check to a plain-HTTP port, and, while no target is healthy, a directory-like path without trailing slash or an app route on a stock web server.',
    risk: 'Healthy instances fail their health checks, the ALB marks them unhealthy and users get 502/504 from a working application.',
    requires: HEALTH,
  },
  {
    id: 'health-check-timing',
    category: 'health-check',
    title: 'Health-check timing sets a trap',
    severity: 'warning',
    description: 'Checks that the health-check timeout is well below the interval (under 80%), that the unhealthy threshold is at least 2, and that health checks are enabled on instance and IP target groups.',
    risk: 'Slow answers overlap the next check, single losses make targets flap, and without health checks dead targets keep getting traffic.',
    requires: ['elasticloadbalancing:DescribeTargetGroups'],
  },
  {
    id: 'asg-not-attached',
    category: 'auto-scaling',
    title: 'Auto Scaling group is not attached to the target group',
    severity: 'error',
    description: 'Looks for an Auto Scaling group in the ALB\'s VPC attached to none of its target groups while a target group a listener forwards to has no group attached and nothing serving.',
    risk: 'The instances run but are never registered: the target group stays empty and the ALB answers 503.',
    requires: [ASG, ...LISTENERS, ...HEALTH],
  },
  {
    id: 'asg-instances-not-registered',
    category: 'auto-scaling',
    title: 'InService instances are not registered in the target group',
    severity: 'error',
    description: 'Checks that every InService instance of an attached Auto Scaling group is registered in its target groups (and says when the AddToLoadBalancer process is suspended).',
    risk: 'Capacity the group pays for serves nothing; with no instance registered the ALB answers 503.',
    requires: [ASG, ...HEALTH],
  },
  {
    id: 'asg-no-capacity',
    category: 'auto-scaling',
    title: 'Auto Scaling group has no capacity',
    severity: 'error',
    description: 'Checks that each attached Auto Scaling group has a desired capacity and a maximum size above 0.',
    risk: 'No instance runs, the target group is empty and the ALB answers 503.',
    requires: [ASG],
  },
  {
    id: 'asg-launch-failures',
    category: 'auto-scaling',
    title: 'Auto Scaling group fails to launch instances',
    severity: 'error',
    description: 'Reports failed or cancelled scaling activities of the day before collection, with their status message (invalid AMI, no capacity, instance profile errors...).',
    risk: 'The group cannot replace or add instances: target groups shrink or stay empty.',
    requires: [ASG, 'autoscaling:DescribeScalingActivities'],
  },
  {
    id: 'asg-az-not-enabled-on-alb',
    category: 'auto-scaling',
    title: 'Auto Scaling group launches into a zone the load balancer does not enable',
    severity: 'error',
    description:
      'Compares the Availability Zones of each attached Auto Scaling group (its subnets and InService instances) with the zones enabled on the load balancer. Error when no InService instance of the group is in an enabled zone, warning otherwise.',
    risk: 'Instances in a zone the ALB does not enable register but get no traffic (target health unused): capacity is paid for and idle, and if every instance is there the ALB answers 503.',
    requires: [ASG, 'elasticloadbalancing:DescribeLoadBalancers', 'ec2:DescribeSubnets'],
  },
  {
    id: 'asg-health-check-grace-period',
    category: 'auto-scaling',
    title: 'Health-check grace period too short for the instances to start',
    severity: 'error',
    description:
      'For attached Auto Scaling groups with ELB health checks, flags a health-check grace period shorter than an instance needs to boot (an estimate: 60 s, plus 120 s when its user data installs packages), or shorter than that plus the healthy threshold (interval × count) when scaling activities show instances replaced for failing ELB health checks while other targets are healthy (then certain).',
    risk: 'The group terminates instances before their server is up: instances cycle, the target group never fills, and the ALB answers 502/503.',
    requires: [ASG, 'autoscaling:DescribeScalingActivities', 'elasticloadbalancing:DescribeTargetGroups', 'ec2:DescribeLaunchTemplateVersions'],
  },
  {
    id: 'asg-health-check-type-ec2',
    category: 'auto-scaling',
    title: 'Auto Scaling group ignores the load balancer\'s health checks',
    severity: 'warning',
    description: 'Checks that attached Auto Scaling groups use the ELB health check type.',
    risk: 'Instances the load balancer finds unhealthy are never replaced: a broken fleet stays broken.',
    requires: [ASG],
  },
  {
    id: 'launch-template-no-web-server',
    category: 'auto-scaling',
    title: 'Launch template never installs or starts a web server',
    severity: 'error',
    description:
      'Reads the user data of the launch template version each attached group uses (plain, gzip, MIME multipart, cloud-config) and checks that it installs and starts a web server or an application server; no user data at all counts too. The AMI\'s contents cannot be seen: confirmed only by targets that refuse or ignore health checks.',
    risk: 'Nothing listens on the health-check port: every target is unhealthy and users get 502 (the reference incident).',
    requires: [ASG, 'ec2:DescribeLaunchTemplateVersions', ...HEALTH],
  },
] as const satisfies readonly CatalogueEntry[]
