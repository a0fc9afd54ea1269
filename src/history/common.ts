/** Small pure helpers shared by the history modules: time windows, bounded counters and statistics. */
import type {Stats} from '../snapshot/history-types.js'
import {UserError} from '../lib/errors.js'

export interface Window {
  /** Epoch milliseconds. */
  start: number
  end: number
}

/**
 * The longest window: CloudTrail's event history keeps 90 days. CloudWatch keeps ALB metrics longer, at coarser
 * periods with age (1 min for 15 days, 5 min for 63, 1 h for 455); `chooseBucketSeconds` picks the period to match.
 */
export const MAX_SINCE_MS = 90 * 86_400_000

/** Parses a `--since`-style duration: `90m`, `3h`, `2d`, `45s`, or a bare number of minutes. */
export function parseDuration(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)?\s*$/i.exec(text)
  if (!m) return undefined
  const n = Number(m[1])
  const unit = (m[2] ?? 'm').toLowerCase()
  const ms = n * {s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000}[unit as 's' | 'm' | 'h' | 'd']
  return ms > 0 ? ms : undefined
}

export function windowEndingAt(endMs: number, durationMs: number): Window {
  return {start: endMs - durationMs, end: endMs}
}

export function isoWindow(w: Window): {start: string; end: string} {
  return {start: new Date(w.start).toISOString(), end: new Date(w.end).toISOString()}
}

export function parseWindow(w: {start: string; end: string}): Window {
  return {start: Date.parse(w.start), end: Date.parse(w.end)}
}

/** A counter keyed by string that keeps at most `limit` distinct keys; the rest count under `other`. */
export class BoundedCounter {
  private readonly counts = new Map<string, number>()
  constructor(private readonly limit = 50) {}

  add(key: string, n = 1): void {
    const k = this.counts.has(key) || this.counts.size < this.limit ? key : 'other'
    this.counts.set(k, (this.counts.get(k) ?? 0) + n)
  }

  /** Largest first, ties by key, as a plain record. */
  toRecord(): Record<string, number> {
    const out: Record<string, number> = {}
    for (const [k, v] of [...this.counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))) out[k] = v
    return out
  }
}

/**
 * Count, min, max, mean and percentiles of a stream of numbers. Percentiles come from a bounded reservoir
 * (a deterministic generator picks which values to keep), so memory stays flat however long the logs are.
 */
export class StatsAccumulator {
  private count = 0
  private sum = 0
  private min = Infinity
  private max = -Infinity
  private readonly reservoir: number[] = []
  private seed = 0x2545f491

  constructor(private readonly capacity = 10_000) {}

  add(v: number): void {
    this.count++
    this.sum += v
    if (v < this.min) this.min = v
    if (v > this.max) this.max = v
    if (this.reservoir.length < this.capacity) {
      this.reservoir.push(v)
      return
    }
    const j = this.next() % this.count
    if (j < this.capacity) this.reservoir[j] = v
  }

  result(): Stats {
    if (this.count === 0) return {count: 0}
    const sorted = [...this.reservoir].sort((a, b) => a - b)
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
    return {count: this.count, min: round(this.min), max: round(this.max), mean: round(this.sum / this.count), p50: round(at(0.5)), p90: round(at(0.9)), p99: round(at(0.99))}
  }

  private next(): number {
    // xorshift32: deterministic, so the same logs always give the same summary.
    let x = this.seed
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    this.seed = x >>> 0
    return this.seed
  }
}

export function round(v: number, digits = 3): number {
  const f = 10 ** digits
  return Math.round(v * f) / f
}

/** Keeps the first `limit` items pushed. */
export class BoundedList<T> {
  readonly items: T[] = []
  constructor(private readonly limit: number) {}
  push(item: T): void {
    if (this.items.length < this.limit) this.items.push(item)
  }
}

/** The interval index of a time in a window cut into buckets of `bucketMs`, or undefined outside the window. */
export function bucketIndex(t: number, w: Window, bucketMs: number): number | undefined {
  if (!(t >= w.start && t < w.end)) return undefined
  return Math.floor((t - w.start) / bucketMs)
}

export function bucketCount(w: Window, bucketMs: number): number {
  return Math.max(1, Math.ceil((w.end - w.start) / bucketMs))
}

/**
 * A bucket size for a window: whole minutes, at most `maxBuckets` buckets (a sparkline of ~60-180 columns),
 * at least a minute (CloudWatch's finest regular period for these metrics). A window reaching further back than
 * CloudWatch keeps per-minute data gets the period its age requires (GetMetricData refuses others): a multiple of
 * 5 min past 15 days, of an hour past 63 days. Windows end now, so their length is the age of their start.
 */
export function chooseBucketSeconds(w: Window, maxBuckets = 180): number {
  const seconds = Math.ceil((w.end - w.start) / 1000 / maxBuckets)
  const days = (w.end - w.start) / 86_400_000
  const unit = days > 63 ? 3600 : days > 15 ? 300 : 60
  return Math.max(60, Math.ceil(seconds / unit) * unit)
}

/** The account id and region in an ARN (`arn:aws:elasticloadbalancing:eu-west-1:123456789012:...`). */
export function arnParts(arn: string): {partition: string; service: string; region: string; account: string; resource: string} | undefined {
  const p = arn.split(':')
  if (p.length < 6 || p[0] !== 'arn') return undefined
  return {partition: p[1], service: p[2], region: p[3], account: p[4], resource: p.slice(5).join(':')}
}

/** Counts by key, largest first, as a record (the order JSON keeps). */
export function sortedCounts<K extends string>(counts: ReadonlyMap<K, number>): Partial<Record<K, number>> {
  const out: Partial<Record<K, number>> = {}
  for (const [k, v] of [...counts].sort((a, b) => b[1] - a[1])) out[k] = v
  return out
}

/**
 * What the access-log and health-check-log summarisers share: each line is counted, parsed (an unparseable one is
 * counted and a few kept as a sample, never fatal), and placed in its interval of the window (one outside it is
 * counted and dropped). `accept` gets the entries that are in the window, with their bucket.
 */
export abstract class WindowedLogSummariser<E extends {time: number}, B extends {start: string}> {
  protected lines = 0
  protected badLines = 0
  protected outsideWindow = 0
  protected readonly badSample = new BoundedList<string>(5)
  protected readonly buckets: B[]
  protected readonly maxLineChars: number
  private readonly bucketMs: number

  constructor(
    private readonly window: Window,
    protected readonly bucketSeconds: number,
    emptyBucket: (start: string) => B,
    maxLineChars = 2000,
  ) {
    this.bucketMs = bucketSeconds * 1000
    this.maxLineChars = maxLineChars
    this.buckets = Array.from({length: bucketCount(window, this.bucketMs)}, (_, k) => emptyBucket(new Date(window.start + k * this.bucketMs).toISOString()))
  }

  add(line: string): void {
    if (!line.trim()) return
    this.lines++
    const e = this.parse(line)
    if (!e) {
      this.badLines++
      this.badSample.push(line.slice(0, this.maxLineChars))
      return
    }
    const k = bucketIndex(e.time, this.window, this.bucketMs)
    if (k === undefined) {
      this.outsideWindow++
      return
    }
    this.accept(e, this.buckets[k], line)
  }

  protected abstract parse(line: string): E | undefined
  protected abstract accept(entry: E, bucket: B, line: string): void
}

/** --since as milliseconds: a duration from a minute to CloudTrail's 90 days of event history. */
export function sinceFlag(text: string): number {
  const ms = parseDuration(text)
  if (ms === undefined) throw new UserError(`--since ${text} is not a duration.`, 'Give a number and a unit: 90m, 3h or 2d (a bare number is minutes).')
  if (ms < 60_000) throw new UserError(`--since ${text} is shorter than a minute, CloudWatch's finest period.`, 'Give at least 1m.')
  if (ms > MAX_SINCE_MS) throw new UserError(`--since ${text} reaches past the 90 days CloudTrail keeps in its event history.`, 'Give at most 90d.')
  return ms
}
