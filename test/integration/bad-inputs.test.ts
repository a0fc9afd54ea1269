/**
 * Bad inputs tried as a new user would: each one must end in exit 2, one sentence on stderr ("Error: ..."), an
 * optional hint, nothing on stdout, and no stack trace. The real binary runs in a child process with no AWS
 * account in reach: a temporary HOME, config and credentials files of our own, and only loopback endpoints
 * (moto for the rows that need an ALB world, a closed port, a socket that never answers, a server that answers
 * HTML). Needs `npm run build`.
 */
import {execFile} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createServer as createHttpServer} from 'node:http'
import type {Server as HttpServer} from 'node:http'
import {createServer as createTcpServer} from 'node:net'
import type {Server as TcpServer, Socket} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {ROOT, BIN} from './helpers/cli.js'
import type {Moto} from './helpers/moto.js'
import {freePort, startMoto} from './helpers/moto.js'
import {seedWorld} from './helpers/seed.js'

let moto: Moto
let dir: string
let closedPort: number
let blackHole: TcpServer
const held: Socket[] = []
let htmlServer: HttpServer

const listen = (server: TcpServer | HttpServer) => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as {port: number}).port)))

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist/src/commands/diagnose.js'))) throw new Error('dist/ is missing: run `npm run build` first.')
  moto = await startMoto()
  await seedWorld(moto.endpoint)
  dir = mkdtempSync(join(tmpdir(), 'asgd-bad-inputs-'))
  writeFileSync(join(dir, 'config'), '[default]\nregion = us-east-1\n[profile ops]\nregion = eu-west-1\n')
  writeFileSync(join(dir, 'credentials'), '[ops]\naws_access_key_id = AKIDOPS\naws_secret_access_key = secret\n[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = secret\n')
  const snapshot = JSON.parse(readFileSync(join(ROOT, 'examples/nginx-missing.json'), 'utf8'))
  writeFileSync(join(dir, 'future.json'), JSON.stringify({...snapshot, version: 99}))
  writeFileSync(join(dir, 'corrupt.json'), '{"format": "asg-doctor-snapshot", "version": 1, "elbv2": {"LoadBa\u0000\u0001')
  writeFileSync(join(dir, 'empty.json'), '')
  closedPort = await freePort()
  // Accepts every connection and never answers: a black-holed endpoint, on loopback.
  blackHole = createTcpServer((socket) => held.push(socket))
  await listen(blackHole)
  // What a captive portal, a corporate proxy or the wrong port answers: an HTML page.
  htmlServer = createHttpServer((_req, res) => {
    res.writeHead(200, {'content-type': 'text/html; charset=utf-8'})
    res.end('<!DOCTYPE html><html><head><title>Sign in</title></head><body><p>Please sign in<br></p></body></html>')
  })
  await listen(htmlServer)
})

afterAll(async () => {
  await moto?.stop()
  for (const s of held) s.destroy()
  blackHole?.close()
  htmlServer?.close()
  if (dir) rmSync(dir, {recursive: true, force: true})
})

interface Run {
  code: number
  stdout: string
  stderr: string
}

/** The CLI with no AWS environment but what a row gives; credentials only where `creds` says so. */
function cli(args: string[], env: Record<string, string> = {}, creds = true): Promise<Run> {
  const base: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_') && k !== 'NO_COLOR' && k !== 'FORCE_COLOR' && !k.startsWith('ASG_DOCTOR_')) base[k] = v
  const full: NodeJS.ProcessEnv = {
    ...base,
    HOME: dir,
    AWS_CONFIG_FILE: join(dir, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...(creds ? {AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing'} : {}),
    ...env,
  }
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], {cwd: ROOT, env: full, timeout: 60_000}, (error, stdout, stderr) => {
      done({code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr})
    })
  })
}

const profiles = () => ({AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials')})
const at = (port: number) => `http://127.0.0.1:${port}`
const ALB_ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web-alb/0123456789abcdef'

interface Row {
  what: string
  args: () => string[]
  env?: () => Record<string, string>
  creds?: boolean
  /** The error sentence, exactly (a function when it names a path made at start-up) or as a pattern. */
  error: string | RegExp | (() => string)
}

const rows: Row[] = [
  {what: 'an endpoint that is not a URL', args: () => ['diagnose', 'web-alb', '--region', 'us-east-1', '--endpoint-url', 'not-a-url'], error: '"not-a-url" (--endpoint-url) is not an http:// or https:// URL.'},
  {what: 'an endpoint of another scheme', args: () => ['diagnose', 'web-alb', '--endpoint-url', 'ftp://127.0.0.1/'], error: '"ftp://127.0.0.1/" (--endpoint-url) is not an http:// or https:// URL.'},
  {what: 'AWS_ENDPOINT_URL that is not a URL', args: () => ['diagnose', 'web-alb', '--region', 'us-east-1'], env: () => ({AWS_ENDPOINT_URL: 'localhost:5000'}), error: '"localhost:5000" (AWS_ENDPOINT_URL) is not an http:// or https:// URL.'},
  {what: 'a region that is not a region', args: () => ['diagnose', 'web-alb', '--region', 'us-est-1'], error: '"us-est-1" (--region) is not an AWS region; did you mean us-east-1?'},
  {what: 'AWS_REGION that is not a region', args: () => ['diagnose', 'web-alb'], env: () => ({AWS_REGION: 'eu-wst-1'}), error: '"eu-wst-1" (AWS_REGION) is not an AWS region; did you mean eu-west-1?'},
  {what: 'a region that is nothing like one', args: () => ['diagnose', '--region', 'mars'], error: '"mars" (--region) is not an AWS region.'},
  {what: 'a profile that does not exist', args: () => ['diagnose', 'web-alb', '--profile', 'nosuch'], env: profiles, error: 'The AWS profile "nosuch" does not exist; the profiles are: default, dev, ops.'},
  {what: 'a mistyped profile, from AWS_PROFILE', args: () => ['diagnose', 'web-alb', '--region', 'us-east-1'], env: () => ({...profiles(), AWS_PROFILE: 'opz', AWS_ENDPOINT_URL: at(closedPort)}), creds: false, error: 'The AWS profile "opz" does not exist; the profiles are: default, dev, ops.'},
  {what: 'no region anywhere', args: () => ['diagnose', 'web-alb'], error: 'No AWS region is set.'},
  {what: 'no credentials anywhere', args: () => ['diagnose', 'web-alb', '--region', 'us-east-1', '--endpoint-url', at(closedPort)], creds: false, error: 'No AWS credentials were found.'},
  {what: 'an unknown ALB', args: () => ['diagnose', 'web-abl', '--region', 'us-east-1', '--endpoint-url', moto.endpoint], error: 'No load balancer named "web-abl" was found in us-east-1.'},
  {what: 'an ALB ARN of another account', args: () => ['diagnose', ALB_ARN.replace('123456789012', '999999999999'), '--endpoint-url', moto.endpoint], error: `No load balancer with ARN ${ALB_ARN.replace('123456789012', '999999999999')} was found in us-east-1.`},
  {what: 'an ALB ARN of another region than --region', args: () => ['diagnose', ALB_ARN.replace('us-east-1', 'eu-west-1'), '--region', 'us-east-1', '--endpoint-url', moto.endpoint], error: `${ALB_ARN.replace('us-east-1', 'eu-west-1')} is in region eu-west-1, but --region says us-east-1.`},
  {what: 'a malformed ARN', args: () => ['diagnose', 'arn:aws:elasticloadbalancing:us-east-1:loadbalancer/web', '--region', 'us-east-1'], error: '"arn:aws:elasticloadbalancing:us-east-1:loadbalancer/web" is not a load balancer ARN.'},
  {what: 'the ARN of a network load balancer', args: () => ['diagnose', ALB_ARN.replace('/app/', '/net/'), '--endpoint-url', moto.endpoint], error: '"web-alb" is a network load balancer; asg-doctor diagnoses application load balancers only.'},
  {what: 'a DNS name that is not an ALB', args: () => ['diagnose', 'www.example.com', '--region', 'us-east-1', '--endpoint-url', moto.endpoint], error: 'No load balancer in us-east-1 has the DNS name www.example.com.'},
  {what: 'an empty argument', args: () => ['diagnose', '', '--region', 'us-east-1', '--endpoint-url', moto.endpoint], error: 'The load balancer to diagnose is empty.'},
  {what: 'a 5,000-character argument', args: () => ['diagnose', 'a'.repeat(5000), '--region', 'us-east-1', '--endpoint-url', moto.endpoint], error: /^"a{59}… \(5002 characters\) is not a valid load balancer name, ARN or DNS name\.$/},
  {what: 'an unknown flag', args: () => ['diagnose', '--frobnicate'], error: 'Nonexistent flag: --frobnicate.'},
  {what: 'a mistyped flag', args: () => ['diagnose', 'web-alb', '--regoin', 'us-east-1'], error: 'Nonexistent flag: --regoin.'},
  {what: 'a mistyped command', args: () => ['diagnos', 'web-alb'], error: '"diagnos" is not an asg-doctor command. Did you mean "asg-doctor diagnose"?'},
  {what: 'a flag value out of range', args: () => ['diagnose', 'web-alb', '--ssm-timeout', '0'], error: '--ssm-timeout: expected an integer greater than or equal to 5 but received: 0.'},
  {what: 'an output format that does not exist', args: () => ['diagnose', 'web-alb', '--output', 'yaml'], error: 'Expected --output=yaml to be one of: text, json, markdown.'},
  {what: '--quiet with --verbose', args: () => ['diagnose', 'web-alb', '-q', '-v'], error: '--verbose=true cannot also be provided when using --quiet.'},
  {what: 'an unreachable endpoint (closed loopback port)', args: () => ['diagnose', 'web-alb', '--region', 'us-east-1', '--endpoint-url', at(closedPort)], error: () => `elasticloadbalancing:DescribeLoadBalancers failed: the endpoint at 127.0.0.1:${closedPort} refused the connection (nothing listens there).`},
  {
    what: 'a black-holed endpoint (accepts, never answers; short HTTP time limit)',
    args: () => ['diagnose', 'web-alb', '--region', 'us-east-1', '--endpoint-url', at((blackHole.address() as {port: number}).port)],
    // Short HTTP time limits (src/lib/aws.ts): the defaults would make this row take a minute.
    env: () => ({ASG_DOCTOR_SOCKET_TIMEOUT_MS: '300', ASG_DOCTOR_REQUEST_TIMEOUT_MS: '600', ASG_DOCTOR_CONNECT_TIMEOUT_MS: '300'}),
    error: 'elasticloadbalancing:DescribeLoadBalancers failed: the endpoint did not answer in time.',
  },
  {what: 'an endpoint that answers HTML, not AWS', args: () => ['diagnose', 'web-alb', '--region', 'us-east-1', '--endpoint-url', at((htmlServer.address() as {port: number}).port)], error: 'elasticloadbalancing:DescribeLoadBalancers failed: the endpoint answered with an HTML page (HTTP 200), not an AWS response.'},
  {what: 'a snapshot that does not exist', args: () => ['diagnose', '--snapshot', join(dir, 'nope.json')], error: () => `Snapshot file ${join(dir, 'nope.json')} does not exist.`},
  {what: 'a corrupt snapshot', args: () => ['diagnose', '--snapshot', join(dir, 'corrupt.json')], error: /^Snapshot file .*corrupt\.json is not valid JSON: /},
  {what: 'an empty snapshot', args: () => ['diagnose', '--snapshot', join(dir, 'empty.json')], error: /^Snapshot file .*empty\.json is not valid JSON: Unexpected end of JSON input/},
  {what: 'a snapshot of a newer format version', args: () => ['diagnose', '--snapshot', join(dir, 'future.json')], error: () => `Snapshot file ${join(dir, 'future.json')} has snapshot format version 99, newer than this asg-doctor reads (1).`},
  {what: 'a file that is not a snapshot', args: () => ['diagnose', '--snapshot', join(ROOT, 'package.json')], error: /^Snapshot file .*package\.json is not an asg-doctor snapshot/},
]

describe('bad inputs: exit 2, one sentence, no stack trace', () => {
  it('has at least 25 rows', () => {
    expect(rows.length).toBeGreaterThanOrEqual(25)
  })

  it.each(rows.map((r) => [r.what, r] as const))('%s', async (_what, row) => {
    const r = await cli(row.args(), row.env?.() ?? {}, row.creds ?? true)
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('Error: '))
    expect(errors, r.stderr).toHaveLength(1)
    const sentence = errors[0].slice('Error: '.length)
    if (row.error instanceof RegExp) expect(sentence).toMatch(row.error)
    else expect(sentence).toBe(typeof row.error === 'function' ? row.error() : row.error)
    expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/)
    expect(r.stderr).not.toMatch(/internal error|Deserialization|XML parse|Multiple credential sources/)
    expect(r.stdout).toBe('')
    expect(r.code).toBe(2)
  })

  it('answers --json with the same error as JSON on stdout', async () => {
    const r = await cli(['diagnose', 'web-alb', '--region', 'us-est-1', '--json'])
    expect(r.code).toBe(2)
    expect(JSON.parse(r.stdout)).toEqual({error: {kind: 'user', message: '"us-est-1" (--region) is not an AWS region; did you mean us-east-1?', hint: expect.any(String)}})
  })

  it('suggests the flag that was meant', async () => {
    const r = await cli(['diagnose', 'web-alb', '--regoin', 'us-east-1'])
    expect(r.stderr).toContain('Hint: Did you mean --region?')
  })
})

describe('credentials from two sources', () => {
  it('says once which were used, and keeps the SDK\'s nine-line warning off the terminal unless --verbose', async () => {
    const args = ['diagnose', 'web-alb', '--profile', 'ops', '--region', 'us-east-1', '--endpoint-url', at(closedPort)]
    const r = await cli(args, profiles())
    expect(r.stderr).not.toContain('Multiple credential sources')
    expect(r.stderr.split('\n').filter((l) => l.includes('Using the credentials of profile ops'))).toEqual(['Using the credentials of profile ops; AWS_ACCESS_KEY_ID in the environment is ignored.'])
    const verbose = await cli([...args, '--verbose'], profiles())
    expect(verbose.stderr).toMatch(/· AWS SDK warning: .*Multiple credential sources detected/)
  })
})
