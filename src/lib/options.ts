/**
 * The AWS CLI's global options, checked before any AWS call so that a mistake is named as what it is:
 * `--endpoint-url not-a-url` is not an "internal error: Invalid URL", `--profile nosuch` is not "no region",
 * and `--region us-est-1` is not "the endpoint could not be reached".
 */
import {existsSync} from 'node:fs'
import {createRequire} from 'node:module'
import {homedir} from 'node:os'
import {dirname, join} from 'node:path'
import {nearest} from './suggest.js'
import {UserError} from './errors.js'
import {endpointOverride} from './aws.js'
import type {AwsOptions} from './aws.js'
import {raw} from './shell.js'
import type {Token} from './shell.js'

const require = createRequire(import.meta.url)

/**
 * Every region AWS has, from aws-cdk-lib's region table (already a dependency, kept current by AWS). Its package
 * exports only the heavy `region-info` index; the table itself is one small file next to it, loaded on its own.
 */
/** diagnose --ssm-timeout, in seconds: the bounds of the flag, which the early start checks too. */
export const SSM_TIMEOUT_SECONDS = {min: 5, max: 3600} as const

export function knownRegions(): readonly string[] {
  const dir = dirname(require.resolve('aws-cdk-lib/region-info'))
  return (require(join(dir, 'lib/aws-entities.js')) as {AWS_REGIONS: string[]}).AWS_REGIONS
}

/** `value` unchanged when it is a region AWS has; else a user error naming the closest one. */
export function checkRegion(value: string, source = '--region', regions: readonly string[] = knownRegions()): string {
  const region = value.trim()
  if (regions.includes(region)) return region
  const shown = region.length > 60 ? `${region.slice(0, 57)}...` : region
  if (region === '') throw new UserError(`${source} is empty.`, 'Pass a region such as --region eu-west-1.')
  const near = nearest(region.toLowerCase(), regions)
  throw new UserError(
    near ? `"${shown}" (${source}) is not an AWS region; did you mean ${near}?` : `"${shown}" (${source}) is not an AWS region.`,
    'Regions look like us-east-1 or eu-west-1; `aws ec2 describe-regions --all-regions` lists them.',
  )
}

/** An http(s) URL with a host, as the SDK needs it; anything else is a user error. */
export function checkEndpointUrl(value: string, source = '--endpoint-url'): string {
  const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value
  let url: URL | undefined
  try {
    url = new URL(value.trim())
  } catch {
    url = undefined
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
    throw new UserError(`"${shown}" (${source}) is not an http:// or https:// URL.`, 'Pass the full URL of the endpoint, such as --endpoint-url http://127.0.0.1:5000.')
  }
  return value.trim()
}

export interface ProfileFiles {
  config: string
  credentials: string
}

/** The shared config and credentials files the SDK reads (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, ~/.aws). */
export function profileFiles(env: NodeJS.ProcessEnv = process.env): ProfileFiles {
  const home = env.HOME || env.USERPROFILE || homedir()
  return {
    config: env.AWS_CONFIG_FILE || join(home, '.aws', 'config'),
    credentials: env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials'),
  }
}

/** The profile names the two files define, as the SDK reads them (`[profile x]` and `[default]` in config, `[x]` in credentials). */
export async function profileNames(files: ProfileFiles = profileFiles()): Promise<string[]> {
  const {loadSharedConfigFiles} = await import('@smithy/shared-ini-file-loader')
  const loaded = await loadSharedConfigFiles({filepath: files.credentials, configFilepath: files.config, ignoreCache: true})
  const names = new Set([...Object.keys(loaded.configFile ?? {}), ...Object.keys(loaded.credentialsFile ?? {})])
  // sso-session and services sections come back as "sso-session.name" / "services.name" keys: not profiles.
  return [...names].filter((n) => !n.includes('.')).sort()
}

/** Throws a user error naming the profiles that do exist when `profile` is not one of them. */
export async function checkProfile(profile: string, files: ProfileFiles = profileFiles()): Promise<string> {
  const names = await profileNames(files)
  if (names.includes(profile)) return profile
  const shown = profile.length > 60 ? `${profile.slice(0, 57)}...` : profile
  const where = [files.config, files.credentials].filter((f) => existsSync(f))
  if (names.length === 0) {
    throw new UserError(
      `The AWS profile "${shown}" does not exist: ${where.length > 0 ? `${where.join(' and ')} define${where.length === 1 ? 's' : ''} no profiles` : `there is no ${files.config} or ${files.credentials}`}.`,
      'Create it with `aws configure --profile NAME` (or `aws configure sso`), or drop --profile / AWS_PROFILE to use the environment\'s credentials.',
    )
  }
  const near = nearest(profile, names)
  const suggestion = near ? ` Did you mean "${near}"?` : ''
  throw new UserError(
    `The AWS profile "${shown}" does not exist; the profiles are: ${names.join(', ')}.`,
    `${suggestion ? suggestion.trim() + ' ' : ''}Profiles come from ${files.config} and ${files.credentials}.`,
  )
}

/**
 * The --region, --profile and --endpoint-url of this run, as shell words for a printed next step, so that the
 * pasted command acts on the same account, region and endpoint.
 */
export function awsFlagTokens(o: {region?: string; profile?: string; endpointUrl?: string}): Token[] {
  return [
    ...(o.region ? [raw('--region'), o.region] : []),
    ...(o.profile ? [raw('--profile'), o.profile] : []),
    ...(o.endpointUrl ? [raw('--endpoint-url'), o.endpointUrl] : []),
  ]
}

/** AWS_REGION / AWS_DEFAULT_REGION and the endpoint variables are user input too, checked as the flags are. */
export function checkAwsEnvironment(options: AwsOptions, env: NodeJS.ProcessEnv = process.env): void {
  for (const name of Object.keys(env).filter((k) => k === 'AWS_ENDPOINT_URL' || k.startsWith('AWS_ENDPOINT_URL_'))) {
    if (env[name]) checkEndpointUrl(env[name] as string, name)
  }
  if (options.region || endpointOverride(options, env)) return
  for (const name of ['AWS_REGION', 'AWS_DEFAULT_REGION']) {
    if (env[name]) {
      checkRegion(env[name] as string, name)
      return
    }
  }
}
