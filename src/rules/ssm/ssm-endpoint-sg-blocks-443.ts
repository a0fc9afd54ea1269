/**
 * An interface endpoint is a network interface with security groups like any other: they must admit HTTPS
 * from the instances. Endpoint groups' egress does not matter (replies to admitted traffic always leave), nor
 * do endpoints with private DNS off, which the agents do not use.
 */
import {cmd} from '../../lib/shell.js'
import type {AnalysisContext} from '../../analyze/context.js'
import {EVIDENCE_LINES, boundedLines, listIds} from '../evidence.js'
import type {Rule, RuleOutcome} from '../types.js'
import {SSM_SERVICES, explainsOffline, perVpc, usableEndpoint} from './common.js'
import {evaluateSecurityGroups} from '../../analyze/network.js'

const ID = 'ssm-endpoint-sg-blocks-443'

function check(ctx: AnalysisContext): RuleOutcome {
  return perVpc(ctx, (vpcId, inVpc) =>
    SSM_SERVICES.flatMap((svc) => {
      const endpoint = usableEndpoint(ctx, vpcId, svc)
      const groups = (endpoint?.Groups ?? []).map((g) => g.GroupId!).filter(Boolean)
      if (!endpoint || groups.length === 0) return []
      const sgs = groups.flatMap((g) => ctx.securityGroup(g) ?? [])
      // A group the snapshot does not hold cannot be judged.
      if (sgs.length < groups.length) return []
      // 'unknown' (a prefix list that was not collected might admit them) is not reported: better silent than wrong.
      const blocked = inVpc.filter((i) => {
        if (!i.PrivateIpAddress) return false
        const peer = {groupIds: (i.SecurityGroups ?? []).map((g) => g.GroupId!), cidrs: [{cidr: `${i.PrivateIpAddress}/32`}]}
        const v = evaluateSecurityGroups(sgs, 'ingress', 443, peer, ctx).verdict
        return v === 'denied' || v === 'partial'
      })
      if (blocked.length === 0) return []
      const instanceIds = blocked.map((i) => i.InstanceId!)
      const sourceGroups = [...new Set(blocked.map((i) => i.SecurityGroups?.[0]?.GroupId).filter((g): g is string => !!g))]
      return [
        ctx.finding(ID, {
          message: `Security group(s) ${groups.join(', ')} of endpoint ${endpoint.VpcEndpointId} (${svc}) do not admit TCP 443 from ${listIds(instanceIds, EVIDENCE_LINES)}`,
          resources: [endpoint.VpcEndpointId!, ...groups, ...instanceIds],
          evidence: [
            `endpoint ${endpoint.VpcEndpointId} groups: ${groups.join(', ')}`,
            ...boundedLines(blocked, (i) => `${i.InstanceId}: ${i.PrivateIpAddress}, groups ${(i.SecurityGroups ?? []).map((g) => g.GroupId).join(', ')}`, 'instances'),
          ],
          data: {vpcEndpointId: endpoint.VpcEndpointId, service: svc, endpointGroups: groups, instanceIds},
          remediation: {
            summary: `Allow HTTPS into ${groups[0]} from the instances' security group${sourceGroups.length > 1 ? 's' : ''}.`,
            commands: sourceGroups.map((g) => cmd`aws ec2 authorize-security-group-ingress --group-id ${groups[0]} --protocol tcp --port 443 --source-group ${g} ${ctx.regionFlag}`),
          },
          explains: explainsOffline(instanceIds),
        }),
      ]
    }),
  )
}

export const rule: Rule = {id: ID, check}
