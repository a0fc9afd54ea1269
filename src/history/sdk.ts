/**
 * The SDK packages of the evidence-over-time collectors, loaded on first use with require() like the collect layer's
 * (src/collect/sdk.ts), so that `--no-history`, `--snapshot` and `--help` never pay for loading them. Clients are
 * built by the caller and passed in: the factories below only need a client and its package.
 */
import {createRequire} from 'node:module'
import type * as CloudWatch from '@aws-sdk/client-cloudwatch'
import type * as CloudTrail from '@aws-sdk/client-cloudtrail'
import type * as S3 from '@aws-sdk/client-s3'
import type * as AutoScaling from '@aws-sdk/client-auto-scaling'
import type * as Ec2 from '@aws-sdk/client-ec2'
import type {ClientConfig} from '../lib/aws.js'

const require = createRequire(import.meta.url)

export const cloudWatchSdk = (): typeof CloudWatch => require('@aws-sdk/client-cloudwatch') as typeof CloudWatch
export const cloudTrailSdk = (): typeof CloudTrail => require('@aws-sdk/client-cloudtrail') as typeof CloudTrail
export const s3Sdk = (): typeof S3 => require('@aws-sdk/client-s3') as typeof S3
export const autoScalingSdk = (): typeof AutoScaling => require('@aws-sdk/client-auto-scaling') as typeof AutoScaling
/** The SDK's awsQuery protocol implementation (from the @aws-sdk/core the clients share). */
const queryProtocol = () => (require('@aws-sdk/core/protocols') as {AwsQueryProtocol: unknown}).AwsQueryProtocol as never

export const ec2Sdk = (): typeof Ec2 => require('@aws-sdk/client-ec2') as typeof Ec2

/**
 * The three new clients, built from the same configuration as the others (src/lib/aws.ts `clientConfig`).
 *
 * Under an endpoint override CloudWatch is spoken to in its query protocol rather than the JSON protocol the SDK
 * now defaults to: CloudWatch answers both, and emulators such as moto 5.2 answer only the query one.
 */
export function historyClients(config: ClientConfig): {cloudwatch: CloudWatch.CloudWatchClient; cloudtrail: CloudTrail.CloudTrailClient; s3: S3.S3Client} {
  return {
    cloudwatch: new (cloudWatchSdk().CloudWatchClient)({...config, ...(config.endpoint ? {protocol: queryProtocol()} : {})}),
    cloudtrail: new (cloudTrailSdk().CloudTrailClient)(config),
    // Path-style addressing only matters for emulators (the bucket name in the host would not resolve on loopback).
    s3: new (s3Sdk().S3Client)({...config, ...(config.endpoint ? {forcePathStyle: true} : {})}),
  }
}
