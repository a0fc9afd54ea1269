/**
 * Runs a shell script on many instances through SSM: AWS-RunShellScript, 50 instances per SendCommand (the API's
 * limit), every batch sent at once, then one ListCommandInvocations (Details=true) per outstanding command per
 * poll, not one GetCommandInvocation per instance. The wait is bounded: what has not finished by `timeoutMs` is
 * `NoAnswer` and cancelled (CancelCommand). Polls start 150 ms apart and grow to at most 500 ms. Time comes from
 * an injected Clock, so tests never wait.
 *
 * ListCommandInvocations returns at most the first 2,500 characters of a plugin's output; an output cut there is
 * fetched again for that one instance with GetCommandInvocation, which returns up to 24,000.
 */
import type {CommandInvocation, ListCommandInvocationsCommandOutput, SSMClient} from '@aws-sdk/client-ssm'
import {CallRunner} from '../collect/runner.js'
import {mapLimit} from '../collect/util.js'
import {ssmSdk} from '../lib/aws.js'
import {awsErrorCode, isAccessDenied} from '../lib/errors.js'
import {systemClock} from './types.js'
import type {Clock, CommandRunner, InvocationResult, InvocationStatus, RunShellScriptRequest} from './types.js'

export const MAX_INSTANCES_PER_SEND = 50
/** ListCommandInvocations' cut-off for a plugin's Output. */
export const LIST_OUTPUT_LIMIT = 2500
const TRUNCATION_MARK = '---Output truncated---'
/** How ListCommandInvocations' Output separates stdout from stderr. */
const STDERR_MARK = '----------ERROR-------'
const PLUGIN = 'aws:runShellScript'

export interface CommandRunnerOptions {
  ssm: SSMClient
  /** The runner every SSM call goes through (counted, logged); the command's own, or a new one. */
  calls?: CallRunner
  clock?: Clock
  /** First poll interval; each later one is 1.5 times longer, up to `maxPollIntervalMs`. */
  pollIntervalMs?: number
  maxPollIntervalMs?: number
}

/**
 * Polling: the first look soon after sending, then a little later each time, never more than half a second apart,
 * so that an answer is seen within 0.5 s of its arrival (one ListCommandInvocations per command per poll).
 */
export const FIRST_POLL_MS = 150
export const MAX_POLL_MS = 500
/** A bound on the polls of one run whatever the clock does (a stuck clock must not poll forever). */
export const MAX_POLLS = 10_000

/** SSM's final statuses (Status, or the finer StatusDetails) and what they become here. */
const FINAL: Record<string, InvocationStatus> = {
  Success: 'Success',
  Failed: 'Failed',
  TimedOut: 'TimedOut',
  ExecutionTimedOut: 'TimedOut',
  DeliveryTimedOut: 'TimedOut',
  Cancelled: 'Cancelled',
  Undeliverable: 'Undeliverable',
  Terminated: 'Terminated',
  InvalidPlatform: 'Failed',
  AccessDenied: 'Failed',
}

/** Why a final status has no useful output, in words an operator can act on. */
const STATUS_DETAIL: Record<string, string> = {
  DeliveryTimedOut: 'the command was never delivered: the SSM agent did not pick it up in time (agent stopped, or no route to the SSM endpoints)',
  ExecutionTimedOut: 'the script ran longer than its execution timeout',
  Undeliverable: 'the command could not be delivered: the instance is stopped, terminated, or its SSM agent is offline',
  Terminated: 'the instance was terminated while the command ran',
  InvalidPlatform: 'the instance is not a Linux instance (AWS-RunShellScript needs Linux)',
  AccessDenied: "the instance's role is not allowed to run the command",
  Cancelled: 'the command was cancelled',
}

export function createCommandRunner(options: CommandRunnerOptions): CommandRunner {
  const clock = options.clock ?? systemClock
  const calls = options.calls ?? new CallRunner()
  const ssm: Ssm = {client: options.ssm, calls}
  const firstInterval = options.pollIntervalMs ?? FIRST_POLL_MS
  const maxInterval = Math.max(firstInterval, options.maxPollIntervalMs ?? MAX_POLL_MS)

  return {
    async runShellScript(request: RunShellScriptRequest): Promise<InvocationResult[]> {
      const deadline = clock.now() + request.timeoutMs
      const ids = [...new Set(request.instanceIds)]
      const done = new Map<string, InvocationResult>()
      const report = () => request.onProgress?.(done.size, ids.length)
      if (ids.length === 0) return []

      // commandId -> instances still waiting for an answer
      const pending = new Map<string, Set<string>>()
      const lastSeen = new Map<string, string>()
      const sends = chunk(ids, MAX_INSTANCES_PER_SEND).map((batch) => send(ssm, request, batch, deadline, clock))
      for (const outcome of await Promise.all(sends)) {
        for (const [id, commandId] of outcome.sent) {
          if (!pending.has(commandId)) pending.set(commandId, new Set())
          pending.get(commandId)!.add(id)
        }
        for (const r of outcome.failed) done.set(r.instanceId, r)
      }
      report()

      let interval = firstInterval
      for (let polls = 0; polls < MAX_POLLS && [...pending.values()].some((s) => s.size > 0) && clock.now() < deadline; polls++) {
        await clock.sleep(Math.max(0, Math.min(interval, deadline - clock.now())))
        interval = Math.min(maxInterval, Math.round(interval * 1.5))
        await Promise.all(
          [...pending].filter(([, waiting]) => waiting.size > 0).map(async ([commandId, waiting]) => {
            const polled = await poll(ssm, commandId, waiting)
            if ('error' in polled) {
              // Denied: no later poll can succeed, so stop waiting on this command now, and take it back.
              if (polled.denied) {
                const cancelled = await cancel(ssm, commandId, [...waiting])
                for (const id of waiting) done.set(id, noAnswer(id, commandId, `${polled.error}; ${cancelled}`))
                waiting.clear()
              }
              else for (const id of waiting) lastSeen.set(id, `last poll failed: ${polled.error}`)
              return
            }
            for (const inv of polled.invocations) {
              const id = inv.InstanceId ?? ''
              if (!waiting.has(id)) continue
              const status = finalStatus(inv)
              if (!status) {
                lastSeen.set(id, `last status: ${inv.StatusDetails ?? inv.Status ?? 'unknown'}`)
                continue
              }
              waiting.delete(id)
              done.set(id, await complete(ssm, commandId, inv, status))
            }
          }),
        )
        report()
      }

      // What has not answered by the deadline is reported NoAnswer, so it must not go on running unseen: the
      // tool cancels what it sent (fix-nginx's install must not carry on after it was reported failed).
      await Promise.all(
        [...pending].filter(([, waiting]) => waiting.size > 0).map(async ([commandId, waiting]) => {
          const cancelled = await cancel(ssm, commandId, [...waiting])
          const seconds = Math.round(request.timeoutMs / 1000)
          for (const id of waiting) done.set(id, noAnswer(id, commandId, `no answer within ${seconds} s (${lastSeen.get(id) ?? 'never listed by SSM'}); ${cancelled}`))
        }),
      )
      return request.instanceIds.map((id) => done.get(id)!)
    },
  }
}

/** The SSM client and the runner its calls go through. */
interface Ssm {
  client: SSMClient
  calls: CallRunner
}

interface SendOutcome {
  sent: [string, string][]
  failed: InvocationResult[]
}

/** Sends one batch. When one unmanaged instance makes SSM reject the whole batch, the others are sent one by one. */
async function send(ssm: Ssm, request: RunShellScriptRequest, batch: string[], deadline: number, clock: Clock): Promise<SendOutcome> {
  const {SendCommandCommand} = ssmSdk()
  const remainingSeconds = Math.max(30, Math.ceil((deadline - clock.now()) / 1000))
  try {
    const out = await ssm.calls.attempt('ssm:SendCommand', batch.length === 1 ? batch[0] : `${batch[0]} (+${batch.length - 1})`, () =>
      ssm.client.send(
      new SendCommandCommand({
        DocumentName: 'AWS-RunShellScript',
        InstanceIds: batch,
        Comment: request.comment.slice(0, 100),
        // Past this, SSM drops the command for instances that have not picked it up: no stale run later.
        TimeoutSeconds: remainingSeconds,
        Parameters: {
          commands: request.commands,
          executionTimeout: [String(request.executionTimeoutSeconds ?? Math.min(remainingSeconds, 3600))],
        },
      }),
      ),
    )
    const commandId = out.Command?.CommandId
    if (!commandId) return {sent: [], failed: batch.map((id) => sendFailed(id, 'SendCommand returned no command id'))}
    return {sent: batch.map((id) => [id, commandId]), failed: []}
  } catch (error) {
    const code = awsErrorCode(error)
    if (code === 'InvalidInstanceId' && batch.length > 1) {
      const singles = await mapLimit(batch, 5, (id) => send(ssm, request, [id], deadline, clock))
      return {sent: singles.flatMap((s) => s.sent), failed: singles.flatMap((s) => s.failed)}
    }
    return {sent: [], failed: batch.map((id) => sendFailed(id, describeSendError(error)))}
  }
}

export function describeSendError(error: unknown): string {
  const code = awsErrorCode(error)
  const message = (error as Error)?.message ?? String(error)
  if (isAccessDenied(error)) return `ssm:SendCommand was denied (${code}): the credentials lack the IAM permission ssm:SendCommand`
  if (code === 'InvalidInstanceId') {
    return `InvalidInstanceId: the instance is not managed by SSM (agent not registered, no instance profile, or no route to the SSM endpoints), not running, or in another region`
  }
  return `${code}: ${message}`
}

/**
 * CancelCommand for the instances of a command that have not finished; says what became of it, for the result's
 * detail. SSM cancels on a best-effort basis: an invocation already finishing may still finish.
 */
async function cancel(ssm: Ssm, commandId: string, instanceIds: string[]): Promise<string> {
  const {CancelCommandCommand} = ssmSdk()
  try {
    await ssm.calls.attempt('ssm:CancelCommand', commandId, () => ssm.client.send(new CancelCommandCommand({CommandId: commandId, InstanceIds: instanceIds})))
    return 'the command was cancelled'
  } catch (error) {
    const code = awsErrorCode(error)
    return isAccessDenied(error)
      ? `it could not be cancelled: ssm:CancelCommand was denied (${code}), it may still run`
      : `it could not be cancelled (${code}: ${(error as Error)?.message ?? String(error)}), it may still run`
  }
}

type PollResult = {invocations: CommandInvocation[]} | {error: string; denied: boolean}

async function poll(ssm: Ssm, commandId: string, waiting: Set<string>): Promise<PollResult> {
  const {ListCommandInvocationsCommand} = ssmSdk()
  let invocations: CommandInvocation[]
  try {
    invocations = await ssm.calls.paginate(
      'ssm:ListCommandInvocations',
      commandId,
      (NextToken): Promise<ListCommandInvocationsCommandOutput> =>
        ssm.client.send(new ListCommandInvocationsCommand({CommandId: commandId, Details: true, ...(NextToken ? {NextToken} : {})})),
      (page) => page.CommandInvocations,
      (page) => page.NextToken,
      // One page holds 50 invocations and a command goes to at most 50 instances: more pages are a runaway.
      {onFailure: 'rethrow', maxPages: 10},
    )
  } catch (error) {
    const denied = isAccessDenied(error)
    const code = awsErrorCode(error)
    return {
      error: denied ? `ssm:ListCommandInvocations was denied (${code}): the credentials lack the IAM permission ssm:ListCommandInvocations` : `${code}: ${(error as Error).message}`,
      denied,
    }
  }
  return {invocations: invocations.filter((i) => waiting.has(i.InstanceId ?? ''))}
}

function finalStatus(inv: CommandInvocation): InvocationStatus | undefined {
  // StatusDetails is finer (DeliveryTimedOut, Undeliverable, Terminated); Status is one of SSM's broad states.
  return FINAL[inv.StatusDetails ?? ''] ?? FINAL[inv.Status ?? '']
}

/** Builds the result of a finished invocation, fetching the whole output when the list cut it. */
async function complete(ssm: Ssm, commandId: string, inv: CommandInvocation, status: InvocationStatus): Promise<InvocationResult> {
  const id = inv.InstanceId ?? ''
  const plugin = inv.CommandPlugins?.find((p) => p.Name === PLUGIN) ?? inv.CommandPlugins?.[0]
  const output = plugin?.Output ?? ''
  const [stdout, stderr] = splitOutput(output)
  const detail = STATUS_DETAIL[inv.StatusDetails ?? ''] ?? STATUS_DETAIL[inv.Status ?? '']
  const base: InvocationResult = {
    instanceId: id,
    status,
    stdout,
    stderr,
    commandId,
    ...(plugin?.ResponseCode !== undefined && plugin.ResponseCode !== -1 ? {responseCode: plugin.ResponseCode} : {}),
    ...(detail ? {detail} : {}),
  }
  if (!output.includes(TRUNCATION_MARK) && output.length < LIST_OUTPUT_LIMIT) return base
  try {
    const {GetCommandInvocationCommand} = ssmSdk()
    const full = await ssm.calls.attempt('ssm:GetCommandInvocation', `${commandId} ${id}`, () =>
      ssm.client.send(new GetCommandInvocationCommand({CommandId: commandId, InstanceId: id, PluginName: plugin?.Name ?? PLUGIN})),
    )
    return {
      ...base,
      stdout: full.StandardOutputContent ?? stdout,
      stderr: full.StandardErrorContent ?? stderr,
      ...(full.ResponseCode !== undefined && full.ResponseCode !== -1 ? {responseCode: full.ResponseCode} : {}),
    }
  } catch (error) {
    return {...base, detail: `output cut at ${LIST_OUTPUT_LIMIT} characters; GetCommandInvocation failed: ${awsErrorCode(error)}`}
  }
}

/** ListCommandInvocations' Output is stdout, then the error marker and stderr when there was any. */
export function splitOutput(output: string): [string, string] {
  const at = output.indexOf(STDERR_MARK)
  if (at < 0) return [output, '']
  return [output.slice(0, at).replace(/\n$/, ''), output.slice(at + STDERR_MARK.length).replace(/^\n/, '')]
}

const sendFailed = (instanceId: string, detail: string): InvocationResult => ({instanceId, status: 'SendFailed', stdout: '', stderr: '', detail})

const noAnswer = (instanceId: string, commandId: string, detail: string): InvocationResult => ({
  instanceId,
  status: 'NoAnswer',
  stdout: '',
  stderr: '',
  commandId,
  detail,
})

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}
