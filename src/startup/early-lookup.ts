/**
 * The AWS reads of `diagnose ALB`, started before oclif loads. Loading oclif and the command takes ~0.1 s of CPU
 * that nothing waits on but the command, while the lookup of the load balancer and the collection that follows it
 * (src/diagnose/live.ts) wait on nothing but the command line: started first, their requests travel while oclif
 * loads. bin/run.js calls `startEarlyLookup` when the first argument is `diagnose`; the command then takes the
 * clients and the collection over.
 *
 * The command line is read from the command's manifest entry (flag names, aliases, short forms, which flags take a
 * value), not by oclif's parser: anything it does not recognise (another command, two arguments, an unknown or
 * repeated flag, combined short flags, `--`, a value the command would reject, --snapshot, --verbose) starts
 * nothing. Nothing here decides anything:
 * the command parses its flags as always, and takes over the early work only when its own region, profile,
 * endpoint, ALB and version are the ones it was started with (`claimEarlyClients`, `takeEarlyCollection`); else
 * the early reads are dropped when the command ends (`abandonEarlyLookup`): the collection is not started if the
 * lookup has not answered yet, and was read-only calls for nothing if it has. The clients are built as the command
 * builds its own (src/lib/sdk-hooks.ts), through AwsClients, with the same timeouts and credential chain.
 * ASG_DOCTOR_NO_EARLY_LOOKUP=1 turns it off.
 */
import {AwsClients, endpointOverride, requestsOnWire} from '../lib/aws.js'
import type {AwsOptions} from '../lib/aws.js'
import {SSM_TIMEOUT_SECONDS, checkAwsEnvironment, checkEndpointUrl, checkRegion} from '../lib/options.js'
import {sinceFlag} from '../history/common.js'
import {addNotAwsGuard, SILENT_SDK_LOGGER} from '../lib/sdk-hooks.js'
import {classifyInput} from '../collect/resolve.js'
import type {LiveCollection} from '../diagnose/live.js'
import {loadPlugin} from './fast-path.js'

/** A flag as the oclif manifest describes it. */
export interface ManifestFlag {
  type: 'boolean' | 'option'
  char?: string
  aliases?: string[]
  allowNo?: boolean
  multiple?: boolean
  /** The values an option flag accepts, when it lists them. */
  options?: string[]
}

/** The command line of a live diagnosis of one load balancer: its argument and the flags given. */
export interface EarlyArgs {
  alb: string
  flags: Record<string, string | boolean>
}

/** Flags after which the command makes no live lookup, or makes it differently (--verbose traces every call). */
const NOT_EARLY = ['snapshot', 'verbose']

/**
 * The command's checks of flag values that the manifest does not carry (it lists an option's choices, not an
 * integer's bounds or a duration's form): a command line the command rejects sends nothing.
 */
const VALUE_CHECKS: Record<string, (value: string) => boolean> = {
  since(value) {
    try {
      sinceFlag(value)
      return true
    } catch {
      return false
    }
  },
  'ssm-timeout': (value) => /^-?\d+$/.test(value) && Number(value) >= SSM_TIMEOUT_SECONDS.min && Number(value) <= SSM_TIMEOUT_SECONDS.max,
}

/**
 * `diagnose ALB [flags]` read with the command's flag table, or undefined for anything this cannot read exactly as
 * oclif would (then nothing is sent early).
 */
export function earlyLookupArgs(argv: readonly string[], table: Record<string, ManifestFlag>): EarlyArgs | undefined {
  if (argv[0] !== 'diagnose') return undefined
  const byName = new Map<string, {name: string; flag: ManifestFlag; value: boolean}>()
  const byChar = new Map<string, {name: string; flag: ManifestFlag; value: boolean}>()
  for (const [name, flag] of Object.entries(table)) {
    if (flag.multiple) continue
    for (const n of [name, ...(flag.aliases ?? [])]) byName.set(n, {name, flag, value: true})
    if (flag.type === 'boolean' && flag.allowNo) byName.set(`no-${name}`, {name, flag, value: false})
    if (flag.char) byChar.set(flag.char, {name, flag, value: true})
  }
  const flags: Record<string, string | boolean> = {}
  const positional: string[] = []
  for (let i = 1; i < argv.length; i++) {
    const token = argv[i]
    if (!token.startsWith('-') || token === '-') {
      positional.push(token)
      continue
    }
    const long = token.startsWith('--')
    const eq = long ? token.indexOf('=') : -1
    const key = long ? token.slice(2, eq === -1 ? undefined : eq) : token.slice(1)
    const hit = long ? byName.get(key) : key.length === 1 ? byChar.get(key) : undefined
    if (!hit || hit.name in flags) return undefined
    if (hit.flag.type === 'boolean') {
      if (eq !== -1) return undefined
      flags[hit.name] = hit.value
      continue
    }
    const value = eq !== -1 ? token.slice(eq + 1) : argv[++i]
    if (value === undefined || (eq === -1 && value.startsWith('-'))) return undefined
    if (hit.flag.options && !hit.flag.options.includes(value)) return undefined
    if (VALUE_CHECKS[hit.name] && !VALUE_CHECKS[hit.name](value)) return undefined
    flags[hit.name] = value
  }
  if (positional.length !== 1 || NOT_EARLY.some((name) => name in flags)) return undefined
  return {alb: positional[0], flags}
}

/** The options the command's AwsClients will be built with, as far as the early lookup can tell. */
export function earlyOptions(args: EarlyArgs, env: NodeJS.ProcessEnv = process.env): AwsOptions | undefined {
  const input = classifyInput(args.alb)
  if (input.kind === 'arn' && input.type !== 'app') return undefined
  const text = (name: string) => (typeof args.flags[name] === 'string' ? (args.flags[name] as string) : undefined)
  const endpointUrl = text('endpoint-url') === undefined ? undefined : checkEndpointUrl(text('endpoint-url') as string)
  const flagRegion = text('region') === undefined ? undefined : endpointUrl ? text('region') : checkRegion(text('region') as string)
  // The region an ARN carries is the command's too (and a --region that contradicts it is the command's error).
  if (input.kind === 'arn' && flagRegion !== undefined && flagRegion !== input.region) return undefined
  const region = flagRegion ?? (input.kind === 'arn' ? input.region : undefined)
  const profile = text('profile') ?? env.AWS_PROFILE
  const options: AwsOptions = {
    ...(region === undefined ? {} : {region}),
    ...(profile ? {profile} : {}),
    ...(endpointUrl === undefined ? {} : {endpointUrl}),
    sdk: {logger: SILENT_SDK_LOGGER, onClient: addNotAwsGuard},
  }
  checkAwsEnvironment(options, env)
  return options
}

interface Early {
  live: LiveCollection
  abort: AbortController
  taken: boolean
  clientsClaimed: boolean
}

let early: Early | undefined

/**
 * Starts the lookup and collection of `diagnose ALB` now, if the command line is one this reads exactly, and
 * resolves once the lookup is written to its socket (loading oclif blocks the event loop: begun earlier, it would
 * hold the request back while the credentials and the connection are still being resolved); never throws.
 */
export async function startEarlyLookup(argv: readonly string[], root: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  if (early || env.ASG_DOCTOR_NO_EARLY_LOOKUP || env.DEBUG) return false
  try {
    const plugin = loadPlugin(root, true)
    const table = plugin?.manifest.commands.diagnose?.flags as Record<string, ManifestFlag> | undefined
    const args = table && earlyLookupArgs(argv, table)
    const options = args && earlyOptions(args, env)
    if (!plugin || !args || !options) return false
    const clients = new AwsClients(options)
    const region = await clients.region()
    const abort = new AbortController()
    const {startLiveCollection} = await import('../diagnose/live.js')
    const live = startLiveCollection({alb: args.alb, clients, region, toolVersion: plugin.pjson.version, endpointUrl: endpointOverride(options, env), signal: abort.signal})
    early = {live, abort, taken: false, clientsClaimed: false}
    await requestsOnWire()
    return true
  } catch {
    // No region, a bad endpoint or ALB: the command says so, in its words, after parsing.
    return false
  }
}

/** The early clients, when the command's options are the ones they were built with; once. */
export function claimEarlyClients(options: AwsOptions): AwsClients | undefined {
  if (!early || early.clientsClaimed) return undefined
  const built = early.live.options.clients.options
  const same = (['region', 'profile', 'endpointUrl'] as const).every((k) => (options[k] || undefined) === (built[k] || undefined))
  if (!same) return undefined
  early.clientsClaimed = true
  return early.live.options.clients
}

/**
 * The early lookup and collection, for the diagnosis of `alb` through the claimed clients with the same version
 * and endpoint; once.
 */
export function takeEarlyCollection(clients: AwsClients, want: {alb: string; toolVersion: string; endpointUrl?: string}): LiveCollection | undefined {
  const o = early?.live.options
  if (!early || early.taken || !o || o.clients !== clients || o.alb !== want.alb || o.toolVersion !== want.toolVersion || o.endpointUrl !== want.endpointUrl) return undefined
  early.taken = true
  return early.live
}

/**
 * After the command: early work nobody took stops at the lookup, so that it cannot hold the process open long; and
 * a next command line in the same process (tests) may start its own.
 */
export function abandonEarlyLookup(): void {
  if (early && !early.taken) early.abort.abort()
  early = undefined
}
