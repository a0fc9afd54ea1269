/**
 * A V8 code cache for the CommonJS files the CLI loads from its dependencies (the AWS SDK, oclif) and its trimmed
 * SDK bundles (dist/sdk/). Compiling them is much of what loading them costs; with V8's cached data the second and
 * later runs skip most of that work: loading the six SDK clients went from ~0.39 s to ~0.24 s of CPU on the
 * benchmark machine (README, Benchmark). Small files too: oclif's ~150 files of a few KiB each cost ~45 ms to
 * compile a run, and caching every file took ~15 ms of CPU off a 30-instance diagnosis (0.50 → 0.48 s, 8 pairs)
 * although each small file's cache is a file read. Node 22 has this built in (module.enableCompileCache), and it is
 * used when present.
 *
 * On Node 20 a hook on Module.prototype._compile compiles those files through vm.Script with
 * cached data read from, and written after the run to, the user's cache directory (XDG_CACHE_HOME or
 * ~/.cache, then asg-doctor/v8-<node>/). A cache that V8 rejects (another V8, another file) is rewritten; a cache
 * directory that cannot be written costs nothing but the saving. ASG_DOCTOR_NO_COMPILE_CACHE=1 turns it off.
 */
import {createHash} from 'node:crypto'
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import Module from 'node:module'
import {homedir} from 'node:os'
import {dirname, join} from 'node:path'
import {Script} from 'node:vm'

/** The files cached: the dependencies' and the SDK bundles' (the CLI's own code is an ES module bundle). */
const CACHED = /[\\/](node_modules|dist[\\/]sdk)[\\/]/

interface CjsModule {
  exports: unknown
  require(id: string): unknown
  _compile(content: string, filename: string, ...rest: unknown[]): unknown
}

interface ModuleStatics {
  wrap(content: string): string
  _resolveFilename(request: string, parent: unknown, isMain: boolean, options?: unknown): string
  _cache: unknown
  _extensions: unknown
  enableCompileCache?: (dir?: string) => unknown
  prototype: CjsModule
}

export function cacheDirectory(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache'), 'asg-doctor', `v8-${process.version}-${process.arch}`)
}

export function enableCompileCache(env: NodeJS.ProcessEnv = process.env): void {
  if (env.ASG_DOCTOR_NO_COMPILE_CACHE) return
  const M = Module as unknown as ModuleStatics
  const dir = cacheDirectory(env)
  if (typeof M.enableCompileCache === 'function') {
    M.enableCompileCache(dir)
    return
  }
  const original = M.prototype._compile
  const pending: {file: string; script: Script}[] = []
  M.prototype._compile = function compile(this: CjsModule, content: string, filename: string, ...rest: unknown[]): unknown {
    // None with import(), which a vm.Script compiled this way could not run.
    if (typeof content !== 'string' || !CACHED.test(filename) || content.includes('import(')) {
      return original.call(this, content, filename, ...rest)
    }
    const file = join(dir, createHash('sha256').update(`${filename}\0${content.length}\0${createHash('sha256').update(content).digest('hex')}`).digest('hex'))
    let cachedData: Buffer | undefined
    try {
      cachedData = readFileSync(file)
    } catch {
      // not cached yet
    }
    const script = new Script(M.wrap(content), {filename, ...(cachedData ? {cachedData} : {})})
    if (!cachedData || script.cachedDataRejected) pending.push({file, script})
    const fn = script.runInThisContext({displayErrors: true}) as (...args: unknown[]) => unknown
    const require = Object.assign((id: string) => this.require(id), {
      resolve: (request: string, options?: unknown) => M._resolveFilename(request, this, false, options),
      cache: M._cache,
      extensions: M._extensions,
    })
    return fn.call(this.exports, this.exports, require, this, filename, dirname(filename))
  }
  // After the run, the cache holds the functions that ran too, not only the top level.
  process.once('exit', () => {
    if (pending.length === 0) return
    try {
      mkdirSync(dir, {recursive: true})
      for (const {file, script} of pending) writeFileSync(file, script.createCachedData())
    } catch {
      // A read-only home: no cache, nothing else changes.
    }
  })
}
