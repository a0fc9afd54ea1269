/**
 * `diagnose --snapshot s3://bucket/key` reopens a snapshot the watchdog stored, through the built CLI against
 * moto's S3 (nothing mocked), with the run's --endpoint-url and --region; a missing object, a bad URL and an
 * object that is not a snapshot are one sentence and exit 2.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {CreateBucketCommand, PutObjectCommand, S3Client} from '@aws-sdk/client-s3'
import {clientConfig} from '../../src/lib/aws.js'
import {json, ROOT, runCli} from './helpers/cli.js'
import {startMoto, useMotoCredentials} from './helpers/moto.js'
import type {Moto} from './helpers/moto.js'

const KEY = 'snapshots/123456789012/us-east-1/web-alb.json'
let moto: Moto

beforeAll(async () => {
  moto = await startMoto()
  useMotoCredentials()
  const s3 = new S3Client({...clientConfig({region: 'us-east-1', endpointUrl: moto.endpoint}), forcePathStyle: true})
  await s3.send(new CreateBucketCommand({Bucket: 'watchdog-reports'}))
  await s3.send(new PutObjectCommand({Bucket: 'watchdog-reports', Key: KEY, Body: readFileSync(join(ROOT, 'examples/nginx-missing.json'))}))
  await s3.send(new PutObjectCommand({Bucket: 'watchdog-reports', Key: 'latest/report.json', Body: '{"schema": "asg-doctor-scan"}'}))
})

afterAll(async () => {
  await moto?.stop()
})

describe('diagnose --snapshot s3://', () => {
  const flags = () => ['--endpoint-url', moto.endpoint, '--region', 'us-east-1']

  it('reopens a stored snapshot and diagnoses it offline, as from a file', async () => {
    const fromS3 = await runCli(moto.endpoint, ['diagnose', '--snapshot', `s3://watchdog-reports/${KEY}`, ...flags(), '--json'])
    const fromFile = await runCli(moto.endpoint, ['diagnose', '--snapshot', join(ROOT, 'examples/nginx-missing.json'), ...flags(), '--json'])
    expect(fromS3.code).toBe(1)
    const report = json(fromS3)
    expect(report.rootCauses[0].cause.ruleId).toBe('nginx-not-installed')
    expect(report.findings).toEqual(json(fromFile).findings)
    const text = await runCli(moto.endpoint, ['diagnose', '--snapshot', `s3://watchdog-reports/${KEY}`, ...flags()])
    expect(text.stdout).toContain(`Analysed the saved snapshot s3://watchdog-reports/${KEY}`)
  })

  it('says in one sentence what is wrong with a missing object, a bucket-only URL or an object that is no snapshot', async () => {
    const cases: [string, string][] = [
      ['s3://watchdog-reports/snapshots/nope.json', 'Error: Snapshot s3://watchdog-reports/snapshots/nope.json does not exist.'],
      ['s3://no-such-bucket/x.json', 'Error: Snapshot s3://no-such-bucket/x.json: there is no bucket no-such-bucket.'],
      ['s3://watchdog-reports', 'Error: s3://watchdog-reports does not name a snapshot object: expected s3://BUCKET/KEY.'],
      ['s3://watchdog-reports/latest/report.json', 'Error: Snapshot s3://watchdog-reports/latest/report.json is not an asg-doctor snapshot (its "format" field is not "asg-doctor-snapshot").'],
    ]
    for (const [url, error] of cases) {
      const r = await runCli(moto.endpoint, ['diagnose', '--snapshot', url, ...flags()])
      expect(r.code, url).toBe(2)
      expect(r.stderr.split('\n')[0], url).toBe(error)
      expect(r.stderr).not.toMatch(/\n\s+at /)
    }
  })
})
