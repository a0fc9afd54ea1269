/**
 * The member account's read-only role, reached through the SDK's own mechanism: a shared-config profile with
 * `role_arn` and `credential_source = Environment` (the Lambda's credentials). The scan takes profiles, so the
 * assumption, its refresh and its errors are the SDK's, and the scan contract needs no credentials field.
 */
import {createHash} from 'node:crypto'
import {writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {WatchTarget} from './types.js'

export const SESSION_NAME = 'asg-doctor-watchdog'

export interface RoleProfile {
  profile: string
  /** The config file holding it; AWS_CONFIG_FILE points there while the scan runs. */
  configFile: string
}

export function roleProfileText(profile: string, target: Required<Pick<WatchTarget, 'roleArn' | 'region'>>): string {
  return [`[profile ${profile}]`, `role_arn = ${target.roleArn}`, 'credential_source = Environment', `role_session_name = ${SESSION_NAME}`, `region = ${target.region}`, ''].join('\n')
}

/**
 * Writes the profile to a file named after its content: the SDK caches config files by path, so a changed
 * profile must never reuse an old path.
 */
export function writeRoleProfile(target: WatchTarget, dir = tmpdir()): RoleProfile | undefined {
  if (!target.roleArn) return undefined
  const account = target.roleArn.split(':')[4] || 'member'
  const profile = `asg-doctor-watchdog-${account}`
  const text = roleProfileText(profile, {roleArn: target.roleArn, region: target.region})
  const configFile = join(dir, `asg-doctor-watchdog-${createHash('sha256').update(text).digest('hex').slice(0, 16)}.ini`)
  writeFileSync(configFile, text, {mode: 0o600})
  return {profile, configFile}
}

/** Runs `fn` with AWS_CONFIG_FILE pointing at the profile's file (a Lambda runs one event at a time per process). */
export async function withConfigFile<T>(file: string | undefined, fn: () => Promise<T>): Promise<T> {
  if (!file) return fn()
  const before = process.env.AWS_CONFIG_FILE
  process.env.AWS_CONFIG_FILE = file
  try {
    return await fn()
  } finally {
    if (before === undefined) delete process.env.AWS_CONFIG_FILE
    else process.env.AWS_CONFIG_FILE = before
  }
}
