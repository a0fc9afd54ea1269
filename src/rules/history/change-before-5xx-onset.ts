/**
 * change-before-5xx-onset: the latest change to what serves traffic in the hour before the errors began (a launch
 * template version, the group's configuration, an instance refresh, a security group, NACL, route, listener,
 * target group or load balancer attribute), with who made it and when. Rolling it back is often the fastest way out;
 * the fix says how, for a launch template with the exact commands.
 */
import type {AnalysisContext, J} from '../../analyze/context.js'
import {failureReason} from '../../analyze/history-view.js'
import type {ChangeKind, RelevantChange} from '../../history/analyze.js'
import {relevantChangesBefore} from '../../history/analyze.js'
import {cmd} from '../../lib/shell.js'
import type {AutoScalingGroup} from '@aws-sdk/client-auto-scaling'
import type {FindingRef, Remediation, Rule, RuleOutcome} from '../types.js'
import {at, duration, historyOf, onsetText} from './util.js'

const ID = 'change-before-5xx-onset'
/** A change this close before the onset is a likely cause; earlier in the hour, a possible one. */
const LIKELY_WITHIN_SECONDS = 15 * 60

const KIND_WORDS: Record<ChangeKind, string> = {
  'launch-template': 'launch template',
  'auto-scaling-group': 'Auto Scaling group',
  'instance-refresh': 'instance refresh',
  'security-group': 'security group',
  'network-acl': 'network ACL',
  'route-table': 'route table',
  listener: 'listener',
  'target-group': 'target group',
  'load-balancer': 'load balancer attributes',
}

/** The findings a change of each kind can explain, narrowed to the resource it changed. */
const EXPLAINS: Partial<Record<ChangeKind, FindingRef['ruleId'][]>> = {
  'launch-template': ['launch-template-no-web-server', 'asg-launch-failures'],
  'auto-scaling-group': ['launch-template-no-web-server', 'asg-launch-failures', 'asg-not-attached'],
  'instance-refresh': ['deregistration-5xx'],
  'security-group': ['sg-instance-ingress', 'sg-alb-egress'],
  'network-acl': ['nacl-blocks-traffic'],
  'route-table': ['instance-subnet-no-egress', 'alb-subnet-no-igw-route'],
  listener: ['listener-default-action'],
  'target-group': ['health-check-path', 'health-check-timing'],
}

const describe = (c: RelevantChange): string =>
  `${c.event.what} on ${c.event.resources[0] ?? KIND_WORDS[c.kind]}${c.event.detail && c.event.source !== 'cloudtrail' ? ` (${c.event.detail})` : ''} at ${at(c.event.time)} by ${c.event.who ?? 'an unknown principal (CloudTrail names who)'}`

/**
 * The launch template and version a change created, when it is one: the version's own record names its number;
 * for CloudTrail's, the record of the same template in the same minute, else the template's latest version.
 */
function templateVersion(ctx: AnalysisContext, c: RelevantChange): {id: string; version?: number} | undefined {
  if (c.kind !== 'launch-template') return undefined
  const own = (e: RelevantChange['event']) => {
    const [id, n] = (e.id ?? '').split(':')
    return e.source === 'launch-template-version' && id ? {id, version: Number(n) || undefined} : undefined
  }
  if (own(c.event)) return own(c.event)
  const lt = c.event.resources.find((r) => r.startsWith('lt-'))
  if (!lt) return undefined
  const t = Date.parse(c.event.time)
  const near = (ctx.history?.section.changes?.events ?? []).filter((e) => Math.abs(Date.parse(e.time) - t) <= 60_000)
  const sibling = near.map(own).find((v) => v?.id === lt)
  if (sibling) return sibling
  const latest = ctx.history?.section.changes?.launchTemplates.find((x) => x.launchTemplateId === lt)?.latestVersion
  const known = ctx.launchTemplateVersions().filter((v) => v.LaunchTemplateId === lt).map((v) => v.VersionNumber ?? 0)
  return {id: lt, version: latest ?? (known.length ? Math.max(...known) : undefined)}
}

function groupsOf(ctx: AnalysisContext, c: RelevantChange, lt?: string): J<AutoScalingGroup>[] {
  return ctx.autoScalingGroups.filter((g) => (lt && g.LaunchTemplate?.LaunchTemplateId === lt) || c.event.resources.includes(g.AutoScalingGroupName ?? '\0'))
}

/** How to undo it: the group back on the version before, or the change looked up in CloudTrail to revert by hand. */
function rollback(ctx: AnalysisContext, c: RelevantChange, all: RelevantChange[]): Remediation {
  // A group update or a refresh usually rolls out the version created just before it.
  const version = templateVersion(ctx, c) ?? (c.kind === 'auto-scaling-group' || c.kind === 'instance-refresh' ? all.map((x) => templateVersion(ctx, x)).find((v) => v !== undefined) : undefined)
  const groups = groupsOf(ctx, c, version?.id)
  const commands: string[] = []
  const refresh = all.find((x) => x.kind === 'instance-refresh' && /InProgress|Pending/i.test(x.event.status ?? ''))
  for (const g of refresh ? groupsOf(ctx, refresh) : []) commands.push(cmd`aws autoscaling cancel-instance-refresh --auto-scaling-group-name ${g.AutoScalingGroupName} ${ctx.regionFlag}`)
  if (version?.version !== undefined && version.version > 1) {
    // The version before it that still exists, when the snapshot lists the template's versions.
    const known = ctx.launchTemplateVersions().filter((v) => v.LaunchTemplateId === version.id && (v.VersionNumber ?? 0) < version.version!).map((v) => v.VersionNumber ?? 0)
    const previous = known.length ? Math.max(...known) : version.version - 1
    for (const g of groups.length ? groups : groupsOf(ctx, c, version.id)) {
      const name = g.AutoScalingGroupName ?? ''
      // With no healthy target left, replacing every instance at once is the fastest way back; otherwise keep most serving.
      const healthy = (g.TargetGroupARNs ?? []).some((arn) => ctx.targetHealth(arn).some((d) => d.TargetHealth?.State === 'healthy'))
      if ((g.LaunchTemplate?.Version ?? '$Default') === '$Default') commands.push(cmd`aws ec2 modify-launch-template --launch-template-id ${version.id} --default-version ${previous} ${ctx.regionFlag}`)
      else commands.push(cmd`aws autoscaling update-auto-scaling-group --auto-scaling-group-name ${name} --launch-template ${`LaunchTemplateId=${version.id},Version=${previous}`} ${ctx.regionFlag}`)
      commands.push(cmd`aws autoscaling start-instance-refresh --auto-scaling-group-name ${name} --preferences ${JSON.stringify({MinHealthyPercentage: healthy ? 90 : 0, SkipMatching: true})} ${ctx.regionFlag}`)
    }
    if (commands.length) {
      return {
        summary: `Roll back: put the group back on ${version.id} version ${previous} (the one before ${version.version}), replace the instances launched from ${version.version}, then fix version ${version.version} before using it again.`,
        commands,
      }
    }
  }
  const lookup = c.event.id && c.event.source === 'cloudtrail'
    ? cmd`aws cloudtrail lookup-events --lookup-attributes ${`AttributeKey=EventId,AttributeValue=${c.event.id}`} ${ctx.regionFlag}`
    : cmd`aws cloudtrail lookup-events --lookup-attributes ${`AttributeKey=ResourceName,AttributeValue=${c.event.resources[0] ?? ''}`} --start-time ${c.event.time} --max-results 20 ${ctx.regionFlag}`
  return {
    summary: `Revert the ${KIND_WORDS[c.kind]} change (${c.event.what}) if the errors began with it: CloudTrail's record holds its request parameters, the values to undo.`,
    commands: [...commands, lookup],
  }
}

function check(ctx: AnalysisContext): RuleOutcome {
  const h = historyOf(ctx)
  if (!('analysis' in h)) return h
  const changes = h.section.changes
  if (!changes) {
    const failed = h.unavailable('changes')
    return failed ? {couldNotCheck: failed} : {notApplicable: 'the change history was not collected'}
  }
  const onset = h.analysis.onset
  if (!onset) return []
  if (onset.beforeWindow) return {notApplicable: 'the errors were already there when the window opened: a longer --since would show what changed before them'}
  const found = relevantChangesBefore(changes.events, onset, h.stepSeconds)
  const trail = h.failure('changes')
  if (found.length === 0) return trail ? {couldNotCheck: `no change found before the onset, and ${failureReason(trail)}`} : []
  // A group update or a refresh that rolls out a launch template version created in the same hour: the version is
  // what changed, the rollout is when it reached the instances.
  const rollout = found[0].kind === 'auto-scaling-group' || found[0].kind === 'instance-refresh' ? found.find((x) => x.kind === 'launch-template') : undefined
  const c = rollout ?? found[0]
  const soon = found[0].secondsBeforeOnset <= LIKELY_WITHIN_SECONDS
  const resource = c.event.resources[0] ?? ''
  const kinds = [...new Set([c.kind, ...(rollout ? [found[0].kind] : [])])]
  const explains: FindingRef[] = [
    {ruleId: 'alb-5xx-in-window'},
    {ruleId: 'target-health-unhealthy'},
    {ruleId: 'health-checks-flapping'},
    ...kinds.flatMap((k) => (EXPLAINS[k] ?? []).map((ruleId) => ({ruleId, ...(resource && k !== 'auto-scaling-group' && k !== 'instance-refresh' ? {resource} : {})}))),
  ]
  const when = c.secondsBeforeOnset > 0 ? `${duration(c.secondsBeforeOnset)} after` : 'in the same minutes as'
  const rolledOut = rollout ? `, rolled out by ${describe(found[0])}` : ''
  // The launch template's or the group's own record of a change CloudTrail also logged (with who) is said once.
  const shown = found.filter((x) => x.event.source === 'cloudtrail' || !found.some((y) => y.event.source === 'cloudtrail' && y.kind === x.kind && Math.abs(y.secondsBeforeOnset - x.secondsBeforeOnset) <= 60))
  return [
    ctx.finding(ID, {
      message: `The 5xx ${onsetText(h)}, ${when} this ${KIND_WORDS[c.kind]} change: ${describe(c)}${rolledOut}`,
      resources: [...new Set([resource, ...c.event.resources, ...(rollout ? found[0].event.resources : []), ctx.lb.LoadBalancerArn ?? ''].filter(Boolean))],
      evidence: [
        ...shown.slice(0, 6).map((x) => `${duration(x.secondsBeforeOnset)} before the onset: ${describe(x)}${x.event.status ? ` [${x.event.status}]` : ''}`),
        ...(trail ? [`CloudTrail was not fully read (${failureReason(trail)}): other changes may be missing`] : []),
        ...(changes.truncated ? ['CloudTrail had more events than were read: older changes may be missing'] : []),
      ],
      data: {onset: onset.time, change: c.event, kind: c.kind, secondsBeforeOnset: c.secondsBeforeOnset, ...(rollout ? {rolledOutBy: found[0].event} : {}), others: found.filter((x) => x !== c).slice(0, 5).map((x) => x.event)},
      remediation: rollback(ctx, c, found),
      confidence: soon ? 'likely' : 'possible',
      ...(soon ? {} : {severity: 'warning' as const}),
      explains,
    }),
  ]
}

export const rule: Rule = {id: ID, check}
