import {beforeEach, describe, expect, it} from 'vitest'
import {mockClient} from 'aws-sdk-client-mock'
import {
  CancelCommandCommand,
  GetCommandInvocationCommand,
  ListCommandInvocationsCommand,
  SendCommandCommand,
  SSMClient,
} from '@aws-sdk/client-ssm'
import type {CommandInvocation, SendCommandCommandInput} from '@aws-sdk/client-ssm'

import {createCommandRunner, LIST_OUTPUT_LIMIT, MAX_POLLS, splitOutput} from '../../src/ssm/run-command.js'
import type {Clock, RunShellScriptRequest} from '../../src/ssm/types.js'

const ssmMock = mockClient(SSMClient)
const ssm = new SSMClient({region: 'us-east-1'})

/** A clock whose sleep only moves time forward: no real waiting. */
function fakeClock(): Clock & {slept: number[]} {
  let t = 1_000_000
  const slept: number[] = []
  return {
    slept,
    now: () => t,
    sleep: async (ms) => {
      slept.push(ms)
      t += ms
    },
  }
}

const ids = (n: number) => Array.from({length: n}, (_, i) => `i-0${String(i).padStart(16, '0')}`)

const request = (instanceIds: string[], extra: Partial<RunShellScriptRequest> = {}): RunShellScriptRequest => ({
  instanceIds,
  commands: ['echo ASGD1', 'echo end=1'],
  comment: 'asg-doctor diagnose (read-only)',
  timeoutMs: 60_000,
  ...extra,
})

const invocation = (id: string, commandId: string, status: string, output = '', statusDetails = status, responseCode = 0): CommandInvocation => ({
  CommandId: commandId,
  InstanceId: id,
  Status: status as CommandInvocation['Status'],
  StatusDetails: statusDetails,
  CommandPlugins: [{Name: 'aws:runShellScript', Output: output, ResponseCode: responseCode, Status: status as 'Success'}],
})

beforeEach(() => ssmMock.reset())

describe('createCommandRunner', () => {
  it('sends 120 instances as 3 SendCommand calls of at most 50 and polls each command with ListCommandInvocations Details=true', async () => {
    const all = ids(120)
    const byCommand = new Map<string, string[]>()
    let n = 0
    ssmMock.on(SendCommandCommand).callsFake((input: SendCommandCommandInput) => {
      const commandId = `cmd-${++n}`
      byCommand.set(commandId, input.InstanceIds ?? [])
      return {Command: {CommandId: commandId}}
    })
    ssmMock.on(ListCommandInvocationsCommand).callsFake((input) => ({
      CommandInvocations: byCommand.get(input.CommandId)!.map((id) => invocation(id, input.CommandId, 'Success', `ASGD1\nid=${id}\nend=1\n`)),
    }))
    const progress: [number, number][] = []
    const results = await createCommandRunner({ssm, clock: fakeClock()}).runShellScript(
      request(all, {onProgress: (f, t) => progress.push([f, t]), executionTimeoutSeconds: 45}),
    )

    const sends = ssmMock.commandCalls(SendCommandCommand).map((c) => c.args[0].input)
    expect(sends.map((s) => s.InstanceIds!.length)).toEqual([50, 50, 20])
    expect(sends.flatMap((s) => s.InstanceIds)).toEqual(all)
    expect(sends[0]).toMatchObject({
      DocumentName: 'AWS-RunShellScript',
      Comment: 'asg-doctor diagnose (read-only)',
      Parameters: {commands: ['echo ASGD1', 'echo end=1'], executionTimeout: ['45']},
    })
    expect(sends[0].TimeoutSeconds).toBe(60)
    const polls = ssmMock.commandCalls(ListCommandInvocationsCommand).map((c) => c.args[0].input)
    expect(polls).toHaveLength(3)
    expect(polls.every((p) => p.Details === true)).toBe(true)
    expect(ssmMock.commandCalls(GetCommandInvocationCommand)).toHaveLength(0)
    expect(results.map((r) => r.instanceId)).toEqual(all)
    expect(results.every((r) => r.status === 'Success')).toBe(true)
    expect(results[77]).toMatchObject({stdout: `ASGD1\nid=${all[77]}\nend=1\n`, commandId: 'cmd-2', responseCode: 0})
    expect(progress.at(-1)).toEqual([120, 120])
  })

  it('follows NextToken pages and keeps polling, with a growing interval, until every invocation is final', async () => {
    const all = ids(3)
    ssmMock.on(SendCommandCommand).resolves({Command: {CommandId: 'cmd-1'}})
    let round = 0
    ssmMock.on(ListCommandInvocationsCommand).callsFake((input) => {
      if (!input.NextToken) round++
      const status = round < 3 ? 'InProgress' : 'Success'
      if (!input.NextToken) return {CommandInvocations: [invocation(all[0], 'cmd-1', 'Success', 'a'), invocation(all[1], 'cmd-1', status, 'b')], NextToken: 'page-2'}
      return {CommandInvocations: [invocation(all[2], 'cmd-1', status, 'c')]}
    })
    const clock = fakeClock()
    const results = await createCommandRunner({ssm, clock}).runShellScript(request(all))

    expect(results.map((r) => [r.status, r.stdout])).toEqual([['Success', 'a'], ['Success', 'b'], ['Success', 'c']])
    const pages = ssmMock.commandCalls(ListCommandInvocationsCommand).map((c) => c.args[0].input.NextToken)
    expect(pages).toEqual([undefined, 'page-2', undefined, 'page-2', undefined, 'page-2'])
    // Starts small and grows, so that an early answer is seen early.
    expect(clock.slept).toEqual([150, 225, 338])
    expect(ssmMock.commandCalls(CancelCommandCommand)).toHaveLength(0)
  })

  it('maps SSM statuses and status details to final states, with a reason for each failure', async () => {
    const all = ids(7)
    ssmMock.on(SendCommandCommand).resolves({Command: {CommandId: 'cmd-1'}})
    ssmMock.on(ListCommandInvocationsCommand).resolves({
      CommandInvocations: [
        invocation(all[0], 'cmd-1', 'Success', 'ok'),
        invocation(all[1], 'cmd-1', 'Failed', 'partial', 'Failed', 2),
        invocation(all[2], 'cmd-1', 'TimedOut', '', 'ExecutionTimedOut', -1),
        invocation(all[3], 'cmd-1', 'TimedOut', '', 'DeliveryTimedOut', -1),
        invocation(all[4], 'cmd-1', 'Failed', '', 'Undeliverable', -1),
        invocation(all[5], 'cmd-1', 'Failed', '', 'Terminated', -1),
        invocation(all[6], 'cmd-1', 'Cancelled', '', 'Cancelled', -1),
      ],
    })
    const results = await createCommandRunner({ssm, clock: fakeClock()}).runShellScript(request(all))

    expect(results.map((r) => r.status)).toEqual(['Success', 'Failed', 'TimedOut', 'TimedOut', 'Undeliverable', 'Terminated', 'Cancelled'])
    expect(results[1]).toMatchObject({stdout: 'partial', responseCode: 2})
    expect(results[2].responseCode).toBeUndefined()
    expect(results[2].detail).toContain('execution timeout')
    expect(results[3].detail).toContain('never delivered')
    expect(results[4].detail).toContain('SSM agent is offline')
    expect(results[5].detail).toContain('terminated')
  })

  it('ends the wait at timeoutMs without real waiting: Pending, Delayed and InProgress instances become NoAnswer', async () => {
    const all = ids(4)
    ssmMock.on(SendCommandCommand).resolves({Command: {CommandId: 'cmd-1'}})
    ssmMock.on(ListCommandInvocationsCommand).resolves({
      CommandInvocations: [
        invocation(all[0], 'cmd-1', 'Success', 'ok'),
        invocation(all[1], 'cmd-1', 'Pending'),
        invocation(all[2], 'cmd-1', 'Delayed'),
        invocation(all[3], 'cmd-1', 'InProgress'),
      ],
    })
    const clock = fakeClock()
    const start = clock.now()
    const results = await createCommandRunner({ssm, clock}).runShellScript(request(all, {timeoutMs: 30_000}))

    expect(results.map((r) => r.status)).toEqual(['Success', 'NoAnswer', 'NoAnswer', 'NoAnswer'])
    expect(results[1]).toMatchObject({commandId: 'cmd-1', detail: 'no answer within 30 s (last status: Pending); the command was cancelled'})
    expect(results[2].detail).toContain('Delayed')
    expect(clock.now() - start).toBe(30_000)
    // Never more than half a second between polls while commands are outstanding.
    expect(Math.max(...clock.slept)).toBe(500)
    // What did not answer is cancelled, and only that.
    expect(ssmMock.commandCalls(CancelCommandCommand).map((c) => c.args[0].input)).toEqual([{CommandId: 'cmd-1', InstanceIds: [all[1], all[2], all[3]]}])
  })

  it('says so when the command cannot be cancelled at the deadline', async () => {
    ssmMock.on(SendCommandCommand).resolves({Command: {CommandId: 'cmd-1'}})
    ssmMock.on(ListCommandInvocationsCommand).resolves({CommandInvocations: [invocation(ids(1)[0], 'cmd-1', 'InProgress')]})
    ssmMock.on(CancelCommandCommand).rejects(Object.assign(new Error('denied'), {name: 'AccessDeniedException'}))
    const results = await createCommandRunner({ssm, clock: fakeClock()}).runShellScript(request(ids(1), {timeoutMs: 5_000}))
    expect(results[0]).toMatchObject({
      status: 'NoAnswer',
      detail: 'no answer within 5 s (last status: InProgress); it could not be cancelled: ssm:CancelCommand was denied (AccessDeniedException), it may still run',
    })
  })

  it('bounds the polls even when the clock does not move', async () => {
    ssmMock.on(SendCommandCommand).resolves({Command: {CommandId: 'cmd-1'}})
    ssmMock.on(ListCommandInvocationsCommand).resolves({CommandInvocations: [invocation(ids(1)[0], 'cmd-1', 'InProgress')]})
    const stuck: Clock = {now: () => 0, sleep: async () => undefined}
    const results = await createCommandRunner({ssm, clock: stuck}).runShellScript(request(ids(1)))
    expect(results[0].status).toBe('NoAnswer')
    expect(ssmMock.commandCalls(ListCommandInvocationsCommand)).toHaveLength(MAX_POLLS)
  })

  it('fetches an output cut at 2,500 characters again with GetCommandInvocation, for that instance only', async () => {
    const all = ids(2)
    const full = 'ASGD1\n' + 'log=x\n'.repeat(600) + 'end=1\n'
    ssmMock.on(SendCommandCommand).resolves({Command: {CommandId: 'cmd-1'}})
    ssmMock.on(ListCommandInvocationsCommand).resolves({
      CommandInvocations: [
        invocation(all[0], 'cmd-1', 'Success', full.slice(0, LIST_OUTPUT_LIMIT - 40) + '\n---Output truncated---'),
        invocation(all[1], 'cmd-1', 'Success', 'short'),
      ],
    })
    ssmMock.on(GetCommandInvocationCommand).resolves({StandardOutputContent: full, StandardErrorContent: '', ResponseCode: 0, Status: 'Success'})
    const results = await createCommandRunner({ssm, clock: fakeClock()}).runShellScript(request(all))

    const gets = ssmMock.commandCalls(GetCommandInvocationCommand).map((c) => c.args[0].input)
    expect(gets).toEqual([{CommandId: 'cmd-1', InstanceId: all[0], PluginName: 'aws:runShellScript'}])
    expect(results[0].stdout).toBe(full)
    expect(results[1].stdout).toBe('short')
  })

  it('marks a batch SendFailed when SendCommand is denied, naming ssm:SendCommand', async () => {
    ssmMock.on(SendCommandCommand).rejects(Object.assign(new Error('User is not authorized to perform: ssm:SendCommand'), {name: 'AccessDeniedException'}))
    const results = await createCommandRunner({ssm, clock: fakeClock()}).runShellScript(request(ids(2)))

    expect(results.map((r) => r.status)).toEqual(['SendFailed', 'SendFailed'])
    expect(results[0].detail).toBe('ssm:SendCommand was denied (AccessDeniedException): the credentials lack the IAM permission ssm:SendCommand')
    expect(ssmMock.commandCalls(ListCommandInvocationsCommand)).toHaveLength(0)
  })

  it('retries a batch one instance at a time when one unmanaged instance makes SSM reject it (InvalidInstanceId)', async () => {
    const all = ids(3)
    const invalid = Object.assign(new Error('Instances not in a valid state'), {name: 'InvalidInstanceId'})
    ssmMock.on(SendCommandCommand).callsFake((input: SendCommandCommandInput) => {
      if (input.InstanceIds!.includes(all[1])) throw invalid
      return {Command: {CommandId: `cmd-${input.InstanceIds![0]}`}}
    })
    ssmMock.on(ListCommandInvocationsCommand).callsFake((input) => ({
      CommandInvocations: [invocation(input.CommandId.slice(4), input.CommandId, 'Success', 'ok')],
    }))
    const results = await createCommandRunner({ssm, clock: fakeClock()}).runShellScript(request(all))

    expect(ssmMock.commandCalls(SendCommandCommand)).toHaveLength(4)
    expect(results.map((r) => r.status)).toEqual(['Success', 'SendFailed', 'Success'])
    expect(results[1].detail).toContain('not managed by SSM')
  })

  it('stops waiting on a command when ListCommandInvocations is denied, naming the permission', async () => {
    ssmMock.on(SendCommandCommand).resolves({Command: {CommandId: 'cmd-1'}})
    ssmMock.on(ListCommandInvocationsCommand).rejects(Object.assign(new Error('denied'), {name: 'AccessDeniedException'}))
    const clock = fakeClock()
    const results = await createCommandRunner({ssm, clock}).runShellScript(request(ids(1)))

    expect(results[0].status).toBe('NoAnswer')
    expect(results[0].detail).toBe(
      'ssm:ListCommandInvocations was denied (AccessDeniedException): the credentials lack the IAM permission ssm:ListCommandInvocations; the command was cancelled',
    )
    expect(clock.slept).toHaveLength(1)
    expect(ssmMock.commandCalls(CancelCommandCommand)).toHaveLength(1)
  })

  it('returns one result per requested id, in order, duplicates included, and nothing for an empty list', async () => {
    const [a, b] = ids(2)
    ssmMock.on(SendCommandCommand).resolves({Command: {CommandId: 'cmd-1'}})
    ssmMock.on(ListCommandInvocationsCommand).resolves({CommandInvocations: [invocation(a, 'cmd-1', 'Success', 'A'), invocation(b, 'cmd-1', 'Success', 'B')]})
    const runner = createCommandRunner({ssm, clock: fakeClock()})

    const results = await runner.runShellScript(request([b, a, b]))
    expect(results.map((r) => r.stdout)).toEqual(['B', 'A', 'B'])
    expect(ssmMock.commandCalls(SendCommandCommand)[0].args[0].input.InstanceIds).toEqual([b, a])
    expect(await runner.runShellScript(request([]))).toEqual([])
  })
})

describe('splitOutput', () => {
  it('separates stdout from the stderr that ListCommandInvocations appends after its error marker', () => {
    expect(splitOutput('ASGD1\nend=1\n\n----------ERROR-------\nsed: oops\n')).toEqual(['ASGD1\nend=1\n', 'sed: oops\n'])
    expect(splitOutput('only stdout')).toEqual(['only stdout', ''])
  })
})
