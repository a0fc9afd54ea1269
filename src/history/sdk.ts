/**
 * The SDK loaders of the evidence-over-time collectors. Their clients are `AwsClients`' (src/lib/aws.ts: built on
 * first use from the same region, profile, endpoint and timeouts as every other client), so that `--no-history`,
 * `--snapshot` and `--help` never load the CloudWatch, CloudTrail or S3 packages; `historySenders`
 * (./collect.ts) wraps them for the collectors.
 */
export {autoScalingSdk, cloudTrailSdk, cloudWatchSdk, ec2Sdk, s3Sdk} from '../lib/aws.js'
