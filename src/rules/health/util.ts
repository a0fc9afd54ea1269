/**
 * Helpers shared by the listener / target group / target health / Auto Scaling rules. Pure, no I/O.
 */
import {cmd} from '../../lib/shell.js'
import type {AutoScalingGroup} from '@aws-sdk/client-auto-scaling'
import type {TargetGroup, TargetHealthDescription} from '@aws-sdk/client-elastic-load-balancing-v2'
import type {AnalysisContext, J} from '../../analyze/context.js'
import {shortName} from '../../analyze/context.js'
import {userDataText} from '../../lib/user-data.js'
import {groupTemplate} from './launch-template.js'
import {ecsCluster} from './user-data.js'

/** AWS enum strings come back in more than one case (EC2 says "available", the SDK "Available"). */
export const eqi = (a: string | undefined, b: string): boolean => (a ?? '').toLowerCase() === b.toLowerCase()

/** What each target health reason code tells you, and where to look next. */
export const REASON_HINTS: Record<string, string> = {
  'Target.ResponseCodeMismatch': 'the health-check path answered with a code outside the matcher: check the path and the matcher',
  'Target.Timeout': 'no answer in time: check the security groups and NACLs for the health-check port, that something listens on it, and that the app answers within the timeout',
  'Target.FailedHealthChecks': 'connection refused or reset, or a malformed response: often nothing listens on the port (is the web server installed and running?)',
  'Elb.InternalError': 'an error on the load balancer side: retry later, and open an AWS support case if it persists',
  'Elb.RegistrationInProgress': 'the target is being registered: wait',
  'Elb.InitialHealthChecking': 'the first health checks are running: wait for the healthy threshold',
  'Target.NotRegistered': 'the target is not registered in the target group',
  'Target.NotInUse': 'its AZ is not enabled on the load balancer, or the target group is on no listener',
  'Target.InvalidState': 'the instance is stopped or terminated',
  'Target.IpUnusable': 'the IP address belongs to the load balancer itself',
  'Target.DeregistrationInProgress': 'the target is being deregistered',
  'Target.HealthCheckDisabled': 'health checks are turned off for the target group',
}

export type TargetDesc = J<TargetHealthDescription>

/** Whether a target's reason code is one of `codes`. */
export const reasonIs = (d: TargetDesc, ...codes: string[]): boolean => codes.some((c) => eqi(d.TargetHealth?.Reason, c))
export type Group = J<AutoScalingGroup>
export type TG = J<TargetGroup>

export const tgName = (tg: TG): string => tg.TargetGroupName ?? shortName(tg.TargetGroupArn)

export const targetsInState = (ctx: AnalysisContext, tgArn: string, state: string): TargetDesc[] =>
  ctx.targetHealth(tgArn).filter((d) => eqi(d.TargetHealth?.State, state))

/** Targets that are registered: DescribeTargetHealth lists a target it does not know as unused/NotRegistered. */
export const registeredTargets = (ctx: AnalysisContext, tgArn: string): TargetDesc[] =>
  ctx.targetHealth(tgArn).filter((d) => !reasonIs(d, 'Target.NotRegistered'))

/** Targets that receive or are about to receive traffic: not unused, not draining. */
export const servingTargets = (ctx: AnalysisContext, tgArn: string): TargetDesc[] =>
  registeredTargets(ctx, tgArn).filter((d) => !['unused', 'draining'].some((s) => eqi(d.TargetHealth?.State, s)))

/** Counts of each reason code, most frequent first: "Target.Timeout: 2, Target.FailedHealthChecks: 1". */
export function countReasons(descs: TargetDesc[]): [string, number][] {
  const counts = new Map<string, number>()
  for (const d of descs) {
    const r = d.TargetHealth?.Reason ?? '(no reason)'
    counts.set(r, (counts.get(r) ?? 0) + 1)
  }
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
}

/** The AZ of a target: DescribeTargetHealth only gives it for IP targets, so look the instance up. */
export const targetAz = (ctx: AnalysisContext, d: TargetDesc): string =>
  d.Target?.AvailabilityZone ?? ctx.instance(d.Target?.Id ?? '')?.Placement?.AvailabilityZone ?? '?'

/** One evidence line per target: "i-0a1 (us-east-1a) port 80: unhealthy Target.Timeout: Request timed out". */
export function targetLine(ctx: AnalysisContext, d: TargetDesc): string {
  const th = d.TargetHealth
  const detail = [th?.State, th?.Reason].filter(Boolean).join(' ')
  return `${d.Target?.Id} (${targetAz(ctx, d)}) port ${d.Target?.Port ?? '?'}: ${detail}${th?.Description ? `: ${th.Description}` : ''}`
}

export const targetIds = (descs: TargetDesc[]): string[] => descs.map((d) => d.Target?.Id ?? '?')

export const describeTargetHealthCmd = (ctx: AnalysisContext, tgArn: string): string =>
  cmd`aws elbv2 describe-target-health --target-group-arn ${tgArn} ${ctx.regionFlag}`

/** The ARNs of the target groups this load balancer's snapshot holds. */
export const snapshotTgArns = (ctx: AnalysisContext): Set<string> =>
  new Set(ctx.targetGroups.map((t) => t.TargetGroupArn ?? '').filter(Boolean))

/** Groups attached to at least one of the snapshot's target groups, with those target groups. */
export function attachedGroups(ctx: AnalysisContext): {group: Group; tgs: TG[]}[] {
  return ctx.autoScalingGroups
    .map((group) => ({group, tgs: (group.TargetGroupARNs ?? []).map((a) => ctx.targetGroup(a)).filter((t): t is TG => t !== undefined)}))
    .filter((g) => g.tgs.length > 0)
}

export const inServiceIds = (g: Group): string[] =>
  (g.Instances ?? []).filter((i) => eqi(i.LifecycleState, 'InService')).map((i) => i.InstanceId ?? '?')

/** Seconds a new target waits before it gets traffic: interval × healthy threshold. */
export const warmUpSeconds = (tg: TG): number => (tg.HealthCheckIntervalSeconds ?? 30) * (tg.HealthyThresholdCount ?? 5)

/** A target group whose health checks really run: instance and IP targets (Lambda targets are optional). */
export const checksTargets = (tg: TG): boolean => !eqi(tg.TargetType, 'lambda') && !eqi(tg.TargetType, 'alb')

export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`

/**
 * Whether a group's instances are ECS container hosts (the launch template's user data joins an ECS cluster):
 * the ECS service registers its tasks in the target group, the group itself is not meant to be attached.
 */
export function ecsClusterOf(ctx: AnalysisContext, g: Group): string | undefined {
  return ecsCluster(userDataText(groupTemplate(ctx, g)?.version?.LaunchTemplateData?.UserData))
}

/** The subnets a group launches into, from its VPCZoneIdentifier. */
export const groupSubnets = (g: Group): string[] =>
  (g.VPCZoneIdentifier ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)

/** A subnet of the ALB's VPC in `az` to add to it; an internet-facing ALB needs one routed to an internet gateway. */
export function subnetFor(ctx: AnalysisContext, az: string): string {
  const inAz = ctx.snapshot.ec2.Subnets.filter((s) => s.VpcId === ctx.lb.VpcId && s.AvailabilityZone === az)
  const public_ = inAz.filter((s) => (ctx.routeTableFor(s.SubnetId ?? '')?.Routes ?? []).some((r) => r.GatewayId?.startsWith('igw-')))
  const pick = eqi(ctx.lb.Scheme, 'internet-facing') ? public_[0] : (inAz.find((s) => !public_.includes(s)) ?? inAz[0])
  return pick?.SubnetId ?? `<a-subnet-in-${az}>`
}
