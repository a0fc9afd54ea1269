/**
 * The agent must reach three regional services over HTTPS. In a private subnet that means an interface
 * endpoint per service in the VPC, or a default route through a NAT gateway. An endpoint that exists but is
 * unusable (private DNS off) is ssm-endpoint-private-dns-off's business; a default route to something this
 * snapshot cannot see through (transit gateway, NAT instance, peering) is given the benefit of the doubt.
 */
import type {AnalysisContext} from '../../analyze/context.js'
import type {Finding, Rule, RuleOutcome} from '../types.js'
import {SSM_SERVICES, createEndpointCommands, endpointsFor, explainsOffline, groupBy, internetPath, notCollected, oneSubnetPerAz, runningInstances} from './common.js'

const ID = 'ssm-no-path-to-endpoints'

function check(ctx: AnalysisContext): RuleOutcome {
  const skip = notCollected(ctx, 'ssm')
  if (skip) return skip
  const running = runningInstances(ctx)
  const cutOff = running.flatMap((instance) => {
    // Without its subnet and VPC there is no telling which routes and endpoints an instance has.
    if (!instance.SubnetId || !instance.VpcId) return []
    const path = internetPath(ctx, instance)
    if (path.kind !== 'none') return []
    const missing = SSM_SERVICES.filter((svc) => endpointsFor(ctx, instance.VpcId ?? '', svc).length === 0)
    return missing.length > 0 ? [{instance, missing, reason: path.reason}] : []
  })
  const findings: Finding[] = []
  for (const [vpcId, group] of groupBy(cutOff, (c) => c.instance.VpcId ?? '')) {
    const services = SSM_SERVICES.filter((svc) => group.some((c) => c.missing.includes(svc)))
    const instanceIds = group.map((c) => c.instance.InstanceId!)
    const subnets = [...new Set(group.map((c) => c.instance.SubnetId!))]
    const endpointSubnets = oneSubnetPerAz(ctx, running.filter((i) => i.VpcId === vpcId))
    findings.push(
      ctx.finding(ID, {
        message: `${instanceIds.length} instance(s) in ${vpcId} (${instanceIds.join(', ')}) cannot reach ${services.map((s) => `${s}.${ctx.snapshot.meta.region}.amazonaws.com`).join(', ')}: no interface endpoint in the VPC and no route to the internet`,
        resources: [vpcId, ...subnets, ...instanceIds],
        evidence: [
          `interface endpoints missing in ${vpcId}: ${services.map((s) => `com.amazonaws.${ctx.snapshot.meta.region}.${s}`).join(', ')}`,
          ...[...new Set(group.map((c) => c.reason))],
        ],
        data: {vpcId, subnets, instanceIds, missingServices: services},
        remediation: {
          summary: `Create interface endpoints for ${services.join(', ')} with private DNS in the instances' subnets (one per AZ), or route 0.0.0.0/0 from ${subnets.join(', ')} through a NAT gateway.`,
          commands: createEndpointCommands(ctx, vpcId, services, endpointSubnets),
        },
        explains: explainsOffline(instanceIds),
      }),
    )
  }
  return findings
}

export const rule: Rule = {id: ID, check}
