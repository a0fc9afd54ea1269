/**
 * `asg-doctor diagnose` with no argument: every application load balancer in the region with one health line
 * each. One paginated walk of the load balancers, one of the target groups (not one per load balancer), then
 * DescribeTargetHealth per target group through the same pool as `collectSnapshot`.
 */
import type {LoadBalancer, TargetGroup, TargetHealthDescription} from '@aws-sdk/client-elastic-load-balancing-v2'
import type {AwsClients} from '../lib/aws.js'
import {allLoadBalancers} from './resolve.js'
import {describeTargetHealth} from './elbv2.js'
import {CallRunner} from './runner.js'
import {elbv2Sdk} from '../lib/aws.js'
import {sortBy} from './util.js'

export interface TargetGroupSummary {
  name: string
  arn: string
  healthy: number
  unhealthy: number
  /** initial, unused, draining, unavailable. */
  other: number
  /** Set when DescribeTargetHealth failed (the counts are then 0). */
  error?: string
}

export interface LbSummary {
  name: string
  arn: string
  scheme: string
  state: string
  dnsName: string
  targetGroups: TargetGroupSummary[]
}

export async function listLoadBalancers(clients: AwsClients, options: {concurrency?: number; log?: (line: string) => void} = {}): Promise<LbSummary[]> {
  const r = new CallRunner(options.concurrency ?? 8, options.log)
  const albs = (await allLoadBalancers(clients, r)).filter((lb) => lb.Type === 'application')
  if (albs.length === 0) return []
  const {DescribeTargetGroupsCommand} = elbv2Sdk()
  const targetGroups = await r.paginate(
    'elasticloadbalancing:DescribeTargetGroups',
    undefined,
    (Marker) => clients.elbv2.send(new DescribeTargetGroupsCommand({PageSize: 400, ...(Marker ? {Marker} : {})})),
    (p) => p.TargetGroups,
    (p) => p.NextMarker,
  )
  const albArns = new Set(albs.map((lb) => lb.LoadBalancerArn))
  const inUse = targetGroups.filter((tg) => (tg.LoadBalancerArns ?? []).some((a) => albArns.has(a)))
  const health = new Map(await Promise.all(inUse.map(async (tg) => [tg.TargetGroupArn ?? '', await describeTargetHealth(r, clients, tg.TargetGroupArn ?? '')] as const)))
  const failed = new Map(r.errors.map((e) => [e.resource ?? '', `${e.code}: ${e.message}`]))
  return sortBy(albs, (lb) => lb.LoadBalancerName).map((lb) => summarize(lb, inUse, health, failed))
}

function summarize(
  lb: LoadBalancer,
  targetGroups: TargetGroup[],
  health: Map<string, TargetHealthDescription[] | undefined>,
  failed: Map<string, string>,
): LbSummary {
  const mine = targetGroups.filter((tg) => (tg.LoadBalancerArns ?? []).includes(lb.LoadBalancerArn ?? ''))
  return {
    name: lb.LoadBalancerName ?? '',
    arn: lb.LoadBalancerArn ?? '',
    scheme: lb.Scheme ?? '',
    state: lb.State?.Code ?? '',
    dnsName: lb.DNSName ?? '',
    targetGroups: sortBy(mine, (tg) => tg.TargetGroupName).map((tg) => {
      const arn = tg.TargetGroupArn ?? ''
      const states = (health.get(arn) ?? []).map((h) => h.TargetHealth?.State)
      const healthy = states.filter((s) => s === 'healthy').length
      const unhealthy = states.filter((s) => s === 'unhealthy').length
      const error = failed.get(arn)
      return {name: tg.TargetGroupName ?? '', arn, healthy, unhealthy, other: states.length - healthy - unhealthy, ...(error ? {error} : {})}
    }),
  }
}

/** One line per load balancer: `web-alb  internet-facing  active  web-alb-1.us-east-1.elb.amazonaws.com  web-tg 3 healthy, 0 unhealthy`. */
export function formatLbSummary(s: LbSummary): string {
  const tgs =
    s.targetGroups.length === 0
      ? 'no target groups'
      : s.targetGroups
          .map((t) => (t.error ? `${t.name} (target health unreadable: ${t.error})` : `${t.name} ${t.healthy} healthy, ${t.unhealthy} unhealthy${t.other ? `, ${t.other} other` : ''}`))
          .join('; ')
  return `${s.name}  ${s.scheme}  ${s.state}  ${s.dnsName}  ${tgs}`
}
