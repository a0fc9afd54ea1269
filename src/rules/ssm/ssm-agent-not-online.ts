/**
 * Systems Manager's own verdict: a running instance it does not list never registered (agent missing, not
 * running, or no credentials or network from the start); ConnectionLost means it registered once and stopped
 * checking in. The configuration causes other ssm-* rules find point here with `explains`.
 */
import {cmd} from '../../lib/shell.js'
import type {AnalysisContext} from '../../analyze/context.js'
import type {Finding, Rule, RuleOutcome} from '../types.js'
import {notCollected, runningInstances} from './common.js'

const ID = 'ssm-agent-not-online'

function ago(from: string | undefined, to: string): string {
  if (!from) return 'never'
  const minutes = Math.round((Date.parse(to) - Date.parse(from)) / 60_000)
  if (Number.isNaN(minutes)) return from
  const span = minutes < 120 ? `${minutes} min` : minutes < 2880 ? `${Math.round(minutes / 60)} h` : `${Math.round(minutes / 1440)} days`
  return `${from} (${span} before collection)`
}

function check(ctx: AnalysisContext): RuleOutcome {
  const skip = notCollected(ctx, 'ssm')
  if (skip) return skip
  const ssm = ctx.snapshot.ssm!
  const info = new Map(ssm.InstanceInformationList.map((i) => [i.InstanceId, i]))
  const requested = new Set(ssm.RequestedInstanceIds)
  const findings: Finding[] = []
  for (const instance of runningInstances(ctx)) {
    const instanceId = instance.InstanceId!
    if (!requested.has(instanceId)) continue
    const node = info.get(instanceId)
    if (node?.PingStatus === 'Online') continue
    const lastPing = ago(node?.LastPingDateTime, ctx.snapshot.meta.collectedAt)
    findings.push(
      ctx.finding(ID, {
        message: node
          ? `SSM agent on ${instanceId} is ${node.PingStatus}; last ping ${lastPing}`
          : `${instanceId} is not registered with Systems Manager: its agent has never checked in`,
        resources: [instanceId],
        evidence: node
          ? [`PingStatus: ${node.PingStatus}`, `LastPingDateTime: ${node.LastPingDateTime ?? 'none'}`, `AgentVersion: ${node.AgentVersion ?? '?'}`]
          : [`DescribeInstanceInformation returned nothing for ${instanceId}`],
        data: {instanceId, pingStatus: node?.PingStatus ?? 'NotRegistered', lastPingDateTime: node?.LastPingDateTime ?? null, agentVersion: node?.AgentVersion ?? null},
        remediation: {
          summary:
            'Fix the causes linked to this finding; the agent retries on its own. If none is found, the agent is not installed or not running: install and enable it from the launch template\'s user data ' +
            '(dnf install -y amazon-ssm-agent && systemctl enable --now amazon-ssm-agent), or restart the instance so it starts again.',
          commands: [cmd`aws ec2 reboot-instances --instance-ids ${instanceId} ${ctx.regionFlag}`],
          console: 'EC2 console → the instance → Actions → Monitor and troubleshoot → Get system log: look for amazon-ssm-agent errors.',
        },
      }),
    )
  }
  return findings
}

export const rule: Rule = {id: ID, check}
