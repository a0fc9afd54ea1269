import {request as httpRequest} from 'node:http'
import type {IncomingMessage, ServerResponse} from 'node:http'

/** The whole body of a request, for the loopback proxies in front of moto. */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

/** Sends a request whose body was already read on to `upstream` unchanged, and its answer back as it comes. */
export function forward(upstream: URL, req: IncomingMessage, res: ServerResponse, body: Buffer): void {
  const out = httpRequest({host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers}, (up) => {
    res.writeHead(up.statusCode ?? 502, up.headers)
    up.pipe(res)
  })
  out.end(body)
}
