#!/usr/bin/env node
// The SDK warns about Node 20 on every run; the tool supports Node 20 on purpose.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
// --version and help come from the command manifest without loading all of oclif (src/startup/fast-path.ts);
// ASG_DOCTOR_NO_FAST_PATH=1 turns that off (the tests compare both).
const root = new URL('..', import.meta.url)
let served = false
if (!process.env.ASG_DOCTOR_NO_FAST_PATH) {
  try {
    const {serveFromManifest} = await import('../dist/src/startup/fast-path.js')
    served = serveFromManifest(process.argv.slice(2), root.pathname)
  } catch {
    // Not built, or anything unexpected: oclif does it all.
  }
}
if (!served) {
  const {execute} = await import('@oclif/core')
  await execute({dir: import.meta.url})
}
