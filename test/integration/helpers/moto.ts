/**
 * A moto server on a free loopback port for one test file: started in its own process group, so that teardown
 * kills moto and the Python under the pyenv shim together and never leaves it running.
 */
import {spawn} from 'node:child_process'
import type {ChildProcess} from 'node:child_process'
import {accessSync, constants} from 'node:fs'
import {createServer} from 'node:net'
import {delimiter, join, resolve} from 'node:path'

const executable = (file: string) => {
  try {
    accessSync(file, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/**
 * moto_server from PATH, else from the project's .venv-test/ (made by scripts/test-tools.mjs, which `npm test`
 * runs first); a clear error when neither has it.
 */
export function motoServerBinary(path = process.env.PATH ?? '', root = resolve(import.meta.dirname, '../../..')): string {
  if (path.split(delimiter).some((dir) => dir && executable(join(dir, 'moto_server')))) return 'moto_server'
  const venv = join(root, '.venv-test', 'bin', 'moto_server')
  if (executable(venv)) return venv
  throw new Error('moto_server is not on PATH and .venv-test/ has none: run `npm test`, or `node scripts/test-tools.mjs` once, to set it up.')
}

export interface Moto {
  port: number
  endpoint: string
  /** Empties every backend (POST /moto-api/reset). */
  reset(): Promise<void>
  stop(): Promise<void>
}

/** Env for the SDK in this process and for child processes: fake keys, us-east-1, no profile, no real endpoint. */
export function motoEnv(endpoint: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {...process.env}
  for (const k of Object.keys(env)) if (/^AWS_/.test(k)) delete env[k]
  return {
    ...env,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    // Files that do not exist: no real profile or credentials can leak in.
    AWS_CONFIG_FILE: '/nonexistent/asg-doctor-test-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/asg-doctor-test-credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    TEST_MOTO_ENDPOINT: endpoint,
  }
}

/** Points this process's SDK at fake credentials (clients built in tests read them from the environment). */
export function useMotoCredentials(): void {
  process.env.AWS_ACCESS_KEY_ID = 'testing'
  process.env.AWS_SECRET_ACCESS_KEY = 'testing'
  process.env.AWS_REGION = 'us-east-1'
  delete process.env.AWS_PROFILE
  delete process.env.AWS_SESSION_TOKEN
  process.env.AWS_CONFIG_FILE = '/nonexistent/asg-doctor-test-config'
  process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/asg-doctor-test-credentials'
  process.env.AWS_EC2_METADATA_DISABLED = 'true'
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address()
      const port = typeof address === 'object' && address ? address.port : 0
      srv.close(() => resolve(port))
    })
  })
}

async function waitUntilUp(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with code ${child.exitCode}`)
    try {
      const res = await fetch(`${endpoint}/moto-api/data.json`)
      if (res.ok) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`moto_server did not answer on ${endpoint} within ${timeoutMs} ms`)
}

export interface MotoOptions {
  timeoutMs?: number
  /**
   * Load AWS managed IAM policies (MOTO_IAM_LOAD_MANAGED_POLICIES=true), e.g. AmazonSSMManagedInstanceCore.
   * Costs ~0.6 s on the first IAM call and ~0.7 s on every reset, so only files that attach them ask for it.
   */
  iamManagedPolicies?: boolean
}

export async function startMoto(options: number | MotoOptions = {}): Promise<Moto> {
  const {timeoutMs = 30_000, iamManagedPolicies = false} = typeof options === 'number' ? {timeoutMs: options} : options
  const port = await freePort()
  const endpoint = `http://127.0.0.1:${port}`
  const child = spawn(motoServerBinary(), ['-H', '127.0.0.1', '-p', String(port)], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {...motoEnv(endpoint), ...(iamManagedPolicies ? {MOTO_IAM_LOAD_MANAGED_POLICIES: 'true'} : {})},
  })
  // If the test process dies without teardown, take moto down with it.
  const killOnExit = () => {
    try {
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
  process.once('exit', killOnExit)
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => {
    // Keep the tail only: moto logs every request.
    stderr = (stderr + d.toString()).slice(-4000)
  })
  const stop = async () => {
    if (child.exitCode !== null || child.pid === undefined) return
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    try {
      process.kill(-child.pid, 'SIGTERM')
    } catch {
      return
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-(child.pid as number), 'SIGKILL')
      } catch {
        // already gone
      }
    }, 3000)
    await exited
    clearTimeout(timer)
    process.off('exit', killOnExit)
  }
  try {
    await waitUntilUp(endpoint, child, timeoutMs)
  } catch (error) {
    await stop()
    throw new Error(`${(error as Error).message}\n${stderr}`)
  }
  return {
    port,
    endpoint,
    async reset() {
      const res = await fetch(`${endpoint}/moto-api/reset`, {method: 'POST'})
      if (!res.ok) throw new Error(`moto reset failed: HTTP ${res.status}`)
    },
    stop,
  }
}
