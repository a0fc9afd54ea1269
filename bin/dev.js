#!/usr/bin/env node
// Development entry point: recompiles the TypeScript sources, then runs the fresh build without the oclif
// manifest, so new or renamed commands and flags show up at once.
import {execFileSync} from 'node:child_process'
import {createRequire} from 'node:module'
import {fileURLToPath} from 'node:url'

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
const require = createRequire(import.meta.url)
const root = fileURLToPath(new URL('..', import.meta.url))
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {cwd: root, stdio: 'inherit'})
const {execute, settings} = await import('@oclif/core')
// The build above is the source of truth: no on-the-fly transpiling.
settings.enableAutoTranspile = false
await execute({development: true, dir: import.meta.url})
