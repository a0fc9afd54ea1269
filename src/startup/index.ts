/** What bin/run.js does before oclif: serve --version and help, or make the SDK's loading cheaper. */
export {serveFromManifest} from './fast-path.js'
export {enableCompileCache} from './compile-cache.js'
