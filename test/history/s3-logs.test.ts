import {gzipSync} from 'node:zlib'
import {Readable} from 'node:stream'
import {S3Client, ListObjectsV2Command, GetObjectCommand} from '@aws-sdk/client-s3'
import {mockClient} from 'aws-sdk-client-mock'
import {describe, expect, it} from 'vitest'
import {CallRunner} from '../../src/collect/runner.js'
import {dayPrefixes, isLogKeyOf, logKeyEndTime, readLogObjects, s3LogReader} from '../../src/history/s3-logs.js'
import {AccessLogSummariser} from '../../src/history/access-log.js'
import {LB_ARN, accessLine} from './lines.js'

const DAY = 'logs/AWSLogs/123456789012/elasticloadbalancing/us-east-1/2026/11/29/'
const key = (hhmm: string, kind: 'access' | 'health' = 'access', lb = 'app.web.50dc6c495c0c9188') =>
  `${DAY}${kind === 'health' ? 'health_check_log_' : ''}123456789012_elasticloadbalancing_us-east-1_${lb}_20261129T${hhmm}Z_10.0.1.5_2b1c3d4e.log.gz`

describe('log object keys', () => {
  it('reads the end time and tells the kinds and load balancers apart', () => {
    expect(new Date(logKeyEndTime(key('1835'))!).toISOString()).toBe('2026-11-29T18:35:00.000Z')
    expect(logKeyEndTime('AWSLogs/x/notalog.txt')).toBeUndefined()
    expect(isLogKeyOf(key('1835'), 'access', '123456789012', 'us-east-1', 'app/web/50dc6c495c0c9188')).toBe(true)
    expect(isLogKeyOf(key('1835', 'health'), 'access', '123456789012', 'us-east-1', 'app/web/50dc6c495c0c9188')).toBe(false)
    expect(isLogKeyOf(key('1835', 'health'), 'health-check', '123456789012', 'us-east-1', 'app/web/50dc6c495c0c9188')).toBe(true)
    expect(isLogKeyOf(key('1835', 'access', 'app.other.1111'), 'access', '123456789012', 'us-east-1', 'app/web/50dc6c495c0c9188')).toBe(false)
  })

  it('lists every day the window touches, and the next one near midnight', () => {
    const w = {start: Date.parse('2026-11-29T22:00:00Z'), end: Date.parse('2026-11-29T23:58:00Z')}
    expect(dayPrefixes('/logs/', '1', 'eu-west-1', w)).toEqual(['logs/AWSLogs/1/elasticloadbalancing/eu-west-1/2026/11/29/', 'logs/AWSLogs/1/elasticloadbalancing/eu-west-1/2026/11/30/'])
    expect(dayPrefixes(undefined, '1', 'eu-west-1', {start: w.start, end: w.start + 60_000})).toEqual(['AWSLogs/1/elasticloadbalancing/eu-west-1/2026/11/29/'])
  })
})

describe('reading the objects of a window through S3 (aws-sdk-client-mock)', () => {
  const window = {start: Date.parse('2026-11-29T18:00:00Z'), end: Date.parse('2026-11-29T19:00:00Z')}
  const body = (minute: number, n: number) => gzipSync(Array.from({length: n}, (_, k) => accessLine({time: `2026-11-29T18:${String(minute).padStart(2, '0')}:${String(k).padStart(2, '0')}.000000Z`, elb: '502', targetStatus: '-'})).join('\n') + '\n')
  const objects: Record<string, Buffer> = {
    [key('1805')]: body(2, 3),
    [key('1850')]: body(47, 4),
    [key('1855')]: body(52, 5),
    [key('1800')]: body(0, 1), // its interval 17:55-18:00 ends at the window's start: not read
    [key('1930')]: body(0, 1), // after the window
    [key('1850', 'health')]: body(47, 1),
    [key('1850', 'access', 'app.other.1111')]: body(47, 1),
  }

  function setup() {
    const client = new S3Client({region: 'us-east-1', credentials: {accessKeyId: 'a', secretAccessKey: 'b'}})
    const s3 = mockClient(client)
    s3.on(ListObjectsV2Command).resolves({Contents: Object.entries(objects).map(([Key, b]) => ({Key, Size: b.length}))})
    for (const [Key, b] of Object.entries(objects)) s3.on(GetObjectCommand, {Key}).callsFake(() => ({Body: Readable.from([b])}))
    return {reader: s3LogReader(client), s3}
  }

  it('reads the window\'s objects newest first and bounds them by count', async () => {
    const {reader, s3} = setup()
    const runner = new CallRunner()
    const sum = new AccessLogSummariser({window, bucketSeconds: 300})
    const src = await readLogObjects({runner, reader, kind: 'access', bucket: 'bkt', prefix: 'logs', loadBalancerArn: LB_ARN, window, maxObjects: 2, onLine: (l) => sum.add(l)})
    expect(src).toMatchObject({objectsFound: 3, objectsRead: 2, truncated: true, failedObjects: 0, keys: [key('1855'), key('1850')]})
    expect(sum.result(src).requests).toBe(9)
    expect(s3.commandCalls(ListObjectsV2Command)[0].args[0].input).toEqual({Bucket: 'bkt', Prefix: DAY})
    expect(runner.stats(0).perApi).toEqual({'s3:GetObject': 2, 's3:ListBucket': 1})
  })

  it('bounds them by bytes', async () => {
    const {reader} = setup()
    const src = await readLogObjects({runner: new CallRunner(), reader, kind: 'access', bucket: 'bkt', prefix: 'logs', loadBalancerArn: LB_ARN, window, maxBytes: objects[key('1855')].length + 1, onLine: () => undefined})
    expect(src).toMatchObject({objectsRead: 1, truncated: true})
  })

  it('records an object it cannot read and keeps going', async () => {
    const {reader, s3} = setup()
    s3.on(GetObjectCommand, {Key: key('1850')}).rejects(Object.assign(new Error('Access Denied'), {name: 'AccessDenied'}))
    const runner = new CallRunner()
    const src = await readLogObjects({runner, reader, kind: 'access', bucket: 'bkt', prefix: 'logs', loadBalancerArn: LB_ARN, window, onLine: () => undefined})
    expect(src).toMatchObject({objectsFound: 3, objectsRead: 2, failedObjects: 1})
    expect(runner.errors).toEqual([expect.objectContaining({api: 's3:GetObject', resource: key('1850'), code: 'AccessDenied', accessDenied: true})])
  })

  it('keeps the lines of a truncated gzip object, counts it as failed and records why', async () => {
    const {reader, s3} = setup()
    const cut = objects[key('1850')].subarray(0, objects[key('1850')].length - 12)
    s3.on(GetObjectCommand, {Key: key('1850')}).callsFake(() => ({Body: Readable.from([cut])}))
    const runner = new CallRunner()
    const sum = new AccessLogSummariser({window, bucketSeconds: 300})
    const src = await readLogObjects({runner, reader, kind: 'access', bucket: 'bkt', prefix: 'logs', loadBalancerArn: LB_ARN, window, onLine: (l) => sum.add(l)})
    expect(src).toMatchObject({objectsRead: 3, failedObjects: 1})
    const r = sum.result(src)
    // 1805 and 1855 whole (3 + 5), and what the cut object gave before the cut.
    expect(r.requests).toBeGreaterThanOrEqual(8)
    expect(r.requests + r.badLines).toBeLessThanOrEqual(12)
    expect(runner.errors).toEqual([expect.objectContaining({api: 's3:GetObject', resource: key('1850'), code: 'UnreadableObject'})])
  })
})
