/**
 * `--version` and help without loading all of oclif: bin/run.js calls this first. oclif's own `Help` class renders
 * the help from the command manifests (the CLI's oclif.manifest.json and those of the plugins listed in package.json),
 * so the text is the one `oclif` prints, byte for byte (test/cli/fast-path.test.ts compares them), but only the help
 * module is loaded, not the config loader, plugin discovery and parser (~2/3 of oclif's start-up). Anything this does
 * not recognise (another argument, a user theme or user plugins, WSL or Windows, a plugin that is missing, has no
 * manifest or a manifest from another version, a hook that oclif would run) returns false, and bin/run.js runs oclif
 * as usual.
 */
import {existsSync, readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {homedir, platform, release} from 'node:os'
import {join} from 'node:path'
import type * as OclifHelp from '@oclif/core/help'

const require = createRequire(import.meta.url)

interface OclifSection {
  bin?: string
  dirname?: string
  topicSeparator?: string
  helpOptions?: object
  helpClass?: unknown
  theme?: unknown
  additionalHelpFlags?: string[]
  additionalVersionFlags?: string[]
  state?: string
  plugins?: unknown
  devPlugins?: unknown
  jitPlugins?: unknown
  topics?: unknown
  hooks?: Record<string, unknown>
  flexibleTaxonomy?: boolean
}

interface PackageJson {
  name: string
  version: string
  description?: string
  dependencies?: Record<string, string>
  oclif?: OclifSection
}

interface CachedCommand {
  id: string
  hidden?: boolean
  hasDynamicHelp?: boolean
  aliases?: string[]
  hiddenAliases?: string[]
  pluginName?: string
  summary?: string
  description?: string
  [k: string]: unknown
}

interface Manifest {
  version: string
  commands: Record<string, CachedCommand>
}

/** Hook events oclif never fires on the paths served here (help, --version, `help`, `version`). */
const HOOKS_NOT_FIRED = new Set(['command_not_found', 'command_incomplete', 'jit_plugin_not_installed', 'plugins:preinstall', 'plugins:postinstall', 'plugins:postuninstall'])

/**
 * Each file read and parsed once per process: the start-up of `diagnose ALB` reads the CLI's package.json and
 * manifest here and again in src/startup/early-lookup.ts. Nothing here modifies what it returns.
 */
const parsed = new Map<string, unknown>()

function readJson<T>(path: string): T | undefined {
  if (!parsed.has(path)) {
    let value: unknown
    try {
      value = JSON.parse(readFileSync(path, 'utf8'))
    } catch {
      value = undefined
    }
    parsed.set(path, value)
  }
  return parsed.get(path) as T | undefined
}

/** What oclif would load for this plugin, when this shortcut can reproduce it exactly; undefined otherwise. */
export function loadPlugin(root: string, isRoot: boolean): {pjson: PackageJson; manifest: Manifest} | undefined {
  const pjson = readJson<PackageJson>(join(root, 'package.json'))
  const manifest = readJson<Manifest>(join(root, 'oclif.manifest.json'))
  if (!pjson || !manifest || typeof manifest.commands !== 'object' || manifest.version !== pjson.version) return undefined
  const o = pjson.oclif ?? {}
  // Topics declared by hand, plugins of plugins, dev and just-in-time plugins, and hooks that would run: oclif's
  // part. (oclif loads devPlugins for the CLI itself only, never for a plugin's own development.)
  if (o.topics || o.jitPlugins || (isRoot ? o.devPlugins : o.plugins)) return undefined
  if (Object.keys(o.hooks ?? {}).some((event) => !HOOKS_NOT_FIRED.has(event))) return undefined
  return {pjson, manifest}
}

/** Serves `--version`, `version`, help (`--help`, `-h`, `help`, with one command or none) and a bare invocation; returns false for anything else. */
export function serveFromManifest(argv: readonly string[], root: string): boolean {
  const rootPlugin = loadPlugin(root, true)
  if (!rootPlugin) return false
  const {pjson} = rootPlugin
  const o = pjson.oclif ?? {}
  // What the shortcut cannot reproduce: oclif-level customisation, and platforms whose name oclif works out itself.
  if (o.helpClass || o.theme || o.additionalVersionFlags || o.state || o.flexibleTaxonomy) return false
  // DEBUG=oclif* makes oclif log its start-up on stderr.
  if (process.env.DEBUG) return false
  if (platform() === 'win32' || (platform() === 'linux' && (/microsoft/i.test(release()) || process.env.WSL_DISTRO_NAME))) return false
  const home = process.env.HOME || homedir()
  // A user theme (oclif reads <config dir>/theme.json) changes the colours: oclif renders that.
  const configDir = process.env.ASG_DOCTOR_CONFIG_DIR || join(process.env.XDG_CONFIG_HOME || join(home, '.config'), o.dirname ?? pjson.name)
  if (existsSync(join(configDir, 'theme.json'))) return false
  // User-installed plugins (oclif reads <data dir>/package.json) add commands: oclif lists them.
  const dataDir = process.env.ASG_DOCTOR_DATA_DIR || join(process.env.XDG_DATA_HOME || join(home, '.local', 'share'), o.dirname ?? pjson.name)
  if (existsSync(join(dataDir, 'package.json'))) return false
  const userAgent = `${pjson.name}/${pjson.version} ${platform()}-${process.arch} node-${process.version}`

  if (argv.length === 1 && argv[0] === '--version') {
    process.stdout.write(`${userAgent}\n`)
    return true
  }

  const helpFlags = new Set(['--help', ...(o.additionalHelpFlags ?? [])])
  if ([...helpFlags].some((f) => !/^--?[a-z][a-z-]*$/i.test(f))) return false
  const helpArgs = argv.filter((a) => !helpFlags.has(a))
  const flagCount = argv.length - helpArgs.length
  // How the help is asked for: `asg-doctor`, one help flag with at most one command, or the `help` command.
  const viaFlag = argv.length === 0 || (flagCount === 1 && helpArgs.length <= 1)
  const viaHelpCommand = flagCount === 0 && argv[0] === 'help' && argv.length <= 2
  const viaVersionCommand = argv.length === 1 && argv[0] === 'version'
  if (!viaFlag && !viaHelpCommand && !viaVersionCommand) return false
  const subject = viaHelpCommand ? argv[1] : helpArgs[0]
  if (subject !== undefined && (subject.startsWith('-') || subject.includes(':'))) return false

  // The plugins oclif loads: those listed in package.json that are also dependencies, each with its manifest.
  const plugins = new Map<string, {pjson: PackageJson}>([[pjson.name, {pjson}]])
  const commands = new Map<string, CachedCommand>()
  const addCommands = (manifest: Manifest): boolean => {
    for (const c of Object.values(manifest.commands)) {
      // Two plugins with one command id: oclif picks by priority. Not reproduced here.
      if (commands.has(c.id)) return false
      commands.set(c.id, c)
    }
    return true
  }
  if (!addCommands(rootPlugin.manifest)) return false
  if (o.plugins !== undefined) {
    if (!Array.isArray(o.plugins)) return false
    for (const name of o.plugins as unknown[]) {
      if (typeof name !== 'string' || !pjson.dependencies?.[name]) return false
      const plugin = loadPlugin(join(root, 'node_modules', name), false)
      if (!plugin || plugin.pjson.name !== name || plugins.has(name)) return false
      plugins.set(name, plugin)
      if (!addCommands(plugin.manifest)) return false
    }
  }
  const all = [...commands.values()]
  if (all.some((c) => c.hasDynamicHelp || (c.aliases ?? []).length > 0 || (c.hiddenAliases ?? []).length > 0)) return false
  if (subject !== undefined && !commands.has(subject)) return false
  // `help` and `version` are served only when they are the plugins' commands whose output is known.
  if (viaHelpCommand && commands.get('help')?.pluginName !== '@oclif/plugin-help') return false
  if (viaVersionCommand) {
    if (commands.get('version')?.pluginName !== '@oclif/plugin-version') return false
    process.stdout.write(`${userAgent}\n`)
    return true
  }

  // Topics as oclif's Config derives them: every prefix of a visible command's id.
  const topics = new Map<string, {name: string; description?: string}>()
  for (const c of all.filter((c) => !c.hidden)) {
    const parts = c.id.split(':')
    for (; parts.length > 0; parts.pop()) {
      const name = parts.join(':')
      if (!topics.has(name)) topics.set(name, {description: c.summary || c.description, name})
    }
  }

  // The part of oclif's Config that its Help class reads, from the package.json files and the manifests.
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
    commands: all,
    commandIDs: [...commands.keys()],
    topics: [...topics.values()],
    plugins,
    findCommand: (id: string) => commands.get(id),
    findTopic: (name: string) => topics.get(name),
    findMatches: () => [],
    runHook: async () => ({successes: [], failures: []}),
  }
  const {Help} = require('@oclif/core/help') as typeof OclifHelp
  // oclif's main passes package.json's helpOptions; plugin-help's `help` command passes {all: false}.
  const help = new Help(config as unknown as ConstructorParameters<typeof Help>[0], viaHelpCommand ? {all: false} : (o.helpOptions ?? {}))
  // showHelp is async only for dynamic help, which was ruled out above; it writes synchronously.
  void help.showHelp(viaHelpCommand ? argv.slice(1) : [...argv])
  return true
}
