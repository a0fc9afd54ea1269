/**
 * Runs AWS calls for the collectors: a small bounded pool (the account's API rate limits and the machine's
 * sockets are shared), one log line and one count per call, and failures recorded instead of thrown, so that
 * one missing permission costs one check, not the whole diagnosis. Missing or rejected credentials are the
 * exception: nothing can be collected without them, so they abort with the user error.
 */
import type {CollectionError} from '../snapshot/types.js'
import {awsErrorCode, describeAwsFailure, isAccessDenied, isBadCredentials, isMissingCredentials, UserError} from '../lib/errors.js'
import type {AwsErrorLike} from '../lib/errors.js'
import {followPages} from './util.js'

export interface CollectStats {
  /** Every request sent, each page counted. */
  calls: number
  /** Requests per IAM action, e.g. `{"ec2:DescribeInstances": 2}`. */
  perApi: Record<string, number>
  /** Requests that failed (recorded in the snapshot's errors). */
  failed: number
  /** Wall time of the whole collection, in milliseconds. */
  wallMs: number
}

/**
 * The code and message of a failed call. A response the SDK cannot parse (moto answers actions it does not
 * implement, such as DescribeInstanceInformation, with an HTML page and HTTP 500) surfaces as a bare
 * SyntaxError: say what happened instead.
 */
export function describeError(api: string, error: unknown): {code: string; message: string} {
  const code = awsErrorCode(error)
  const status = (error as AwsErrorLike)?.$metadata?.httpStatusCode
  if (code === 'SyntaxError' && status) {
    return {code: `HTTP${status}`, message: `${api} answered HTTP ${status} with a body that is not an AWS response (an emulator that does not implement it?)`}
  }
  return {code, message: (error as Error)?.message ?? String(error)}
}

export class CallRunner {
  readonly errors: CollectionError[] = []
  private readonly perApi = new Map<string, number>()
  private failed = 0
  private active = 0
  private readonly waiting: (() => void)[] = []

  constructor(
    private readonly concurrency = 8,
    private readonly log?: (line: string) => void,
  ) {}

  /** Sends one request through the pool. Returns undefined when it failed (the failure is recorded). */
  async call<T>(api: string, resource: string | undefined, send: () => Promise<T>): Promise<T | undefined> {
    await this.acquire()
    const started = performance.now()
    this.perApi.set(api, (this.perApi.get(api) ?? 0) + 1)
    try {
      const result = await send()
      this.log?.(`${api}${resource ? ` ${resource}` : ''} ${Math.round(performance.now() - started)} ms`)
      return result
    } catch (error) {
      const code = awsErrorCode(error)
      this.log?.(`${api}${resource ? ` ${resource}` : ''} ${Math.round(performance.now() - started)} ms failed: ${code}`)
      if (isMissingCredentials(error) || isBadCredentials(error)) {
        throw describeAwsFailure(api, error) ?? new UserError(`AWS rejected the credentials when calling ${api} (${code}).`)
      }
      this.failed++
      this.errors.push({api, ...(resource ? {resource} : {}), ...describeError(api, error), accessDenied: isAccessDenied(error)})
      return undefined
    } finally {
      this.release()
    }
  }

  /**
   * Follows a list call's pages (NextToken or Marker) one after the other. On a failed page it keeps what the
   * earlier pages returned; the failure is recorded.
   */
  async paginate<P, I>(
    api: string,
    resource: string | undefined,
    page: (token: string | undefined) => Promise<P>,
    items: (response: P) => I[] | undefined,
    next: (response: P) => string | undefined,
  ): Promise<I[]> {
    const responses = await followPages((token) => this.call(api, resource, () => page(token)), next)
    return responses.flatMap((r) => items(r) ?? [])
  }

  stats(wallMs: number): CollectStats {
    const perApi: Record<string, number> = {}
    for (const k of [...this.perApi.keys()].sort()) perApi[k] = this.perApi.get(k) ?? 0
    const calls = Object.values(perApi).reduce((a, b) => a + b, 0)
    return {calls, perApi, failed: this.failed, wallMs: Math.round(wallMs)}
  }

  private async acquire(): Promise<void> {
    if (this.active < this.concurrency) {
      this.active++
      return
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve))
  }

  private release(): void {
    const next = this.waiting.shift()
    // The slot passes straight to the next waiter, so `active` stays the same.
    if (next) next()
    else this.active--
  }
}
