/**
 * Which instances fix-nginx works on, and what nginx must serve: the load balancer (for the probe), the one
 * instance target group (port, health-check path), its registered targets, and the Auto Scaling groups attached
 * to it (for --persist). A handful of read calls; the ALB lookup itself is the collector's resolveLoadBalancer.
 */
import type {AutoScalingGroup} from '@aws-sdk/client-auto-scaling'
import type {Listener, LoadBalancer, TargetGroup, TargetHealthDescription} from '@aws-sdk/client-elastic-load-balancing-v2'
import {resolveLoadBalancer} from '../collect/resolve.js'
import {autoScalingSdk, elbv2Sdk} from '../lib/aws.js'
import type {AwsClients} from '../lib/aws.js'
import {UserError} from '../lib/errors.js'
import {CallRunner} from '../collect/runner.js'

export interface FixTargetGroup {
  arn: string
  name: string
  port: number
  /** The health-check port, when it is not the traffic port. */
  healthCheckPort?: number
  healthCheckPath: string
  /** The success codes the health check accepts, e.g. "200" or "200-299". */
  matcher: string
}

export interface ResolvedTargets {
  loadBalancer?: {arn: string; name: string; dnsName: string}
  /** The listener the probe goes through: `http://dns:80`, or undefined when the ALB has none that forwards. */
  probeBase?: string
  targetGroup: FixTargetGroup
  registered: TargetHealthDescription[]
  autoScalingGroups: AutoScalingGroup[]
}

/**
 * Every read here goes through the runner's `must`: fix-nginx changes nothing on a partial view, so a failed read
 * stops the command with the user error that names the IAM action.
 */
export async function resolveTargets(input: {alb?: string; targetGroupArn?: string}, clients: AwsClients, calls: CallRunner = new CallRunner()): Promise<ResolvedTargets> {
  const sdk = elbv2Sdk()
  const lb = input.alb ? await resolveLoadBalancer(input.alb, clients, calls) : undefined
  const request = input.targetGroupArn ? {TargetGroupArns: [input.targetGroupArn]} : {LoadBalancerArn: lb!.LoadBalancerArn}
  const groups = await calls.paginate(
    'elasticloadbalancing:DescribeTargetGroups',
    input.targetGroupArn ?? lb!.LoadBalancerArn,
    (Marker) => clients.elbv2.send(new sdk.DescribeTargetGroupsCommand({...request, ...(Marker ? {Marker} : {})})),
    (p) => p.TargetGroups,
    (p) => p.NextMarker,
    {onFailure: 'throw'},
  )
  const tg = pickTargetGroup(groups, lb, input.targetGroupArn)
  const owner = lb ?? (await loadBalancerOf(tg, clients, calls))
  const health = await calls.must('elasticloadbalancing:DescribeTargetHealth', tg.TargetGroupArn, () => clients.elbv2.send(new sdk.DescribeTargetHealthCommand({TargetGroupArn: tg.TargetGroupArn})))
  const listeners = owner
    ? await calls.paginate(
        'elasticloadbalancing:DescribeListeners',
        owner.LoadBalancerArn,
        (Marker) => clients.elbv2.send(new sdk.DescribeListenersCommand({LoadBalancerArn: owner.LoadBalancerArn, ...(Marker ? {Marker} : {})})),
        (p) => p.Listeners,
        (p) => p.NextMarker,
        {onFailure: 'throw'},
      )
    : []
  return {
    ...(owner ? {loadBalancer: {arn: owner.LoadBalancerArn!, name: owner.LoadBalancerName!, dnsName: owner.DNSName!}} : {}),
    ...(owner ? {probeBase: probeBase(owner.DNSName!, listeners)} : {}),
    targetGroup: summarize(tg),
    registered: health.TargetHealthDescriptions ?? [],
    autoScalingGroups: await groupsAttachedTo(tg.TargetGroupArn!, clients, calls),
  }
}

/** The one instance target group to fix; several, or the wrong kind, are the user's to choose. */
export function pickTargetGroup(groups: TargetGroup[], lb: LoadBalancer | undefined, wanted?: string): TargetGroup {
  if (wanted) {
    const tg = groups.find((g) => g.TargetGroupArn === wanted)
    if (!tg) throw new UserError(`No target group with ARN ${wanted} was found.`, 'List them with `aws elbv2 describe-target-groups`.')
    if (lb && !(tg.LoadBalancerArns ?? []).includes(lb.LoadBalancerArn!)) {
      throw new UserError(`Target group ${tg.TargetGroupName} is not attached to load balancer ${lb.LoadBalancerName}.`, 'Pass a target group of that load balancer, or drop the load balancer argument.')
    }
    return checkUsable(tg)
  }
  const instanceGroups = groups.filter((g) => g.TargetType === 'instance')
  if (instanceGroups.length === 1) return checkUsable(instanceGroups[0])
  if (instanceGroups.length === 0) {
    throw new UserError(`Load balancer ${lb?.LoadBalancerName} has no target group of instances.`, 'fix-nginx installs nginx on EC2 instances registered by instance id.')
  }
  throw new UserError(
    `Load balancer ${lb?.LoadBalancerName} has ${instanceGroups.length} instance target groups; fix-nginx serves one port and health-check path.`,
    `Choose one with --target-group-arn: ${instanceGroups.map((g) => `${g.TargetGroupName} (${g.TargetGroupArn})`).join(', ')}.`,
  )
}

function checkUsable(tg: TargetGroup): TargetGroup {
  if (tg.TargetType !== 'instance') throw new UserError(`Target group ${tg.TargetGroupName} registers targets by ${tg.TargetType}, not by instance id.`, 'fix-nginx needs an instance target group.')
  if (tg.Protocol !== 'HTTP' || (tg.HealthCheckProtocol ?? 'HTTP') !== 'HTTP' || (tg.ProtocolVersion ?? 'HTTP1') === 'GRPC') {
    throw new UserError(
      `Target group ${tg.TargetGroupName} talks ${tg.Protocol}${tg.ProtocolVersion === 'GRPC' ? '/gRPC' : ''} to its targets (health checks: ${tg.HealthCheckProtocol}); fix-nginx sets up plain HTTP only.`,
      'Use an HTTP target group, or configure TLS on the instances yourself.',
    )
  }
  return tg
}

function summarize(tg: TargetGroup): FixTargetGroup {
  const hcPort = tg.HealthCheckPort && tg.HealthCheckPort !== 'traffic-port' ? Number(tg.HealthCheckPort) : undefined
  return {
    arn: tg.TargetGroupArn!,
    name: tg.TargetGroupName!,
    port: tg.Port ?? 80,
    ...(hcPort !== undefined && hcPort !== tg.Port ? {healthCheckPort: hcPort} : {}),
    healthCheckPath: tg.HealthCheckPath ?? '/',
    matcher: tg.Matcher?.HttpCode ?? '200',
  }
}

async function loadBalancerOf(tg: TargetGroup, clients: AwsClients, calls: CallRunner): Promise<LoadBalancer | undefined> {
  const arn = tg.LoadBalancerArns?.[0]
  if (!arn) return undefined
  const sdk = elbv2Sdk()
  const out = await calls.must('elasticloadbalancing:DescribeLoadBalancers', arn, () => clients.elbv2.send(new sdk.DescribeLoadBalancersCommand({LoadBalancerArns: [arn]})))
  return out.LoadBalancers?.[0]
}

/** An HTTP listener that forwards (a redirect to HTTPS would answer 301), else an HTTPS one. */
export function probeBase(dnsName: string, listeners: Listener[]): string | undefined {
  const forwards = (l: Listener) => (l.DefaultActions ?? []).some((a) => a.Type === 'forward')
  const http = listeners.find((l) => l.Protocol === 'HTTP' && forwards(l))
  if (http) return `http://${dnsName}${http.Port === 80 ? '' : `:${http.Port}`}`
  const https = listeners.find((l) => l.Protocol === 'HTTPS' && forwards(l))
  return https ? `https://${dnsName}${https.Port === 443 ? '' : `:${https.Port}`}` : undefined
}

/** DescribeAutoScalingGroups has no filter by target group: read them all and keep the attached ones. */
export async function groupsAttachedTo(targetGroupArn: string, clients: AwsClients, calls: CallRunner = new CallRunner()): Promise<AutoScalingGroup[]> {
  const sdk = autoScalingSdk()
  const all = await calls.paginate(
    'autoscaling:DescribeAutoScalingGroups',
    undefined,
    (NextToken) => clients.autoscaling.send(new sdk.DescribeAutoScalingGroupsCommand({MaxRecords: 100, ...(NextToken ? {NextToken} : {})})),
    (p) => p.AutoScalingGroups,
    (p) => p.NextToken,
    {onFailure: 'throw'},
  )
  return all.filter((g) => (g.TargetGroupARNs ?? []).includes(targetGroupArn))
}
