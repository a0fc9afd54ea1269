/**
 * `diagnose` on a bad day at AWS, through the built CLI: a loopback proxy (helpers/fault-proxy.ts) in front of the
 * gap proxy in front of moto injects throttling, HTTP 500s, dropped connections and latency at a seeded rate,
 * takes one service down entirely, or is replaced by a black hole that accepts connections and never answers.
 *
 * - At 20% faults the findings and every check's outcome are those of a clean run: the SDK's retries and the
 *   runner absorb them.
 * - With IAM down, the checks that read IAM say "could not check" and every other check says what it says on a
 *   clean run.
 * - Against a black hole the run ends on its own, within its HTTP timeouts, with one sentence naming the call.
 *
 * The world is the reference incident (nginx never installed). Mocked because moto 5.2 lacks them, by the gap
 * proxy (helpers/gap-proxy.ts): ssm:DescribeInstanceInformation, SendCommand, ListCommandInvocations,
 * GetCommandInvocation (the real AL2023 sample output) and the unhealthy target health.
 */
import {execFile} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {catalogue} from '../../src/rules/catalogue/index.js'
import {BIN, ROOT, json} from './helpers/cli.js'
import type {CliRun} from './helpers/cli.js'
import type {FaultProxy} from './helpers/fault-proxy.js'
import {startBlackHole, startFaultProxy} from './helpers/fault-proxy.js'
import type {GapProxy} from './helpers/gap-proxy.js'
import {startGapProxy} from './helpers/gap-proxy.js'
import type {Moto} from './helpers/moto.js'
import {motoEnv, startMoto} from './helpers/moto.js'
import type {SeededWorld} from './helpers/seed.js'
import {NO_WEB_SERVER_USER_DATA, seedWorld} from './helpers/seed.js'

let moto: Moto
let gap: GapProxy
let faults: FaultProxy
let world: SeededWorld
let clean: {findings: {ruleId: string; key: string; severity: string; resources: string[]}[]; checks: {ruleId: string; status: string}[]; status: string}

const SAMPLE_IP = '10.0.10.11'
const sample = readFileSync(join(ROOT, 'test/fixtures/on-instance/al2023-nginx-missing.txt'), 'utf8')

function runCli(endpoint: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const started = performance.now()
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args, '--endpoint-url', endpoint, '--region', 'us-east-1'], {cwd: ROOT, env: {...motoEnv(endpoint), ...env}, timeout: 120_000}, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0
      done({code, stdout, stderr, ms: Math.round(performance.now() - started)})
    })
  })
}

const diagnose = (extra: string[] = []) => runCli(faults.endpoint, ['diagnose', world.albName, '--json', '--ssm-timeout', '60', ...extra])

/** What a report says, without what changes from run to run (times, ids of commands). */
const outcome = (report: typeof clean) => ({
  status: report.status,
  findings: report.findings.map((f) => ({ruleId: f.ruleId, key: f.key, severity: f.severity, resources: f.resources})),
  checks: report.checks.map((c) => ({ruleId: c.ruleId, status: c.status})),
})

beforeAll(async () => {
  moto = await startMoto()
  gap = await startGapProxy(moto.endpoint)
  faults = await startFaultProxy(gap.endpoint)
  world = await seedWorld(moto.endpoint, {userData: NO_WEB_SERVER_USER_DATA, healthCheckPath: '/health', groupTemplateVersion: '1', ssmReady: true})
  gap.setScenario({
    online: world.privateIps,
    diagnosticOutput: (id) => sample.replaceAll(SAMPLE_IP, world.privateIps[id]),
    targetHealth: {State: 'unhealthy', Reason: 'Target.FailedHealthChecks', Description: 'Health checks failed'},
  })
  faults.configure({seed: 1, rate: 0})
  const r = await diagnose()
  clean = json(r)
  expect(r.code, r.stderr).toBe(1)
})

afterAll(async () => {
  await faults?.stop()
  await gap?.stop()
  await moto?.stop()
})

describe('diagnose through injected faults', () => {
  it('the clean run finds the incident, every check ran', () => {
    expect(clean.findings.map((f) => f.ruleId)).toContain('nginx-not-installed')
    expect(clean.checks.filter((c) => c.status === 'could-not-check')).toEqual([])
  })

  it('at 20% faults finds exactly what the clean run found, whatever the seed', async () => {
    const kinds = new Set<string>()
    let total = 0
    for (const seed of [7, 2026, 42]) {
      faults.configure({seed, rate: 0.2, latencyMs: 150})
      const r = await diagnose()
      const report = json(r)
      const injected = Object.entries(faults.injected)
      // The faults were there: otherwise this test would prove nothing.
      const n = injected.reduce((sum, [, v]) => sum + v, 0)
      expect(n, JSON.stringify(faults.injected)).toBeGreaterThanOrEqual(2)
      total += n
      for (const [k] of injected) kinds.add(k.split(' ')[1])
      expect(outcome(report), `seed ${seed}: ${JSON.stringify(faults.injected)}`).toEqual(outcome(clean))
      expect(r.code).toBe(1)
    }
    expect(kinds).toEqual(new Set(['throttle', 'http500', 'drop', 'latency']))
    expect(total).toBeGreaterThanOrEqual(10)
  })

  it('with IAM down, the checks that read IAM could not check and every other check says what it said', async () => {
    faults.configure({seed: 1, rate: 0, down: ['iam']})
    const r = await diagnose()
    const report = json(r)
    expect(Object.keys(faults.injected)).toContain('iam:GetInstanceProfile down')
    const needsIam = (ruleId: string) => (catalogue.get(ruleId)?.requires ?? []).some((a) => a.startsWith('iam:'))
    const expected = clean.checks.map((c) => ({ruleId: c.ruleId, status: needsIam(c.ruleId) ? 'could-not-check' : c.status}))
    expect(report.checks.map((c: {ruleId: string; status: string}) => ({ruleId: c.ruleId, status: c.status}))).toEqual(expected)
    expect(expected.filter((c) => c.status === 'could-not-check').length).toBeGreaterThan(0)
    const reason = report.checks.find((c: {status: string}) => c.status === 'could-not-check')?.reason
    expect(reason).toMatch(/iam:GetInstanceProfile/)
    // The findings of the checks that ran are the clean run's.
    expect(outcome(report).findings).toEqual(outcome(clean).findings.filter((f) => !needsIam(f.ruleId)))
    expect(r.code).toBe(1)
  })

  it('against an endpoint that accepts connections and never answers, ends on its own within its timeouts', async () => {
    const hole = await startBlackHole()
    try {
      // 5 attempts of at most 1 s of silence each, plus the SDK's backoff between them.
      const r = await runCli(hole.endpoint, ['diagnose', world.albName, '--json'], {ASG_DOCTOR_SOCKET_TIMEOUT_MS: '1000', ASG_DOCTOR_REQUEST_TIMEOUT_MS: '2000'})
      expect(r.code, r.stderr).toBe(2)
      expect(json(r).error.message).toMatch(/^elasticloadbalancing:DescribeLoadBalancers failed: TimeoutError/)
      expect(hole.connections()).toBeGreaterThanOrEqual(1)
      // Ended by its own bound, well before the harness's 120 s kill.
      expect(r.ms).toBeLessThan(60_000)
    } finally {
      await hole.stop()
    }
  })
})
