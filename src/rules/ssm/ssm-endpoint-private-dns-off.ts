/**
 * Private DNS is what makes an interface endpoint used: it puts ssm.<region>.amazonaws.com (and the others) in
 * a private hosted zone that resolves to the endpoint's interfaces. Off, the agent resolves the public
 * addresses: through a NAT gateway that still works (the endpoint is merely unused), without one it fails.
 */
import {cmd} from '../../lib/shell.js'
import type {AnalysisContext} from '../../analyze/context.js'
import type {Rule, RuleOutcome} from '../types.js'
import {SSM_SERVICES, endpointsFor, explainsOffline, internetPath, perVpc} from './common.js'

const ID = 'ssm-endpoint-private-dns-off'

function check(ctx: AnalysisContext): RuleOutcome {
  return perVpc(ctx, (vpcId, inVpc) =>
    SSM_SERVICES.flatMap((svc) => {
      const endpoints = endpointsFor(ctx, vpcId, svc)
      // One endpoint per service and VPC can have private DNS; if one has it, the others do not matter.
      if (endpoints.length === 0 || endpoints.some((e) => e.PrivateDnsEnabled)) return []
      const endpoint = endpoints[0]
      const stranded = inVpc.filter((i) => internetPath(ctx, i).kind === 'none').map((i) => i.InstanceId!)
      return [
        ctx.finding(ID, {
          severity: stranded.length > 0 ? 'error' : 'warning',
          message:
            stranded.length > 0
              ? `Endpoint ${endpoint.VpcEndpointId} (${endpoint.ServiceName}) has private DNS off, so ${stranded.join(', ')} resolve the public ${svc} address and have no route to it`
              : `Endpoint ${endpoint.VpcEndpointId} (${endpoint.ServiceName}) has private DNS off: the agents reach ${svc} through NAT instead and the endpoint is unused`,
          resources: [endpoint.VpcEndpointId!, vpcId, ...stranded],
          evidence: [`PrivateDnsEnabled: false on ${endpoint.VpcEndpointId}`, `instances without a route to the internet: ${stranded.join(', ') || 'none'}`],
          data: {vpcEndpointId: endpoint.VpcEndpointId, service: svc, strandedInstanceIds: stranded},
          remediation: {
            summary: `Turn on private DNS for ${endpoint.VpcEndpointId} (the VPC needs enableDnsSupport and enableDnsHostnames).`,
            commands: [cmd`aws ec2 modify-vpc-endpoint --vpc-endpoint-id ${endpoint.VpcEndpointId} --private-dns-enabled ${ctx.regionFlag}`],
          },
          ...(stranded.length > 0 ? {explains: explainsOffline(stranded)} : {}),
        }),
      ]
    }),
  )
}

export const rule: Rule = {id: ID, check}
