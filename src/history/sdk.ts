/**
 * The clients of the evidence-over-time collectors. Their packages load through the one SDK loader (`loadSdk` in
 * src/lib/aws.ts), on first use, so that `--no-history`, `--snapshot` and `--help` never pay for them. Clients are
 * built by the caller and passed in.
 */
import {createRequire} from 'node:module'
import type * as CloudWatch from '@aws-sdk/client-cloudwatch'
import type * as CloudTrail from '@aws-sdk/client-cloudtrail'
import type * as S3 from '@aws-sdk/client-s3'
import {cloudTrailSdk, cloudWatchSdk, s3Sdk} from '../lib/aws.js'
import type {ClientConfig} from '../lib/aws.js'

export {autoScalingSdk, cloudTrailSdk, cloudWatchSdk, ec2Sdk, s3Sdk} from '../lib/aws.js'

const require = createRequire(import.meta.url)
/** The SDK's awsQuery protocol implementation (from the @aws-sdk/core the clients share). */
const queryProtocol = () => (require('@aws-sdk/core/protocols') as {AwsQueryProtocol: unknown}).AwsQueryProtocol as never

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
