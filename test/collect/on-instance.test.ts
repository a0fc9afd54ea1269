import {describe, expect, it} from 'vitest'

import {collectOnInstance, planProbes, MAX_STORED_STDOUT} from '../../src/collect/on-instance.js'
import {diagnosticScript} from '../../src/ssm/diagnostic-script.js'
import type {CommandRunner, InvocationResult, RunShellScriptRequest} from '../../src/ssm/types.js'
import type {Snapshot} from '../../src/snapshot/types.js'
import {INSTANCE_IDS, TG_ARN, healthyWorld} from '../fixtures/world.js'
import {sample} from '../rules/instance/helpers.js'

/** A runner that answers from a table and records what it was asked. */
function fakeRunner(answer: (id: string, req: RunShellScriptRequest) => Partial<InvocationResult>): CommandRunner & {requests: RunShellScriptRequest[]} {
  const requests: RunShellScriptRequest[] = []
  return {
    requests,
    async runShellScript(req) {
      requests.push(req)
      req.onProgress?.(req.instanceIds.length, req.instanceIds.length)
      return req.instanceIds.map((id) => ({instanceId: id, status: 'Success', stdout: '', stderr: '', commandId: `cmd-${requests.length}`, ...answer(id, req)}))
    },
  }
}

const TG2_ARN = TG_ARN.replace('web-tg/73e2d6bc24d8a067', 'api-tg/0123456789abcdef')

/** The world with a second target group on port 8080, health-checked on /ping, holding the third instance. */
function twoTargetGroups(): Snapshot {
  const w = healthyWorld()
  w.elbv2.TargetGroups.push({...w.elbv2.TargetGroups[0], TargetGroupArn: TG2_ARN, TargetGroupName: 'api-tg', Port: 8080, HealthCheckPath: '/ping', Matcher: {HttpCode: '200-299'}})
  w.elbv2.TargetHealthDescriptions[TG2_ARN] = [{Target: {Id: INSTANCE_IDS[2], Port: 8080}, HealthCheckPort: '8080', TargetHealth: {State: 'healthy'}}]
  return w
}

describe('collectOnInstance', () => {
  it('sends one script for the target group settings to the chosen instances, and keeps status, output and the parsed result', async () => {
    const runner = fakeRunner((id) => ({stdout: id === INSTANCE_IDS[0] ? sample('al2023-nginx-missing') : sample('al2023-healthy'), responseCode: 0}))
    const progress: [number, number][] = []
    const {onInstance, errors} = await collectOnInstance({
      runner,
      snapshot: healthyWorld(),
      instanceIds: [INSTANCE_IDS[0], INSTANCE_IDS[1]],
      timeoutMs: 90_000,
      onProgress: (f, t) => progress.push([f, t]),
    })

    expect(runner.requests).toHaveLength(1)
    expect(runner.requests[0]).toMatchObject({
      instanceIds: [INSTANCE_IDS[0], INSTANCE_IDS[1]],
      comment: 'asg-doctor diagnose: read-only checks of nginx',
      timeoutMs: 90_000,
      executionTimeoutSeconds: 60,
    })
    expect(runner.requests[0].commands).toEqual(diagnosticScript({targetPort: 80, healthCheckPort: 80, healthCheckPath: '/health', healthCheckProtocol: 'HTTP'}))
    expect(onInstance.scriptVersion).toBe('ASGD1')
    expect(onInstance.probes).toEqual([
      {id: 'HTTP:80:80:/health:200', targetPort: 80, healthCheckPort: 80, healthCheckPath: '/health', healthCheckProtocol: 'HTTP', matcher: '200', targetGroupArns: [TG_ARN]},
    ])
    expect(onInstance.runs.map((r) => [r.instanceId, r.status, r.commandId, r.parsed?.nginx.installed])).toEqual([
      [INSTANCE_IDS[0], 'Success', 'cmd-1', false],
      [INSTANCE_IDS[1], 'Success', 'cmd-1', true],
    ])
    expect(errors).toEqual([])
    expect(progress.at(-1)).toEqual([2, 2])
  })

  it('sends one script per distinct target group configuration, each instance with its own', async () => {
    const runner = fakeRunner(() => ({stdout: sample('al2023-healthy')}))
    const {onInstance} = await collectOnInstance({runner, snapshot: twoTargetGroups(), instanceIds: [...INSTANCE_IDS], timeoutMs: 60_000})

    expect(onInstance.probes.map((p) => [p.id, p.targetGroupArns])).toEqual([
      ['HTTP:80:80:/health:200', [TG_ARN]],
      ['HTTP:8080:8080:/ping:200-299', [TG2_ARN]],
    ])
    expect(runner.requests.map((r) => r.instanceIds)).toEqual([[...INSTANCE_IDS], [INSTANCE_IDS[2]]])
    expect(runner.requests[1].commands.join('\n')).toContain("TPORT=8080\nHPORT=8080\nHPATH='/ping'")
    expect(onInstance.runs).toHaveLength(4)
  })

  it('records a denied SendCommand as a collection error naming the permission, and keeps unparsable output bounded', async () => {
    const runner = fakeRunner((id) =>
      id === INSTANCE_IDS[0]
        ? {status: 'SendFailed', commandId: undefined, detail: 'ssm:SendCommand was denied (AccessDeniedException): the credentials lack the IAM permission ssm:SendCommand'}
        : {stdout: 'x'.repeat(20_000)},
    )
    const {onInstance, errors} = await collectOnInstance({runner, snapshot: healthyWorld(), instanceIds: [INSTANCE_IDS[0], INSTANCE_IDS[1]], timeoutMs: 60_000})

    expect(errors).toEqual([
      {api: 'ssm:SendCommand', code: 'AccessDeniedException', message: 'ssm:SendCommand was denied (AccessDeniedException): the credentials lack the IAM permission ssm:SendCommand', accessDenied: true},
    ])
    expect(onInstance.runs[0]).toMatchObject({status: 'SendFailed'})
    expect(onInstance.runs[0].parsed).toBeUndefined()
    expect(onInstance.runs[1].stdout).toHaveLength(MAX_STORED_STDOUT)
    expect(onInstance.runs[1].parsed).toBeUndefined()
  })
})

describe('collectOnInstance with nothing to check', () => {
  it('sends no command for an empty selection and returns an empty section', async () => {
    const runner = fakeRunner(() => ({}))
    const {onInstance, errors} = await collectOnInstance({runner, snapshot: healthyWorld(), instanceIds: [], timeoutMs: 60_000})
    expect(runner.requests).toEqual([])
    expect(onInstance).toEqual({scriptVersion: 'ASGD1', timeoutMs: 60_000, probes: [], runs: []})
    expect(errors).toEqual([])
  })
})

describe('planProbes', () => {
  it('uses the target group of the instance\'s Auto Scaling group for an instance not registered yet', () => {
    const w = healthyWorld()
    w.elbv2.TargetHealthDescriptions[TG_ARN] = []
    expect(planProbes(w, [INSTANCE_IDS[0]]).map((p) => [p.probe.id, p.instanceIds])).toEqual([['HTTP:80:80:/health:200', [INSTANCE_IDS[0]]]])
  })

  it('resolves a distinct health-check port and HTTPS', () => {
    const w = healthyWorld()
    Object.assign(w.elbv2.TargetGroups[0], {HealthCheckPort: '8081', HealthCheckProtocol: 'HTTPS'})
    expect(planProbes(w, [...INSTANCE_IDS])[0].probe).toMatchObject({targetPort: 80, healthCheckPort: 8081, healthCheckProtocol: 'HTTPS'})
  })
})
