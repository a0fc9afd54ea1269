/**
 * Applying the install: the script's result line, each instance's outcome, and the whole path through the real
 * SSM runner (src/ssm/run-command.ts) over a mocked SSM: batching, polling, a failure with its output, a timeout.
 */
import {ListCommandInvocationsCommand, SendCommandCommand, SSMClient} from '@aws-sdk/client-ssm'
import type {CommandInvocation, SendCommandCommandInput} from '@aws-sdk/client-ssm'
import {mockClient} from 'aws-sdk-client-mock'
import {afterEach, describe, expect, it} from 'vitest'
import {applyInstall, interpret, parseTrailer} from '../../src/fix/apply.js'
import {installScript} from '../../src/ssm/install-script.js'
import {createCommandRunner} from '../../src/ssm/run-command.js'
import {fakeClock, fakeRunner, installed} from './helpers.js'

describe('parseTrailer', () => {
  it.each([
    ['asg-doctor-result: changed=installed,config\n', {kind: 'changed', changed: ['installed', 'config']}],
    ['x\nasg-doctor-result: unchanged', {kind: 'unchanged'}],
    ['asg-doctor-result: failed=install', {kind: 'failed', step: 'install', changed: []}],
    ['asg-doctor-result: failed=config-test changed=installed,config', {kind: 'failed', step: 'config-test', changed: ['installed', 'config']}],
    ['no trailer here', undefined],
  ])('reads %j', (stdout, trailer) => {
    expect(parseTrailer(stdout)).toEqual(trailer)
  })
})

describe('interpret', () => {
  it('is ok for Success with a changed or unchanged trailer', () => {
    expect(interpret({instanceId: 'i-1', status: 'Success', stdout: 'asg-doctor-result: unchanged\n', stderr: ''})).toMatchObject({ok: true, changed: []})
  })

  it('is a failure when the script succeeded without its result line (cut output, other script)', () => {
    expect(interpret({instanceId: 'i-1', status: 'Success', stdout: 'hello', stderr: ''})).toMatchObject({ok: false, reason: 'the script ended without its result line'})
  })

  it('carries the runner\'s detail for an instance that never answered', () => {
    expect(interpret({instanceId: 'i-1', status: 'NoAnswer', stdout: '', stderr: '', detail: 'no answer within 30 s'})).toMatchObject({
      ok: false,
      reason: 'no answer within the time limit (--timeout): no answer within 30 s',
    })
  })
})

describe('applyInstall with a fake runner', () => {
  it('sends the script once to every instance and reports each, the failure with its output', async () => {
    const runner = fakeRunner((id) => (id === 'i-2' ? {status: 'Failed', stdout: 'E: Unable to locate package nginx\nasg-doctor: FAILED: apt-get install -y nginx failed (log: /var/log/asg-doctor-install.log)\nasg-doctor-result: failed=install\n', stderr: 'apt noise'} : installed()))
    const script = installScript({port: 80, healthCheckPath: '/health'})
    const results = await applyInstall(runner, {instanceIds: ['i-1', 'i-2'], script, timeoutMs: 120_000})
    expect(runner.requests).toEqual([{instanceIds: ['i-1', 'i-2'], commands: script, comment: 'asg-doctor fix-nginx: install and start nginx', timeoutMs: 120_000, executionTimeoutSeconds: 120}])
    expect(results[0]).toMatchObject({instanceId: 'i-1', ok: true, changed: ['installed', 'config', 'index', 'enabled', 'started']})
    expect(results[1]).toMatchObject({instanceId: 'i-2', ok: false, failedStep: 'install', reason: 'apt-get install -y nginx failed (log: /var/log/asg-doctor-install.log)'})
    expect(results[1].output).toBe('E: Unable to locate package nginx\nasg-doctor: FAILED: apt-get install -y nginx failed (log: /var/log/asg-doctor-install.log)\nasg-doctor-result: failed=install\napt noise')
  })

  it('sends nothing when there is nothing to fix', async () => {
    const runner = fakeRunner(installed)
    expect(await applyInstall(runner, {instanceIds: [], script: ['true'], timeoutMs: 1000})).toEqual([])
    expect(runner.requests).toEqual([])
  })
})

describe('applyInstall through the SSM runner (aws-sdk-client-mock)', () => {
  const ssmMock = mockClient(SSMClient)
  afterEach(() => ssmMock.reset())

  it('batches 60 instances as 50 + 10, polls, and reports a failure and a timeout per instance', async () => {
    const ids = Array.from({length: 60}, (_, i) => `i-${String(i).padStart(17, '0')}`)
    const failing = ids[7]
    const silent = ids[55]
    const byCommand = new Map<string, string[]>()
    ssmMock.on(SendCommandCommand).callsFake((input: SendCommandCommandInput) => {
      const id = `cmd-${byCommand.size + 1}`
      byCommand.set(id, input.InstanceIds ?? [])
      return {Command: {CommandId: id}}
    })
    let polls = 0
    ssmMock.on(ListCommandInvocationsCommand).callsFake((input) => {
      polls++
      const invocations: CommandInvocation[] = byCommand.get(input.CommandId)!.map((id) => {
        if (id === silent || polls <= 2) return {CommandId: input.CommandId, InstanceId: id, Status: 'InProgress', StatusDetails: 'InProgress'}
        const failed = id === failing
        return {
          CommandId: input.CommandId,
          InstanceId: id,
          Status: failed ? 'Failed' : 'Success',
          StatusDetails: failed ? 'Failed' : 'Success',
          CommandPlugins: [
            {
              Name: 'aws:runShellScript',
              ResponseCode: failed ? 1 : 0,
              Output: failed ? 'asg-doctor: FAILED: systemctl start nginx failed\nasg-doctor-result: failed=start changed=installed,config,index,enabled\n' : 'asg-doctor-result: changed=installed,config,index,enabled,started\n',
            },
          ],
        }
      })
      return {CommandInvocations: invocations}
    })
    const script = installScript({port: 80, healthCheckPath: '/health'})
    const runner = createCommandRunner({ssm: new SSMClient({region: 'us-east-1'}), clock: fakeClock()})
    const results = await applyInstall(runner, {instanceIds: ids, script, timeoutMs: 60_000})

    const sends = ssmMock.commandCalls(SendCommandCommand).map((c) => c.args[0].input)
    expect(sends.map((s) => s.InstanceIds!.length)).toEqual([50, 10])
    expect(sends[0].Parameters?.commands).toEqual(script)
    expect(results.filter((r) => r.ok)).toHaveLength(58)
    expect(results.find((r) => r.instanceId === failing)).toMatchObject({ok: false, status: 'Failed', failedStep: 'start', reason: 'systemctl start nginx failed', changed: ['installed', 'config', 'index', 'enabled']})
    expect(results.find((r) => r.instanceId === silent)).toMatchObject({ok: false, status: 'NoAnswer', reason: expect.stringMatching(/^no answer within the time limit \(--timeout\): no answer within 60 s/)})
  })
})
