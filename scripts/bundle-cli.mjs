#!/usr/bin/env node
/**
 * A step of `npm run build`, after tsc: bundles the CLI's own code into dist/cli/, the code bin/run.js and oclif
 * load (package.json oclif.commands and hooks point there). One file per command, hook and start-up entry, with
 * the modules they share in chunks (esbuild's code splitting keeps one instance of each module, so the state the
 * start-up leaves for the command, src/startup/early-lookup.ts, is the command's too); the dependencies stay in
 * node_modules. Why: Node 20 resolves, reads and links ES modules one by one, and a diagnosis loads ~150 of ours:
 * the rules engine alone cost ~75 ms of CPU from dist/src and ~15 ms bundled (docs/architecture.md, Start-up).
 * dist/src stays: the tests, the scripts and the watchdog's Lambda bundle use it.
 *
 * Files the code loads by a path next to itself are copied next to the output that holds that code
 * (FILES_BESIDE), found through esbuild's metafile; the build fails if one has no home.
 */
import {copyFileSync, readdirSync, rmSync} from 'node:fs'
import {createRequire} from 'node:module'
import {dirname, join, relative} from 'node:path'

const require = createRequire(import.meta.url)
const {buildSync} = require('esbuild')

const root = join(import.meta.dirname, '..')
const src = join(root, 'dist/src')
const out = join(root, 'dist/cli')

/** A module of dist/src, and the file it requires from its own directory at run time. */
const FILES_BESIDE = [{module: 'dist/src/snapshot/io.js', file: 'dist/src/snapshot/validate-snapshot.cjs'}]

const js = (dir) => readdirSync(join(src, dir)).filter((f) => f.endsWith('.js')).map((f) => join(src, dir, f))
const entryPoints = [...js('commands'), ...js('hooks'), join(src, 'startup/index.js'), join(src, 'startup/early-lookup.js')]

const started = Date.now()
rmSync(out, {recursive: true, force: true})
const result = buildSync({
  entryPoints,
  outbase: src,
  outdir: out,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  metafile: true,
  logLevel: 'warning',
})

for (const {module, file} of FILES_BESIDE) {
  const homes = Object.entries(result.metafile.outputs).filter(([, o]) => Object.keys(o.inputs).some((i) => relative(root, join(root, i)) === module))
  if (homes.length === 0) throw new Error(`bundle-cli: no output holds ${module}, which loads ${file} from beside itself`)
  for (const [output] of homes) copyFileSync(join(root, file), join(root, dirname(output), file.split('/').pop()))
}

const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0)
process.stderr.write(`CLI bundle: ${relative(root, out)}, ${Object.keys(result.metafile.outputs).length} files, ${Math.round(bytes / 1024)} KiB in ${Date.now() - started} ms\n`)
