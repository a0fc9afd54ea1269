/** The load balancer side of the walk: attributes, listeners, rules, target groups and target health. */
import type {
  Action,
  Listener,
  LoadBalancerAttribute,
  Rule,
  TargetGroup,
  TargetGroupAttribute,
  TargetHealthDescription,
} from '@aws-sdk/client-elastic-load-balancing-v2'
import type {AwsClients} from '../lib/aws.js'
import type {CallRunner} from './runner.js'
import {elbv2Sdk} from '../lib/aws.js'
import {chunk, uniq} from './util.js'

const API = 'elasticloadbalancing'
/** DescribeTargetGroups takes at most 20 ARNs per call. */
const TG_BATCH = 20

export async function describeLoadBalancerAttributes(r: CallRunner, c: AwsClients, lbArn: string): Promise<LoadBalancerAttribute[] | undefined> {
  const {DescribeLoadBalancerAttributesCommand} = elbv2Sdk()
  const out = await r.call(`${API}:DescribeLoadBalancerAttributes`, lbArn, () => c.elbv2.send(new DescribeLoadBalancerAttributesCommand({LoadBalancerArn: lbArn})))
  return out?.Attributes
}

export function describeListeners(r: CallRunner, c: AwsClients, lbArn: string): Promise<Listener[]> {
  const {DescribeListenersCommand} = elbv2Sdk()
  return r.paginate(
    `${API}:DescribeListeners`,
    lbArn,
    (Marker) => c.elbv2.send(new DescribeListenersCommand({LoadBalancerArn: lbArn, PageSize: 400, ...(Marker ? {Marker} : {})})),
    (p) => p.Listeners,
    (p) => p.NextMarker,
  )
}

export function describeRules(r: CallRunner, c: AwsClients, listenerArn: string): Promise<Rule[]> {
  const {DescribeRulesCommand} = elbv2Sdk()
  return r.paginate(
    `${API}:DescribeRules`,
    listenerArn,
    (Marker) => c.elbv2.send(new DescribeRulesCommand({ListenerArn: listenerArn, PageSize: 400, ...(Marker ? {Marker} : {})})),
    (p) => p.Rules,
    (p) => p.NextMarker,
  )
}

/** The target groups of a load balancer, or the given ARNs in batches. */
export async function describeTargetGroups(r: CallRunner, c: AwsClients, by: {loadBalancerArn: string} | {arns: string[]}): Promise<TargetGroup[]> {
  const {DescribeTargetGroupsCommand} = elbv2Sdk()
  const api = `${API}:DescribeTargetGroups`
  if ('loadBalancerArn' in by) {
    return r.paginate(
      api,
      by.loadBalancerArn,
      (Marker) => c.elbv2.send(new DescribeTargetGroupsCommand({LoadBalancerArn: by.loadBalancerArn, PageSize: 400, ...(Marker ? {Marker} : {})})),
      (p) => p.TargetGroups,
      (p) => p.NextMarker,
    )
  }
  const batches = await Promise.all(
    chunk(by.arns, TG_BATCH).map((arns) =>
      r.paginate(
        api,
        arns.join(','),
        (Marker) => c.elbv2.send(new DescribeTargetGroupsCommand({TargetGroupArns: arns, ...(Marker ? {Marker} : {})})),
        (p) => p.TargetGroups,
        (p) => p.NextMarker,
      ),
    ),
  )
  return batches.flat()
}

export async function describeTargetGroupAttributes(r: CallRunner, c: AwsClients, tgArn: string): Promise<TargetGroupAttribute[] | undefined> {
  const {DescribeTargetGroupAttributesCommand} = elbv2Sdk()
  const out = await r.call(`${API}:DescribeTargetGroupAttributes`, tgArn, () => c.elbv2.send(new DescribeTargetGroupAttributesCommand({TargetGroupArn: tgArn})))
  return out?.Attributes
}

export async function describeTargetHealth(r: CallRunner, c: AwsClients, tgArn: string): Promise<TargetHealthDescription[] | undefined> {
  const {DescribeTargetHealthCommand} = elbv2Sdk()
  const out = await r.call(`${API}:DescribeTargetHealth`, tgArn, () => c.elbv2.send(new DescribeTargetHealthCommand({TargetGroupArn: tgArn})))
  return out?.TargetHealthDescriptions
}

/** Every target group an action forwards to: TargetGroupArn and the weighted ForwardConfig list. */
export function actionTargetGroupArns(actions: readonly Action[] | undefined): string[] {
  return uniq((actions ?? []).flatMap((a) => [a.TargetGroupArn, ...(a.ForwardConfig?.TargetGroups ?? []).map((t) => t.TargetGroupArn)]))
}

/** The target groups the listeners' default actions and rules forward to. */
export function referencedTargetGroupArns(listeners: readonly Listener[], rules: Record<string, Rule[]>): string[] {
  return uniq([
    ...listeners.flatMap((l) => actionTargetGroupArns(l.DefaultActions)),
    ...Object.values(rules).flatMap((rs) => rs.flatMap((rule) => actionTargetGroupArns(rule.Actions))),
  ])
}

/** DescribeTags takes at most 20 resource ARNs per call. */
const TAGS_BATCH = 20

/** The tags of these load balancers (or target groups), by ARN; a failed batch is recorded and its ARNs left out. */
export async function describeTags(r: CallRunner, c: AwsClients, arns: readonly string[]): Promise<Map<string, Record<string, string>>> {
  const {DescribeTagsCommand} = elbv2Sdk()
  const out = new Map<string, Record<string, string>>()
  await Promise.all(
    chunk(uniq(arns), TAGS_BATCH).map(async (batch) => {
      const got = await r.call(`${API}:DescribeTags`, batch.length === 1 ? batch[0] : `${batch[0]} (+${batch.length - 1})`, () =>
        c.elbv2.send(new DescribeTagsCommand({ResourceArns: batch})),
      )
      for (const d of got?.TagDescriptions ?? []) {
        if (d.ResourceArn) out.set(d.ResourceArn, Object.fromEntries((d.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])))
      }
    }),
  )
  return out
}
