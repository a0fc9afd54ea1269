/**
 * Change history of the resources in scope, normalised into one event shape {time, source, what, resources, who}:
 * - Auto Scaling activities (launches, terminations) and instance refreshes of the groups;
 * - launch template versions (when each was created, by whom, and which one the group uses);
 * - CloudTrail LookupEvents for each resource in scope (security groups, NACLs, route tables, launch templates,
 *   target groups, listeners and rules, the load balancer, the groups): who changed what, when.
 *
 * LookupEvents takes one lookup attribute per call and allows about two calls a second per account and region, so
 * each resource costs at least one call: the resources are bounded (most telling first), the calls go through a
 * pacer shared by a couple of workers, and a throttled call slows the pacer down and is tried again.
 */
import type {Activity, AutoScalingGroup, DescribeInstanceRefreshesCommandInput, DescribeInstanceRefreshesCommandOutput, DescribeScalingActivitiesCommandInput, DescribeScalingActivitiesCommandOutput, InstanceRefresh} from '@aws-sdk/client-auto-scaling'
import type {LookupEventsCommandInput, LookupEventsCommandOutput, Event as TrailEvent, CloudTrailClient} from '@aws-sdk/client-cloudtrail'
import type {DescribeLaunchTemplateVersionsCommandInput, DescribeLaunchTemplateVersionsCommandOutput, LaunchTemplateVersion, EC2Client} from '@aws-sdk/client-ec2'
import type {AutoScalingClient} from '@aws-sdk/client-auto-scaling'
import type {CallRunner} from '../collect/runner.js'
import {awsErrorCode} from '../lib/errors.js'
import type {ChangeEvent, ChangesPart, LaunchTemplateUse} from '../snapshot/history-types.js'
import type {Jsonify, Snapshot} from '../snapshot/types.js'
import type {Window} from './common.js'
import {autoScalingSdk, cloudTrailSdk, ec2Sdk} from './sdk.js'

export interface ChangeSenders {
  lookupEvents(input: LookupEventsCommandInput): Promise<LookupEventsCommandOutput>
  describeScalingActivities(input: DescribeScalingActivitiesCommandInput): Promise<DescribeScalingActivitiesCommandOutput>
  describeInstanceRefreshes(input: DescribeInstanceRefreshesCommandInput): Promise<DescribeInstanceRefreshesCommandOutput>
  describeLaunchTemplateVersions(input: DescribeLaunchTemplateVersionsCommandInput): Promise<DescribeLaunchTemplateVersionsCommandOutput>
}

export function changeSenders(c: {cloudtrail: CloudTrailClient; autoscaling: AutoScalingClient; ec2: EC2Client}): ChangeSenders {
  const ct = cloudTrailSdk()
  const as = autoScalingSdk()
  const ec2 = ec2Sdk()
  return {
    lookupEvents: (i) => c.cloudtrail.send(new ct.LookupEventsCommand(i)),
    describeScalingActivities: (i) => c.autoscaling.send(new as.DescribeScalingActivitiesCommand(i)),
    describeInstanceRefreshes: (i) => c.autoscaling.send(new as.DescribeInstanceRefreshesCommand(i)),
    describeLaunchTemplateVersions: (i) => c.ec2.send(new ec2.DescribeLaunchTemplateVersionsCommand(i)),
  }
}

// ---------------------------------------------------------------- pacing

export interface Clock {
  now(): number
  sleep(ms: number): Promise<void>
}

export const systemClock: Clock = {now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms))}

/**
 * Spaces calls at most `ratePerSecond` apart, whoever makes them. `throttled()` halves the rate (down to a floor)
 * and holds every caller for a second.
 */
export class Pacer {
  private nextAt = 0
  constructor(
    private rate = 2,
    private readonly clock: Clock = systemClock,
    private readonly minRate = 0.25,
  ) {}

  get ratePerSecond(): number {
    return this.rate
  }

  async take(): Promise<void> {
    const now = this.clock.now()
    const at = Math.max(now, this.nextAt)
    this.nextAt = at + 1000 / this.rate
    if (at > now) await this.clock.sleep(at - now)
  }

  throttled(): void {
    this.rate = Math.max(this.minRate, this.rate / 2)
    this.nextAt = Math.max(this.nextAt, this.clock.now() + 1000)
  }
}

export function isThrottle(error: unknown): boolean {
  const code = awsErrorCode(error)
  return /Throttl|TooManyRequests|RequestLimitExceeded|SlowDown/i.test(code) || (error as {$metadata?: {httpStatusCode?: number}})?.$metadata?.httpStatusCode === 429
}

/** Sends through the pacer; a throttled answer slows the pacer and is tried again, `retries` times at most. */
export async function paced<T>(pacer: Pacer, send: () => Promise<T>, retries = 3): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    await pacer.take()
    try {
      return await send()
    } catch (error) {
      if (!isThrottle(error) || attempt >= retries) throw error
      pacer.throttled()
    }
  }
}

// ---------------------------------------------------------------- scope

export type ScopeKind = 'autoscaling-group' | 'launch-template' | 'target-group' | 'load-balancer' | 'listener' | 'security-group' | 'network-acl' | 'route-table' | 'listener-rule'

export interface ScopedResource {
  name: string
  kind: ScopeKind
}

/**
 * The resources whose changes could explain the errors, most telling first: the groups and their launch templates,
 * the target groups, the load balancer, its listeners, the security groups, the NACLs and route tables of the
 * subnets in play, then the listener rules.
 */
export function resourcesInScope(s: Snapshot): ScopedResource[] {
  const out: ScopedResource[] = []
  const seen = new Set<string>()
  const add = (kind: ScopeKind, name: string | undefined) => {
    if (!name || seen.has(name)) return
    seen.add(name)
    out.push({name, kind})
  }
  const lb = s.elbv2.LoadBalancers[0]
  for (const g of s.autoscaling.AutoScalingGroups) add('autoscaling-group', g.AutoScalingGroupName)
  for (const g of s.autoscaling.AutoScalingGroups) add('launch-template', g.LaunchTemplate?.LaunchTemplateId ?? g.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification?.LaunchTemplateId)
  for (const tg of s.elbv2.TargetGroups) add('target-group', tg.TargetGroupArn)
  add('load-balancer', lb?.LoadBalancerArn)
  for (const l of s.elbv2.Listeners) add('listener', l.ListenerArn)
  const sgs = new Set<string>([...(lb?.SecurityGroups ?? []), ...s.ec2.Instances.flatMap((i) => (i.SecurityGroups ?? []).map((g) => g.GroupId ?? ''))])
  for (const id of sgs) add('security-group', id)
  const subnets = new Set<string>([...(lb?.AvailabilityZones ?? []).map((z) => z.SubnetId ?? ''), ...s.ec2.Instances.map((i) => i.SubnetId ?? '')])
  for (const n of s.ec2.NetworkAcls) if ((n.Associations ?? []).some((a) => a.SubnetId && subnets.has(a.SubnetId))) add('network-acl', n.NetworkAclId)
  for (const r of s.ec2.RouteTables) {
    const assoc = r.Associations ?? []
    if (assoc.some((a) => (a.SubnetId && subnets.has(a.SubnetId)) || a.Main)) add('route-table', r.RouteTableId)
  }
  for (const rules of Object.values(s.elbv2.Rules)) for (const r of rules) if (!r.IsDefault) add('listener-rule', r.RuleArn)
  return out
}

// ---------------------------------------------------------------- normalising

type AnyActivity = Activity | Jsonify<Activity>
const iso = (t: Date | string | undefined): string | undefined => (t === undefined ? undefined : t instanceof Date ? t.toISOString() : new Date(t).toISOString())

export function activityToChange(a: AnyActivity): ChangeEvent | undefined {
  const time = iso(a.StartTime)
  if (!time) return undefined
  const description = a.Description ?? ''
  const what = /^Launching/i.test(description) ? 'Launch' : /^Terminating/i.test(description) ? 'Terminate' : (description.split(/[\s:]/)[0] || 'Activity')
  const instance = /\b(i-[0-9a-f]{8,17})\b/.exec(description)?.[1]
  return {
    time,
    source: 'autoscaling-activity',
    what,
    resources: [a.AutoScalingGroupName ?? '', ...(instance ? [instance] : [])].filter(Boolean),
    who: 'autoscaling',
    detail: [description, a.Cause].filter(Boolean).join(' — ').slice(0, 500),
    ...(a.StatusCode ? {status: a.StatusCode} : {}),
    ...(a.ActivityId ? {id: a.ActivityId} : {}),
  }
}

export function refreshToChange(r: InstanceRefresh | Jsonify<InstanceRefresh>): ChangeEvent | undefined {
  const time = iso(r.StartTime)
  if (!time) return undefined
  return {
    time,
    source: 'instance-refresh',
    what: 'InstanceRefresh',
    resources: [r.AutoScalingGroupName ?? ''].filter(Boolean),
    detail: [r.StatusReason, r.PercentageComplete !== undefined ? `${r.PercentageComplete}% complete` : undefined].filter(Boolean).join('; ') || undefined,
    ...(r.Status ? {status: r.Status} : {}),
    ...(r.InstanceRefreshId ? {id: r.InstanceRefreshId} : {}),
  }
}

/**
 * The version a group launches: its spec names a number, `$Latest` or `$Default` (absent means `$Default`).
 */
export function versionInUse(group: Pick<AutoScalingGroup, 'LaunchTemplate'> | Jsonify<Pick<AutoScalingGroup, 'LaunchTemplate'>>, versions: readonly (LaunchTemplateVersion | Jsonify<LaunchTemplateVersion>)[]): number | undefined {
  const spec = group.LaunchTemplate
  if (!spec) return undefined
  const mine = versions.filter((v) => (spec.LaunchTemplateId && v.LaunchTemplateId === spec.LaunchTemplateId) || (spec.LaunchTemplateName && v.LaunchTemplateName === spec.LaunchTemplateName))
  const wanted = spec.Version ?? '$Default'
  if (wanted === '$Latest') return Math.max(...mine.map((v) => v.VersionNumber ?? 0))
  if (wanted === '$Default') return mine.find((v) => v.DefaultVersion)?.VersionNumber
  const n = Number(wanted)
  return Number.isInteger(n) ? n : undefined
}

export function versionToChange(v: LaunchTemplateVersion | Jsonify<LaunchTemplateVersion>, usedBy: readonly string[] = []): ChangeEvent | undefined {
  const time = iso(v.CreateTime)
  if (!time || !v.LaunchTemplateId) return undefined
  const notes = [v.DefaultVersion ? 'the default version' : undefined, usedBy.length ? `used by ${usedBy.join(', ')}` : undefined, v.VersionDescription].filter(Boolean)
  return {
    time,
    source: 'launch-template-version',
    what: 'CreateLaunchTemplateVersion',
    resources: [v.LaunchTemplateId],
    ...(v.CreatedBy ? {who: v.CreatedBy} : {}),
    detail: `${v.LaunchTemplateName ?? v.LaunchTemplateId} version ${v.VersionNumber}${notes.length ? ` (${notes.join('; ')})` : ''}`,
    id: `${v.LaunchTemplateId}:${v.VersionNumber}`,
  }
}

const READ_ONLY_NAME = /^(Describe|Get|List|Lookup|Head|Search|Batch(Get|Describe))/

/** A CloudTrail event as a change, or undefined for a read, a failed call, or an event without a time. */
export function trailEventToChange(e: TrailEvent | Jsonify<TrailEvent>, lookedUp: string): ChangeEvent | undefined {
  const time = iso(e.EventTime)
  if (!time || !e.EventName) return undefined
  let body: {readOnly?: boolean; errorCode?: string; eventSource?: string; userIdentity?: {arn?: string; invokedBy?: string}} = {}
  try {
    body = e.CloudTrailEvent ? JSON.parse(e.CloudTrailEvent) : {}
  } catch {
    body = {}
  }
  if (body.readOnly === true || (body.readOnly === undefined && READ_ONLY_NAME.test(e.EventName))) return undefined
  if (body.errorCode) return undefined
  const resources = [lookedUp, ...(e.Resources ?? []).map((r) => r.ResourceName ?? '')].filter(Boolean)
  const who = body.userIdentity?.arn ?? e.Username ?? body.userIdentity?.invokedBy
  return {
    time,
    source: 'cloudtrail',
    what: e.EventName,
    resources: [...new Set(resources)],
    ...(who ? {who} : {}),
    ...(body.eventSource || e.EventSource ? {detail: body.eventSource ?? e.EventSource} : {}),
    ...(e.EventId ? {id: e.EventId} : {}),
  }
}

/** Merges events seen under several resources (same id), sorts by time (newest last). */
export function mergeChanges(events: readonly ChangeEvent[]): ChangeEvent[] {
  const byId = new Map<string, ChangeEvent>()
  const out: ChangeEvent[] = []
  for (const e of events) {
    const key = e.id ? `${e.source}:${e.id}` : undefined
    const prior = key ? byId.get(key) : undefined
    if (prior) {
      prior.resources = [...new Set([...prior.resources, ...e.resources])]
      continue
    }
    const copy = {...e, resources: [...e.resources]}
    if (key) byId.set(key, copy)
    out.push(copy)
  }
  return out.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : a.what < b.what ? -1 : 1))
}

const inWindow = (e: ChangeEvent, w: Window) => {
  const t = Date.parse(e.time)
  return t >= w.start && t <= w.end
}

// ---------------------------------------------------------------- collecting

export interface ChangeOptions {
  /** Resources asked of CloudTrail at most. */
  maxResources?: number
  /** LookupEvents pages (of 50 events) per resource at most. */
  maxPagesPerResource?: number
  /** LookupEvents calls in flight at once (the pacer sets the rate). */
  concurrency?: number
  pacer?: Pacer
  /** Skip CloudTrail (e.g. when it is known to be unavailable). */
  cloudTrail?: boolean
}

/** LookupEvents for one resource name within the window, pages bounded. */
export async function lookupResourceEvents(runner: CallRunner, send: ChangeSenders['lookupEvents'], pacer: Pacer, resource: string, w: Window, maxPages: number): Promise<{events: ChangeEvent[]; truncated: boolean; failed?: boolean}> {
  const events: ChangeEvent[] = []
  let token: string | undefined
  for (let page = 0; page < maxPages; page++) {
    const out = await runner.call('cloudtrail:LookupEvents', resource, () =>
      paced(pacer, () =>
        send({
          LookupAttributes: [{AttributeKey: 'ResourceName', AttributeValue: resource}],
          StartTime: new Date(w.start),
          EndTime: new Date(w.end),
          MaxResults: 50,
          ...(token ? {NextToken: token} : {}),
        }),
      ),
    )
    if (!out) return {events, truncated: false, failed: true}
    for (const e of out.Events ?? []) {
      const c = trailEventToChange(e, resource)
      if (c) events.push(c)
    }
    if (!out.NextToken || out.NextToken === token) return {events, truncated: false}
    token = out.NextToken
  }
  return {events, truncated: true}
}

/**
 * Every change of the window: the groups' activities and instance refreshes, the launch templates' versions, and
 * CloudTrail's events for the resources in scope. Failures are recorded by the runner; what answered is kept.
 */
export async function collectChanges(runner: CallRunner, send: ChangeSenders, snapshot: Snapshot, w: Window, o: ChangeOptions = {}): Promise<ChangesPart> {
  const groups = snapshot.autoscaling.AutoScalingGroups
  const groupNames = groups.map((g) => g.AutoScalingGroupName ?? '').filter(Boolean)
  const events: ChangeEvent[] = []

  const activities = Promise.all(
    groupNames.map(async (name) => {
      const list = await runner.paginate(
        'autoscaling:DescribeScalingActivities',
        name,
        async (NextToken) => {
          const out = await send.describeScalingActivities({AutoScalingGroupName: name, MaxRecords: 100, ...(NextToken ? {NextToken} : {})})
          // Most recent first: stop paging once the window's start is passed.
          const oldest = out.Activities?.[out.Activities.length - 1]?.StartTime
          return oldest && new Date(oldest).getTime() < w.start ? {...out, NextToken: undefined} : out
        },
        (p) => p.Activities,
        (p) => p.NextToken,
      )
      for (const a of list) {
        const c = activityToChange(a)
        if (c) events.push(c)
      }
    }),
  )

  const refreshes = Promise.all(
    groupNames.map(async (name) => {
      const out = await runner.call('autoscaling:DescribeInstanceRefreshes', name, () => send.describeInstanceRefreshes({AutoScalingGroupName: name, MaxRecords: 50}))
      for (const r of out?.InstanceRefreshes ?? []) {
        const c = refreshToChange(r)
        if (c) events.push(c)
      }
    }),
  )

  const launchTemplates: LaunchTemplateUse[] = []
  const templateIds = [...new Set(groups.map((g) => g.LaunchTemplate?.LaunchTemplateId).filter((x): x is string => !!x))]
  const versions = Promise.all(
    templateIds.map(async (id) => {
      const list = await runner.paginate(
        'ec2:DescribeLaunchTemplateVersions',
        id,
        (NextToken) => send.describeLaunchTemplateVersions({LaunchTemplateId: id, MaxResults: 50, ...(NextToken ? {NextToken} : {})}),
        (p) => p.LaunchTemplateVersions,
        (p) => p.NextToken,
      )
      const used = new Map<number, string[]>()
      for (const g of groups) {
        if (g.LaunchTemplate?.LaunchTemplateId !== id) continue
        const n = versionInUse(g, list)
        if (n !== undefined) used.set(n, [...(used.get(n) ?? []), g.AutoScalingGroupName ?? ''])
      }
      for (const v of list) {
        const c = versionToChange(v, used.get(v.VersionNumber ?? -1))
        if (c) events.push(c)
      }
      const numbers = list.map((v) => v.VersionNumber ?? 0)
      launchTemplates.push({
        launchTemplateId: id,
        ...(list[0]?.LaunchTemplateName ? {launchTemplateName: list[0].LaunchTemplateName} : {}),
        ...(numbers.length ? {latestVersion: Math.max(...numbers)} : {}),
        ...(list.find((v) => v.DefaultVersion)?.VersionNumber !== undefined ? {defaultVersion: list.find((v) => v.DefaultVersion)?.VersionNumber} : {}),
        inUse: groups
          .filter((g) => g.LaunchTemplate?.LaunchTemplateId === id)
          .map((g) => {
            const version = list.length ? versionInUse(g, list) : undefined
            return {group: g.AutoScalingGroupName ?? '', ...(version !== undefined ? {version} : {}), ...(g.LaunchTemplate?.Version ? {spec: g.LaunchTemplate.Version} : {})}
          }),
      })
    }),
  )

  const scope = resourcesInScope(snapshot)
  const maxResources = o.maxResources ?? 30
  const candidates = o.cloudTrail === false ? [] : scope.slice(0, maxResources).map((r) => r.name)
  const lookedUp: string[] = []
  let truncated = false
  // A lookup that fails once it was paced and retried (denied, or an endpoint without CloudTrail) fails the same way
  // for every resource: the first is asked alone, and after a failure the rest are not asked, rather than paying
  // ~0.5 s of the rate limit each for nothing.
  let failed = false
  const pacer = o.pacer ?? new Pacer(2)
  let next = 0
  const lookup = async (name: string) => {
    lookedUp.push(name)
    const got = await lookupResourceEvents(runner, send.lookupEvents, pacer, name, w, o.maxPagesPerResource ?? 2)
    failed ||= got.failed === true
    truncated ||= got.truncated
    events.push(...got.events)
  }
  const worker = async () => {
    while (next < candidates.length && !failed) await lookup(candidates[next++])
  }
  const trail = (async () => {
    if (candidates.length === 0) return
    await lookup(candidates[next++])
    await Promise.all(Array.from({length: Math.min(o.concurrency ?? 2, candidates.length - next)}, worker))
  })()

  await Promise.all([activities, refreshes, versions, trail])
  launchTemplates.sort((a, b) => (a.launchTemplateId < b.launchTemplateId ? -1 : 1))
  const asked = new Set(lookedUp)
  const skipped = scope.map((r) => r.name).filter((n) => !asked.has(n))
  return {events: mergeChanges(events.filter((e) => inWindow(e, w))), lookedUp: candidates.filter((n) => asked.has(n)), skipped, truncated, launchTemplates}
}
