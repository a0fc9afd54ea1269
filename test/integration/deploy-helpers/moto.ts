/**
 * A moto server of the deploy tests' own, on a free loopback port, in its own process group so that stopping it
 * takes its children too. (Kept apart from the shared helper on purpose: the two were written at the same time.)
 */
import {spawn} from 'node:child_process'
import type {ChildProcess} from 'node:child_process'
import {createServer} from 'node:net'

export interface Moto {
  endpoint: string
  stop(): Promise<void>
}

export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

export async function startMoto(): Promise<Moto> {
  const port = await freeLoopbackPort()
  const child: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {detached: true, stdio: 'ignore'})
  const endpoint = `http://127.0.0.1:${port}`
  const stop = async () => {
    if (child.exitCode !== null || child.pid === undefined) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    process.kill(-child.pid, 'SIGTERM')
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))])
    if (child.exitCode === null) process.kill(-child.pid, 'SIGKILL')
  }
  const deadline = Date.now() + 30_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with code ${child.exitCode}`)
    try {
      if ((await fetch(`${endpoint}/moto-api/data.json`)).ok) return {endpoint, stop}
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`moto_server did not answer on ${endpoint} within 30 s`)
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}
