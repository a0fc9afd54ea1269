#!/usr/bin/env node
// The SDK warns about Node 20 on every run; the tool supports Node 20 on purpose.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
// oclif checks Node against its own `engines` (>=18) with semver, 47 files loaded on every run (~15 ms): Node 20.9
// is required here (package.json), and older Node could not parse this file anyway.
process.env.OCLIF_DISABLE_ENGINE_WARNING ??= 'true'
// --version and help come from the command manifest without loading all of oclif (src/startup/fast-path.ts);
// ASG_DOCTOR_NO_FAST_PATH=1 turns that off (the tests compare both). Anything else goes through oclif, with a V8
// code cache for the dependencies' files (src/startup/compile-cache.ts); `diagnose ALB` starts its AWS reads
// before oclif loads (src/startup/early-lookup.ts).
const {fileURLToPath} = await import('node:url')
const root = fileURLToPath(new URL('..', import.meta.url))
const argv = process.argv.slice(2)
let served = false
let early
try {
  const startup = await import('../dist/cli/startup/index.js')
  served = !process.env.ASG_DOCTOR_NO_FAST_PATH && startup.serveFromManifest(argv, root)
  if (!served) startup.enableCompileCache()
  if (!served && argv[0] === 'diagnose') {
    early = await import('../dist/cli/startup/early-lookup.js')
    await early.startEarlyLookup(argv, root)
  }
} catch {
  // Not built, or anything unexpected: oclif does it all, without the shortcuts.
}
if (!served) {
  const {execute} = await import('@oclif/core')
  await execute({dir: import.meta.url})
  early?.abandonEarlyLookup()
}
