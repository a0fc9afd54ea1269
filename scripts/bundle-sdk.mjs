#!/usr/bin/env node
/**
 * A step of `npm run build`: one trimmed CommonJS bundle per AWS SDK package into dist/sdk/<key>.cjs, exporting
 * only what src/lib/sdk-exports.ts lists (compiled by the build's tsc step just before). `loadSdk`
 * (src/lib/aws.ts) requires it instead of the package.
 *
 * Why: a client package builds the schema of every one of its operations when it loads, which no code cache
 * spares. Bundled from the package's ES build, only the schemas the listed commands reach are left.
 *
 * - Only the client package's own files go in. Every other package (@smithy/*, @aws-sdk/core, credentials,
 *   middleware...) stays a require(), so the process keeps one copy of each whether a bundle or a package loads it.
 * - Those require() calls resolve from the client package's directory, not from dist/sdk/: the bundle loads the
 *   very dependencies the package would (a version nested under the package included), wherever it is installed.
 */
import {createRequire} from 'node:module'
import {mkdirSync, readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const require = createRequire(import.meta.url)

/** The entry of one bundle: the listed exports of the package. */
export function entrySource(pkg, names) {
  return `export {${names.join(', ')}} from ${JSON.stringify(pkg)}\n`
}

/** esbuild's options for the bundle of package `pkg` exporting `names`. */
export function bundleOptions(pkg, names, outfile) {
  return {
    stdin: {contents: entrySource(pkg, names), resolveDir: dirname(fileURLToPath(import.meta.url)), sourcefile: 'sdk-entry.mjs', loader: 'js'},
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // The ES build (`module`), which esbuild can trim to what the entry reaches; the CommonJS build is one file.
    mainFields: ['module', 'main'],
    plugins: [onlyPackage(pkg)],
    // Shadows the module's require() with one resolving from the package's own entry point (see above).
    banner: {js: `var require = require("node:module").createRequire(require.resolve(${JSON.stringify(pkg)}));`},
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
  }
}

/**
 * Every import of another package is left external: only `pkg`'s own files are bundled. And its schemas are made
 * removable: a schema's traits are objects with computed keys (`{[_xN]: _BDM}`, `_xN` a string constant), which
 * esbuild must keep in case the key has side effects, and with them every schema, used or not (EC2's bundle stays
 * at 1 MB). Written as the string literals those constants hold, the keys are plain and the unused schemas go.
 */
function onlyPackage(pkg) {
  return {
    name: 'only-package',
    setup(build) {
      build.onResolve({filter: /^[^./]/}, (args) => (args.path === pkg || args.path.startsWith(`${pkg}/`) ? undefined : {path: args.path, external: true}))
      build.onLoad({filter: /[\\/]dist-es[\\/]schemas[\\/][^\\/]+\.js$/}, (args) => ({contents: literalKeys(readFileSync(args.path, 'utf8')), loader: 'js'}))
    },
  }
}

/** `[_c]:` as `"value":` for each top-level `const _c = "value";` of a schemas file. */
export function literalKeys(source) {
  const strings = new Map([...source.matchAll(/^const (_\w+) = ("[^"\\\n]*");$/gm)].map((m) => [m[1], m[2]]))
  return source.replace(/\[(_\w+)\]:/g, (key, name) => (strings.has(name) ? `${strings.get(name)}:` : key))
}

/**
 * Writes the bundles of the services `keys` (SDK_BUNDLED) into `outdir`, each exporting its list in `exports`
 * (SDK_EXPORTS) of its package in `packages` (SDK_PACKAGES); returns each file and its size.
 */
export async function bundleSdk({keys, exports, packages, outdir}) {
  // esbuild is a dev dependency: an installed asg-doctor ships dist/sdk/ ready-made and never gets here.
  const esbuild = require('esbuild')
  mkdirSync(outdir, {recursive: true})
  const out = []
  for (const key of keys) {
    const file = join(outdir, `${key}.cjs`)
    const result = await esbuild.build(bundleOptions(packages[key], exports[key], file))
    out.push({key, file, bytes: Object.values(result.metafile?.outputs ?? {}).reduce((n, o) => n + o.bytes, 0)})
  }
  return out
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..')
  const {SDK_BUNDLED, SDK_EXPORTS, SDK_PACKAGES} = await import('../dist/src/lib/sdk-exports.js')
  const started = Date.now()
  const written = await bundleSdk({keys: SDK_BUNDLED, exports: SDK_EXPORTS, packages: SDK_PACKAGES, outdir: join(root, 'dist', 'sdk')})
  const sizes = written.map((w) => `${w.key} ${Math.round(w.bytes / 1024)} KiB`).join(', ')
  process.stderr.write(`SDK bundles: dist/sdk/ (${sizes}) in ${Date.now() - started} ms\n`)
}
