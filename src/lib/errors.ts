/**
 * Errors have kinds (docs/architecture.md, "Errors"): a user error is one clear sentence and a hint, exit 2; a bug in the
 * tool is its own kind, exit 3. Problems found in the account are not errors at all: they are findings.
 */
import {cmd} from './shell.js'

export const EXIT = {
  healthy: 0,
  problems: 1,
  user: 2,
  internal: 3,
  /** Nothing wrong in what could be seen, but some checks could not run (missing permissions, failed calls). */
  incomplete: 4,
} as const

export class UserError extends Error {
  readonly kind = 'user'
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message)
    this.name = 'UserError'
  }
}

/** An AWS call failed in a way that stops the whole command (e.g. the load balancer itself cannot be read). */
export class AwsCallError extends UserError {
  constructor(
    readonly api: string,
    readonly code: string,
    message: string,
    hint?: string,
  ) {
    super(message, hint)
    this.name = 'AwsCallError'
  }
}

const ACCESS_DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnauthorizedAccess',
  'AuthorizationError',
  'AuthorizationErrorException',
  'Forbidden',
])

const BAD_CREDENTIALS = new Set([
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'AuthFailure',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'ExpiredTokenException',
  'RequestExpired',
  'InvalidAccessKeyId',
])

export interface AwsErrorLike {
  name?: string
  Code?: string
  code?: string
  message?: string
  $metadata?: {httpStatusCode?: number}
}

export function awsErrorCode(error: unknown): string {
  const e = error as AwsErrorLike
  return e?.name && e.name !== 'Error' ? e.name : (e?.Code ?? e?.code ?? 'Error')
}

export function isAccessDenied(error: unknown): boolean {
  return ACCESS_DENIED.has(awsErrorCode(error))
}

export function isBadCredentials(error: unknown): boolean {
  return BAD_CREDENTIALS.has(awsErrorCode(error))
}

/** No credentials anywhere in the chain: the SDK throws CredentialsProviderError. */
export function isMissingCredentials(error: unknown): boolean {
  const name = (error as AwsErrorLike)?.name
  return name === 'CredentialsProviderError' || /Could not load credentials/i.test((error as Error)?.message ?? '')
}

/**
 * Turns an error thrown by an AWS call that the whole command depends on into a user error that names the call
 * and, for AccessDenied, the IAM permission that is missing. Returns undefined for errors that are not AWS's.
 */
export const NO_CREDENTIALS = 'No AWS credentials were found.'

/** The missing-credentials error, told in terms of the profile when the user named one. */
export function noCredentials(profile?: string): UserError {
  return profile
    ? new UserError(
        `No AWS credentials were found for profile "${profile}".`,
        `Check that the profile exists (aws configure list-profiles) in ~/.aws/config or ~/.aws/credentials, or log in (${cmd`aws sso login --profile ${profile}`}).`,
      )
    : new UserError(NO_CREDENTIALS, 'Configure credentials (aws configure, aws sso login, AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY), or pass --profile.')
}

export function describeAwsFailure(api: string, error: unknown): UserError | undefined {
  const code = awsErrorCode(error)
  const raw = (error as Error)?.message ?? String(error)
  if (isMissingCredentials(error)) return noCredentials()
  if (isBadCredentials(error)) {
    return new AwsCallError(api, code, `AWS rejected the credentials when calling ${api} (${code}).`, 'Check that the profile or keys are current (aws sts get-caller-identity), or refresh your SSO session.')
  }
  if (isAccessDenied(error)) {
    return new AwsCallError(api, code, `${api} was denied (${code}): the credentials lack the IAM permission ${api}.`, 'Run `asg-doctor policy` for the least-privilege policy the tool needs.')
  }
  const e = error as AwsErrorLike
  const notAws = notAwsResponse(error)
  if (notAws) {
    return new AwsCallError(api, 'NotAnAwsResponse', `${api} failed: the endpoint answered with ${notAws}, not an AWS response.`, ENDPOINT_HINT)
  }
  const network = networkFailure(error)
  if (network) return new AwsCallError(api, network.code, `${api} failed: ${network.what}.`, ENDPOINT_HINT)
  if (e?.$metadata) return new AwsCallError(api, code, `${api} failed: ${code}: ${firstLine(raw)}`)
  return undefined
}

const ENDPOINT_HINT = 'Check the network or proxy settings (HTTPS_PROXY), and --endpoint-url / AWS_ENDPOINT_URL if you set one.'

function firstLine(text: string): string {
  return (text.split('\n').find((l) => l.trim() !== '') ?? text).trim()
}

interface HttpFailure {
  $response?: {statusCode?: number; headers?: Record<string, string>}
  $metadata?: {httpStatusCode?: number}
}

/**
 * What answered instead of AWS, when the response was not AWS's: an HTML page from a proxy, a captive portal or an
 * emulator without the API, or a body the SDK could not parse. Undefined for a real AWS error.
 */
export function notAwsResponse(error: unknown): string | undefined {
  const e = error as HttpFailure & Error
  if (e?.name === 'NotAnAwsResponse') return e.message
  const status = e?.$response?.statusCode ?? e?.$metadata?.httpStatusCode
  const type = e?.$response?.headers?.['content-type'] ?? e?.$response?.headers?.['Content-Type'] ?? ''
  const at = status ? ` (HTTP ${status})` : ''
  if (/text\/html/i.test(type)) return `an HTML page${at}`
  if (/Deserialization error|XML parse error|is not valid JSON|Unexpected token/i.test(e?.message ?? '')) return `a body that is not AWS's XML or JSON${at}`
  return undefined
}

/** The network failure behind an error, told in words: refused, timed out, unknown host, reset. */
export function networkFailure(error: unknown): {code: string; what: string} | undefined {
  const e = error as {code?: string; name?: string; message?: string; address?: string; port?: number; hostname?: string}
  const text = `${e?.code ?? ''} ${e?.name ?? ''} ${e?.message ?? ''}`
  const where = e?.address ? ` at ${e.address}${e.port ? `:${e.port}` : ''}` : e?.hostname ? ` at ${e.hostname}` : ''
  if (/ECONNREFUSED/.test(text)) return {code: 'ECONNREFUSED', what: `the endpoint${where} refused the connection (nothing listens there)`}
  if (/ENOTFOUND|EAI_AGAIN/.test(text)) return {code: 'ENOTFOUND', what: `the endpoint's host name${where} could not be resolved`}
  if (/TimeoutError|ETIMEDOUT|timed out|exceeded the configured/i.test(text)) return {code: 'ETIMEDOUT', what: `the endpoint${where} did not answer in time`}
  if (/ECONNRESET|EPIPE|socket hang up/i.test(text)) return {code: 'ECONNRESET', what: `the endpoint${where} closed the connection without an answer`}
  return undefined
}
