/** Small pure helpers of the collect layer. */

/** Splits a list into batches of at most `size` (the per-call id limits of the AWS APIs). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/** Distinct, defined, non-empty values, in first-seen order. */
export function uniq(items: Iterable<string | undefined | null>): string[] {
  const seen = new Set<string>()
  for (const i of items) if (i) seen.add(i)
  return [...seen]
}

/** Sorts by a string key, so that snapshots of the same account diff line by line. */
export function sortBy<T>(items: readonly T[], key: (item: T) => string | number | undefined): T[] {
  return [...items].sort((a, b) => {
    const ka = key(a) ?? ''
    const kb = key(b) ?? ''
    return ka < kb ? -1 : ka > kb ? 1 : 0
  })
}

/** The same record with its keys in sorted order (JSON keeps insertion order). */
export function sortedRecord<V>(record: Record<string, V>): Record<string, V> {
  const out: Record<string, V> = {}
  for (const k of Object.keys(record).sort()) out[k] = record[k]
  return out
}

/** Keeps the first item for each key. */
export function dedupeBy<T>(items: readonly T[], key: (item: T) => string | undefined): T[] {
  const seen = new Set<string>()
  const out: T[] = []
  for (const item of items) {
    const k = key(item)
    if (k === undefined) {
      out.push(item)
      continue
    }
    if (seen.has(k)) continue
    seen.add(k)
    out.push(item)
  }
  return out
}

/**
 * Marks a promise that is started early and awaited later as handled, so that a rejection in between (only
 * credential failures reject: every other failure is recorded) is not an unhandled rejection. Awaiting the
 * returned promise still throws.
 */
export function early<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined)
  return p
}

/** At most this many pages of one list: a guard against an endpoint that never stops answering new tokens. */
export const MAX_PAGES = 500

/** Why a walk of pages stopped early, if it did. */
export type PagingStop = 'page-cap' | 'repeated-token'

/**
 * Follows a list call's pages (NextToken or Marker) one after the other and returns the responses. `page` may
 * answer undefined (a failure its caller recorded): the pages before it are kept. Stops after `maxPages`
 * pages, or when the endpoint answers the token it was just sent (it would loop forever), and says so through
 * `onStop`. The runner's paginate (src/collect/runner.ts) is the one user: every page is one counted call.
 */
export async function followPages<P>(
  page: (token: string | undefined) => Promise<P | undefined>,
  next: (response: P) => string | undefined,
  options: {maxPages?: number; onStop?: (why: PagingStop, pages: number) => void} = {},
): Promise<P[]> {
  const max = options.maxPages ?? MAX_PAGES
  const out: P[] = []
  let token: string | undefined
  for (;;) {
    const response = await page(token)
    if (response === undefined) break
    out.push(response)
    const following = next(response)
    if (!following) break
    if (following === token) {
      options.onStop?.('repeated-token', out.length)
      break
    }
    if (out.length >= max) {
      options.onStop?.('page-cap', out.length)
      break
    }
    token = following
  }
  return out
}

/** Runs `fn` over items with at most `limit` calls in flight, keeping the order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i])
    }
  }
  await Promise.all(Array.from({length: Math.min(Math.max(1, limit), items.length)}, worker))
  return out
}
