#!/usr/bin/env node
// The SDK warns about Node 20 on every run; the tool supports Node 20 on purpose.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
const {execute} = await import('@oclif/core')
await execute({dir: import.meta.url})
