/**
 * `deploy` and `destroy` as services with their I/O and toolkit passed in, so the commands stay thin and the
 * order that matters is tested: plan -> cost -> confirm -> (bootstrap) -> deploy -> outputs -> next steps.
 * Nothing is created before the plan has been shown.
 */
import type {WebTierProps} from '../../infra/props.js'
import {UserError} from '../lib/errors.js'
import {awsFlagTokens} from '../lib/options.js'
import {raw, shellCommand} from '../lib/shell.js'
import {confirmOrRefuse} from './confirm.js'
import type {Confirmer} from './confirm.js'
import {formatPlan, makePlan} from './plan.js'
import type {DeployPlan} from './plan.js'
import {webTierSpec} from './stacks.js'
import {isTemplateTooLarge} from './toolkit.js'
import type {DeployedStack, StackSpec, StackToolkit, SynthesizedStack} from './toolkit.js'

export interface DeployIo extends Confirmer {
  /** The plan and the confirmation dialogue: always shown (stderr), even with --quiet or --json. */
  show(line: string): void
  /** Progress: may be silenced. */
  progress(line: string): void
}

export interface DeployRequest {
  props: WebTierProps
  region: string
  profile?: string
  endpointUrl?: string
  yes: boolean
  /** Run `cdk bootstrap` when the template is too large to send inline. */
  bootstrap: boolean
}

export interface DeployOutcome {
  status: 'deployed' | 'declined'
  plan: Omit<DeployPlan, 'props'>
  stack?: DeployedStack
  url?: string
  diagnoseCommand?: string
  /** The `asg-doctor destroy` that removes this stack, from the same place. */
  destroyCommand?: string
}

/** What a stack's deployment shows and asks, made from its synthesised template. */
export interface Planned<P> {
  plan: P
  /** The plan and the cost, shown before the question. */
  lines: string[]
  /** Set when the deployment cannot go ahead without --bootstrap: the error to stop with. */
  blocked?: UserError
  /** Run `cdk bootstrap` before deploying. */
  bootstrapFirst: boolean
  question: string
  /** Completes "There is no terminal to confirm ...". */
  action: string
  /** The progress line while CloudFormation works. */
  deploying: string
  /** A deploy failure the person can act on, as a user error; undefined for the rest. */
  explain(error: unknown): UserError | undefined
}

/**
 * The order every deployment follows: synthesise -> plan and cost -> confirm -> (bootstrap) -> deploy. Nothing
 * is created before the plan has been shown, and the synthesised assembly is always disposed of.
 */
export async function runDeployment<P>(
  spec: StackSpec,
  yes: boolean,
  deps: {io: DeployIo; toolkit: StackToolkit},
  make: (template: SynthesizedStack['template']) => Planned<P>,
): Promise<{status: 'deployed' | 'declined'; plan: P; stack?: DeployedStack}> {
  const {io, toolkit} = deps
  const stack = await toolkit.synth(spec)
  try {
    const planned = make(stack.template)
    for (const line of planned.lines) io.show(line)
    if (planned.blocked) throw planned.blocked
    const go = await confirmOrRefuse(io, {yes, question: planned.question, action: planned.action})
    if (!go) {
      io.show('Nothing was deployed.')
      return {status: 'declined', plan: planned.plan}
    }
    if (planned.bootstrapFirst) {
      io.progress(`Bootstrapping the account for CDK (cdk bootstrap)...`)
      await stack.bootstrap()
    }
    io.progress(planned.deploying)
    try {
      return {status: 'deployed', plan: planned.plan, stack: await stack.deploy()}
    } catch (error) {
      throw planned.explain(error) ?? error
    }
  } finally {
    await stack.dispose()
  }
}

export async function deployStack(req: DeployRequest, deps: {io: DeployIo; toolkit: StackToolkit}): Promise<DeployOutcome> {
  deps.io.progress(`Synthesising stack ${req.props.stackName} (scenario ${req.props.scenario})...`)
  const result = await runDeployment(webTierSpec(req.props), req.yes, deps, (template) => {
    const plan = makePlan({props: req.props, region: req.region, endpointUrl: req.endpointUrl, template})
    const {props: _props, ...planSummary} = plan
    return {
      plan: planSummary,
      lines: formatPlan(plan),
      ...(plan.needsBootstrap && !req.bootstrap ? {blocked: bootstrapNeeded(plan)} : {}),
      bootstrapFirst: plan.needsBootstrap,
      question: `Deploy ${plan.stackName} at about $${plan.cost.usdPerHour.toFixed(2)} an hour?`,
      action: `the deployment of stack ${plan.stackName}`,
      deploying: `Deploying ${plan.stackName}: NAT gateways and the load balancer take a few minutes...`,
      explain: (error) => (isTemplateTooLarge(error) ? bootstrapNeeded(plan) : undefined),
    }
  })
  return result.stack ? {status: 'deployed', plan: result.plan, stack: result.stack, ...nextSteps(result.stack, req)} : {status: result.status, plan: result.plan}
}

function bootstrapNeeded(plan: DeployPlan): UserError {
  return new UserError(
    `The template of ${plan.stackName} is too large to send inline, and the account in ${plan.region} is not bootstrapped for CDK.`,
    `Run again with --bootstrap to run "cdk bootstrap" first, or run "npx cdk bootstrap aws://ACCOUNT/${plan.region}" yourself.`,
  )
}

/** The URL to open, the diagnosis to run and the teardown, from the stack's outputs, with this run's AWS flags. */
export function nextSteps(stack: DeployedStack, req: Pick<DeployRequest, 'region' | 'endpointUrl' | 'profile'>): {url?: string; diagnoseCommand?: string; destroyCommand: string} {
  const dns = stack.outputs.AlbDnsName
  const target = stack.outputs.AlbName ?? dns
  const flags = awsFlagTokens(req)
  return {
    ...(dns ? {url: `http://${dns}/`} : {}),
    ...(target ? {diagnoseCommand: shellCommand(raw('asg-doctor diagnose'), target, ...flags)} : {}),
    destroyCommand: shellCommand(raw('asg-doctor destroy --stack-name'), stack.stackName, ...flags),
  }
}

/** The closing lines of a deployment. */
export function formatOutcome(outcome: DeployOutcome, props: Pick<WebTierProps, 'scenario' | 'certificateArn'>): string[] {
  if (outcome.status !== 'deployed' || !outcome.stack) return []
  const lines = [`Stack ${outcome.stack.stackName} is deployed.`]
  for (const [key, value] of Object.entries(outcome.stack.outputs).sort()) lines.push(`  ${key}: ${value}`)
  if (outcome.url) lines.push(`Load balancer: ${props.certificateArn ? outcome.url.replace('http://', 'https://') : outcome.url} (instances need a few minutes to boot and pass health checks)`)
  if (props.scenario !== 'healthy') lines.push(`This is the broken scenario "${props.scenario}": expect errors from the load balancer once the instances are up.`)
  if (outcome.diagnoseCommand) lines.push(`Next: ${outcome.diagnoseCommand}`)
  lines.push(`Remove it when done: ${outcome.destroyCommand ?? shellCommand(raw('asg-doctor destroy --stack-name'), outcome.stack.stackName)}`)
  return lines
}

export interface DestroyRequest {
  props: WebTierProps
  region: string
  endpointUrl?: string
  yes: boolean
}

export async function destroyStack(req: DestroyRequest, deps: {io: DeployIo; toolkit: StackToolkit}): Promise<{status: 'destroyed' | 'declined'; stackName: string}> {
  return runDestroy(webTierSpec(req.props), {region: req.region, endpointUrl: req.endpointUrl, yes: req.yes, contents: 'VPC, NAT gateways, load balancer, instances, alarms'}, deps)
}

/** Plan -> confirm -> delete, for any of asg-doctor's stacks; `contents` names what goes, `kept` what stays. */
export async function runDestroy(
  spec: StackSpec,
  req: {region: string; endpointUrl?: string; yes: boolean; contents: string; kept?: string},
  deps: {io: DeployIo; toolkit: StackToolkit},
): Promise<{status: 'destroyed' | 'declined'; stackName: string}> {
  const {io, toolkit} = deps
  const stackName = spec.stackName
  const where = req.endpointUrl ? `${req.region} at ${req.endpointUrl}` : req.region
  io.show(`Plan: delete stack ${stackName} in ${where} and every resource in it (${req.contents}).`)
  if (req.kept) io.show(`  Kept: ${req.kept}`)
  const go = await confirmOrRefuse(io, {yes: req.yes, question: `Delete ${stackName}?`, action: `the deletion of stack ${stackName}`})
  if (!go) {
    io.show('Nothing was deleted.')
    return {status: 'declined', stackName}
  }
  const stack = await toolkit.synth(spec)
  try {
    io.progress(`Deleting ${stackName}: this takes a few minutes...`)
    await stack.destroy()
  } finally {
    await stack.dispose()
  }
  return {status: 'destroyed', stackName}
}
