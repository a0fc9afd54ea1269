/**
 * one-target-5xx: in the access logs, at least 80% of the 5xx that reached a target came from one instance while
 * the target group has others. One bad instance (a full disk, a broken deploy, a stuck process) fails a share of
 * every request while its health check may still pass: take it out of service, then look at it.
 */
import type {AnalysisContext} from '../../analyze/context.js'
import {shortName} from '../../analyze/context.js'
import {cmd} from '../../lib/shell.js'
import type {Rule, RuleOutcome} from '../types.js'
import {entryText, historyOf, missingParts, sampledEntries, sessionCommand} from './util.js'

const ID = 'one-target-5xx'
const SHARE = 0.8
const MIN_ERRORS = 5

function check(ctx: AnalysisContext): RuleOutcome {
  const h = historyOf(ctx)
  if (!('analysis' in h)) return h
  const missing = missingParts(h, [{part: 'accessLogs', usable: h.accessLogs !== undefined}], 'no access log was read for the window (access logs off, or none delivered yet)')
  if (missing) return missing
  const a = h.accessLogs!
  const targets = Object.entries(a.byTarget).filter(([t]) => t !== '-' && t !== 'other')
  const reached = Object.entries(a.byTarget).filter(([t]) => t !== '-').reduce((n, [, v]) => n + v, 0)
  if (targets.length === 0 || reached < MIN_ERRORS) return []
  const [target, count] = targets.sort((x, y) => y[1] - x[1])[0]
  if (count / reached < SHARE) return []
  const instanceId = h.instanceAt(target)
  // An instance that was leaving fails its in-flight requests: deregistration-5xx says why, not this.
  if (instanceId && (h.section.changes?.events ?? []).some((e) => e.what === 'Terminate' && e.resources.includes(instanceId))) return []
  const tg = ctx.targetGroups.find((g) => instanceId && ctx.targetHealth(g.TargetGroupArn ?? '').some((d) => d.Target?.Id === instanceId)) ?? ctx.targetGroups[0]
  const tgArn = tg?.TargetGroupArn ?? ''
  const registered = ctx.targetHealth(tgArn).length
  // With a single target every 5xx is "from one target": nothing singles it out.
  if (registered < 2) return []
  const port = target.split(':').pop()
  const group = ctx.autoScalingGroups.find((g) => (g.Instances ?? []).some((i) => i.InstanceId === instanceId))
  const who = instanceId ?? target
  const commands = instanceId
    ? [
        cmd`aws elbv2 deregister-targets --target-group-arn ${tgArn} --targets ${`Id=${instanceId}${port ? `,Port=${port}` : ''}`} ${ctx.regionFlag}`,
        ...(group ? [cmd`aws autoscaling terminate-instance-in-auto-scaling-group --instance-id ${instanceId} --no-should-decrement-desired-capacity ${ctx.regionFlag}`] : []),
        sessionCommand(ctx, instanceId),
      ]
    : [cmd`aws elbv2 describe-target-health --target-group-arn ${tgArn} ${ctx.regionFlag}`]
  const health = instanceId ? ctx.targetHealth(tgArn).find((d) => d.Target?.Id === instanceId)?.TargetHealth?.State : undefined
  return [
    ctx.finding(ID, {
      message: `${count} of the ${reached} 5xx that reached a target (${Math.round((count / reached) * 100)}%) came from ${who}${instanceId ? ` (${target})` : ''}, one of ${registered} targets of ${shortName(tgArn)}${health ? `; its health check says ${health}` : ''}`,
      resources: [who, tgArn].filter(Boolean),
      evidence: [
        `5xx by target: ${Object.entries(a.byTarget).slice(0, 5).map(([t, n]) => `${h.instanceAt(t) ?? t} ${n}`).join(', ')}`,
        ...sampledEntries(h, (e) => e.target === target).slice(0, 2).map((e) => `sample: ${entryText(e)}`),
      ],
      data: {target, instanceId, count, reached, targetGroupArn: tgArn},
      remediation: {
        summary: instanceId
          ? `Take ${instanceId} out of service: deregister it from ${shortName(tgArn)}${group ? ', or let the Auto Scaling group replace it' : ''}; look at it first (Session Manager) if the cause must be known.`
          : `Find the instance at ${target} and take it out of service.`,
        commands,
      },
      explains: [{ruleId: 'alb-5xx-in-window'}, {ruleId: 'application-5xx'}],
    }),
  ]
}

export const rule: Rule = {id: ID, check}
