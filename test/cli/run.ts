/**
 * Runs the built CLI (bin/run.js → dist/) as a user would, with an environment that holds no AWS account:
 * no credentials, no profile, no metadata service, so nothing can leave the machine.
 */
import {spawnSync} from 'node:child_process'
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

export const ROOT = resolve(import.meta.dirname, '../..')
const home = mkdtempSync(join(tmpdir(), 'asgd-home-'))

export interface RunResult {
  code: number
  stdout: string
  stderr: string
}

export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_') && k !== 'NO_COLOR' && k !== 'FORCE_COLOR') env[k] = v
  return {
    ...env,
    HOME: home,
    AWS_CONFIG_FILE: join(home, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  }
}

export function run(args: string[], env: Record<string, string> = {}): RunResult {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/run.js'), ...args], {cwd: ROOT, env: cleanEnv(env), encoding: 'utf8', timeout: 60_000})
  return {code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr}
}
