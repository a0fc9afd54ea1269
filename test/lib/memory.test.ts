import {describe, expect, it} from 'vitest'
import {execFileSync} from 'node:child_process'
import {mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {getHeapStatistics} from 'node:v8'
import {runInNewContext, Script} from 'node:vm'
import {releaseMemory} from '../../src/lib/memory.js'

const ROOT = resolve(import.meta.dirname, '../..')

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

  it('leaves --expose-gc off once it has the collector: contexts made later get no gc()', () => {
    expect(releaseMemory(0)).toBe(true)
    expect(runInNewContext('typeof gc')).toBe('undefined')
    expect(releaseMemory(0)).toBe(true)
  })

  it('does not spoil the code cache that a run writes after collecting: the next run accepts it', () => {
    // The first process compiles, collects, then writes the cache (as src/startup/compile-cache.ts does at exit);
    // the second, which never collects, loads it.
    const dir = mkdtempSync(join(tmpdir(), 'asgd-cache-'))
    const source = 'module.exports = (n) => Array.from({length: n}, (_, i) => i * 2)'
    const writer = [
      "import {writeFileSync} from 'node:fs'",
      "import {Script} from 'node:vm'",
      "import {releaseMemory} from './src/lib/memory.ts'",
      `const script = new Script(${JSON.stringify(source)})`,
      'releaseMemory(0)',
      `writeFileSync(${JSON.stringify(join(dir, 'cache'))}, script.createCachedData())`,
    ].join('\n')
    execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', writer], {cwd: ROOT, stdio: 'pipe'})
    const reader = `const {Script} = require('node:vm'); const s = new Script(${JSON.stringify(source)}, {cachedData: require('node:fs').readFileSync(${JSON.stringify(join(dir, 'cache'))})}); process.stdout.write(String(s.cachedDataRejected))`
    expect(execFileSync(process.execPath, ['-e', reader], {encoding: 'utf8'})).toBe('false')
    // The cache itself is sound in this process too.
    expect(new Script(source, {cachedData: readFileSync(join(dir, 'cache'))}).cachedDataRejected).toBe(false)
  })
})
