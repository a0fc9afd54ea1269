/**
 * An agent SSM reports as not the latest still works, so this is information; below 2.3.68.0 Session Manager
 * refuses to open sessions at all, which deserves a warning.
 */
import {cmd} from '../../lib/shell.js'
import type {AnalysisContext} from '../../analyze/context.js'
import type {Finding, Rule, RuleOutcome} from '../types.js'
import {groupBy, notCollected} from './common.js'

const ID = 'ssm-agent-outdated'

/** The oldest agent Session Manager accepts. */
export const SESSION_MANAGER_MIN_AGENT = '2.3.68.0'

/** Compares dotted version strings numerically: `2.3.672.0` > `2.3.68.0`. */
export function compareVersions(a: string, b: string): number {
  const x = a.split('.').map(Number)
  const y = b.split('.').map(Number)
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] || 0) - (y[i] || 0)
    if (d !== 0) return Math.sign(d)
  }
  return 0
}

function check(ctx: AnalysisContext): RuleOutcome {
  const skip = notCollected(ctx, 'ssm')
  if (skip) return skip
  const stale = ctx.snapshot.ssm!.InstanceInformationList.filter(
    (n) => n.InstanceId && n.AgentVersion && (n.IsLatestVersion === false || compareVersions(n.AgentVersion, SESSION_MANAGER_MIN_AGENT) < 0),
  )
  const findings: Finding[] = []
  for (const [version, nodes] of groupBy(stale, (n) => n.AgentVersion!)) {
    const instanceIds = nodes.map((n) => n.InstanceId!)
    const tooOld = compareVersions(version, SESSION_MANAGER_MIN_AGENT) < 0
    findings.push(
      ctx.finding(ID, {
        key: `${ID}:${version}`,
        severity: tooOld ? 'warning' : 'info',
        message: tooOld
          ? `SSM agent ${version} on ${instanceIds.join(', ')} is older than ${SESSION_MANAGER_MIN_AGENT}: Session Manager cannot open sessions to it`
          : `SSM agent ${version} on ${instanceIds.join(', ')} is not the latest version`,
        resources: instanceIds,
        evidence: nodes.map((n) => `${n.InstanceId}: AgentVersion ${n.AgentVersion}, IsLatestVersion ${n.IsLatestVersion}, PingStatus ${n.PingStatus}`),
        data: {agentVersion: version, instanceIds},
        remediation: {
          summary: 'Update the agent with the AWS-UpdateSSMAgent document (needs the agent online); bake a current agent into the AMI or user data for new instances.',
          commands: [cmd`aws ssm send-command --document-name AWS-UpdateSSMAgent --instance-ids ${instanceIds} ${ctx.regionFlag}`],
        },
      }),
    )
  }
  return findings
}

export const rule: Rule = {id: ID, check}
