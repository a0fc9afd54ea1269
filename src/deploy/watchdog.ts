/**
 * `deploy --watchdog` and `destroy --watchdog`: the watchdog stack through the same plan -> cost -> confirm ->
 * deploy sequence as the web tier (./service.ts). Its Lambda code is an asset, so the account must be bootstrapped
 * for CDK: --bootstrap runs `cdk bootstrap` first (harmless when it already is); without it a deployment that
 * finds no bootstrap stops with one sentence saying so.
 */
import type {WatchdogProps} from '../../infra/watchdog/props.js'
import {UserError} from '../lib/errors.js'
import {awsFlagTokens} from '../lib/options.js'
import {raw, shellCommand} from '../lib/shell.js'
import {estimateWatchdogCost, formatCost} from './cost.js'
import type {CostEstimate} from './cost.js'
import {runDeployment, runDestroy} from './service.js'
import type {DeployIo} from './service.js'
import {watchdogSpec} from './stacks.js'
import {isNotBootstrapped} from './toolkit.js'
import type {DeployedStack, StackToolkit} from './toolkit.js'

export interface WatchdogDeployRequest {
  props: WatchdogProps
  region: string
  profile?: string
  endpointUrl?: string
  yes: boolean
  bootstrap: boolean
}

export interface WatchdogPlan {
  stackName: string
  region: string
  endpointUrl?: string
  resourceCount: number
  /** Each account-region scanned, as `region` or `account:region`. */
  targets: string[]
  rateMinutes: number
  cost: CostEstimate
}

export interface WatchdogDeployOutcome {
  status: 'deployed' | 'declined'
  plan: WatchdogPlan
  stack?: DeployedStack
  /** How to reopen the latest snapshots and run the state machine by hand, and how to remove the stack. */
  next?: string[]
}

export function makeWatchdogPlan(input: {props: WatchdogProps; region: string; endpointUrl?: string; template: {Resources?: Record<string, unknown>}}): WatchdogPlan {
  const p = input.props
  return {
    stackName: p.stackName,
    region: input.region,
    ...(input.endpointUrl ? {endpointUrl: input.endpointUrl} : {}),
    resourceCount: Object.keys(input.template.Resources ?? {}).length,
    targets: p.targets.length ? p.targets.map((t) => (t.account ? `${t.account}:${t.region}` : t.region)) : [input.region],
    rateMinutes: p.rateMinutes,
    cost: estimateWatchdogCost({rateMinutes: p.rateMinutes, targets: p.targets.length, memoryMb: p.memoryMb, retentionDays: p.retentionDays}),
  }
}

export function formatWatchdogPlan(plan: WatchdogPlan, props: WatchdogProps): string[] {
  const where = plan.endpointUrl ? `${plan.region} at ${plan.endpointUrl}` : plan.region
  const members = props.targets.filter((t) => t.account)
  return [
    `Plan: create or update stack ${plan.stackName} in ${where} (${plan.resourceCount} resources).`,
    `  Every ${plan.rateMinutes} min, EventBridge Scheduler starts a Step Functions run: a Distributed Map scans ${plan.targets.join(', ')} (${props.maxConcurrency} at once), one Lambda run (Node.js, arm64, ${props.memoryMb} MB) each.`,
    ...(members.length
      ? [`  Member accounts need the read-only role ${props.memberRoleName} first: deploy infra/watchdog/member-role.json to them with a StackSet (see docs/watchdog.md).`]
      : []),
    `  Publishes CloudWatch metrics (namespace ${props.namespace}), an EventBridge event per new or resolved root cause at ${props.notifyOn} or above, and an SNS notification${props.alertEmail ? ` (mail to ${props.alertEmail}; AWS mails a confirmation link first)` : ''}.`,
    `  Reports and snapshots go to an encrypted S3 bucket, kept ${props.retentionDays} days after their last write; the bucket outlives the stack.`,
    '  The Lambda code is an asset: the account must be bootstrapped for CDK (--bootstrap runs "cdk bootstrap" first).',
    'Cost per month:',
    ...formatCost(plan.cost, {per: 'month'}),
  ]
}

function notBootstrapped(plan: WatchdogPlan): UserError {
  return new UserError(
    `The account in ${plan.region} is not bootstrapped for CDK, and the watchdog's Lambda code must be uploaded through it.`,
    `Run again with --bootstrap to run "cdk bootstrap" first, or run "npx cdk bootstrap aws://ACCOUNT/${plan.region}" yourself.`,
  )
}

export async function deployWatchdog(req: WatchdogDeployRequest, deps: {io: DeployIo; toolkit: StackToolkit}): Promise<WatchdogDeployOutcome> {
  deps.io.progress(`Synthesising the watchdog stack ${req.props.stackName} and bundling its Lambda...`)
  const result = await runDeployment(watchdogSpec(req.props), req.yes, deps, (template) => {
    const plan = makeWatchdogPlan({props: req.props, region: req.region, endpointUrl: req.endpointUrl, template})
    return {
      plan,
      lines: formatWatchdogPlan(plan, req.props),
      bootstrapFirst: req.bootstrap,
      question: `Deploy ${plan.stackName} at about $${plan.cost.usdPerMonth.toFixed(2)} a month?`,
      action: `the deployment of stack ${plan.stackName}`,
      deploying: `Deploying ${plan.stackName}: the function, the state machine and the schedule take a minute or two...`,
      explain: (error) => (isNotBootstrapped(error) ? notBootstrapped(plan) : undefined),
    }
  })
  if (!result.stack) return {status: result.status, plan: result.plan}
  return {status: 'deployed', plan: result.plan, stack: result.stack, next: watchdogNextSteps(result.stack, req)}
}

/** What to do next, with this run's AWS flags. */
export function watchdogNextSteps(stack: DeployedStack, req: Pick<WatchdogDeployRequest, 'props' | 'region' | 'profile' | 'endpointUrl'>): string[] {
  const flags = awsFlagTokens(req)
  const lines: string[] = []
  const sm = stack.outputs.StateMachineArn
  if (sm) lines.push(`Run it now: ${shellCommand(raw('aws stepfunctions start-execution --state-machine-arn'), sm, raw('--input'), JSON.stringify({targets: executionTargets(req.props, req.region)}), ...flags)}`)
  const bucket = stack.outputs.BucketName
  if (bucket) lines.push(`Latest fleet report: ${shellCommand(raw('aws s3 cp'), `s3://${bucket}/latest/report.json`, raw('-'), ...flags)}`)
  if (bucket) lines.push(`Reopen an ALB's snapshot: ${shellCommand(raw('asg-doctor diagnose --snapshot'), `s3://${bucket}/snapshots/<account>/<region>/<alb>.json`, ...flags)}`)
  lines.push(`Remove it: ${shellCommand(raw('asg-doctor destroy --watchdog --stack-name'), stack.stackName, ...flags)}`)
  return lines
}

/** The execution input the schedule sends (the stack builds the same with CloudFormation's partition). */
export function executionTargets(props: WatchdogProps, region: string): {region: string; account?: string; roleArn?: string}[] {
  if (props.targets.length === 0) return [{region}]
  return props.targets.map((t) => (t.account ? {region: t.region, account: t.account, roleArn: `arn:aws:iam::${t.account}:role/${props.memberRoleName}`} : {region: t.region}))
}

export async function destroyWatchdog(
  req: {props: WatchdogProps; region: string; endpointUrl?: string; yes: boolean},
  deps: {io: DeployIo; toolkit: StackToolkit},
): Promise<{status: 'destroyed' | 'declined'; stackName: string}> {
  return runDestroy(
    watchdogSpec(req.props),
    {
      region: req.region,
      endpointUrl: req.endpointUrl,
      yes: req.yes,
      contents: 'schedule, state machine, Lambda function, roles, SNS topic and its subscriptions, log groups',
      kept: 'the report bucket and its objects (it expires them on its own; empty and delete it with `aws s3 rb s3://BUCKET --force` when you no longer need them).',
    },
    deps,
  )
}
