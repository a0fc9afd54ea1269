/**
 * AWS clients, built lazily: a command loads only the SDK packages it uses, and `--help` loads none. The built CLI
 * loads trimmed bundles of the packages (`loadSdk`: the EC2 package costs ~90 ms to load, its bundle ~11 ms).
 * Packages are loaded with require(), which is measurably faster on Node 20 than import() for the SDK's CommonJS
 * builds.
 *
 * Conventions of the AWS CLI: --region, --profile, --endpoint-url, and the SDK's own AWS_ENDPOINT_URL and
 * AWS_ENDPOINT_URL_<SERVICE> variables; the standard credential chain; adaptive retries.
 */
import {subscribe} from 'node:diagnostics_channel'
import {existsSync} from 'node:fs'
import type {ClientRequest} from 'node:http'
import {createRequire} from 'node:module'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import type * as Elbv2Sdk from '@aws-sdk/client-elastic-load-balancing-v2'
import type * as Ec2Sdk from '@aws-sdk/client-ec2'
import type * as AutoScalingSdk from '@aws-sdk/client-auto-scaling'
import type * as SsmSdk from '@aws-sdk/client-ssm'
import type * as IamSdk from '@aws-sdk/client-iam'
import type * as StsSdk from '@aws-sdk/client-sts'
import type * as CloudWatchSdk from '@aws-sdk/client-cloudwatch'
import type * as CloudTrailSdk from '@aws-sdk/client-cloudtrail'
import type * as S3Sdk from '@aws-sdk/client-s3'
import {UserError} from './errors.js'
import {SDK_BUNDLED, SDK_PACKAGES} from './sdk-exports.js'
import type {SdkModules, ServiceKey} from './sdk-exports.js'

const require = createRequire(import.meta.url)

export interface AwsOptions {
  region?: string
  profile?: string
  endpointUrl?: string
  /** Total attempts per call, retries included (adaptive retry mode). */
  maxAttempts?: number
  /** HTTP timeouts of every request; defaults in HTTP_TIMEOUTS, or the ASG_DOCTOR_*_TIMEOUT_MS variables. */
  timeouts?: Partial<HttpTimeouts>
  /** The CLI's hooks into every client it builds (src/lib/base-command.ts). */
  sdk?: SdkHooks
}

/** The CLI's hooks: where the SDK's own log lines go, and a function run on each new client. */
export interface SdkHooks {
  logger?: {debug(...a: unknown[]): void; info(...a: unknown[]): void; warn(...a: unknown[]): void; error(...a: unknown[]): void}
  onClient?: (client: {middlewareStack: {add(...a: never[]): void}}) => void
}

/**
 * Bounds on one HTTP request (one attempt; the SDK retries a timed-out attempt like any transient failure):
 * - connectionTimeoutMs: to open the TCP (and TLS) connection;
 * - socketTimeoutMs: the longest silence of a connected socket (a black-holed endpoint that accepts and never
 *   answers ends here);
 * - requestTimeoutMs: the whole request, however slowly its answer trickles in.
 */
export interface HttpTimeouts {
  connectionTimeoutMs: number
  socketTimeoutMs: number
  requestTimeoutMs: number
}

/** AWS answers these reads in well under a second; the bounds leave room for a slow link and a big page. */
export const HTTP_TIMEOUTS: HttpTimeouts = {connectionTimeoutMs: 3_000, socketTimeoutMs: 10_000, requestTimeoutMs: 30_000}

const TIMEOUT_ENV: Record<keyof HttpTimeouts, string> = {
  connectionTimeoutMs: 'ASG_DOCTOR_CONNECT_TIMEOUT_MS',
  socketTimeoutMs: 'ASG_DOCTOR_SOCKET_TIMEOUT_MS',
  requestTimeoutMs: 'ASG_DOCTOR_REQUEST_TIMEOUT_MS',
}

/** The timeouts in force: the options', else a positive integer from the environment, else the defaults. */
export function httpTimeouts(options: AwsOptions = {}, env: NodeJS.ProcessEnv = process.env): HttpTimeouts {
  const out = {...HTTP_TIMEOUTS}
  for (const key of Object.keys(TIMEOUT_ENV) as (keyof HttpTimeouts)[]) {
    const fromEnv = Number(env[TIMEOUT_ENV[key]])
    const value = options.timeouts?.[key] ?? (Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : undefined)
    if (value !== undefined) out[key] = value
  }
  return out
}

/** The subset of client configuration every client gets. */
export interface ClientConfig {
  region?: string
  profile?: string
  endpoint?: string
  maxAttempts: number
  retryMode: 'adaptive'
  /** Options of the SDK's Node HTTP handler (it builds the handler from them). */
  requestHandler: {connectionTimeout: number; socketTimeout: number; requestTimeout: number; throwOnRequestTimeout: true}
  logger?: SdkHooks['logger']
}

export function clientConfig(options: AwsOptions, env: NodeJS.ProcessEnv = process.env): ClientConfig {
  const t = httpTimeouts(options, env)
  return {
    ...(options.region ? {region: options.region} : {}),
    ...(options.profile ? {profile: options.profile} : {}),
    ...(options.endpointUrl ? {endpoint: options.endpointUrl} : {}),
    maxAttempts: options.maxAttempts ?? 5,
    retryMode: 'adaptive',
    // Without these a request to an endpoint that never answers waits forever (the SDK sets no bound of its own).
    requestHandler: {connectionTimeout: t.connectionTimeoutMs, socketTimeout: t.socketTimeoutMs, requestTimeout: t.requestTimeoutMs, throwOnRequestTimeout: true},
    ...(options.sdk?.logger ? {logger: options.sdk.logger} : {}),
  }
}

/**
 * The endpoint override in force, from --endpoint-url or the SDK's environment variables (AWS_ENDPOINT_URL, or a
 * service's own AWS_ENDPOINT_URL_<SERVICE>). Under one, AWS is probably an emulator whose DNS names are fictional.
 */
export function endpointOverride(options: AwsOptions, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (options.endpointUrl) return options.endpointUrl
  if (env.AWS_ENDPOINT_URL) return env.AWS_ENDPOINT_URL
  const service = Object.keys(env)
    .filter((k) => k.startsWith('AWS_ENDPOINT_URL_') && env[k])
    .sort()[0]
  return service ? env[service] : undefined
}

export type {SdkModules, ServiceKey}

/**
 * Where `npm run build` writes the trimmed bundles of the SDK packages (scripts/bundle-sdk.mjs): dist/sdk/. Only the
 * compiled CLI looks there, this file being dist/src/lib/aws.js or part of the CLI's bundle in dist/cli/. Run from
 * src/ (vitest, tsx) the packages load, so that aws-sdk-client-mock, which stubs the packages' client classes, sees
 * every client; so does the watchdog's Lambda bundle (dist/watchdog/index.mjs), from the runtime's packages.
 */
export function sdkBundleDir(moduleUrl: string = import.meta.url): string | undefined {
  const dist = /^(.*[\\/]dist)[\\/](?:src[\\/]lib[\\/]aws\.js|cli[\\/].+)$/.exec(fileURLToPath(moduleUrl))?.[1]
  return dist ? join(dist, 'sdk') : undefined
}

const BUNDLED: ReadonlySet<ServiceKey> = new Set(SDK_BUNDLED)

/**
 * What `loadSdk` requires for a package: its trimmed bundle when there is one, else the package.
 * ASG_DOCTOR_NO_SDK_BUNDLE=1 turns the bundles off (to compare, or should one misbehave).
 */
export function sdkModuleId(key: ServiceKey, env: NodeJS.ProcessEnv = process.env, bundleDir = sdkBundleDir()): string {
  if (bundleDir && BUNDLED.has(key) && !env.ASG_DOCTOR_NO_SDK_BUNDLE) {
    const file = join(bundleDir, `${key}.cjs`)
    if (existsSync(file)) return file
  }
  return SDK_PACKAGES[key]
}

const loaded = new Map<ServiceKey, unknown>()

/**
 * The one place that loads an SDK package: on first use, with require(), typed as the exports the CLI uses
 * (src/lib/sdk-exports.ts). Command classes and clients both come from here; nothing else in src/ loads the SDK.
 */
export function loadSdk<K extends ServiceKey>(key: K): SdkModules[K] {
  let sdk = loaded.get(key)
  if (sdk === undefined) {
    sdk = require(sdkModuleId(key))
    loaded.set(key, sdk)
  }
  return sdk as SdkModules[K]
}

export const elbv2Sdk = (): SdkModules['elbv2'] => loadSdk('elbv2')
export const ec2Sdk = (): SdkModules['ec2'] => loadSdk('ec2')
export const autoScalingSdk = (): SdkModules['autoscaling'] => loadSdk('autoscaling')
export const ssmSdk = (): SdkModules['ssm'] => loadSdk('ssm')
export const iamSdk = (): SdkModules['iam'] => loadSdk('iam')
export const stsSdk = (): SdkModules['sts'] => loadSdk('sts')
export const cloudWatchSdk = (): SdkModules['cloudwatch'] => loadSdk('cloudwatch')
export const cloudTrailSdk = (): SdkModules['cloudtrail'] => loadSdk('cloudtrail')
export const s3Sdk = (): SdkModules['s3'] => loadSdk('s3')

/** The SDK's awsQuery protocol implementation (from the @aws-sdk/core the clients share). */
const queryProtocol = () => (require('@aws-sdk/core/protocols') as {AwsQueryProtocol: unknown}).AwsQueryProtocol as never

/**
 * Builds each client on first use. Tests pass their own instances (mocked with aws-sdk-client-mock) through
 * `AwsClients.from`.
 */
export class AwsClients {
  private cache = new Map<string, unknown>()

  constructor(readonly options: AwsOptions) {}

  static from(clients: Partial<Record<ServiceKey, unknown>>, options: AwsOptions = {}): AwsClients {
    const c = new AwsClients(options)
    for (const [k, v] of Object.entries(clients)) c.cache.set(k, v)
    return c
  }

  private get<T>(key: ServiceKey, make: (config: ClientConfig) => T): T {
    if (!this.cache.has(key)) {
      const client = make(clientConfig(this.options))
      countUntilOnWire(client as unknown as MiddlewareClient)
      this.options.sdk?.onClient?.(client as Parameters<NonNullable<SdkHooks['onClient']>>[0])
      this.cache.set(key, client)
    }
    return this.cache.get(key) as T
  }

  get elbv2(): Elbv2Sdk.ElasticLoadBalancingV2Client {
    return this.get('elbv2', (config) => new (elbv2Sdk().ElasticLoadBalancingV2Client)(config))
  }

  get ec2(): Ec2Sdk.EC2Client {
    return this.get('ec2', (config) => new (ec2Sdk().EC2Client)(config))
  }

  get autoscaling(): AutoScalingSdk.AutoScalingClient {
    return this.get('autoscaling', (config) => new (autoScalingSdk().AutoScalingClient)(config))
  }

  get ssm(): SsmSdk.SSMClient {
    return this.get('ssm', (config) => new (ssmSdk().SSMClient)(config))
  }

  get iam(): IamSdk.IAMClient {
    return this.get('iam', (config) => new (iamSdk().IAMClient)(config))
  }

  get sts(): StsSdk.STSClient {
    return this.get('sts', (config) => new (stsSdk().STSClient)(config))
  }

  /**
   * Under an endpoint override CloudWatch is spoken to in its query protocol rather than the JSON protocol the SDK
   * now defaults to: CloudWatch answers both, and emulators such as moto 5.2 answer only the query one.
   */
  get cloudwatch(): CloudWatchSdk.CloudWatchClient {
    return this.get('cloudwatch', (config) => new (cloudWatchSdk().CloudWatchClient)({...config, ...(config.endpoint ? {protocol: queryProtocol()} : {})}))
  }

  get cloudtrail(): CloudTrailSdk.CloudTrailClient {
    return this.get('cloudtrail', (config) => new (cloudTrailSdk().CloudTrailClient)(config))
  }

  /** Path-style addressing under an endpoint override: a bucket name in the host would not resolve on loopback. */
  get s3(): S3Sdk.S3Client {
    return this.get('s3', (config) => new (s3Sdk().S3Client)({...config, ...(config.endpoint ? {forcePathStyle: true} : {})}))
  }

  /**
   * The region in force: --region, else what the SDK resolves (AWS_REGION, AWS_DEFAULT_REGION, the profile's
   * region). No region anywhere is a user error.
   */
  async region(): Promise<string> {
    if (this.options.region) return this.options.region
    try {
      const r = await this.elbv2.config.region()
      if (r) return r
    } catch {
      // fall through to the user error below
    }
    throw new UserError(
      'No AWS region is set.',
      'Pass --region (e.g. --region eu-west-1), set AWS_REGION, or give the profile a region (aws configure set region ...). An ALB DNS name carries its region, so passing one also works.',
    )
  }
}

/**
 * What has been sent and is not on the wire yet: SDK calls whose HTTP request has no socket yet (credentials,
 * signing and connecting take a few turns of the event loop) and requests not yet written to their socket.
 * Loading an SDK package is synchronous and takes tens of milliseconds (the EC2 package over a hundred): done
 * while requests are in this state, it holds them back; done once they are on the wire, it overlaps their round
 * trip. `requestsOnWire` tells when.
 */
const wire = {sending: 0, unflushed: new Set<ClientRequest>(), assigned: [] as (() => void)[], waiters: [] as (() => void)[], tracking: false}

interface MiddlewareClient {
  middlewareStack: {add(middleware: unknown, options: {step: string; priority: string; name: string}): void}
}

function settleWire(): void {
  if (wire.sending === 0 && wire.unflushed.size === 0) for (const wake of wire.waiters.splice(0)) wake()
}

function trackRequests(): void {
  if (wire.tracking) return
  wire.tracking = true
  // Published when a request gets its socket; `finish` is when its bytes have been handed to that socket.
  subscribe('http.client.request.start', (message) => {
    const request = (message as {request: ClientRequest}).request
    // Counted as unflushed before the call stops counting as sending: the other order lets waiters wake in between.
    wire.unflushed.add(request)
    wire.assigned.shift()?.()
    const done = () => {
      if (wire.unflushed.delete(request)) settleWire()
    }
    request.once('finish', done)
    request.once('error', done)
    request.once('close', done)
  })
}

/** Counts each call of this client from its start until its HTTP request has a socket (or the call ends first). */
function countUntilOnWire(client: MiddlewareClient): void {
  if (typeof client?.middlewareStack?.add !== 'function') return
  trackRequests()
  const counter = (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
    wire.sending++
    let counted = true
    const release = () => {
      if (!counted) return
      counted = false
      wire.sending--
      settleWire()
    }
    wire.assigned.push(release)
    try {
      return await next(args)
    } finally {
      const i = wire.assigned.indexOf(release)
      if (i >= 0) wire.assigned.splice(i, 1)
      release()
    }
  }
  client.middlewareStack.add(counter, {step: 'initialize', priority: 'high', name: 'asgDoctorOnWire'})
}

/**
 * Resolves once every AWS request sent so far has been written to its socket, or after `maxWaitMs`: the moment to
 * do synchronous work (loading the next SDK packages) without delaying those requests.
 */
export async function requestsOnWire(maxWaitMs = 250): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve))
  if (wire.sending === 0 && wire.unflushed.size === 0) return
  let timer: NodeJS.Timeout | undefined
  await new Promise<void>((resolve) => {
    wire.waiters.push(resolve)
    timer = setTimeout(resolve, maxWaitMs)
  })
  clearTimeout(timer)
}

/** The region inside an ALB DNS name (`name-123.eu-west-1.elb.amazonaws.com`), if it is one. */
export function regionFromDnsName(dnsName: string): string | undefined {
  const m = /\.([a-z]{2}(?:-gov)?-[a-z]+-\d)\.elb\.amazonaws\.com(?:\.cn)?\.?$/i.exec(dnsName)
  return m ? m[1].toLowerCase() : undefined
}

/** The region inside an ARN. */
export function regionFromArn(arn: string): string | undefined {
  const parts = arn.split(':')
  return parts.length >= 6 && parts[0] === 'arn' && parts[3] ? parts[3] : undefined
}
