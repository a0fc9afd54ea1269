/**
 * `asg-doctor scan` beside N separate diagnoses: a fleet of ALBs sharing one VPC in moto (every fifth with its Auto
 * Scaling group not attached, so the reports differ), scanned once, and diagnosed one by one as an operator would
 * without the scan (`diagnose NAME --no-ssm`, plus `--no-history` where diagnose has it). Prints calls (counted by
 * the bench proxy, each page one) and wall time, and the ratios; then the scan's wall time per --concurrency.
 * Asserts nothing: performance is measured here, never in a timed test.
 *
 *   npx tsx scripts/bench/scan.ts [--albs 20] [--runs 3]      on its own (after npm run build)
 *   npm run bench                                              last, after the diagnose figures (--skip scan leaves it out)
 */
import {createServer} from 'node:http'
import type {Server} from 'node:http'
import {pathToFileURL} from 'node:url'
import {forward, readBody} from '../../test/integration/helpers/http.js'
import {runCli} from '../../test/integration/helpers/cli.js'
import {seedFleet} from '../../test/integration/helpers/fleet.js'
import {startGapProxy} from '../../test/integration/helpers/gap-proxy.js'
import {startMoto} from '../../test/integration/helpers/moto.js'
import {startBenchProxy} from './proxy.js'
import type {BenchProxy} from './proxy.js'

process.env.AWS_EC2_METADATA_DISABLED = 'true'
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'
process.env.AWS_ACCESS_KEY_ID = 'testing'
process.env.AWS_SECRET_ACCESS_KEY = 'testing'

const REGION = 'us-east-1'
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]
const sec = (ms: number) => (ms / 1000).toFixed(2)

export interface ScanBenchResult {
  albs: number
  scan: {calls: number; wallMs: number}
  diagnoses: {calls: number; wallMs: number}
  byConcurrency: Record<number, number>
  /** Under a rate limit per service: throttled answers, wall time and the tally line, by --concurrency. */
  throttled: Record<number, {throttled: number; forwarded: number; wallMs: number; tally: string}>
}

/**
 * A loopback proxy that answers AWS's throttling error, in each protocol's shape, to any request beyond a token
 * bucket per service (`rate` a second, `burst` at once), and forwards the rest: AWS's request rate limits, roughly.
 */
async function startRateLimit(upstream: string, rate: number, burst: number): Promise<{endpoint: string; throttled: number; forwarded: number; stop(): Promise<void>}> {
  const target = new URL(upstream)
  const buckets = new Map<string, {tokens: number; at: number}>()
  const state = {throttled: 0, forwarded: 0}
  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req)
    const service = /Credential=[^/]+\/\d+\/[^/]+\/([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1] ?? 'unknown'
    const now = performance.now()
    const b = buckets.get(service) ?? {tokens: burst, at: now}
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * rate)
    b.at = now
    buckets.set(service, b)
    if (b.tokens < 1) {
      state.throttled++
      res.socket?.setNoDelay(true)
      if (service === 'ssm') {
        res.writeHead(400, {'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': 'ThrottlingException'})
        res.end(JSON.stringify({__type: 'ThrottlingException', message: 'Rate exceeded'}))
      } else if (service === 'ec2') {
        res.writeHead(503, {'content-type': 'text/xml'})
        res.end('<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>1</RequestID></Response>')
      } else {
        res.writeHead(400, {'content-type': 'text/xml'})
        res.end('<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>1</RequestId></ErrorResponse>')
      }
      return
    }
    b.tokens -= 1
    state.forwarded++
    forward(target, req, res, body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get throttled() {
      return state.throttled
    },
    get forwarded() {
      return state.forwarded
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

/** Calls and wall time of one CLI run through the counting proxy. */
async function measured(proxy: BenchProxy, args: string[]): Promise<{calls: number; ms: number}> {
  proxy.reset()
  const r = await runCli(proxy.endpoint, [...args, '--endpoint-url', proxy.endpoint, '--region', REGION])
  if (r.code !== 0 && r.code !== 1 && r.code !== 4) throw new Error(`asg-doctor ${args.join(' ')} exited ${r.code}: ${r.stderr}`)
  return {calls: proxy.stamps.length, ms: r.ms}
}

export async function benchScan(o: {albs?: number; runs?: number; log?: (line: string) => void} = {}): Promise<ScanBenchResult> {
  const albs = o.albs ?? 20
  const runs = o.runs ?? 3
  const log = o.log ?? ((line: string) => process.stderr.write(`${line}\n`))
  const moto = await startMoto()
  const gap = await startGapProxy(moto.endpoint)
  const proxy = await startBenchProxy(gap.endpoint)
  try {
    log(`\nseeding ${albs} ALBs sharing one VPC…`)
    const fleet = await seedFleet(moto.endpoint, {count: albs, prefix: 'bench', options: (i) => (i % 5 === 4 ? {emptyTargetGroup: true} : {})})
    const help = await runCli(proxy.endpoint, ['diagnose', '--help'])
    const diagnoseArgs = ['--no-ssm', '--json', ...(help.stdout.includes('--[no-]history') ? ['--no-history'] : [])]

    await measured(proxy, ['scan']) // warm-up: moto's first answers and the file cache
    const scans = []
    for (let i = 0; i < runs; i++) scans.push(await measured(proxy, ['scan']))
    const passes = []
    for (let i = 0; i < runs; i++) {
      let calls = 0
      let ms = 0
      for (const w of fleet) {
        const one = await measured(proxy, ['diagnose', w.albName, ...diagnoseArgs])
        calls += one.calls
        ms += one.ms
      }
      passes.push({calls, ms})
    }
    const byConcurrency: Record<number, number> = {}
    for (const c of [1, 2, 4, 8]) {
      const walls = []
      for (let i = 0; i < runs; i++) walls.push((await measured(proxy, ['scan', '--concurrency', String(c)])).ms)
      byConcurrency[c] = median(walls)
    }
    // Throttling: 10 requests a second per service, 10 at once. The SDK's adaptive retry (one rate limiter per client,
    // the clients shared by a region's ALBs) must bring every ALB through, whatever --concurrency.
    const throttled: ScanBenchResult['throttled'] = {}
    for (const c of [1, 4, 8]) {
      const limit = await startRateLimit(proxy.endpoint, 10, 10)
      try {
        const r = await runCli(limit.endpoint, ['scan', '--concurrency', String(c), '--endpoint-url', limit.endpoint, '--region', REGION])
        throttled[c] = {throttled: limit.throttled, forwarded: limit.forwarded, wallMs: r.ms, tally: /^\d+ ALBs?.*$/m.exec(r.stdout)?.[0] ?? `exit ${r.code}: ${r.stderr.slice(0, 200)}`}
      } finally {
        await limit.stop()
      }
    }
    const result = {
      albs,
      scan: {calls: median(scans.map((s) => s.calls)), wallMs: median(scans.map((s) => s.ms))},
      diagnoses: {calls: median(passes.map((p) => p.calls)), wallMs: median(passes.map((p) => p.ms))},
      byConcurrency,
      throttled,
    }
    log(`\n## scan beside ${albs} diagnoses (${albs} ALBs in one VPC, medians of ${runs})`)
    log(`scan: ${result.scan.calls} calls, ${sec(result.scan.wallMs)} s`)
    log(`${albs} × diagnose ${diagnoseArgs.filter((a) => a !== '--json').join(' ')}: ${result.diagnoses.calls} calls, ${sec(result.diagnoses.wallMs)} s (summed)`)
    log(`ratio: calls ${(result.scan.calls / result.diagnoses.calls).toFixed(2)}, time ${(result.scan.wallMs / result.diagnoses.wallMs).toFixed(2)}`)
    log(`scan wall by --concurrency: ${Object.entries(byConcurrency).map(([c, ms]) => `${c}: ${sec(ms)} s`).join(', ')}`)
    log(
      `under 10 requests/s per service (throttled beyond): ${Object.entries(throttled)
        .map(([c, t]) => `--concurrency ${c}: ${t.throttled} throttled of ${t.throttled + t.forwarded} requests, ${sec(t.wallMs)} s, "${t.tally}"`)
        .join('; ')}`,
    )
    return result
  } finally {
    await proxy.stop()
    await gap.stop()
    await moto.stop()
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (name: string) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : undefined)
  await benchScan({albs: arg('--albs'), runs: arg('--runs')})
}
