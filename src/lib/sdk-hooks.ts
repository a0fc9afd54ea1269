/**
 * What the CLI adds to every SDK client it builds, kept apart from the command base class so that the code that
 * runs before oclif loads (src/startup/early-lookup.ts) builds its client exactly as a command does.
 */
import type {SdkHooks} from './aws.js'

/** The SDK's log lines when nobody asked for them (no --verbose): nowhere. */
export const SILENT_SDK_LOGGER: NonNullable<SdkHooks['logger']> = {debug: () => {}, info: () => {}, warn: () => {}, error: () => {}}

/**
 * An answer that is not AWS's (an HTML page from a proxy, a captive portal or an emulator without the API) fails
 * the call with one clear error, instead of an XML parser's complaint, or worse, an empty result parsed from the
 * page. moto labels its real answers text/html too, so the body is what tells.
 */
export function addNotAwsGuard(client: Parameters<NonNullable<SdkHooks['onClient']>>[0]): void {
  type Next = (args: unknown) => Promise<{response: {statusCode?: number; headers?: Record<string, string>; body?: unknown}}>
  const guard = (next: Next) => async (args: unknown) => {
    const out = await next(args)
    const res = out.response
    const type = res?.headers?.['content-type'] ?? ''
    if (!/text\/html/i.test(type) || !res.body || typeof (res.body as AsyncIterable<unknown>)[Symbol.asyncIterator] !== 'function') return out
    const chunks: Buffer[] = []
    for await (const chunk of res.body as AsyncIterable<Buffer | string>) chunks.push(Buffer.from(chunk))
    const body = Buffer.concat(chunks)
    if (/^\s*<(!doctype\s+html|html[\s>])/i.test(body.subarray(0, 512).toString('utf8'))) {
      throw Object.assign(new Error(`an HTML page (HTTP ${res.statusCode ?? '?'})`), {name: 'NotAnAwsResponse', $response: {statusCode: res.statusCode, headers: res.headers}})
    }
    const {Readable} = await import('node:stream')
    res.body = Readable.from([body])
    return out
  }
  ;(client.middlewareStack.add as unknown as (m: unknown, o: unknown) => void)(guard, {step: 'deserialize', priority: 'low', name: 'asgDoctorNotAwsGuard'})
}
