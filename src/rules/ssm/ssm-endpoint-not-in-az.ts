/**
 * An interface endpoint has a network interface in each subnet it was given, at most one per AZ. Its private
 * DNS name resolves to all of them and they are reachable across AZs, so an instance in an AZ without one still
 * reaches Systems Manager. Not a blocker, then: a resilience and cost warning (the instance depends on another
 * AZ, and pays cross-AZ data transfer).
 */
import {cmd} from '../../lib/shell.js'
import type {AnalysisContext} from '../../analyze/context.js'
import {EVIDENCE_LINES, listIds} from '../evidence.js'
import type {Rule, RuleOutcome} from '../types.js'
import {SSM_SERVICES, endpointsFor, oneSubnetPerAz, perVpc} from './common.js'

const ID = 'ssm-endpoint-not-in-az'

function check(ctx: AnalysisContext): RuleOutcome {
  return perVpc(ctx, (vpcId, inVpc) =>
    SSM_SERVICES.flatMap((svc) =>
      endpointsFor(ctx, vpcId, svc).flatMap((endpoint) => {
        const zones = (endpoint.SubnetIds ?? []).map((s) => ctx.subnet(s)?.AvailabilityZone)
        // An endpoint subnet the snapshot does not hold has an unknown AZ: better silent than wrong.
        if (zones.some((z) => z === undefined)) return []
        const outside = inVpc.filter((i) => !zones.includes(i.Placement?.AvailabilityZone ?? ctx.subnet(i.SubnetId ?? '')?.AvailabilityZone))
        if (outside.length === 0) return []
        const missingAzs = [...new Set(outside.map((i) => i.Placement?.AvailabilityZone ?? '?'))].sort()
        const addSubnets = oneSubnetPerAz(ctx, outside)
        return [
          ctx.finding(ID, {
            message: `Endpoint ${endpoint.VpcEndpointId} (${svc}) has no interface in ${missingAzs.join(', ')}: ${listIds(outside.map((i) => i.InstanceId ?? '?'), EVIDENCE_LINES)} reach it across AZs, and lose it if ${zones.length === 1 ? zones[0] : 'those AZs'} fail${zones.length === 1 ? 's' : ''}`,
            resources: [endpoint.VpcEndpointId!, ...outside.map((i) => i.InstanceId!)],
            evidence: [`endpoint subnets: ${(endpoint.SubnetIds ?? []).map((s, n) => `${s} (${zones[n]})`).join(', ') || 'none'}`, `instance AZs not covered: ${missingAzs.join(', ')}`],
            data: {vpcEndpointId: endpoint.VpcEndpointId, service: svc, endpointAzs: zones, missingAzs, instanceIds: outside.map((i) => i.InstanceId)},
            remediation: {
              summary: `Add a subnet in each of ${missingAzs.join(', ')} to ${endpoint.VpcEndpointId}.`,
              commands: [cmd`aws ec2 modify-vpc-endpoint --vpc-endpoint-id ${endpoint.VpcEndpointId} --add-subnet-ids ${addSubnets} ${ctx.regionFlag}`],
            },
          }),
        ]
      }),
    ),
  )
}

export const rule: Rule = {id: ID, check}
