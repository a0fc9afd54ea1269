/**
 * AWS clients, built lazily: a command loads only the SDK packages it uses (the EC2 client alone costs ~300 ms
 * to load), and `--help` loads none. Packages are loaded with require(), which is measurably faster on Node 20
 * than import() for the SDK's CommonJS builds.
 *
 * Conventions of the AWS CLI: --region, --profile, --endpoint-url, and the SDK's own AWS_ENDPOINT_URL and
 * AWS_ENDPOINT_URL_<SERVICE> variables; the standard credential chain; adaptive retries.
 */
import {createRequire} from 'node:module'
import type * as Elbv2Sdk from '@aws-sdk/client-elastic-load-balancing-v2'
import type * as Ec2Sdk from '@aws-sdk/client-ec2'
import type * as AutoScalingSdk from '@aws-sdk/client-auto-scaling'
import type * as SsmSdk from '@aws-sdk/client-ssm'
import type * as IamSdk from '@aws-sdk/client-iam'
import type * as StsSdk from '@aws-sdk/client-sts'
import {UserError} from './errors.js'

const require = createRequire(import.meta.url)

export interface AwsOptions {
  region?: string
  profile?: string
  endpointUrl?: string
  /** Total attempts per call, retries included (adaptive retry mode). */
  maxAttempts?: number
  /** The CLI's hooks into every client it builds (src/lib/base-command.ts). */
  sdk?: SdkHooks
}

/** The CLI's hooks: where the SDK's own log lines go, HTTP handler options, and a function run on each new client. */
export interface SdkHooks {
  logger?: {debug(...a: unknown[]): void; info(...a: unknown[]): void; warn(...a: unknown[]): void; error(...a: unknown[]): void}
  requestHandler?: {connectionTimeout?: number; requestTimeout?: number; throwOnRequestTimeout?: boolean}
  onClient?: (client: {middlewareStack: {add(...a: never[]): void}}) => void
}

/** The subset of client configuration every client gets. */
export interface ClientConfig {
  region?: string
  profile?: string
  endpoint?: string
  maxAttempts: number
  retryMode: 'adaptive'
  logger?: SdkHooks['logger']
  requestHandler?: SdkHooks['requestHandler']
}

export function clientConfig(options: AwsOptions): ClientConfig {
  return {
    ...(options.region ? {region: options.region} : {}),
    ...(options.profile ? {profile: options.profile} : {}),
    ...(options.endpointUrl ? {endpoint: options.endpointUrl} : {}),
    maxAttempts: options.maxAttempts ?? 5,
    retryMode: 'adaptive',
    ...(options.sdk?.logger ? {logger: options.sdk.logger} : {}),
    ...(options.sdk?.requestHandler ? {requestHandler: options.sdk.requestHandler} : {}),
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

/**
 * Builds each client on first use. Tests pass their own instances (mocked with aws-sdk-client-mock) through
 * `AwsClients.from`.
 */
export class AwsClients {
  private cache = new Map<string, unknown>()

  constructor(readonly options: AwsOptions) {}

  static from(clients: Partial<Record<'elbv2' | 'ec2' | 'autoscaling' | 'ssm' | 'iam' | 'sts', unknown>>, options: AwsOptions = {}): AwsClients {
    const c = new AwsClients(options)
    for (const [k, v] of Object.entries(clients)) c.cache.set(k, v)
    return c
  }

  private get<T>(key: string, make: () => T): T {
    if (!this.cache.has(key)) {
      const client = make()
      this.options.sdk?.onClient?.(client as Parameters<NonNullable<SdkHooks['onClient']>>[0])
      this.cache.set(key, client)
    }
    return this.cache.get(key) as T
  }

  get elbv2(): Elbv2Sdk.ElasticLoadBalancingV2Client {
    return this.get('elbv2', () => {
      const m = require('@aws-sdk/client-elastic-load-balancing-v2') as typeof Elbv2Sdk
      return new m.ElasticLoadBalancingV2Client(clientConfig(this.options))
    })
  }

  get ec2(): Ec2Sdk.EC2Client {
    return this.get('ec2', () => {
      const m = require('@aws-sdk/client-ec2') as typeof Ec2Sdk
      return new m.EC2Client(clientConfig(this.options))
    })
  }

  get autoscaling(): AutoScalingSdk.AutoScalingClient {
    return this.get('autoscaling', () => {
      const m = require('@aws-sdk/client-auto-scaling') as typeof AutoScalingSdk
      return new m.AutoScalingClient(clientConfig(this.options))
    })
  }

  get ssm(): SsmSdk.SSMClient {
    return this.get('ssm', () => {
      const m = require('@aws-sdk/client-ssm') as typeof SsmSdk
      return new m.SSMClient(clientConfig(this.options))
    })
  }

  get iam(): IamSdk.IAMClient {
    return this.get('iam', () => {
      const m = require('@aws-sdk/client-iam') as typeof IamSdk
      return new m.IAMClient(clientConfig(this.options))
    })
  }

  get sts(): StsSdk.STSClient {
    return this.get('sts', () => {
      const m = require('@aws-sdk/client-sts') as typeof StsSdk
      return new m.STSClient(clientConfig(this.options))
    })
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
