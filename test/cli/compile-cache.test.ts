/**
 * The V8 code cache of bin/run.js (src/startup/compile-cache.ts), in child processes as the CLI uses it: the first
 * run writes the cache, the next runs load from it (the files are not rewritten), a corrupt file is replaced, and
 * the modules work the same either way.
 */
import {spawnSync} from 'node:child_process'
import {mkdtempSync, readdirSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {ROOT} from './run.js'

const SCRIPT = `
const {enableCompileCache} = await import(${JSON.stringify(join(ROOT, 'dist/src/startup/compile-cache.js'))})
enableCompileCache()
const {createRequire} = await import('node:module')
const require = createRequire(${JSON.stringify(join(ROOT, 'package.json'))})
const sts = require('@aws-sdk/client-sts')
console.log(typeof sts.STSClient, typeof sts.GetCallerIdentityCommand)
`

function load(cacheHome: string, extra: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', SCRIPT], {
    cwd: ROOT,
    encoding: 'utf8',
    env: {PATH: process.env.PATH, HOME: cacheHome, XDG_CACHE_HOME: cacheHome, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...extra},
  })
  expect(r.stderr).toBe('')
  return r.stdout.trim()
}

const cached = (home: string) => {
  const dir = join(home, 'asg-doctor', `v8-${process.version}-${process.arch}`)
  try {
    return readdirSync(dir).map((f) => ({path: join(dir, f), mtime: statSync(join(dir, f)).mtimeMs, size: statSync(join(dir, f)).size}))
  } catch {
    return []
  }
}

describe('compile cache', () => {
  it('writes the cache once, then loads from it; a corrupt file is replaced', () => {
    const home = mkdtempSync(join(tmpdir(), 'asgd-cc-'))
    expect(load(home)).toBe('function function')
    const first = cached(home)
    expect(first.length).toBeGreaterThan(0)

    expect(load(home)).toBe('function function')
    expect(cached(home)).toEqual(first)

    writeFileSync(first[0].path, 'not a V8 code cache')
    expect(load(home)).toBe('function function')
    const repaired = cached(home).find((f) => f.path === first[0].path)
    expect(repaired?.size).toBeGreaterThan(100)
  })

  it('is off with ASG_DOCTOR_NO_COMPILE_CACHE', () => {
    const home = mkdtempSync(join(tmpdir(), 'asgd-cc-'))
    expect(load(home, {ASG_DOCTOR_NO_COMPILE_CACHE: '1'})).toBe('function function')
    expect(cached(home)).toEqual([])
  })
})
