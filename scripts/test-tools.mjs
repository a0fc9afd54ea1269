#!/usr/bin/env node
/**
 * The two Python tools the tests need, moto_server (the AWS emulator) and cfn-lint, made available without a
 * set-up step: a tool already on PATH is used as it is; a missing one comes from a project-local virtual
 * environment, .venv-test/ (git-ignored), created once with pinned versions and reused by later runs.
 *
 *   node scripts/test-tools.mjs --exec vitest run    # what `npm test` runs
 *   node scripts/test-tools.mjs                      # only report (and set up) the tools
 */
import {spawnSync} from 'node:child_process'
import {accessSync, constants, existsSync} from 'node:fs'
import {delimiter, dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

/** Pinned to what the tests were written against (moto 5.2's behaviour and gaps are documented in the tests). */
export const PINS = ['moto[server]==5.2.1', 'cfn-lint==1.51.0']
export const TOOLS = ['moto_server', 'cfn-lint']
export const VENV = '.venv-test'

function isExecutable(file) {
  try {
    accessSync(file, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** The directory on `path` (a PATH string) holding an executable `bin`, if any. */
export function findOnPath(bin, path, exists = isExecutable) {
  return (path ?? '').split(delimiter).filter(Boolean).find((dir) => exists(join(dir, bin)))
}

/**
 * What to do: `none` (every tool is on PATH), `use-venv` (the virtual environment has the missing ones) or
 * `create-venv` (it must be made first). `bin` is the venv's bin directory to append to PATH.
 */
export function planTools({root, path, exists = isExecutable}) {
  const bin = join(root, VENV, process.platform === 'win32' ? 'Scripts' : 'bin')
  const missing = TOOLS.filter((t) => !findOnPath(t, path, exists))
  if (missing.length === 0) return {action: 'none', missing, bin}
  return {action: missing.every((t) => exists(join(bin, t))) ? 'use-venv' : 'create-venv', missing, bin}
}

/** The commands that create the virtual environment and install the pinned tools into it. */
export function venvCommands({root, python = 'python3'}) {
  const venv = join(root, VENV)
  const pip = join(venv, process.platform === 'win32' ? 'Scripts' : 'bin', 'pip')
  return [
    [python, ['-m', 'venv', venv]],
    [pip, ['install', '--disable-pip-version-check', '--quiet', ...PINS]],
  ]
}

/**
 * Sets the tools up if needed; returns the PATH the tests should run with. `run` executes one command and
 * returns its exit status (injected by the tests, which never install anything).
 */
export function ensureTools({root, env = process.env, log = (l) => process.stderr.write(l + '\n'), run = defaultRun, exists = isExecutable}) {
  const plan = planTools({root, path: env.PATH, exists})
  if (plan.action === 'none') return env.PATH
  if (plan.action === 'create-venv') {
    log(`${plan.missing.join(' and ')} ${plan.missing.length === 1 ? 'is' : 'are'} not on PATH: installing ${PINS.join(' ')} into ${VENV}/ (once; later runs reuse it).`)
    for (const [cmd, args] of venvCommands({root})) {
      const status = run(cmd, args)
      if (status !== 0) throw new Error(`Could not set up ${VENV}/: \`${[cmd, ...args].join(' ')}\` exited with ${status}. Install Python 3 with venv and pip, or install ${PINS.join(' ')} yourself.`)
    }
  }
  // Appended, not prepended: tools already on PATH keep winning.
  return [env.PATH, plan.bin].filter(Boolean).join(delimiter)
}

function defaultRun(cmd, args) {
  const r = spawnSync(cmd, args, {stdio: 'inherit'})
  return r.error ? 127 : (r.status ?? 1)
}

const self = fileURLToPath(import.meta.url)
if (process.argv[1] && resolve(process.argv[1]) === self) {
  const root = resolve(dirname(self), '..')
  let path
  try {
    path = ensureTools({root})
  } catch (error) {
    process.stderr.write(`${error.message}\n`)
    process.exit(1)
  }
  const at = process.argv.indexOf('--exec')
  if (at === -1) {
    for (const t of TOOLS) process.stdout.write(`${t}: ${findOnPath(t, path) ?? 'missing'}\n`)
  } else {
    const [cmd, ...args] = process.argv.slice(at + 1)
    const bin = existsSync(join(root, 'node_modules/.bin', cmd)) ? join(root, 'node_modules/.bin', cmd) : cmd
    const r = spawnSync(bin, args, {stdio: 'inherit', env: {...process.env, PATH: path}})
    process.exit(r.error ? 127 : (r.status ?? 1))
  }
}
