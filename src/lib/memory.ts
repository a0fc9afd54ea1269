/**
 * Peak memory of a large diagnosis. Between collecting and analysing, the heap holds what collecting left behind
 * (the SDK's parsed pages, response bodies) beside the snapshot; the analysis then allocates as much again, and V8
 * grows the heap for it rather than collect first. One full collection at that point gives the analysis the room
 * back: 231 → 224 MB of peak RSS at 3,000 instances (README, Benchmark). Below RELEASE_ABOVE_BYTES of live heap
 * (a few hundred instances; 30 instances leave ~32 MB) the pause would cost more time than the memory is worth,
 * and nothing is done.
 */
import {getHeapStatistics, setFlagsFromString} from 'node:v8'
import {runInNewContext} from 'node:vm'

export const RELEASE_ABOVE_BYTES = 64 * 2 ** 20

let gc: (() => void) | undefined

/** Runs a full garbage collection when the heap holds more than `threshold` bytes; says whether it did. */
export function releaseMemory(threshold = RELEASE_ABOVE_BYTES): boolean {
  if (getHeapStatistics().used_heap_size < threshold) return false
  if (!gc) {
    // V8 exposes gc() to contexts created after the flag is set; the flag changes nothing else.
    setFlagsFromString('--expose-gc')
    gc = runInNewContext('gc') as () => void
  }
  gc()
  return true
}
