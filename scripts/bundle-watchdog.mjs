#!/usr/bin/env node
/**
 * The last step of `npm run build`: bundles the watchdog's Lambda into dist/watchdog/index.mjs (see
 * infra/watchdog/bundle.ts, compiled by the build's tsc step just before).
 */
import {bundleWatchdog} from '../dist/infra/watchdog/bundle.js'

const started = Date.now()
const {file, bytes} = bundleWatchdog()
process.stderr.write(`watchdog Lambda: ${file}, ${Math.round(bytes / 1024)} KiB in ${Date.now() - started} ms\n`)
