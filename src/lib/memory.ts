/**
 * Peak memory of a large diagnosis. V8 collects the old generation only when it has grown enough, and in a large
 * diagnosis that is rarely before the collection ends: each 1,000-instance DescribeInstances answer leaves ~15 MB of
 * parse garbage (its body, its XML tree) promoted there, and the analysis then allocates beside all of it. So
 * garbage is collected at the moments it is largest and nothing urgent is running: between two such answers, while
 * the next request is on the wire (src/collect/reads.ts), and between collecting and analysing (src/diagnose/). At
 * 3,000 instances peak RSS fell 231 → 224 MB with the second, and the collection's own peak ~200 → ~170 MB with the
 * first (docs/architecture.md, Performance). Below RELEASE_ABOVE_BYTES of live heap (a few hundred instances; 30
 * instances leave ~32 MB) the pause would cost more time than the memory is worth, and nothing is done.
 */
import {getHeapStatistics, setFlagsFromString} from 'node:v8'
import {runInNewContext} from 'node:vm'

export const RELEASE_ABOVE_BYTES = 64 * 2 ** 20

let gc: (() => void) | undefined

/** Runs a full garbage collection when the heap holds more than `threshold` bytes; says whether it did. */
export function releaseMemory(threshold = RELEASE_ABOVE_BYTES): boolean {
  if (getHeapStatistics().used_heap_size < threshold) return false
  gc ??= exposeGc()
  gc()
  return true
}

/**
 * V8's gc(), which a context created while --expose-gc is set receives. The flag is turned off again at once: V8
 * stamps the code caches it writes with a hash of its flags, so a cache written after the run (src/startup/
 * compile-cache.ts) with the flag still on is rejected by the next run, which compiles the SDK from scratch and
 * writes the cache again, with the flag on again whenever that run is large enough to collect.
 */
function exposeGc(): () => void {
  setFlagsFromString('--expose-gc')
  try {
    return runInNewContext('gc') as () => void
  } finally {
    setFlagsFromString('--no-expose-gc')
  }
}
