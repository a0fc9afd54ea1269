/**
 * Runs every AWS call of asg-doctor, in `diagnose` and in `fix-nginx` alike: a small bounded pool (the account's
 * API rate limits and the machine's sockets are shared), one log line and one count per request (each page
 * counted), and one of three ways to fail:
 * - `call`: the failure is recorded (named by its IAM action) and the call answers undefined, so that one missing
 *   permission costs one check ("could not check"), not the whole diagnosis;
 * - `must`: the failure stops the command as a user error naming the IAM action (what fix-nginx needs before it
 *   changes anything, and for every change it makes);
 * - `attempt`: the SDK's error is thrown as it is, for callers that act on its code (SSM's InvalidInstanceId).
 * Missing or rejected credentials always abort with the user error: nothing can be read without them.
 *
 * When the pool is full, the reads that later rounds wait on (the chain from the load balancer to the instances'
 * policy documents, CRITICAL_PATH) take the next free slot before reads that nothing waits on (VPC-wide lists,
 * attributes, activities); calls of the same rank keep the order they were asked in.
 *
 * A service whose endpoint gave no answer at all (a timeout or a refused connection, after the SDK's retries) is
 * not asked again in the same command: its later calls fail at once with that error, so a black-holed endpoint
 * costs one round of timeouts, not one per dependent round of calls.
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
  /** Requests that failed, whatever became of the failure. */
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

/** What a failed call does: recorded (answers undefined), thrown as a user error, or thrown as the SDK's error. */
export type OnFailure = 'record' | 'throw' | 'rethrow'

/** Errors that say the endpoint did not answer at all, after the SDK's own retries. */
const NO_ANSWER = /^(?:TimeoutError|ETIMEDOUT|ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH)$/

export function isNoAnswer(error: unknown): boolean {
  const e = error as {name?: string; code?: string}
  return NO_ANSWER.test(e?.name ?? '') || NO_ANSWER.test(e?.code ?? '')
}

/**
 * The reads of a diagnosis that a later round of reads waits on: the load balancer, its listeners, target groups
 * and their health, the Auto Scaling groups and their instances, then the instance profile's role and its policy
 * documents. Everything else (VPC-wide network lists, attributes, scaling activities, launch templates, SSM's
 * view) is read beside that chain, so it yields the pool to it.
 */
export const CRITICAL_PATH: ReadonlySet<string> = new Set([
  'elasticloadbalancing:DescribeLoadBalancers',
  'elasticloadbalancing:DescribeListeners',
  'elasticloadbalancing:DescribeTargetGroups',
  'elasticloadbalancing:DescribeTargetHealth',
  'autoscaling:DescribeAutoScalingGroups',
  'ec2:DescribeInstances',
  'iam:GetInstanceProfile',
  'iam:ListAttachedRolePolicies',
  'iam:ListRolePolicies',
  'iam:GetPolicy',
  'iam:GetPolicyVersion',
])

/** Rank of a call in the queue of a full pool: 0 goes first. */
export type Priority = (api: string) => number

export const criticalPathFirst: Priority = (api) => (CRITICAL_PATH.has(api) ? 0 : 1)

export class CallRunner {
  readonly errors: CollectionError[] = []
  /** Services (the part of the IAM action before the colon) whose endpoint did not answer, with that error. */
  private readonly unreachable = new Map<string, unknown>()
  private readonly perApi = new Map<string, number>()
  private failed = 0
  private active = 0
  /** Calls waiting for a slot, one queue per rank. */
  private readonly waiting: (() => void)[][] = []
  private readonly started = performance.now()

  constructor(
    private readonly concurrency = 8,
    private readonly log?: (line: string) => void,
    private readonly priority: Priority = criticalPathFirst,
  ) {}

  /** Sends one request through the pool. Returns undefined when it failed (the failure is recorded). */
  async call<T>(api: string, resource: string | undefined, send: () => Promise<T>): Promise<T | undefined> {
    return this.run(api, resource, send, 'record')
  }

  /** Sends one request through the pool; a failure throws the user error that names the IAM action. */
  async must<T>(api: string, resource: string | undefined, send: () => Promise<T>): Promise<T> {
    return (await this.run(api, resource, send, 'throw')) as T
  }

  /** Sends one request through the pool; a failure throws the SDK's own error (counted and logged first). */
  async attempt<T>(api: string, resource: string | undefined, send: () => Promise<T>): Promise<T> {
    return (await this.run(api, resource, send, 'rethrow')) as T
  }

  /**
   * Follows a list call's pages (NextToken or Marker) one after the other, each page one counted request, at
   * most MAX_PAGES pages, stopping if the endpoint repeats a token. With `record` (the default) a failed page
   * keeps what the earlier pages returned and the failure is recorded; otherwise it throws as `must` or
   * `attempt` do.
   */
  async paginate<P, I>(
    api: string,
    resource: string | undefined,
    page: (token: string | undefined) => Promise<P>,
    items: (response: P) => I[] | undefined,
    next: (response: P) => string | undefined,
    options: {onFailure?: OnFailure; maxPages?: number} = {},
  ): Promise<I[]> {
    const onFailure = options.onFailure ?? 'record'
    const responses = await followPages((token) => this.run(api, resource, () => page(token), onFailure), next, {
      ...(options.maxPages ? {maxPages: options.maxPages} : {}),
      onStop: (why, pages) =>
        this.log?.(`${api}${resource ? ` ${resource}` : ''}: stopped after ${pages} page(s): ${why === 'page-cap' ? 'page cap reached' : 'the endpoint repeated its page token'}`),
    })
    return responses.flatMap((r) => items(r) ?? [])
  }

  /**
   * Records a failure found in an answer rather than in the call (a document that cannot be read), so that the
   * checks needing it say "could not check" as for a failed call.
   */
  record(error: CollectionError): void {
    this.errors.push(error)
  }

  /** Counts per IAM action; `wallMs` defaults to the time since the runner was made. */
  stats(wallMs: number = performance.now() - this.started): CollectStats {
    const perApi: Record<string, number> = {}
    for (const k of [...this.perApi.keys()].sort()) perApi[k] = this.perApi.get(k) ?? 0
    const calls = Object.values(perApi).reduce((a, b) => a + b, 0)
    return {calls, perApi, failed: this.failed, wallMs: Math.round(wallMs)}
  }

  private async run<T>(api: string, resource: string | undefined, send: () => Promise<T>, onFailure: OnFailure): Promise<T | undefined> {
    const service = api.slice(0, api.indexOf(':'))
    const what = `${api}${resource ? ` ${resource}` : ''}`
    if (this.unreachable.has(service)) {
      const earlier = this.unreachable.get(service)
      this.log?.(`${what} not sent: ${service} did not answer an earlier call (${awsErrorCode(earlier)})`)
      if (onFailure === 'rethrow') throw earlier
      if (onFailure === 'throw') throw describeAwsFailure(api, earlier) ?? earlier
      const {code, message} = describeError(api, earlier)
      this.errors.push({api, ...(resource ? {resource} : {}), code, message: `not sent: ${service} did not answer an earlier call (${message})`, accessDenied: false})
      return undefined
    }
    await this.acquire(api)
    const started = performance.now()
    this.perApi.set(api, (this.perApi.get(api) ?? 0) + 1)
    try {
      const result = await send()
      this.log?.(`${what} ${Math.round(performance.now() - started)} ms`)
      return result
    } catch (error) {
      const code = awsErrorCode(error)
      this.log?.(`${what} ${Math.round(performance.now() - started)} ms failed: ${code}`)
      this.failed++
      if (service && isNoAnswer(error)) this.unreachable.set(service, error)
      if (isMissingCredentials(error) || isBadCredentials(error)) {
        throw describeAwsFailure(api, error) ?? new UserError(`AWS rejected the credentials when calling ${api} (${code}).`)
      }
      if (onFailure === 'rethrow') throw error
      if (onFailure === 'throw') throw describeAwsFailure(api, error) ?? error
      this.errors.push({api, ...(resource ? {resource} : {}), ...describeError(api, error), accessDenied: isAccessDenied(error)})
      return undefined
    } finally {
      this.release()
    }
  }

  private async acquire(api: string): Promise<void> {
    if (this.active < this.concurrency) {
      this.active++
      return
    }
    const rank = Math.max(0, Math.floor(this.priority(api)) || 0)
    await new Promise<void>((resolve) => (this.waiting[rank] ??= []).push(resolve))
  }

  private release(): void {
    const next = this.waiting.find((queue) => queue?.length)?.shift()
    // The slot passes straight to the next waiter, so `active` stays the same.
    if (next) next()
    else this.active--
  }
}
