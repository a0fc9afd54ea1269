/** The Auto Scaling side of the walk: which groups matter, their recent activities, their launch templates. */
import type {Activity, AutoScalingGroup, LaunchTemplateSpecification} from '@aws-sdk/client-auto-scaling'
import type {AwsClients} from '../lib/aws.js'
import type {CallRunner} from './runner.js'
import {autoScalingSdk} from '../lib/aws.js'

const API = 'autoscaling'
/** Enough history to see a launch loop or a failing scale-out, small enough for one call. */
const ACTIVITIES = 20

/** Every group in the region, in pages of 100: one walk, then `selectGroups` keeps the ones that matter. */
export function describeAllGroups(r: CallRunner, c: AwsClients): Promise<AutoScalingGroup[]> {
  const {DescribeAutoScalingGroupsCommand} = autoScalingSdk()
  return r.paginate(
    `${API}:DescribeAutoScalingGroups`,
    undefined,
    (NextToken) => c.autoscaling.send(new DescribeAutoScalingGroupsCommand({MaxRecords: 100, ...(NextToken ? {NextToken} : {})})),
    (p) => p.AutoScalingGroups,
    (p) => p.NextToken,
  )
}

export async function describeActivities(r: CallRunner, c: AwsClients, groupName: string): Promise<Activity[] | undefined> {
  const {DescribeScalingActivitiesCommand} = autoScalingSdk()
  const out = await r.call(`${API}:DescribeScalingActivities`, groupName, () =>
    c.autoscaling.send(new DescribeScalingActivitiesCommand({AutoScalingGroupName: groupName, MaxRecords: ACTIVITIES})),
  )
  return out?.Activities
}

export interface GroupSelection {
  /** The target groups being diagnosed. */
  targetGroupArns: ReadonlySet<string>
  /** Instance ids registered in those target groups. */
  registeredInstanceIds: ReadonlySet<string>
  /** Subnets of the load balancer's VPC. */
  vpcSubnetIds: ReadonlySet<string>
}

/**
 * The groups worth a look: attached to one of the target groups, owning a registered instance, or attached to
 * no target group at all while launching into the load balancer's VPC (the classic "forgot to attach the ASG").
 */
export function selectGroups(groups: readonly AutoScalingGroup[], s: GroupSelection): AutoScalingGroup[] {
  return groups.filter((g) => {
    const tgs = g.TargetGroupARNs ?? []
    if (tgs.some((arn) => s.targetGroupArns.has(arn))) return true
    if ((g.Instances ?? []).some((i) => i.InstanceId && s.registeredInstanceIds.has(i.InstanceId))) return true
    return tgs.length === 0 && groupSubnets(g).some((id) => s.vpcSubnetIds.has(id))
  })
}

export function groupSubnets(g: AutoScalingGroup): string[] {
  return (g.VPCZoneIdentifier ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
}

/** A launch template and the versions of it to read: the group's own spec and the ones its instances run. */
export interface TemplateRequest {
  launchTemplateId?: string
  launchTemplateName?: string
  versions: string[]
}

/**
 * Groups the launch template versions the groups use by template, so that each template costs one call.
 * A spec without a version means `$Default`.
 */
export function launchTemplateRequests(groups: readonly AutoScalingGroup[]): TemplateRequest[] {
  const byTemplate = new Map<string, TemplateRequest>()
  const add = (spec: LaunchTemplateSpecification | undefined) => {
    if (!spec || (!spec.LaunchTemplateId && !spec.LaunchTemplateName)) return
    const key = spec.LaunchTemplateId ?? `name:${spec.LaunchTemplateName}`
    const req = byTemplate.get(key) ?? {
      ...(spec.LaunchTemplateId ? {launchTemplateId: spec.LaunchTemplateId} : {launchTemplateName: spec.LaunchTemplateName}),
      versions: [],
    }
    const version = spec.Version ?? '$Default'
    if (!req.versions.includes(version)) req.versions.push(version)
    byTemplate.set(key, req)
  }
  for (const g of groups) {
    add(g.LaunchTemplate)
    add(g.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification)
    for (const i of g.Instances ?? []) add(i.LaunchTemplate)
  }
  return [...byTemplate.values()]
}
