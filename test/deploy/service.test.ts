import {describe, expect, it} from 'vitest'
import {resolveProps} from '../../infra/props.js'
import {deployStack, destroyStack, formatOutcome, nextSteps} from '../../src/deploy/service.js'
import {recordingDeployment} from './fakes.js'
import {UserError} from '../../src/lib/errors.js'

const OUTPUTS = {AlbDnsName: 'web-Alb-1.eu-west-1.elb.amazonaws.com', AlbName: 'web-Alb', AlbArn: 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/web-Alb/1', TargetGroupArn: 'arn:tg', AsgName: 'web-Asg'}

function fakes(opts: {interactive?: boolean; answer?: boolean; templateBytes?: number; deployError?: Error} = {}) {
  const resources = Object.fromEntries(Array.from({length: 10}, (_, i) => [`R${i}`, {Type: 'AWS::EC2::Subnet', Properties: {Pad: 'x'.repeat(Math.floor((opts.templateBytes ?? 30_000) / 10))}}]))
  return recordingDeployment({...opts, resources, outputs: OUTPUTS, stackArn: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/web/1'})
}

const props = resolveProps({stackName: 'web', natGateways: 1})
const req = {props, region: 'eu-west-1', yes: true, bootstrap: false}

describe('deployStack', () => {
  it('shows the plan and the cost before it deploys, then returns the outputs and the diagnose command', async () => {
    const {log, io, toolkit} = fakes()
    const outcome = await deployStack(req, {io, toolkit})
    const planAt = log.indexOf('show: Plan: create or update stack web in eu-west-1 (10 resources).')
    const costAt = log.findIndex((l) => l.startsWith('show:   Total'))
    expect(planAt).toBeGreaterThan(log.indexOf('synth: web'))
    expect(costAt).toBeGreaterThan(planAt)
    expect(log.indexOf('deploy')).toBeGreaterThan(costAt)
    expect(log.at(-1)).toBe('dispose')
    expect(outcome).toMatchObject({status: 'deployed', url: `http://${OUTPUTS.AlbDnsName}/`, diagnoseCommand: 'asg-doctor diagnose web-Alb --region eu-west-1', stack: {outputs: OUTPUTS}})
    expect(outcome.plan.cost.usdPerHour).toBeGreaterThan(0.2)
  })

  it('refuses without a terminal and without --yes, after showing the plan, and deploys nothing', async () => {
    const {log, io, toolkit} = fakes({interactive: false})
    await expect(deployStack({...req, yes: false}, {io, toolkit})).rejects.toThrow('There is no terminal to confirm the deployment of stack web on, so nothing was changed.')
    expect(log.some((l) => l.startsWith('show: Plan:'))).toBe(true)
    expect(log).not.toContain('deploy')
    expect(log.at(-1)).toBe('dispose')
  })

  it('asks on a terminal, with the hourly cost in the question, and stops on no', async () => {
    const {log, io, toolkit} = fakes({interactive: true, answer: false})
    const outcome = await deployStack({...req, yes: false}, {io, toolkit})
    expect(log).toContain('ask: Deploy web at about $0.21 an hour?')
    expect(outcome.status).toBe('declined')
    expect(log).toContain('show: Nothing was deployed.')
    expect(log).not.toContain('deploy')
  })

  it('deploys on yes', async () => {
    const {log, io, toolkit} = fakes({interactive: true, answer: true})
    expect((await deployStack({...req, yes: false}, {io, toolkit})).status).toBe('deployed')
    expect(log).toContain('deploy')
  })

  it('stops before asking when the template needs a bootstrap that was not allowed', async () => {
    const {log, io, toolkit} = fakes({templateBytes: 60_000})
    const run = deployStack(req, {io, toolkit})
    await expect(run).rejects.toBeInstanceOf(UserError)
    await expect(deployStack(req, fakes({templateBytes: 60_000}))).rejects.toThrow('The template of web is too large to send inline, and the account in eu-west-1 is not bootstrapped for CDK.')
    expect(log.some((l) => l.includes('over CloudFormation\'s 50 KiB inline limit'))).toBe(true)
    expect(log).not.toContain('deploy')
  })

  it('bootstraps first with --bootstrap when the template needs it, and only then', async () => {
    const big = fakes({templateBytes: 60_000})
    await deployStack({...req, bootstrap: true}, big)
    expect(big.log.indexOf('bootstrap')).toBeGreaterThan(-1)
    expect(big.log.indexOf('bootstrap')).toBeLessThan(big.log.indexOf('deploy'))
    const small = fakes()
    await deployStack({...req, bootstrap: true}, small)
    expect(small.log).not.toContain('bootstrap')
  })

  it('turns toolkit-lib\'s "template too large" failure into the bootstrap user error', async () => {
    const f = fakes({deployError: Object.assign(new Error('Template too large to deploy ("cdk bootstrap" is required)'), {name: 'ToolkitError'})})
    await expect(deployStack(req, f)).rejects.toThrow('is not bootstrapped for CDK')
  })

  it('passes other deployment failures through untouched', async () => {
    const f = fakes({deployError: new Error('Resource handler returned message: "The maximum number of addresses has been reached."')})
    await expect(deployStack(req, f)).rejects.toThrow('The maximum number of addresses has been reached.')
    expect(f.log.at(-1)).toBe('dispose')
  })
})

describe('nextSteps and formatOutcome', () => {
  const stack = {stackName: 'web', outputs: OUTPUTS}

  it('carries --region, --profile and --endpoint-url into the diagnose and destroy commands', () => {
    const steps = nextSteps(stack, {region: 'us-east-1', profile: 'lab', endpointUrl: 'http://127.0.0.1:5000'})
    expect(steps.diagnoseCommand).toBe('asg-doctor diagnose web-Alb --region us-east-1 --profile lab --endpoint-url http://127.0.0.1:5000')
    expect(steps.destroyCommand).toBe('asg-doctor destroy --stack-name web --region us-east-1 --profile lab --endpoint-url http://127.0.0.1:5000')
  })

  it('quotes a profile or endpoint the shell would otherwise split or expand', () => {
    const steps = nextSteps(stack, {region: 'us-east-1', profile: 'my lab', endpointUrl: 'http://127.0.0.1:5000/?a=1&b=$x'})
    expect(steps.destroyCommand).toBe("asg-doctor destroy --stack-name web --region us-east-1 --profile 'my lab' --endpoint-url 'http://127.0.0.1:5000/?a=1&b=$x'")
  })

  it('ends with the URL, the diagnose command and how to remove the stack; warns for a broken scenario', () => {
    const outcome = {status: 'deployed' as const, plan: {} as never, stack, ...nextSteps(stack, {region: 'eu-west-1'})}
    const lines = formatOutcome(outcome, {scenario: 'nginx-missing'})
    expect(lines[0]).toBe('Stack web is deployed.')
    expect(lines).toContain(`  AlbDnsName: ${OUTPUTS.AlbDnsName}`)
    expect(lines).toContain(`Load balancer: http://${OUTPUTS.AlbDnsName}/ (instances need a few minutes to boot and pass health checks)`)
    expect(lines).toContain('This is the broken scenario "nginx-missing": expect errors from the load balancer once the instances are up.')
    expect(lines.slice(-2)).toEqual(['Next: asg-doctor diagnose web-Alb --region eu-west-1', 'Remove it when done: asg-doctor destroy --stack-name web --region eu-west-1'])
    expect(formatOutcome(outcome, {scenario: 'healthy', certificateArn: 'arn:aws:acm:eu-west-1:1:certificate/x'}).find((l) => l.startsWith('Load balancer:'))).toContain('https://')
  })
})

describe('destroyStack', () => {
  it('shows what it deletes, then deletes with --yes', async () => {
    const {log, io, toolkit} = fakes()
    expect(await destroyStack({props, region: 'eu-west-1', yes: true}, {io, toolkit})).toEqual({status: 'destroyed', stackName: 'web'})
    expect(log[0]).toBe('show: Plan: delete stack web in eu-west-1 and every resource in it (VPC, NAT gateways, load balancer, instances, alarms).')
    expect(log.indexOf('destroy')).toBeGreaterThan(0)
  })

  it('refuses without a terminal and without --yes, and deletes nothing', async () => {
    const {log, io, toolkit} = fakes()
    await expect(destroyStack({props, region: 'eu-west-1', yes: false}, {io, toolkit})).rejects.toThrow('There is no terminal to confirm the deletion of stack web on, so nothing was changed.')
    expect(log).not.toContain('destroy')
  })

  it('keeps the stack when the answer is no', async () => {
    const {log, io, toolkit} = fakes({interactive: true, answer: false})
    expect((await destroyStack({props, region: 'eu-west-1', yes: false}, {io, toolkit})).status).toBe('declined')
    expect(log).toContain('ask: Delete web?')
    expect(log).not.toContain('destroy')
  })
})
