/**
 * enableDnsSupport off turns off the VPC's Amazon DNS server: the agent cannot resolve any endpoint, public or
 * private. enableDnsHostnames off stops interface endpoints' private DNS from working (AWS requires both
 * attributes for it), which only matters when the agents rely on such endpoints.
 */
import {cmd} from '../../lib/shell.js'
import type {AnalysisContext} from '../../analyze/context.js'
import type {Rule, RuleOutcome} from '../types.js'
import {SSM_SERVICES, explainsOffline, perVpc, usableEndpoint} from './common.js'

const ID = 'ssm-vpc-dns-disabled'

function check(ctx: AnalysisContext): RuleOutcome {
  return perVpc(ctx, (vpcId, inVpc) => {
    const attrs = ctx.snapshot.ec2.VpcAttributes[vpcId]
    if (!attrs) return []
    const instanceIds = inVpc.map((i) => i.InstanceId!)
    const usesEndpoints = SSM_SERVICES.some((svc) => usableEndpoint(ctx, vpcId, svc))
    const off: string[] = []
    if (attrs.EnableDnsSupport === false) off.push('enableDnsSupport')
    if (attrs.EnableDnsHostnames === false && usesEndpoints) off.push('enableDnsHostnames')
    if (off.length === 0) return []
    return [
      ctx.finding(ID, {
        message:
          `${vpcId} has ${off.join(' and ')} off: ` +
          (off.includes('enableDnsSupport') ? 'the Amazon DNS server is disabled, so the SSM agent cannot resolve any endpoint' : 'the private DNS of its SSM interface endpoints does not resolve, so the agents cannot find them'),
        resources: [vpcId, ...instanceIds],
        evidence: [`EnableDnsSupport: ${attrs.EnableDnsSupport}`, `EnableDnsHostnames: ${attrs.EnableDnsHostnames}`, `SSM interface endpoints with private DNS: ${usesEndpoints ? 'yes' : 'no'}`],
        data: {vpcId, ...attrs, instanceIds},
        remediation: {
          summary: `Turn on ${off.join(' and ')} for ${vpcId} (one attribute per call).`,
          commands: off.map((a) => cmd`aws ec2 modify-vpc-attribute --vpc-id ${vpcId} ${a === 'enableDnsSupport' ? '--enable-dns-support' : '--enable-dns-hostnames'} ${'{"Value":true}'} ${ctx.regionFlag}`),
        },
        explains: explainsOffline(instanceIds),
      }),
    ]
  })
}

export const rule: Rule = {id: ID, check}
