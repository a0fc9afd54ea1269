/**
 * The plan shown before anything is created: what will be deployed where, what it costs per hour, and whether
 * the account needs `cdk bootstrap` first.
 */
import {SCENARIOS} from '../../infra/props.js'
import type {WebTierProps} from '../../infra/props.js'
import {estimateCost, formatCost} from './cost.js'
import type {CostEstimate} from './cost.js'

/** CloudFormation takes a template inline up to 51,200 bytes; a larger one must come from a bootstrap bucket. */
export const INLINE_TEMPLATE_LIMIT = 51_200
/** toolkit-lib sends the template as YAML, measured at ~1.15× the minified JSON; round up to stay safe. */
export const YAML_OVER_JSON = 1.2

export interface DeployPlan {
  stackName: string
  region: string
  endpointUrl?: string
  props: WebTierProps
  resourceCount: number
  /** Estimated size of the template as sent to CloudFormation. */
  templateBytes: number
  needsBootstrap: boolean
  cost: CostEstimate
}

export function makePlan(input: {props: WebTierProps; region: string; endpointUrl?: string; template: {Resources?: Record<string, unknown>}}): DeployPlan {
  const templateBytes = Math.ceil(JSON.stringify(input.template).length * YAML_OVER_JSON)
  return {
    stackName: input.props.stackName,
    region: input.region,
    ...(input.endpointUrl ? {endpointUrl: input.endpointUrl} : {}),
    props: input.props,
    resourceCount: Object.keys(input.template.Resources ?? {}).length,
    templateBytes,
    needsBootstrap: templateBytes > INLINE_TEMPLATE_LIMIT,
    cost: estimateCost(input.props),
  }
}

export function formatPlan(plan: DeployPlan): string[] {
  const p = plan.props
  const where = plan.endpointUrl ? `${plan.region} at ${plan.endpointUrl}` : plan.region
  return [
    `Plan: create or update stack ${plan.stackName} in ${where} (${plan.resourceCount} resources).`,
    `  Scenario ${p.scenario}: ${SCENARIOS[p.scenario]}`,
    `  VPC over 3 AZs, ${p.natGateways} NAT gateway${p.natGateways === 1 ? '' : 's'}, S3 gateway endpoint${p.scenario === 'no-ssm-endpoints' ? '' : ', SSM interface endpoints'}.`,
    `  Internet-facing ALB, ${p.certificateArn ? 'HTTPS (HTTP redirects)' : 'HTTP'} → port ${p.targetPort}, health check ${p.healthCheckPath}.`,
    `  Auto Scaling group of ${p.instanceType}: min ${p.minCapacity}, desired ${p.desiredCapacity}, max ${p.maxCapacity}; scales on ${p.scaleOn === 'both' ? 'CPU and requests' : p.scaleOn === 'cpu' ? `CPU (${p.cpuTargetPercent}%)` : `requests (${p.requestsPerTarget}/min per target)`}.`,
    `  5 alarms to an SNS topic${p.alertEmail ? ` (mail to ${p.alertEmail})` : ''}, and a dashboard.`,
    plan.needsBootstrap
      ? `  Template about ${kb(plan.templateBytes)}: over CloudFormation's ${kb(INLINE_TEMPLATE_LIMIT)} inline limit, so the account needs "cdk bootstrap".`
      : `  Template about ${kb(plan.templateBytes)}: sent inline, no "cdk bootstrap" needed.`,
    'Cost while it runs:',
    ...formatCost(plan.cost),
  ]
}

function kb(bytes: number): string {
  return `${Math.round(bytes / 1024)} KiB`
}
