/**
 * Runs the built CLI (bin/run.js → dist/) against an endpoint on loopback (moto, or the gap proxy in front of it),
 * with the emulator's credentials and nothing else of the AWS environment.
 */
import {execFile} from 'node:child_process'
import {join, resolve} from 'node:path'
import {motoEnv} from './moto.js'

export const ROOT = resolve(import.meta.dirname, '../../..')
export const BIN = join(ROOT, 'bin/run.js')

export interface CliRun {
  code: number
  stdout: string
  stderr: string
  /** Wall time of the whole process: node start, module loading, the AWS calls. */
  ms: number
}

/** `env`: variables set beside the emulator's (the tool's own switches, such as ASG_DOCTOR_NO_EARLY_LOOKUP). */
export function runCli(endpoint: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const started = performance.now()
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], {cwd: ROOT, env: {...motoEnv(endpoint), ...env}, timeout: 60_000}, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0
      done({code, stdout, stderr, ms: Math.round(performance.now() - started)})
    })
  })
}

/** The JSON a --json run printed; a run that printed something else fails with what it printed. */
export function json(r: CliRun) {
  try {
    return JSON.parse(r.stdout)
  } catch {
    throw new Error(`stdout is not JSON (exit ${r.code}):\n${r.stdout}\nstderr:\n${r.stderr}`)
  }
}
