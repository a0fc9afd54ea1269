/**
 * Reads what the instance role's policies actually allow, attached managed and inline alike, rather than
 * trusting a policy's name: a policy called "ssm-access" can grant nothing, and a custom one can grant it all.
 */
import {cmd} from '../../lib/shell.js'
import type {AnalysisContext} from '../../analyze/context.js'
import type {Finding, Rule, RuleOutcome} from '../types.js'
import {explainsOffline, groupBy, instanceRole, notCollected, roleDocuments, runningInstances} from './common.js'
import {REQUIRED_ACTIONS, SSM_CORE_POLICY_ARN, evaluateSsmPermissions} from './policy.js'
import type {ActionVerdict} from './policy.js'

const ID = 'ssm-role-missing-permissions'

const line = (v: ActionVerdict) => `${v.action}: ${v.verdict}${v.reason ? ` (${v.reason})` : ''}`

function check(ctx: AnalysisContext): RuleOutcome {
  const skip = notCollected(ctx, 'iam')
  if (skip) return skip
  const withRole = runningInstances(ctx).flatMap((i) => {
    const role = instanceRole(ctx, i)
    return role ? [{instanceId: i.InstanceId!, ...role}] : []
  })
  const findings: Finding[] = []
  for (const [roleName, members] of groupBy(withRole, (m) => m.roleName)) {
    const docs = roleDocuments(ctx, roleName)
    const report = evaluateSsmPermissions(docs)
    const instanceIds = members.map((m) => m.instanceId)
    const read = `policies read: ${docs.map((d) => d.name).join(', ') || 'none'}`
    const attach = cmd`aws iam attach-role-policy --role-name ${roleName} --policy-arn ${SSM_CORE_POLICY_ARN}`
    const denied = report.missing.filter((v) => v.verdict === 'denied')
    const base = {resources: [members[0].roleArn ?? roleName, ...instanceIds], data: {roleName, instanceIds, ...report}}
    if (report.missing.length > 0) {
      findings.push(
        ctx.finding(ID, {
          ...base,
          message: `Role ${roleName} (${instanceIds.join(', ')}) does not allow ${report.missing.length} of the ${REQUIRED_ACTIONS.length} actions the SSM agent needs: ${report.missing.map((v) => v.action).join(', ')}`,
          evidence: [read, ...report.missing.map(line)],
          remediation: {
            summary:
              denied.length > 0
                ? `Remove the explicit Deny (${denied[0].reason}); an Allow cannot override it. Then make sure ${roleName} has ${SSM_CORE_POLICY_ARN}.`
                : `Attach AmazonSSMManagedInstanceCore to role ${roleName}; running instances pick up the permissions within minutes, no restart needed.`,
            commands: [attach],
            ...(denied.length > 0 ? {console: `IAM console → Roles → ${roleName} → Permissions: edit the policy holding the Deny.`} : {}),
          },
          explains: explainsOffline(instanceIds),
        }),
      )
    } else if (report.uncertain.length > 0) {
      findings.push(
        ctx.finding(ID, {
          ...base,
          severity: 'warning',
          confidence: 'possible',
          message: `Role ${roleName} grants the SSM agent's actions only under conditions or resource scopes this check cannot judge: ${report.uncertain.map((v) => v.action).join(', ')}`,
          evidence: [read, ...report.uncertain.map(line)],
          remediation: {summary: `Check that the conditions hold for the instances, or attach ${SSM_CORE_POLICY_ARN}, which grants them unconditionally.`, commands: [attach]},
          explains: explainsOffline(instanceIds),
        }),
      )
    } else if (report.missingRecommended.length > 0) {
      findings.push(
        ctx.finding(ID, {
          ...base,
          severity: 'warning',
          message: `Role ${roleName} lets the SSM agent connect but not ${report.missingRecommended.map((v) => v.action).join(', ')}: State Manager associations and document lookups will fail`,
          evidence: [read, ...report.missingRecommended.map(line)],
          remediation: {summary: `Attach ${SSM_CORE_POLICY_ARN} to ${roleName}.`, commands: [attach]},
        }),
      )
    }
  }
  return findings
}

export const rule: Rule = {id: ID, check}
