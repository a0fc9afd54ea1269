/**
 * The options of the reference web tier, their defaults and their validation. Kept free of aws-cdk-lib so that
 * the CLI can check flags, and estimate costs, before it pays ~2 s to load and synthesise the CDK app.
 */

/**
 * Deliberately broken variants of the stack, so that `diagnose` and the `fix-*` commands can be shown on a real
 * deployment. `healthy` is the reference architecture as it should be.
 */
export const SCENARIOS = {
  healthy: 'The reference architecture, working: nginx answers the health checks.',
  'nginx-missing': 'The reference incident: the launch template never installs nginx, so every target is unhealthy and the ALB answers 502.',
  'no-alb-ingress': 'The instance security group lacks the rule that admits the ALB, so health checks time out.',
  'wrong-health-path': 'nginx runs, but the target group checks a path nginx does not serve (404), so every target fails with Target.ResponseCodeMismatch.',
  'no-ssm-endpoints': 'The VPC has no interface endpoints for Systems Manager: Session Manager works only through the NAT gateways.',
} as const

export type Scenario = keyof typeof SCENARIOS

export type ScalingMetric = 'cpu' | 'requests' | 'both'

export interface WebTierProps {
  /** CloudFormation stack name (also prefixes the names of the alarms and the dashboard). */
  readonly stackName: string
  /** NAT gateways: one per AZ (3) for high availability, 1 to save cost. */
  readonly natGateways: number
  readonly instanceType: string
  readonly minCapacity: number
  readonly desiredCapacity: number
  readonly maxCapacity: number
  /** The path the target group checks; nginx serves it with 200 (except in `wrong-health-path`). */
  readonly healthCheckPath: string
  /** The port nginx listens on and the target group sends traffic to. */
  readonly targetPort: number
  /** ACM certificate ARN: adds an HTTPS listener and turns HTTP into a redirect. */
  readonly certificateArn?: string
  /** E-mail address subscribed to the alarm topic (AWS sends a confirmation mail first). */
  readonly alertEmail?: string
  readonly scaleOn: ScalingMetric
  /** Target average CPU of the group, percent. */
  readonly cpuTargetPercent: number
  /** Target requests per minute per instance (ALBRequestCountPerTarget). */
  readonly requestsPerTarget: number
  /** Seconds an instance may spend booting before ELB health checks count against it. */
  readonly healthCheckGraceSeconds: number
  readonly scenario: Scenario
}

export const DEFAULT_PROPS: WebTierProps = {
  stackName: 'asg-doctor-web',
  natGateways: 3,
  instanceType: 't3.micro',
  minCapacity: 2,
  desiredCapacity: 2,
  maxCapacity: 4,
  healthCheckPath: '/health',
  targetPort: 80,
  scaleOn: 'cpu',
  cpuTargetPercent: 60,
  requestsPerTarget: 1000,
  healthCheckGraceSeconds: 300,
  scenario: 'healthy',
}

/** The stack always spans three Availability Zones. */
export const AZ_COUNT = 3

/** A stack's props are wrong: one sentence that names the option and the value. */
export class InvalidPropsError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'InvalidPropsError'
  }
}

/** Fills in the defaults and checks every option; throws InvalidPropsError with the first problem found. */
export function resolveProps(partial: Partial<WebTierProps> = {}): WebTierProps {
  const defined = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined)) as Partial<WebTierProps>
  const props: WebTierProps = {...DEFAULT_PROPS, ...defined}
  const problem = validationProblems(props)[0]
  if (problem) throw new InvalidPropsError(problem)
  return props
}

/** Every problem with a set of props, as sentences; empty when they are valid. */
export function validationProblems(p: WebTierProps): string[] {
  const problems: string[] = []
  // CloudFormation: letters, digits and hyphens, starting with a letter, at most 128 characters.
  if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(p.stackName)) problems.push(`Stack name "${p.stackName}" is not valid: use letters, digits and hyphens, starting with a letter (at most 128).`)
  if (!Number.isInteger(p.natGateways) || p.natGateways < 1 || p.natGateways > AZ_COUNT) problems.push(`NAT gateways must be 1, 2 or 3 (got ${p.natGateways}): 3 for one per AZ, 1 to save cost.`)
  for (const [name, v] of [['Minimum', p.minCapacity], ['Desired', p.desiredCapacity], ['Maximum', p.maxCapacity]] as const) {
    if (!Number.isInteger(v) || v < 0) problems.push(`${name} capacity must be a whole number of instances, 0 or more (got ${v}).`)
  }
  if (p.minCapacity > p.desiredCapacity || p.desiredCapacity > p.maxCapacity) {
    problems.push(`Capacities must satisfy min <= desired <= max (got min ${p.minCapacity}, desired ${p.desiredCapacity}, max ${p.maxCapacity}).`)
  }
  if (p.maxCapacity < 1) problems.push('Maximum capacity must be at least 1.')
  if (!p.healthCheckPath.startsWith('/')) problems.push(`Health-check path must start with "/" (got "${p.healthCheckPath}").`)
  // The path goes into nginx's config and the user data's shell script: keep it to plain URL path characters.
  else if (!/^\/[A-Za-z0-9._~\-/]*$/.test(p.healthCheckPath) || p.healthCheckPath.length > 1024) problems.push(`Health-check path "${p.healthCheckPath}" may contain only letters, digits and . _ ~ - /.`)
  if (!Number.isInteger(p.targetPort) || p.targetPort < 1 || p.targetPort > 65535) problems.push(`Target port must be 1-65535 (got ${p.targetPort}).`)
  if (!/^[a-z][a-z0-9-]*\d[a-z0-9-]*\.[a-z0-9]+$/.test(p.instanceType)) problems.push(`Instance type "${p.instanceType}" does not look like an EC2 instance type (e.g. t3.micro).`)
  if (p.certificateArn !== undefined && !/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/.test(p.certificateArn)) {
    problems.push(`Certificate "${p.certificateArn}" is not an ACM certificate ARN (arn:aws:acm:REGION:ACCOUNT:certificate/ID).`)
  }
  if (p.alertEmail !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(p.alertEmail)) problems.push(`Alert e-mail "${p.alertEmail}" is not an e-mail address.`)
  if (!['cpu', 'requests', 'both'].includes(p.scaleOn)) problems.push(`Scaling metric must be cpu, requests or both (got "${p.scaleOn}").`)
  if (!(p.cpuTargetPercent > 0 && p.cpuTargetPercent <= 100)) problems.push(`CPU target must be a percentage above 0 and at most 100 (got ${p.cpuTargetPercent}).`)
  if (!Number.isInteger(p.requestsPerTarget) || p.requestsPerTarget < 1) problems.push(`Requests per target must be a whole number, at least 1 (got ${p.requestsPerTarget}).`)
  if (!Number.isInteger(p.healthCheckGraceSeconds) || p.healthCheckGraceSeconds < 0) problems.push(`Health-check grace period must be whole seconds, 0 or more (got ${p.healthCheckGraceSeconds}).`)
  if (!(p.scenario in SCENARIOS)) problems.push(`Unknown scenario "${p.scenario}": choose one of ${Object.keys(SCENARIOS).join(', ')}.`)
  return problems
}
