/**
 * The whole fix-nginx flow against mocked AWS calls, a fake SSM runner, a fake clock and a fake probe.
 */
import {DescribeTargetHealthCommand} from '@aws-sdk/client-elastic-load-balancing-v2'
import {StartInstanceRefreshCommand, UpdateAutoScalingGroupCommand} from '@aws-sdk/client-auto-scaling'
import {CreateLaunchTemplateVersionCommand, DescribeInstancesCommand} from '@aws-sdk/client-ec2'
import {DescribeInstanceInformationCommand} from '@aws-sdk/client-ssm'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {Chalk} from 'chalk'
import {UserError} from '../../src/lib/errors.js'
import {CallRunner} from '../../src/collect/runner.js'
import {renderPlan, renderReport} from '../../src/fix/render.js'
import {runFix} from '../../src/fix/run.js'
import type {FixDeps, FixOptions} from '../../src/fix/run.js'
import type {FixPlan} from '../../src/fix/plan.js'
import {ALB_DNS, ALB_NAME, TG_ARN} from '../fixtures/world.js'
import {IDS, fakeClock, fakeRunner, health, installed, mocks, world} from './helpers.js'
import type {Mocks} from './helpers.js'

const c = new Chalk({level: 0})

const options = (o: Partial<FixOptions> = {}): FixOptions => ({
  alb: ALB_NAME,
  indexSource: 'default',
  persist: false,
  refresh: false,
  minHealthyPercentage: 90,
  timeoutSeconds: 300,
  verify: true,
  yes: true,
  dryRun: false,
  interactive: false,
  ...o,
})

let m: Mocks
beforeEach(() => {
  m = mocks()
  world(m)
})
afterEach(() => m.reset())

function deps(runner = fakeRunner(installed), extra: Partial<FixDeps> = {}) {
  const plans: FixPlan[] = []
  const progress: string[] = []
  const probes: string[] = []
  const asked: string[] = []
  const d: FixDeps = {
    clients: m.clients,
    runner,
    clock: fakeClock(),
    probe: async (url) => {
      probes.push(url)
      return {status: 200}
    },
    ask: async (q) => {
      asked.push(q)
      return true
    },
    showPlan: (p) => plans.push(p),
    progress: (l) => progress.push(l),
    ...extra,
  }
  return {d, plans, progress, probes, asked, runner}
}

/** Targets turn healthy on the second poll. */
function healthyAfterInstall(): void {
  m.elbv2
    .on(DescribeTargetHealthCommand)
    .resolvesOnce({TargetHealthDescriptions: IDS.map((id) => health(id, 'unhealthy', 'Target.FailedHealthChecks'))})
    .resolvesOnce({TargetHealthDescriptions: IDS.map((id) => health(id, 'initial', 'Elb.InitialHealthChecking'))})
    .resolves({TargetHealthDescriptions: IDS.map((id) => health(id, 'healthy'))})
}

describe('runFix', () => {
  it('fixes every registered instance, waits for healthy targets and probes the ALB: ok', async () => {
    healthyAfterInstall()
    const {d, plans, probes, runner, progress} = deps()
    const report = await runFix(options(), d)
    expect(plans).toHaveLength(1)
    expect(runner.requests).toHaveLength(1)
    expect(runner.requests[0].instanceIds).toEqual(IDS)
    expect(runner.requests[0].commands[1]).toBe('# asg-doctor nginx install v1: port(s) 80, health check /health')
    expect(report.outcome).toBe('applied')
    expect(report.instances.map((i) => [i.instanceId, i.install, i.health?.state, i.ok])).toEqual(IDS.map((id) => [id, 'changed', 'healthy', true]))
    expect(probes).toEqual([`http://${ALB_DNS}/health`])
    expect(report.probe).toMatchObject({status: 200, ok: true})
    expect(report.ok).toBe(true)
    expect(progress.some((l) => l.includes('0/3 healthy after 0s; waiting for i-0a1b2c3d4e5f60001 (initial Elb.InitialHealthChecking)'))).toBe(true)
    expect(renderReport(report, c)).toContain('Fixed: 3 of 3 instance(s) fixed and verified.')
  })

  it('reports a failing instance with its output, and is not ok (exit 1)', async () => {
    healthyAfterInstall()
    const runner = fakeRunner((id) =>
      id === IDS[1]
        ? {status: 'Failed', responseCode: 1, stdout: "nginx: [emerg] unknown directive \"x\"\nasg-doctor: FAILED: nginx -t rejected the configuration; asg-doctor's changes to it were undone\nasg-doctor-result: failed=config-test changed=installed,config\n"}
        : installed(),
    )
    const report = await runFix(options(), deps(runner).d)
    const bad = report.instances.find((i) => i.instanceId === IDS[1])!
    expect(bad).toMatchObject({install: 'failed', ok: false, changed: ['installed', 'config'], reason: "nginx -t rejected the configuration; asg-doctor's changes to it were undone"})
    expect(bad.output).toContain('unknown directive "x"')
    expect(report.instances.filter((i) => i.ok).map((i) => i.instanceId)).toEqual([IDS[0], IDS[2]])
    expect(report.ok).toBe(false)
    const text = renderReport(report, c)
    expect(text).toContain(`FAILED ${IDS[1]}  install failed: nginx -t rejected the configuration`)
    expect(text).toContain('| nginx: [emerg] unknown directive "x"')
    expect(text).toContain('Not fixed: 2 of 3 instance(s) fixed and verified.')
  })

  it('skips instances that are not Online in SSM or not running, says why, and sends them nothing', async () => {
    world(m, {ping: {[IDS[0]]: 'ConnectionLost', [IDS[1]]: 'none'}, states: {[IDS[2]]: 'running'}})
    healthyAfterInstall()
    const {d, plans, runner} = deps()
    const report = await runFix(options(), d)
    expect(plans[0].skipped).toEqual([
      {instanceId: IDS[0], reason: 'not-ssm-online', detail: 'SSM agent ping status is ConnectionLost'},
      {instanceId: IDS[1], reason: 'not-ssm-online', detail: expect.stringContaining('Systems Manager has never heard from it')},
    ])
    expect(runner.requests[0].instanceIds).toEqual([IDS[2]])
    expect(report.instances.find((i) => i.instanceId === IDS[0])).toMatchObject({install: 'skipped', ok: false})
    expect(report.ok).toBe(false)
  })

  it('asks SSM about running instances only, 50 per call', async () => {
    const many = Array.from({length: 120}, (_, i) => `i-${(0x1000 + i).toString(16).padStart(17, '0')}`)
    m.elbv2.on(DescribeTargetHealthCommand).resolves({TargetHealthDescriptions: many.map((id) => health(id, 'unhealthy'))})
    m.ec2.on(DescribeInstancesCommand).resolves({Reservations: [{Instances: many.map((id, i) => ({InstanceId: id, State: {Name: i === 0 ? 'stopped' : 'running'}}))}]})
    m.ssm.on(DescribeInstanceInformationCommand).resolves({InstanceInformationList: []})
    await runFix(options({dryRun: true}), deps().d)
    const calls = m.ssm.commandCalls(DescribeInstanceInformationCommand).map((call) => call.args[0].input.Filters?.[0].Values?.length)
    expect(calls).toEqual([50, 50, 19])
  })

  it('stops with the missing IAM action when DescribeInstanceInformation is denied', async () => {
    m.ssm.on(DescribeInstanceInformationCommand).rejects(Object.assign(new Error('not authorized'), {name: 'AccessDeniedException', $metadata: {httpStatusCode: 400}}))
    const {d, runner} = deps()
    await expect(runFix(options(), d)).rejects.toThrow(/ssm:DescribeInstanceInformation was denied/)
    expect(runner.requests).toHaveLength(0)
  })

  it('--dry-run shows the plan and changes nothing', async () => {
    const {d, plans, runner} = deps()
    const report = await runFix(options({dryRun: true, yes: true, persist: true}), d)
    expect(report.outcome).toBe('dry-run')
    expect(report.ok).toBe(true)
    expect(plans[0].targets.map((t) => t.instanceId)).toEqual(IDS)
    expect(runner.requests).toHaveLength(0)
    expect(m.ec2.commandCalls(CreateLaunchTemplateVersionCommand)).toHaveLength(0)
  })

  it('refuses with no terminal and no --yes, after showing the plan, and applies nothing', async () => {
    const {d, plans, runner} = deps()
    const err = await runFix(options({yes: false, interactive: false}), d).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(UserError)
    expect((err as UserError).message).toBe('fix-nginx changes your instances and needs a yes, but there is no terminal to ask on.')
    expect(plans).toHaveLength(1)
    expect(runner.requests).toHaveLength(0)
  })

  it('asks at a terminal and does nothing on "no"', async () => {
    const asked: string[] = []
    const {d, runner} = deps(undefined, {
      ask: async (q) => {
        asked.push(q)
        return false
      },
    })
    const report = await runFix(options({yes: false, interactive: true}), d)
    expect(asked).toEqual(['Apply this plan? [y/N] '])
    expect(report.outcome).toBe('declined')
    expect(report.ok).toBe(false)
    expect(runner.requests).toHaveLength(0)
    expect(m.ec2.commandCalls(CreateLaunchTemplateVersionCommand)).toHaveLength(0)
  })

  it('sends every AWS call through the runner it is given: counted per IAM action, logged', async () => {
    healthyAfterInstall()
    const lines: string[] = []
    const calls = new CallRunner(8, (l) => lines.push(l))
    await runFix(options(), deps(undefined, {calls}).d)
    expect(calls.stats(0).perApi).toEqual({
      'autoscaling:DescribeAutoScalingGroups': 1,
      'ec2:DescribeInstances': 1,
      'elasticloadbalancing:DescribeListeners': 1,
      'elasticloadbalancing:DescribeLoadBalancers': 1,
      'elasticloadbalancing:DescribeTargetGroups': 1,
      'elasticloadbalancing:DescribeTargetHealth': 3,
      'ssm:DescribeInstanceInformation': 1,
    })
    expect(lines).toHaveLength(9)
    expect(lines[0]).toMatch(/^elasticloadbalancing:DescribeLoadBalancers web-alb \d+ ms$/)
  })

  it('keeps the record of what changed when the verification fails, and is not ok', async () => {
    m.elbv2
      .on(DescribeTargetHealthCommand)
      .resolvesOnce({TargetHealthDescriptions: IDS.map((id) => health(id, 'unhealthy', 'Target.FailedHealthChecks'))})
      .rejects(Object.assign(new Error('no'), {name: 'AccessDenied', $metadata: {httpStatusCode: 403}}))
    m.ec2.on(CreateLaunchTemplateVersionCommand).resolves({LaunchTemplateVersion: {VersionNumber: 4}})
    m.autoscaling.on(UpdateAutoScalingGroupCommand).resolves({})
    const report = await runFix(options({persist: true}), deps().d)
    expect(report.outcome).toBe('applied')
    expect(report.verifyError).toBe(
      'elasticloadbalancing:DescribeTargetHealth was denied (AccessDenied): the credentials lack the IAM permission elasticloadbalancing:DescribeTargetHealth.',
    )
    expect(report.instances.map((i) => [i.install, i.ok])).toEqual(IDS.map(() => ['changed', false]))
    expect(report.instances[0].reason).toMatch(/^installed, but its health could not be checked: elasticloadbalancing:DescribeTargetHealth was denied/)
    expect(report.persist).toEqual([{autoScalingGroupName: 'web-asg', createdVersion: 4, groupUpdatedTo: '4', notes: []}])
    expect(report.ok).toBe(false)
  })

  it('applies at a terminal on "yes"', async () => {
    healthyAfterInstall()
    const {d, asked, runner} = deps()
    const report = await runFix(options({yes: false, interactive: true}), d)
    expect(asked).toEqual(['Apply this plan? [y/N] '])
    expect(runner.requests).toHaveLength(1)
    expect(report.ok).toBe(true)
  })

  it('skips the HTTP probe under an endpoint override and says so', async () => {
    healthyAfterInstall()
    const {d, probes} = deps(undefined, {endpointOverride: 'http://127.0.0.1:5000'})
    const report = await runFix(options(), d)
    expect(probes).toEqual([])
    expect(report.notes).toContain("HTTP probe skipped: an endpoint override is in force (http://127.0.0.1:5000): the load balancer's DNS name is not a real one.")
    expect(report.ok).toBe(true)
  })

  it('is not ok when the targets never turn healthy within the bound', async () => {
    const clock = fakeClock()
    const {d} = deps(undefined, {clock})
    const report = await runFix(options({timeoutSeconds: 60}), d)
    expect(report.health).toMatchObject({healthy: false, elapsedMs: 60_000})
    expect(report.instances[0]).toMatchObject({install: 'changed', ok: false, reason: 'not healthy within 60s', health: {state: 'unhealthy', reason: 'Target.FailedHealthChecks'}})
    expect(renderReport(report, c)).toContain(`FAILED ${IDS[0]}  changed installed,config,index,enabled,started  target unhealthy (Target.FailedHealthChecks): not healthy within 60s`)
    expect(report.ok).toBe(false)
  })

  it('with --instance-ids, fixes only those and skips ids that are not in the target group', async () => {
    healthyAfterInstall()
    const {d, runner, plans} = deps()
    await runFix(options({instanceIds: [IDS[0], 'i-0fffffffffffffff0']}), d)
    expect(runner.requests[0].instanceIds).toEqual([IDS[0]])
    expect(plans[0].skipped).toEqual([{instanceId: 'i-0fffffffffffffff0', reason: 'not-in-target-group', detail: 'not registered in target group web-tg'}])
  })

  it('starts the instance refresh only after the wait, so it does not drain the instances being verified', async () => {
    healthyAfterInstall()
    m.ec2.on(CreateLaunchTemplateVersionCommand).resolves({LaunchTemplateVersion: {VersionNumber: 4}})
    m.autoscaling.on(UpdateAutoScalingGroupCommand).resolves({})
    m.autoscaling.on(StartInstanceRefreshCommand).resolves({InstanceRefreshId: 'r-1'})
    const report = await runFix(options({persist: true, refresh: true}), deps().d)
    const lastHealth = m.elbv2.commandCalls(DescribeTargetHealthCommand).at(-1)!
    expect(lastHealth.calledBefore(m.autoscaling.commandCalls(StartInstanceRefreshCommand)[0])).toBe(true)
    expect(report.persist).toEqual([{autoScalingGroupName: 'web-asg', createdVersion: 4, groupUpdatedTo: '4', instanceRefreshId: 'r-1', notes: []}])
    expect(renderReport(report, c)).toContain('Fixed: 3 of 3 instance(s) fixed and verified.')
  })

  it('--no-verify skips the wait and the probe', async () => {
    const {d, probes} = deps()
    const report = await runFix(options({verify: false}), d)
    expect(probes).toEqual([])
    expect(m.elbv2.commandCalls(DescribeTargetHealthCommand)).toHaveLength(1)
    expect(report.notes).toContain('Verification skipped (--no-verify).')
    expect(report.ok).toBe(true)
    expect(renderReport(report, c)).toContain('Fixed: 3 of 3 instance(s) fixed.')
  })

  it.each([
    [{alb: undefined}, /Say what to fix/],
    [{refresh: true}, /--refresh starts an instance refresh after --persist/],
    [{port: 8080}, /--port and --health-check-path are for --instance-ids alone/],
    [{alb: undefined, instanceIds: ['i-1;rm']}, /is not an EC2 instance id/],
    [{alb: undefined, instanceIds: [IDS[0]], persist: true}, /--persist needs a load balancer or --target-group-arn/],
  ])('refuses inconsistent options %j', async (o, message) => {
    await expect(runFix(options(o as Partial<FixOptions>), deps().d)).rejects.toThrow(message)
  })

  it('renders the plan with targets, skips, changes and the warning about new instances', async () => {
    world(m, {ping: {[IDS[2]]: 'ConnectionLost'}})
    const {d, plans} = deps()
    await runFix(options({dryRun: true}), d)
    const text = renderPlan(plans[0], c)
    expect(text).toContain(`Plan: install nginx behind web-alb (${ALB_DNS})`)
    expect(text).toContain('Target group web-tg: HTTP port 80, health-check path /health (success codes 200)')
    expect(text).toContain(`    ${IDS[0]}  10.0.10.11  target unhealthy`)
    expect(text).toContain(`    ${IDS[2]}  not-ssm-online: SSM agent ping status is ConnectionLost`)
    expect(text).toContain('write /etc/nginx/conf.d/asg-doctor.conf: listen on 80 as the default server, answer /health with 200')
    expect(text).toContain('! This fixes the running instances only: instances that Auto Scaling group web-asg launches later come up without nginx.')
  })

  it('takes the target group from --target-group-arn and finds its load balancer', async () => {
    healthyAfterInstall()
    const {d, probes} = deps()
    const report = await runFix(options({alb: undefined, targetGroupArn: TG_ARN}), d)
    expect(report.plan.loadBalancer?.dnsName).toBe(ALB_DNS)
    expect(probes).toEqual([`http://${ALB_DNS}/health`])
  })
})

describe('the mocked account answers what it is asked', () => {
  it('fails DescribeInstanceInformation with a filter key SSM does not know, and honours the ids of the one it does', async () => {
    await expect(m.clients.ssm.send(new DescribeInstanceInformationCommand({Filters: [{Key: 'InstanceId', Values: [IDS[0]]}]}))).rejects.toMatchObject({name: 'InvalidFilterKey'})
    const out = await m.clients.ssm.send(new DescribeInstanceInformationCommand({Filters: [{Key: 'InstanceIds', Values: [IDS[1]]}]}))
    expect(out.InstanceInformationList?.map((i) => i.InstanceId)).toEqual([IDS[1]])
    const ec2 = await m.clients.ec2.send(new DescribeInstancesCommand({Filters: [{Name: 'instance-id', Values: [IDS[2]]}]}))
    expect(ec2.Reservations?.flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId)).toEqual([IDS[2]])
  })
})
