/**
 * instance-command-no-answer: the on-instance checks could not be run on an instance (SendCommand refused it,
 * SSM never delivered it, it timed out, or its output was not the script's). Nothing is known about nginx
 * there: a warning, so that a clean report is never read as "nginx is fine" on instances nobody looked at.
 */
import {cmd} from '../../lib/shell.js'
import type {AnalysisContext} from '../../analyze/context.js'
import type {Finding, Rule} from '../types.js'
import {NONE_SELECTED, NOT_COLLECTED, idList} from './util.js'

const ID = 'instance-command-no-answer'

function check(ctx: AnalysisContext): Finding[] | {notApplicable: string} {
  const section = ctx.snapshot.onInstance
  if (!section) return {notApplicable: NOT_COLLECTED}
  if (section.runs.length === 0) return {notApplicable: NONE_SELECTED}
  const silent = section.runs.filter((r) => !r.parsed)
  if (silent.length === 0) return []
  const list = [...new Set(silent.map((r) => r.instanceId))]
  const why = (r: (typeof silent)[number]) =>
    r.detail ?? (r.status === 'Success' || r.status === 'Failed' ? `${r.status}, but the output is not the diagnostic script's (${r.stdout.slice(0, 80) || 'empty'})` : r.status)
  const commandIds = [...new Set(silent.map((r) => r.commandId).filter((c): c is string => c !== undefined))]
  return [
    ctx.finding(ID, {
      message: `The on-instance checks got no usable answer from ${list.length} of ${new Set(section.runs.map((r) => r.instanceId)).size} instances (${idList(list)}): ${silent[0].status}: ${why(silent[0])}`,
      resources: list,
      evidence: silent.map((r) => `${r.instanceId}: ${r.status}${r.commandId ? ` (command ${r.commandId})` : ''}: ${why(r)}`),
      data: {instances: Object.fromEntries(silent.map((r) => [r.instanceId, {status: r.status, detail: r.detail ?? null, commandId: r.commandId ?? null}]))},
      remediation: {
        summary:
          'Check that these instances are managed by SSM (PingStatus Online: instance profile with AmazonSSMManagedInstanceCore, a route or VPC endpoints to ssm, ssmmessages and ec2messages, the agent running); see the ssm-* findings, then run diagnose again.',
        commands: [
          cmd`aws ssm describe-instance-information --filters Key=InstanceIds,Values=${list.join(',')} ${ctx.regionFlag}`,
          ...commandIds.map((id) => cmd`aws ssm list-command-invocations --command-id ${id} --details ${ctx.regionFlag}`),
        ],
      },
    }),
  ]
}

export const rule: Rule = {id: ID, check}
