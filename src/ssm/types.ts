/**
 * Running shell scripts on instances through SSM (AWS-RunShellScript), batched and polled.
 * The contract between the runner (src/ssm/run-command.ts) and its users: the on-instance diagnostics of
 * `diagnose` and the install of `fix-nginx`.
 */

/** Final state of one instance's invocation; `NoAnswer` means it did not finish within our bounded wait. */
export type InvocationStatus = 'Success' | 'Failed' | 'TimedOut' | 'Cancelled' | 'Undeliverable' | 'Terminated' | 'NoAnswer' | 'SendFailed'

export interface InvocationResult {
  instanceId: string
  status: InvocationStatus
  /** The script's exit code, when it ran. */
  responseCode?: number
  stdout: string
  stderr: string
  /** The SSM command id the instance was part of. */
  commandId?: string
  /** Why it has no output, for SendFailed / NoAnswer / Undeliverable (e.g. the AWS error of SendCommand). */
  detail?: string
}

export interface RunShellScriptRequest {
  instanceIds: string[]
  /** The script, one line per element (the `commands` parameter of AWS-RunShellScript). */
  commands: string[]
  /** Shows in the SSM console's command history, e.g. "asg-doctor diagnose (read-only)". */
  comment: string
  /** Upper bound on the whole wait, all batches included, in milliseconds. */
  timeoutMs: number
  /** `executionTimeout` of AWS-RunShellScript, seconds. */
  executionTimeoutSeconds?: number
  /** Called as instances finish, for a progress display. */
  onProgress?: (finished: number, total: number) => void
}

export interface CommandRunner {
  /** Returns exactly one result per requested instance, in the order requested, whatever happened. */
  runShellScript(request: RunShellScriptRequest): Promise<InvocationResult[]>
}

/** Injectable time, so polling is testable without waiting. */
export interface Clock {
  now(): number
  sleep(ms: number): Promise<void>
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
}
