/**
 * The watchdog's Lambda code: one ES module bundled by esbuild from src/watchdog/lambda.ts (and everything it
 * reaches, the same code as the CLI) into dist/watchdog/index.mjs. `npm run build` makes it
 * (scripts/bundle-watchdog.mjs); synthesis makes it when it is missing, so a clean clone's tests need no build.
 *
 * The AWS SDK stays out of the bundle: the Lambda Node.js runtime provides SDK v3, and asg-doctor loads every client
 * through one require() (src/lib/aws.ts), which finds the runtime's copy through NODE_PATH. The bundle is ~320 KiB
 * with the whole scan (collection, rules, history) and no SDK. Measured before the scan was wired in: 2.4 MiB (580 KiB gzipped) with the eleven clients inlined, whose load then takes
 * ~0.5 s and ~165 MB against ~0.4 s and ~115 MB from separate packages. Pinning the SDK's version is not worth
 * that on every cold start: the watchdog uses long-standing calls only.
 */
import {existsSync, mkdirSync} from 'node:fs'
import {createRequire} from 'node:module'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const require = createRequire(import.meta.url)

/** The package's root: the nearest directory above this file with a package.json (from infra/ or dist/infra/). */
export function packageRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir)
    if (up === dir) throw new Error(`No package.json above ${from}.`)
    dir = up
  }
  return dir
}

export const BUNDLE_FILE = 'index.mjs'
/** The handler setting of the function: index.mjs, export `handler`. */
export const LAMBDA_HANDLER = 'index.handler'

export function bundleDir(root = packageRoot()): string {
  return join(root, 'dist', 'watchdog')
}

/** esbuild's options for the Lambda bundle. */
export function bundleOptions(root = packageRoot(), outdir = bundleDir(root)) {
  return {
    entryPoints: [join(root, 'src', 'watchdog', 'lambda.ts')],
    outfile: join(outdir, BUNDLE_FILE),
    bundle: true,
    platform: 'node' as const,
    target: 'node20',
    format: 'esm' as const,
    minify: true,
    legalComments: 'none' as const,
    // The runtime's SDK v3; the compiled snapshot validator exists only in dist/ (the code falls back to ajv).
    external: ['@aws-sdk/*', '@smithy/*', './validate-snapshot.cjs'],
    // An ES module has no require(); the bundled CommonJS dependencies need one.
    banner: {js: "import {createRequire as __asgDoctorRequire} from 'node:module';const require=__asgDoctorRequire(import.meta.url);"},
    // The version the reports and snapshots carry (meta.toolVersion), as the CLI's own.
    define: {__ASG_DOCTOR_VERSION__: JSON.stringify((require(join(root, 'package.json')) as {version: string}).version)},
    logLevel: 'warning' as const,
    metafile: true,
  }
}

interface EsbuildLike {
  buildSync(options: ReturnType<typeof bundleOptions>): {metafile?: {outputs: Record<string, {bytes: number}>}}
}

/** Bundles now; returns the file and its size. */
export function bundleWatchdog(root = packageRoot(), outdir = bundleDir(root)): {file: string; bytes: number} {
  // esbuild is a dev dependency: an installed asg-doctor ships dist/watchdog/ ready-made and never gets here.
  const esbuild = require('esbuild') as EsbuildLike
  mkdirSync(outdir, {recursive: true})
  const result = esbuild.buildSync(bundleOptions(root, outdir))
  return {file: join(outdir, BUNDLE_FILE), bytes: Object.values(result.metafile?.outputs ?? {}).reduce((n, o) => n + o.bytes, 0)}
}

/** The directory Code.fromAsset takes: the bundle, made first if it is missing. */
export function lambdaAssetDir(root = packageRoot()): string {
  const dir = bundleDir(root)
  if (!existsSync(join(dir, BUNDLE_FILE))) bundleWatchdog(root, dir)
  return dir
}
