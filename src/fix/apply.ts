/**
 * Runs the install script on the planned instances through the injected CommandRunner and reads each
 * instance's result from the script's last line (see install-script.ts).
 */
import type {CommandRunner, InvocationResult, InvocationStatus} from '../ssm/types.js'
import {RESULT_PREFIX} from '../ssm/install-script.js'

export type Trailer = {kind: 'changed'; changed: string[]} | {kind: 'unchanged'} | {kind: 'failed'; step: string; changed: string[]}

export interface InstallResult {
  instanceId: string
  ok: boolean
  status: InvocationStatus
  /** What the script changed (`installed`, `config`, `index`, `started`, ...); empty when nothing. */
  changed: string[]
  /** The step that failed, when the script says so. */
  failedStep?: string
  /** Why it failed, in one sentence. */
  reason?: string
  /** The script's output, stdout then stderr, for the report. */
  output: string
}

/** The last `asg-doctor-result:` line of the output, parsed. */
export function parseTrailer(stdout: string): Trailer | undefined {
  const line = stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith(RESULT_PREFIX))
    .at(-1)
  if (!line) return undefined
  const fields = Object.fromEntries(
    line
      .slice(RESULT_PREFIX.length)
      .trim()
      .split(/\s+/)
      .map((f) => f.split('=') as [string, string?]),
  )
  const list = (v?: string) => (v ? v.split(',').filter(Boolean) : [])
  if ('failed' in fields) return {kind: 'failed', step: fields.failed ?? 'unknown', changed: list(fields.changed)}
  if ('changed' in fields) return {kind: 'changed', changed: list(fields.changed)}
  if ('unchanged' in fields) return {kind: 'unchanged'}
  return undefined
}

export function interpret(r: InvocationResult): InstallResult {
  const output = [r.stdout.trimEnd(), r.stderr.trimEnd()].filter(Boolean).join('\n')
  const trailer = parseTrailer(r.stdout)
  const base = {instanceId: r.instanceId, status: r.status, output}
  if (r.status === 'Success' && trailer && trailer.kind !== 'failed') return {...base, ok: true, changed: trailer.kind === 'changed' ? trailer.changed : []}
  if (trailer?.kind === 'failed') {
    return {...base, ok: false, changed: trailer.changed, failedStep: trailer.step, reason: lastSay(r.stdout) ?? `the script failed at step ${trailer.step}`}
  }
  const reasons: Partial<Record<InvocationStatus, string>> = {
    NoAnswer: 'no answer within the time limit (--timeout)',
    TimedOut: 'the script ran past its execution timeout',
    Undeliverable: 'SSM could not deliver the command (the instance went offline?)',
    Terminated: 'the instance was terminated',
    Cancelled: 'the command was cancelled',
    SendFailed: 'SendCommand failed',
  }
  const why = reasons[r.status] ?? (r.status === 'Success' ? 'the script ended without its result line' : `the command ended ${r.status}`)
  return {...base, ok: false, changed: [], reason: r.detail ? `${why}: ${r.detail}` : why}
}

/** The script's own sentence about the failure (`asg-doctor: FAILED: ...`). */
function lastSay(stdout: string): string | undefined {
  const m = [...stdout.matchAll(/^asg-doctor: FAILED: (.*)$/gm)].at(-1)
  return m?.[1]
}

export async function applyInstall(
  runner: CommandRunner,
  request: {instanceIds: string[]; script: string[]; timeoutMs: number; onProgress?: (finished: number, total: number) => void},
): Promise<InstallResult[]> {
  if (request.instanceIds.length === 0) return []
  const results = await runner.runShellScript({
    instanceIds: request.instanceIds,
    commands: request.script,
    comment: 'asg-doctor fix-nginx: install and start nginx',
    timeoutMs: request.timeoutMs,
    executionTimeoutSeconds: Math.max(60, Math.ceil(request.timeoutMs / 1000)),
    ...(request.onProgress ? {onProgress: request.onProgress} : {}),
  })
  return results.map(interpret)
}
