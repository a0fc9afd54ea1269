/**
 * Snapshots stored in S3 (the watchdog keeps each ALB's latest under snapshots/<account>/<region>/<alb>.json):
 * `diagnose --snapshot s3://bucket/key` reads one with the run's --region, --profile and --endpoint-url, and a
 * file path still reads the file. Only s3:GetObject is called.
 */
import type {S3Client} from '@aws-sdk/client-s3'
import {clientConfig, s3Sdk} from '../lib/aws.js'
import type {AwsOptions} from '../lib/aws.js'
import {UserError, describeAwsFailure} from '../lib/errors.js'
import {cmd} from '../lib/shell.js'
import {parseSnapshot, readSnapshot} from './io.js'
import type {Snapshot} from './types.js'

/** `s3://bucket/key` as its parts; undefined for anything that is not an s3:// URL. */
export function parseS3Url(source: string): {bucket: string; key: string} | undefined {
  const m = /^s3:\/\/([^/]*)\/?(.*)$/i.exec(source.trim())
  if (!m) return undefined
  const [, bucket, key] = m
  if (!bucket || !key || key.endsWith('/')) {
    throw new UserError(`${source} does not name a snapshot object: expected s3://BUCKET/KEY.`, 'The watchdog keeps each ALB\'s latest snapshot at s3://BUCKET/snapshots/ACCOUNT/REGION/ALB.json.')
  }
  return {bucket, key}
}

/** The S3 client of a run: its region (S3 follows a bucket elsewhere), profile and endpoint. */
export function snapshotS3Client(options: AwsOptions): S3Client {
  const config = clientConfig(options)
  return new (s3Sdk().S3Client)({...config, followRegionRedirects: true, ...(config.endpoint ? {forcePathStyle: true} : {})})
}

/** A snapshot from a file or from S3. */
export async function readSnapshotFrom(source: string, options: AwsOptions | (() => S3Client)): Promise<Snapshot> {
  const location = parseS3Url(source)
  if (!location) return readSnapshot(source)
  const s3 = typeof options === 'function' ? options() : snapshotS3Client(options)
  const {GetObjectCommand} = s3Sdk()
  let text: string
  try {
    const res = await s3.send(new GetObjectCommand({Bucket: location.bucket, Key: location.key}))
    text = (await res.Body?.transformToString('utf8')) ?? ''
  } catch (error) {
    const name = (error as {name?: string}).name
    if (name === 'NoSuchKey') throw new UserError(`Snapshot ${source} does not exist.`, `List what the bucket holds with: ${cmd`aws s3 ls ${`s3://${location.bucket}/snapshots/`} --recursive`}`)
    if (name === 'NoSuchBucket') throw new UserError(`Snapshot ${source}: there is no bucket ${location.bucket}.`)
    if (/region is missing/i.test((error as Error).message ?? '')) throw new UserError(`No AWS region is set to read ${source} from.`, 'Pass --region (any region: S3 follows the bucket to its own), or set AWS_REGION.')
    throw describeAwsFailure('s3:GetObject', error) ?? error
  }
  return parseSnapshot(text, `Snapshot ${source}`)
}
