/**
 * A loopback proxy that injects the faults of a bad day at AWS in front of another endpoint (moto, or the gap
 * proxy in front of it): throttling, HTTP 500s, dropped connections and latency, at a given rate; a whole service
 * down (every connection to it dropped) or black-holed (its requests never answered); and, separately, a black
 * hole for the whole endpoint (a port that accepts connections and never answers).
 *
 * Repeatable: whether a request gets a fault, and which, is a hash of the seed, the request (service, operation,
 * body) and how many times the same request came before, not of the order in which concurrent requests arrive.
 * So the same seed gives the same faults to the same requests on every run, and a retried request draws again
 * (requests whose body carries a time, such as SendCommand's TimeoutSeconds, may draw differently).
 *
 * Faults are injected before the request reaches the upstream, so a failed SendCommand never ran: a retry by the
 * SDK does not send a command twice. A latency fault delays the request, then forwards it. Responses are written
 * with TCP_NODELAY (headers and body in two writes would otherwise wait out the client's delayed ACK).
 */
import {createHash, randomUUID} from 'node:crypto'
import {createServer, request as httpRequest} from 'node:http'
import type {IncomingHttpHeaders, Server, ServerResponse} from 'node:http'
import {createServer as createNetServer} from 'node:net'
import type {Socket} from 'node:net'
import {readBody} from './http.js'

export type Fault = 'throttle' | 'http500' | 'drop' | 'latency'
const FAULTS: Fault[] = ['throttle', 'http500', 'drop', 'latency']

export interface FaultOptions {
  seed: number
  /** Share of requests that get a fault, 0..1. */
  rate: number
  /** Services (as in the SigV4 credential scope: ec2, iam, ssm, ...) whose every connection is dropped. */
  down?: string[]
  /** Services whose requests are read and never answered (a black-holed endpoint). */
  blackholed?: string[]
  /** Extra delay of a latency fault, milliseconds (default 150). */
  latencyMs?: number
}

export interface FaultProxy {
  endpoint: string
  /** Faults injected, by `service:Operation fault`. */
  injected: Record<string, number>
  /** Requests forwarded to the upstream, by `service:Operation`. */
  forwarded: Record<string, number>
  configure(options: FaultOptions): void
  stop(): Promise<void>
}

function operationOf(headers: IncomingHttpHeaders, body: string): {service: string; op: string} {
  const service = /Credential=[^/]+\/\d+\/[^/]+\/([^/]+)\//.exec(String(headers.authorization ?? ''))?.[1] ?? 'unknown'
  const target = headers['x-amz-target']
  if (typeof target === 'string') return {service, op: target.slice(target.lastIndexOf('.') + 1)}
  return {service, op: new URLSearchParams(body).get('Action') ?? 'unknown'}
}

/** A number in [0, 1) from a hash of the parts. */
function draw(...parts: (string | number)[]): number {
  const h = createHash('sha256').update(parts.join('\u0000')).digest()
  return h.readUInt32BE(0) / 2 ** 32
}

/** A throttling answer in the service's own protocol (JSON for SSM, EC2's XML, the other query services' XML). */
function throttle(res: ServerResponse, service: string): void {
  if (service === 'ssm') return answer(res, 400, 'application/x-amz-json-1.1', JSON.stringify({__type: 'ThrottlingException', message: 'Rate exceeded'}))
  if (service === 'ec2') {
    return answer(res, 503, 'text/xml', `<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>${randomUUID()}</RequestID></Response>`)
  }
  answer(res, 400, 'text/xml', `<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`)
}

function internalError(res: ServerResponse, service: string): void {
  if (service === 'ssm') return answer(res, 500, 'application/x-amz-json-1.1', JSON.stringify({__type: 'InternalServerError', message: 'An internal error occurred'}))
  answer(res, 500, 'text/xml', `<ErrorResponse><Error><Type>Receiver</Type><Code>InternalFailure</Code><Message>An internal error occurred</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`)
}

function answer(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, {'content-type': contentType, 'content-length': Buffer.byteLength(body), 'x-amzn-requestid': randomUUID()})
  res.end(body)
}

const listen = (server: Server | ReturnType<typeof createNetServer>) =>
  new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as {port: number}).port)))

export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const target = new URL(upstream)
  let options: FaultOptions = {seed: 1, rate: 0}
  const seen = new Map<string, number>()
  const injected: Record<string, number> = {}
  const forwarded: Record<string, number> = {}
  const count = (map: Record<string, number>, key: string) => (map[key] = (map[key] ?? 0) + 1)

  const server = createServer(async (req, res) => {
    req.socket.setNoDelay(true)
    const body = await readBody(req)
    const {service, op} = operationOf(req.headers, body.toString('utf8'))
    const name = `${service}:${op}`
    if (options.down?.includes(service)) {
      count(injected, `${name} down`)
      req.socket.destroy()
      return
    }
    if (options.blackholed?.includes(service)) {
      count(injected, `${name} blackholed`)
      return
    }
    const identity = `${name}\u0000${createHash('sha256').update(body).digest('hex')}`
    const n = (seen.get(identity) ?? 0) + 1
    seen.set(identity, n)
    const fault = draw(options.seed, identity, n, 'rate') < options.rate ? FAULTS[Math.floor(draw(options.seed, identity, n, 'kind') * FAULTS.length)] : undefined
    if (fault) count(injected, `${name} ${fault}`)
    if (fault === 'drop') return void req.socket.destroy()
    if (fault === 'throttle') return throttle(res, service)
    if (fault === 'http500') return internalError(res, service)
    if (fault === 'latency') await new Promise((r) => setTimeout(r, options.latencyMs ?? 150))
    count(forwarded, name)
    const out = httpRequest({host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers}, async (up) => {
      const upBody = await readBody(up)
      const headers = {...up.headers, 'content-length': String(upBody.length)}
      delete headers['transfer-encoding']
      res.writeHead(up.statusCode ?? 502, headers)
      res.end(upBody)
    })
    out.on('error', () => req.socket.destroy())
    out.end(body)
  })
  const port = await listen(server)
  return {
    endpoint: `http://127.0.0.1:${port}`,
    injected,
    forwarded,
    configure(o) {
      options = o
      seen.clear()
      for (const k of Object.keys(injected)) delete injected[k]
      for (const k of Object.keys(forwarded)) delete forwarded[k]
    },
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** A port that accepts connections, reads what it is sent, and never answers. */
export async function startBlackHole(): Promise<{endpoint: string; connections: () => number; stop(): Promise<void>}> {
  const sockets = new Set<Socket>()
  let connections = 0
  const server = createNetServer((socket) => {
    connections++
    sockets.add(socket)
    socket.on('data', () => undefined)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => undefined)
  })
  const port = await listen(server)
  return {
    endpoint: `http://127.0.0.1:${port}`,
    connections: () => connections,
    stop: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}
