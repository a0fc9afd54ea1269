/**
 * alb-state: a load balancer that is not `active` (still provisioning, impaired, or failed) explains errors
 * before any target is looked at.
 */
import {cmd} from '../../lib/shell.js'
import type {AnalysisContext} from '../../analyze/context.js'
import type {Finding, Remediation, Rule, Severity} from '../types.js'
import {eqi} from './util.js'

const ID = 'alb-state'

function check(ctx: AnalysisContext): Finding[] {
  const code = ctx.lb.State?.Code ?? 'unknown'
  if (eqi(code, 'active')) return []
  const arn = ctx.lb.LoadBalancerArn ?? ''
  const describe = cmd`aws elbv2 describe-load-balancers --load-balancer-arns ${arn} ${ctx.regionFlag}`
  const byState: Record<string, {severity: Severity; meaning: string; remediation: Remediation}> = {
    provisioning: {
      severity: 'info',
      meaning: 'it is still being set up and cannot route traffic yet',
      remediation: {summary: 'Wait until it is active (usually a few minutes).', commands: [cmd`aws elbv2 wait load-balancer-available --load-balancer-arns ${arn} ${ctx.regionFlag}`]},
    },
    active_impaired: {
      severity: 'error',
      meaning: 'it routes traffic but cannot scale (for example its subnets ran out of free IP addresses)',
      remediation: {summary: 'Check that each of its subnets has at least 8 free IP addresses, and the AWS Health Dashboard.', commands: [describe, cmd`aws ec2 describe-subnets --subnet-ids ${(ctx.lb.AvailabilityZones ?? []).map((z) => z.SubnetId ?? '')} --query 'Subnets[].[SubnetId,AvailableIpAddressCount]' ${ctx.regionFlag}`]},
    },
    failed: {
      severity: 'critical',
      meaning: 'it could not be set up and routes nothing',
      remediation: {summary: 'Read the state reason, then delete and recreate the load balancer.', commands: [describe]},
    },
  }
  const s = byState[code.toLowerCase()] ?? {severity: 'error' as Severity, meaning: 'its state is not one asg-doctor knows', remediation: {summary: 'Look at the state reason.', commands: [describe]}}
  return [
    ctx.finding(ID, {
      severity: s.severity,
      message: `Load balancer ${ctx.lbName} is ${code}: ${s.meaning}${ctx.lb.State?.Reason ? ` (${ctx.lb.State.Reason})` : ''}`,
      resources: [arn],
      evidence: [`State.Code ${code}${ctx.lb.State?.Reason ? `, State.Reason ${ctx.lb.State.Reason}` : ''}`],
      data: {state: code, reason: ctx.lb.State?.Reason},
      remediation: s.remediation,
    }),
  ]
}

export const rule: Rule = {id: ID, check}
