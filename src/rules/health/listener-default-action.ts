/**
 * listener-default-action: a listener whose default action forwards nowhere useful (a fixed response while
 * target groups exist, an empty target group, a redirect to itself), or a load balancer with no listener.
 */
import {cmd, raw} from '../../lib/shell.js'
import type {Listener} from '@aws-sdk/client-elastic-load-balancing-v2'
import type {AnalysisContext, FindingInput, J} from '../../analyze/context.js'
import type {Finding, Remediation, Rule} from '../types.js'
import {eqi, registeredTargets} from './util.js'

const ID = 'listener-default-action'

type Action = NonNullable<J<Listener>['DefaultActions']>[number]

/** The action that answers: authenticate-* actions come first and pass the request on. */
const terminal = (l: J<Listener>): Action | undefined =>
  [...(l.DefaultActions ?? [])].sort((a, b) => (a.Order ?? 0) - (b.Order ?? 0)).find((a) => !a.Type?.startsWith('authenticate'))

const forwardArns = (a: Action): string[] =>
  [...new Set([a.TargetGroupArn, ...(a.ForwardConfig?.TargetGroups ?? []).map((t) => t.TargetGroupArn)].filter((x): x is string => !!x))]

/** A redirect that keeps protocol, port, host, path and query sends the browser back to the same URL forever. */
function redirectsToItself(l: J<Listener>, a: Action): boolean {
  const r = a.RedirectConfig
  if (!r) return false
  const same = (v: string | undefined, placeholder: string, own: string | undefined) => v === undefined || v === placeholder || eqi(v, own ?? '')
  return (
    same(r.Protocol, '#{protocol}', l.Protocol) &&
    same(r.Port, '#{port}', String(l.Port)) &&
    same(r.Host, '#{host}', undefined) &&
    same(r.Path, '/#{path}', undefined) &&
    same(r.Query, '#{query}', undefined)
  )
}

type Problem = Omit<FindingInput, 'resources' | 'remediation'> & {related: string[]; remediation?: Remediation}

function problem(ctx: AnalysisContext, l: J<Listener>): Problem | undefined {
  const a = terminal(l)
  const name = `${l.Protocol}:${l.Port}`
  const ruleForwards = ctx.listenerRules(l.ListenerArn ?? '').some((r) => !r.IsDefault && (r.Actions ?? []).some((x) => forwardArns(x).length > 0))
  if (eqi(a?.Type, 'fixed-response') && ctx.targetGroups.length > 0 && !ruleForwards) {
    const code = a?.FixedResponseConfig?.StatusCode ?? '?'
    const onListeners = ctx.targetGroupsOnListeners()
    const orphans = ctx.targetGroups.map((t) => t.TargetGroupArn ?? '').filter((arn) => !onListeners.has(arn))
    return {
      message: `Listener ${name} answers every request with a fixed ${code} response and forwards nothing, while target group(s) ${ctx.targetGroups.map((t) => t.TargetGroupName).join(', ')} exist`,
      evidence: [`default action: fixed-response ${code}${a?.FixedResponseConfig?.MessageBody ? ` "${a.FixedResponseConfig.MessageBody}"` : ''}`, 'no listener rule forwards to a target group'],
      explains: orphans.map((resource) => ({ruleId: 'target-group-no-listener', resource})),
      related: orphans,
    }
  }
  if (eqi(a?.Type, 'forward')) {
    const arns = forwardArns(a!)
    const empty = arns.filter((arn) => ctx.targetGroup(arn) && registeredTargets(ctx, arn).length === 0)
    if (arns.length > 0 && empty.length === arns.length) {
      return {
        message: `Listener ${name} forwards by default to ${empty.map((arn) => ctx.targetGroup(arn)?.TargetGroupName).join(', ')}, which has no registered target: the ALB answers 503`,
        evidence: empty.map((arn) => `forward to ${arn}: 0 registered targets`),
        related: empty,
        remediation: {
          summary: 'Register targets in the target group (attach the Auto Scaling group that should serve it), or forward to a group that has targets.',
          commands: empty.map((arn) => cmd`aws autoscaling describe-auto-scaling-groups --query ${`AutoScalingGroups[?contains(TargetGroupARNs, ${jmesString(arn)})].AutoScalingGroupName`} ${ctx.regionFlag}`),
        },
      }
    }
  }
  if (eqi(a?.Type, 'redirect') && redirectsToItself(l, a!)) {
    return {
      message: `Listener ${name} redirects every request to the same protocol, port, host and path: browsers loop until they give up`,
      evidence: [`redirect: ${JSON.stringify(a?.RedirectConfig)}`],
      related: [],
    }
  }
  return undefined
}

/** A JMESPath raw string literal: single quotes, a quote or backslash inside escaped. */
const jmesString = (s: string): string => `'${s.replace(/[\\']/g, (c) => `\\${c}`)}'`

function check(ctx: AnalysisContext): Finding[] {
  const lbArn = ctx.lb.LoadBalancerArn ?? ''
  const onListeners = ctx.targetGroupsOnListeners()
  // Prefer the target group nothing forwards to yet: it is usually the one the Auto Scaling group fills.
  const tg = ctx.targetGroups.find((t) => !onListeners.has(t.TargetGroupArn ?? '')) ?? ctx.targetGroups[0]
  const forwardTo = tg ? `Type=forward,TargetGroupArn=${tg.TargetGroupArn}` : raw('Type=forward,TargetGroupArn=<target-group-arn>')
  if (ctx.listeners.length === 0) {
    return [
      ctx.finding(ID, {
        message: `Load balancer ${ctx.lb.LoadBalancerName} has no listener: nothing accepts connections on it`,
        resources: [lbArn],
        evidence: ['DescribeListeners returned no listener'],
        remediation: {
          summary: 'Create a listener that forwards to the target group.',
          commands: [cmd`aws elbv2 create-listener --load-balancer-arn ${lbArn} --protocol HTTP --port 80 --default-actions ${forwardTo} ${ctx.regionFlag}`],
        },
      }),
    ]
  }
  return ctx.listeners.flatMap((l) => {
    const p = problem(ctx, l)
    if (!p) return []
    const {related, remediation, ...input} = p
    return [
      ctx.finding(ID, {
        ...input,
        resources: [l.ListenerArn ?? '', ...related],
        remediation: remediation ?? {
          summary: 'Point the default action at a target group with healthy targets.',
          commands: [cmd`aws elbv2 modify-listener --listener-arn ${l.ListenerArn ?? ''} --default-actions ${forwardTo} ${ctx.regionFlag}`],
        },
      }),
    ]
  })
}

export const rule: Rule = {id: ID, check}
