import {describe, expect, it} from 'vitest'
import {getHeapStatistics} from 'node:v8'
import {releaseMemory} from '../../src/lib/memory.js'

describe('releaseMemory', () => {
  it('leaves a small heap alone', () => {
    expect(releaseMemory(getHeapStatistics().used_heap_size + 2 ** 30)).toBe(false)
  })

  it('collects a heap above the threshold: garbage that was reachable a moment ago is gone', () => {
    let garbage: number[][] | undefined = Array.from({length: 200}, () => Array.from({length: 10_000}, (_, i) => i))
    const withGarbage = getHeapStatistics().used_heap_size
    expect(garbage.length).toBe(200)
    garbage = undefined
    expect(releaseMemory(0)).toBe(true)
    expect(getHeapStatistics().used_heap_size).toBeLessThan(withGarbage - 10 * 2 ** 20)
  })
})
