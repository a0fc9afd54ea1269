/**
 * The benchmark's loopback proxy, in front of the integration tests' gap proxy (which answers what moto lacks,
 * test/integration/helpers/gap-proxy.ts): it counts requests by `service:Operation`, stamps each one (arrival,
 * answer) so that the dependent rounds can be rebuilt, optionally adds a fixed latency to every request (a real
 * region's round trip), and optionally makes SSM's command invocations answer only `answerAfterMs` after their
 * SendCommand (InProgress until then), to see how soon the tool notices an answer.
 *
 * TCP_NODELAY on every socket: a response written as headers then body would otherwise sit behind Nagle and the
 * client's delayed ACK for ~40 ms on a kept-alive connection, which would slow only clients that keep connections.
 */
import {createServer, request as httpRequest} from 'node:http'
import type {IncomingHttpHeaders, IncomingMessage, ServerResponse} from 'node:http'
import {randomUUID} from 'node:crypto'
import {readBody} from '../../test/integration/helpers/http.js'

export interface Stamp {
  key: string
  /** ms since the proxy's epoch (performance.now()) */
  start: number
  end: number
}

export interface BenchProxy {
  endpoint: string
  stamps: Stamp[]
  latencyMs: number
  /** 0: SSM invocations answer as the gap proxy answers them. */
  answerAfterMs: number
  /** When each SSM command's answer became available (performance.now()), by command id. */
  answers: Map<string, number>
  /** When the tool first received a final answer to a command (performance.now()), by command id. */
  noticed: Map<string, number>
  reset(): void
  stop(): Promise<void>
}

export function operationOf(headers: IncomingHttpHeaders, body: string): string {
  const service = /Credential=[^/]+\/\d+\/[^/]+\/([^/]+)\//.exec(String(headers.authorization ?? ''))?.[1] ?? 'unknown'
  const target = headers['x-amz-target']
  if (typeof target === 'string') return `${service}:${target.slice(target.lastIndexOf('.') + 1)}`
  if (String(headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return `${service}:${new URLSearchParams(body).get('Action') ?? 'unknown'}`
  return `${service}:unknown`
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export async function startBenchProxy(upstream: string): Promise<BenchProxy> {
  const target = new URL(upstream)
  const sentAt = new Map<string, {at: number; instanceIds: string[]}>()
  const proxy = {
    stamps: [] as Stamp[],
    latencyMs: 0,
    answerAfterMs: 0,
    answers: new Map<string, number>(),
    noticed: new Map<string, number>(),
    reset() {
      proxy.stamps.length = 0
      sentAt.clear()
      proxy.answers.clear()
      proxy.noticed.clear()
    },
  }

  const forward = (req: IncomingMessage, body: Buffer) =>
    new Promise<{status: number; headers: IncomingHttpHeaders; body: Buffer}>((resolve, reject) => {
      const out = httpRequest({host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers}, (res) =>
        readBody(res).then((b) => resolve({status: res.statusCode ?? 502, headers: res.headers, body: b}), reject),
      )
      out.on('error', reject)
      out.end(body)
    })

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const start = performance.now()
    const body = await readBody(req)
    const text = body.toString('utf8')
    const key = operationOf(req.headers, text)
    if (proxy.latencyMs > 0) await sleep(proxy.latencyMs)
    let answer: {status: number; headers: IncomingHttpHeaders; body: Buffer} | undefined
    if (proxy.answerAfterMs > 0 && (key === 'ssm:ListCommandInvocations' || key === 'ssm:GetCommandInvocation')) {
      const input = JSON.parse(text || '{}') as {CommandId?: string; InstanceId?: string}
      const sent = sentAt.get(String(input.CommandId))
      if (sent) {
        const ready = sent.at + proxy.answerAfterMs
        if (!proxy.answers.has(String(input.CommandId))) proxy.answers.set(String(input.CommandId), ready)
        if (performance.now() < ready) {
          const ids = key === 'ssm:GetCommandInvocation' ? [String(input.InstanceId)] : sent.instanceIds
          const invocations = ids.map((id) => ({CommandId: input.CommandId, InstanceId: id, Status: 'InProgress', StatusDetails: 'InProgress', CommandPlugins: []}))
          const json = key === 'ssm:GetCommandInvocation' ? {...invocations[0], PluginName: 'aws:runShellScript', ResponseCode: -1, StandardOutputContent: ''} : {CommandInvocations: invocations}
          const out = JSON.stringify(json)
          answer = {status: 200, headers: {'content-type': 'application/x-amz-json-1.1', 'content-length': String(Buffer.byteLength(out)), 'x-amzn-requestid': randomUUID()}, body: Buffer.from(out)}
        } else if (!proxy.noticed.has(String(input.CommandId))) {
          proxy.noticed.set(String(input.CommandId), -1)
        }
      }
    }
    answer ??= await forward(req, body)
    if (key === 'ssm:SendCommand' && answer.status === 200) {
      const out = JSON.parse(answer.body.toString('utf8')) as {Command?: {CommandId?: string; InstanceIds?: string[]}}
      const id = out.Command?.CommandId
      if (id) sentAt.set(id, {at: performance.now(), instanceIds: out.Command?.InstanceIds ?? []})
    }
    res.writeHead(answer.status, answer.headers)
    res.end(answer.body)
    const end = performance.now()
    proxy.stamps.push({key, start, end})
    // A final answer went out: the moment the tool had it.
    for (const [id, at] of proxy.noticed) if (at === -1) proxy.noticed.set(id, end)
  }

  const server = createServer({noDelay: true}, (req, res) => {
    void handle(req, res).catch((error: Error) => {
      if (!res.headersSent) {
        res.writeHead(502, {'content-type': 'text/plain'})
        res.end(`bench proxy: ${error.message}`)
      } else res.destroy(error)
    })
  })
  server.on('connection', (socket) => socket.setNoDelay(true))
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return Object.assign(proxy, {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  })
}

/**
 * The dependent rounds of a run, rebuilt from the stamps: a request's round is one more than the highest round
 * among the requests answered before it arrived (it may have waited on them); requests that overlap share a
 * round. The result is the length of the longest chain of requests that ran one after the other.
 */
export function dependentRounds(stamps: readonly Stamp[]): number {
  const sorted = [...stamps].sort((a, b) => a.start - b.start)
  const rounds: number[] = []
  let max = 0
  for (let i = 0; i < sorted.length; i++) {
    let r = 1
    for (let j = 0; j < i; j++) if (sorted[j].end <= sorted[i].start) r = Math.max(r, rounds[j] + 1)
    rounds.push(r)
    max = Math.max(max, r)
  }
  return max
}

export function countByKey(stamps: readonly Stamp[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const s of stamps) out[s.key] = (out[s.key] ?? 0) + 1
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)))
}
