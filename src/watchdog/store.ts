/**
 * Where the watchdog keeps its reports and snapshots in its bucket. The latest of everything is overwritten each
 * run (latest/report.json, snapshots/...), each run's reports stay under runs/<runId>/; the bucket's lifecycle
 * rule expires any object not rewritten for its retention period, so runs age out and so do the snapshots of
 * load balancers that no longer exist.
 */
import type {S3Client} from '@aws-sdk/client-s3'
import {s3Sdk} from '../lib/aws.js'

export const LATEST_REPORT = 'latest/report.json'

/** A key segment from an account id, region or ALB name: only what S3 keys and URLs carry without escaping. */
function segment(value: string | undefined, fallback: string): string {
  const v = (value ?? '').replace(/[^A-Za-z0-9._-]/g, '_')
  return v || fallback
}

export const keys = {
  part: (runId: string, account: string | undefined, region: string) => `runs/${segment(runId, 'run')}/parts/${segment(account, 'self')}/${segment(region, 'region')}.json`,
  report: (runId: string) => `runs/${segment(runId, 'run')}/report.json`,
  snapshot: (account: string | undefined, region: string, name: string) => `snapshots/${segment(account, 'self')}/${segment(region, 'region')}/${segment(name, 'alb')}.json`,
}

export async function putJson(s3: S3Client, bucket: string, key: string, value: unknown): Promise<void> {
  const {PutObjectCommand} = s3Sdk()
  await s3.send(new PutObjectCommand({Bucket: bucket, Key: key, Body: JSON.stringify(value), ContentType: 'application/json'}))
}

/** The object parsed as JSON; undefined when there is no such key (the first run has no previous report). */
export async function getJson<T>(s3: S3Client, bucket: string, key: string): Promise<T | undefined> {
  const {GetObjectCommand} = s3Sdk()
  try {
    const res = await s3.send(new GetObjectCommand({Bucket: bucket, Key: key}))
    return JSON.parse((await res.Body?.transformToString('utf8')) ?? 'null') as T
  } catch (error) {
    if ((error as {name?: string}).name === 'NoSuchKey') return undefined
    throw error
  }
}
