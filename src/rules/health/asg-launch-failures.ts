/**
 * asg-launch-failures: failed or cancelled scaling activities in the day before collection, with AWS's status
 * message (an invalid AMI, no capacity in the AZ, an instance profile the caller may not pass...).
 */
import {cmd} from '../../lib/shell.js'
import type {AnalysisContext} from '../../analyze/context.js'
import type {Finding, FindingRef, Rule} from '../types.js'
import {eqi} from './util.js'

const ID = 'asg-launch-failures'

const DAY_MS = 24 * 3600 * 1000

/** What a status message usually means, so the reader knows where to look. */
const HINTS: [RegExp, string][] = [
  [/\bami-|image ?id/i, 'the launch template\'s AMI does not exist, is not shared with the account, or was deregistered'],
  [/insufficient\w*capacity|capacity/i, 'the AZ has no capacity for the instance type: allow more instance types or AZs'],
  [/iam|instance ?profile|iam:PassRole/i, 'the instance profile is wrong or the Auto Scaling service role may not pass its role'],
  [/security group|subnet/i, 'a security group or subnet of the launch template or group does not exist or is in another VPC'],
  [/limit|quota/i, 'an account limit (vCPU quota) was reached'],
]

function check(ctx: AnalysisContext): Finding[] {
  const since = Date.parse(ctx.snapshot.meta.collectedAt) - DAY_MS
  return ctx.autoScalingGroups.flatMap((group) => {
    const name = group.AutoScalingGroupName ?? '?'
    const activities = ctx.snapshot.autoscaling.Activities[name] ?? []
    const failed = activities.filter(
      (a) => (eqi(a.StatusCode, 'Failed') || eqi(a.StatusCode, 'Cancelled')) && Date.parse(a.StartTime ?? '') >= since,
    )
    if (failed.length === 0) return []
    const latest = [...activities].sort((a, b) => Date.parse(b.StartTime ?? '') - Date.parse(a.StartTime ?? ''))[0]
    const stillFailing = failed.includes(latest)
    const hints = [...new Set(failed.flatMap((a) => HINTS.filter(([re]) => re.test(a.StatusMessage ?? '')).map(([, h]) => h)))]
    const tgArns = group.TargetGroupARNs ?? []
    return [
      ctx.finding(ID, {
        severity: stillFailing ? 'error' : 'warning',
        message:
          `${failed.length} scaling activities of ${name} failed or were cancelled in the day before collection` +
          (stillFailing ? ', including the latest: the group cannot launch instances' : '; a later activity succeeded') +
          `: ${failed[0].StatusMessage ?? failed[0].StatusCode}`,
        resources: [name, ...tgArns],
        evidence: [...failed.map((a) => `${a.StartTime} ${a.StatusCode}: ${a.StatusMessage ?? a.Description ?? ''}`), ...hints],
        data: {autoScalingGroupName: name, failed: failed.length, stillFailing},
        remediation: {
          summary: `Fix what the status message names${hints.length ? ` (${hints.join('; ')})` : ''}, then let the group launch again.`,
          commands: [cmd`aws autoscaling describe-scaling-activities --auto-scaling-group-name ${name} --max-items 10 ${ctx.regionFlag}`],
        },
        explains: stillFailing
          ? [
              {ruleId: 'asg-no-capacity', resource: name},
              ...tgArns.flatMap((resource): FindingRef[] => [
                {ruleId: 'target-group-empty', resource},
                {ruleId: 'listener-default-action', resource},
              ]),
            ]
          : undefined,
      }),
    ]
  })
}

export const rule: Rule = {id: ID, check}
