/**
 * `--version` and help without loading all of oclif: bin/run.js calls this first. oclif's own `Help` class renders
 * the help from the command manifest (oclif.manifest.json), so the text is the one `oclif` prints, byte for byte
 * (test/cli/fast-path.test.ts compares them), but only the help module is loaded, not the config loader, plugin
 * discovery and parser (~2/3 of oclif's start-up). Anything this does not recognise (another argument, a user
 * theme, WSL or Windows, a manifest that is missing or from another version) returns false, and bin/run.js runs
 * oclif as usual.
 */
import {existsSync, readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {homedir, platform, release} from 'node:os'
import {join} from 'node:path'
import type * as OclifHelp from '@oclif/core/help'

const require = createRequire(import.meta.url)

interface PackageJson {
  name: string
  version: string
  description?: string
  oclif: {bin?: string; dirname?: string; topicSeparator?: string; helpOptions?: object; helpClass?: unknown; theme?: unknown; additionalHelpFlags?: string[]; additionalVersionFlags?: string[]; state?: string; plugins?: unknown}
}

interface CachedCommand {
  id: string
  hidden?: boolean
  hasDynamicHelp?: boolean
  aliases?: string[]
  hiddenAliases?: string[]
  pluginName?: string
  [k: string]: unknown
}

/** Serves `--version`, `--help`, `<command> --help` and a bare invocation; returns false for anything else. */
export function serveFromManifest(argv: readonly string[], root: string): boolean {
  const pjson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson
  const o = pjson.oclif ?? {}
  // What the shortcut cannot reproduce: oclif-level customisation, and platforms whose name oclif works out itself.
  if (o.helpClass || o.theme || o.additionalHelpFlags || o.additionalVersionFlags || o.state || o.plugins) return false
  if (platform() === 'win32' || (platform() === 'linux' && (/microsoft/i.test(release()) || process.env.WSL_DISTRO_NAME))) return false
  // A user theme (oclif reads <config dir>/theme.json) changes the colours: oclif renders that.
  const configDir = process.env.ASG_DOCTOR_CONFIG_DIR || join(process.env.XDG_CONFIG_HOME || join(process.env.HOME || homedir(), '.config'), o.dirname ?? pjson.name)
  if (existsSync(join(configDir, 'theme.json'))) return false
  const userAgent = `${pjson.name}/${pjson.version} ${platform()}-${process.arch} node-${process.version}`

  if (argv.length === 1 && argv[0] === '--version') {
    process.stdout.write(`${userAgent}\n`)
    return true
  }

  const helpArgs = argv.filter((a) => a !== '--help')
  const isHelp = argv.length === 0 || (argv.includes('--help') && helpArgs.length <= 1 && argv.length - helpArgs.length === 1)
  if (!isHelp) return false
  let manifest: {version: string; commands: Record<string, CachedCommand>}
  try {
    manifest = JSON.parse(readFileSync(join(root, 'oclif.manifest.json'), 'utf8')) as typeof manifest
  } catch {
    return false
  }
  if (manifest.version !== pjson.version) return false
  const commands = Object.values(manifest.commands)
  if (helpArgs.length === 1 && !manifest.commands[helpArgs[0]]) return false
  if (commands.some((c) => c.hasDynamicHelp || c.id.includes(':') || (c.aliases ?? []).length > 0)) return false

  // The part of oclif's Config that its Help class reads, from package.json and the manifest.
  const config = {
    bin: o.bin ?? pjson.name,
    name: pjson.name,
    version: pjson.version,
    pjson,
    root,
    platform: platform(),
    arch: process.arch,
    shell: (process.env.SHELL ?? 'unknown').split('/').pop(),
    userAgent,
    theme: undefined,
    topicSeparator: o.topicSeparator ?? ':',
    isSingleCommandCLI: false,
    flexibleTaxonomy: false,
    commands,
    commandIDs: commands.map((c) => c.id),
    topics: [],
    plugins: new Map(),
    findCommand: (id: string) => manifest.commands[id],
    findTopic: () => undefined,
    findMatches: () => [],
    runHook: async () => ({successes: [], failures: []}),
  }
  const {Help} = require('@oclif/core/help') as typeof OclifHelp
  const help = new Help(config as unknown as ConstructorParameters<typeof Help>[0], o.helpOptions ?? {})
  // showHelp is async only for dynamic help, which was ruled out above; it writes synchronously.
  void help.showHelp(helpArgs.length === 1 ? [helpArgs[0]] : [])
  return true
}
