/**
 * Reading a load balancer's log objects of a window out of S3: list the day folders the window touches, keep this
 * load balancer's objects of the right kind whose interval overlaps the window, read them newest first within a
 * count and a byte bound, gunzip them as streams and hand each line to a summariser.
 *
 * Keys: `bucket[/prefix]/AWSLogs/<account>/elasticloadbalancing/<region>/yyyy/mm/dd/` then
 * `<account>_elasticloadbalancing_<region>_app.<name>.<id>_<end-time>_<ip>_<random>.log.gz` for access logs and the
 * same with a `health_check_log_` prefix for health-check logs; `<end-time>` (yyyymmddThhmmZ) closes a 5-minute
 * interval. The folder's date is the delivery date, so the day after the window's end is listed too near midnight.
 */
import {Readable} from 'node:stream'
import {pipeline} from 'node:stream/promises'
import {createGunzip} from 'node:zlib'
import {StringDecoder} from 'node:string_decoder'
import type {S3Client} from '@aws-sdk/client-s3'
import type {CallRunner} from '../collect/runner.js'
import type {LogSource} from '../snapshot/history-types.js'
import type {Window} from './common.js'
import {s3Sdk} from './sdk.js'

/** What a log file covers: the 5 minutes before its end time. */
export const LOG_INTERVAL_MS = 5 * 60_000

export type LogKind = 'access' | 'health-check'

export interface S3ListPage {
  Contents?: {Key?: string; Size?: number}[]
  NextContinuationToken?: string
}

/** The two S3 reads the log collectors make. Tests and an alternative SDK loader provide their own. */
export interface S3LogReader {
  list(bucket: string, prefix: string, token: string | undefined): Promise<S3ListPage>
  /** The object's body as a byte stream (the SDK's Body is a Node Readable). */
  open(bucket: string, key: string): Promise<AsyncIterable<Uint8Array> & Partial<Pick<Readable, 'destroy'>>>
}

export function s3LogReader(client: S3Client, sdk: ReturnType<typeof s3Sdk> = s3Sdk()): S3LogReader {
  return {
    list: (Bucket, Prefix, ContinuationToken) => client.send(new sdk.ListObjectsV2Command({Bucket, Prefix, ...(ContinuationToken ? {ContinuationToken} : {})})),
    async open(Bucket, Key) {
      const out = await client.send(new sdk.GetObjectCommand({Bucket, Key}))
      if (!out.Body) throw new Error(`s3:GetObject ${Key} returned no body`)
      return out.Body as unknown as Readable
    },
  }
}

/** `app/<name>/<id>` from a load balancer ARN. */
export function loadBalancerResourceId(arn: string): string | undefined {
  const m = /:loadbalancer\/(app\/[^/]+\/[^/]+)$/.exec(arn)
  return m ? m[1] : undefined
}

/** The end time (epoch ms) a log object's key encodes, or undefined. */
export function logKeyEndTime(key: string): number | undefined {
  const m = /_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})Z_[^_/]+_[^_/]+\.log(?:\.gz)?$/.exec(key)
  if (!m) return undefined
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]))
  return Number.isNaN(t) ? undefined : t
}

/** Whether a key is this load balancer's log of this kind. */
export function isLogKeyOf(key: string, kind: LogKind, account: string, region: string, lbResourceId: string): boolean {
  const base = key.slice(key.lastIndexOf('/') + 1)
  const lb = lbResourceId.replace(/\//g, '.')
  const stem = `${account}_elasticloadbalancing_${region}_${lb}_`
  return kind === 'health-check' ? base.startsWith(`health_check_log_${stem}`) : base.startsWith(stem)
}

/** The day folders to list for a window. */
export function dayPrefixes(prefix: string | undefined, account: string, region: string, w: Window): string[] {
  const base = prefix ? `${prefix.replace(/^\/+|\/+$/g, '')}/` : ''
  const out: string[] = []
  const first = new Date(w.start)
  const day = Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), first.getUTCDate())
  for (let t = day; t <= w.end + LOG_INTERVAL_MS; t += 86_400_000) {
    const d = new Date(t)
    const yyyy = d.getUTCFullYear()
    const mm = String(d.getUTCMonth() + 1).padStart(2, '0')
    const dd = String(d.getUTCDate()).padStart(2, '0')
    out.push(`${base}AWSLogs/${account}/elasticloadbalancing/${region}/${yyyy}/${mm}/${dd}/`)
  }
  return out
}

export interface ReadLogsOptions {
  runner: CallRunner
  reader: S3LogReader
  kind: LogKind
  bucket: string
  prefix?: string
  /** The load balancer's ARN: its account, region and `app/<name>/<id>` name the keys. */
  loadBalancerArn: string
  window: Window
  /** Objects read at most (newest first). */
  maxObjects?: number
  /** Compressed bytes read at most. */
  maxBytes?: number
  /** Objects read at once. */
  concurrency?: number
  onLine: (line: string) => void
}

/** A line longer than this is cut (and will not parse): a guard against a file with no newlines. */
const MAX_LINE = 64 * 1024
export const KEYS_KEPT = 50

/**
 * Splits a byte stream into lines (gunzipped first when `gzip`), calling `onLine` for each. Returns the compressed
 * bytes consumed. A stream that fails midway (a truncated gzip) has its lines up to there delivered, the partial
 * last one included (it will usually not parse and be counted as bad), then the error is thrown.
 */
export async function streamLines(body: AsyncIterable<Uint8Array> & Partial<Pick<Readable, 'destroy'>>, gzip: boolean, onLine: (line: string) => void): Promise<number> {
  let bytes = 0
  async function* counted(): AsyncGenerator<Uint8Array> {
    for await (const chunk of body) {
      bytes += chunk.length
      yield chunk
    }
  }
  const decoder = new StringDecoder('utf8')
  let carry = ''
  const feed = (text: string) => {
    carry += text
    let nl: number
    while ((nl = carry.indexOf('\n')) >= 0) {
      onLine(carry.slice(0, nl))
      carry = carry.slice(nl + 1)
    }
    if (carry.length > MAX_LINE) {
      onLine(carry.slice(0, MAX_LINE))
      carry = ''
    }
  }
  try {
    const sink = async (chunks: AsyncIterable<Buffer | Uint8Array>) => {
      for await (const chunk of chunks) feed(decoder.write(Buffer.from(chunk)))
    }
    if (gzip) await pipeline(Readable.from(counted()), createGunzip(), sink)
    else await sink(counted())
  } finally {
    feed(decoder.end())
    if (carry) onLine(carry)
    carry = ''
  }
  return bytes
}

/**
 * Lists and reads the log objects of a window. Listing and reading failures are recorded through the runner (as
 * `s3:ListBucket` / `s3:GetObject`); an object that fails while streaming counts in `failedObjects` and is recorded
 * too, and the lines it gave before failing still count.
 */
export async function readLogObjects(o: ReadLogsOptions): Promise<LogSource> {
  const maxObjects = o.maxObjects ?? 120
  // ~16 MiB of gzip is some 300,000 entries, 3-4 s of parsing on one core.
  const maxBytes = o.maxBytes ?? 16 * 1024 * 1024
  const arn = o.loadBalancerArn.split(':')
  const region = arn[3]
  const account = arn[4]
  const lbId = loadBalancerResourceId(o.loadBalancerArn) ?? ''
  const found: {key: string; size: number; end: number}[] = []
  for (const prefix of dayPrefixes(o.prefix, account, region, o.window)) {
    const items = await o.runner.paginate(
      's3:ListBucket',
      `${o.bucket}/${prefix}`,
      (token) => o.reader.list(o.bucket, prefix, token),
      (p) => p.Contents,
      (p) => p.NextContinuationToken,
    )
    for (const item of items) {
      const key = item.Key
      if (!key || !isLogKeyOf(key, o.kind, account, region, lbId)) continue
      const end = logKeyEndTime(key)
      if (end === undefined || end <= o.window.start || end - LOG_INTERVAL_MS >= o.window.end) continue
      found.push({key, size: item.Size ?? 0, end})
    }
  }
  found.sort((a, b) => b.end - a.end || (a.key < b.key ? 1 : -1))
  const chosen: typeof found = []
  let planned = 0
  for (const f of found) {
    if (chosen.length >= maxObjects || planned + f.size > maxBytes) break
    chosen.push(f)
    planned += f.size
  }
  const source: LogSource = {
    bucket: o.bucket,
    prefix: o.prefix ?? '',
    objectsFound: found.length,
    objectsRead: 0,
    bytesRead: 0,
    truncated: chosen.length < found.length,
    keys: chosen.slice(0, KEYS_KEPT).map((f) => f.key),
    failedObjects: 0,
  }
  let next = 0
  const worker = async () => {
    while (next < chosen.length) {
      const f = chosen[next++]
      const body = await o.runner.call('s3:GetObject', f.key, () => o.reader.open(o.bucket, f.key))
      if (!body) {
        source.failedObjects++
        continue
      }
      try {
        source.bytesRead += await streamLines(body, f.key.endsWith('.gz'), o.onLine)
        source.objectsRead++
      } catch (error) {
        source.failedObjects++
        source.objectsRead++
        o.runner.errors.push({api: 's3:GetObject', resource: f.key, code: 'UnreadableObject', message: `${f.key} could not be read to its end: ${(error as Error).message}`, accessDenied: false})
        body.destroy?.()
      }
    }
  }
  await Promise.all(Array.from({length: Math.min(o.concurrency ?? 4, chosen.length)}, worker))
  return source
}
