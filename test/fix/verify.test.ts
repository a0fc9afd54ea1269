/**
 * Verification: DescribeTargetHealth sequences against a fake clock (no real waiting), the probe decision, and
 * the real HTTP probe against a server on 127.0.0.1 (never an ALB).
 */
import http from 'node:http'
import type {AddressInfo} from 'node:net'
import {DescribeTargetHealthCommand} from '@aws-sdk/client-elastic-load-balancing-v2'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {httpProbe} from '../../src/fix/http-probe.js'
import {probeBase} from '../../src/fix/targets.js'
import {probeLoadBalancer, waitForHealthy} from '../../src/fix/verify.js'
import {TG_ARN} from '../fixtures/world.js'
import {IDS, fakeClock, health, mocks} from './helpers.js'
import type {Mocks} from './helpers.js'

let m: Mocks
beforeEach(() => {
  m = mocks()
})
afterEach(() => m.reset())

describe('waitForHealthy', () => {
  it('polls until every fixed target is healthy, reporting progress', async () => {
    m.elbv2
      .on(DescribeTargetHealthCommand)
      .resolvesOnce({TargetHealthDescriptions: IDS.map((id) => health(id, 'unhealthy', 'Target.FailedHealthChecks'))})
      .resolvesOnce({TargetHealthDescriptions: [health(IDS[0], 'healthy'), health(IDS[1], 'initial', 'Elb.InitialHealthChecking'), health(IDS[2], 'healthy')]})
      .resolves({TargetHealthDescriptions: IDS.map((id) => health(id, 'healthy'))})
    const clock = fakeClock()
    const lines: string[] = []
    const r = await waitForHealthy(m.clients, {targetGroupArn: TG_ARN, instanceIds: IDS, timeoutMs: 300_000, intervalMs: 10_000, clock, onProgress: (l) => lines.push(l)})
    expect(r.healthy).toBe(true)
    expect(r.elapsedMs).toBe(20_000)
    expect(m.elbv2.commandCalls(DescribeTargetHealthCommand)).toHaveLength(3)
    expect(lines).toEqual([
      `0/3 healthy after 0s; waiting for ${IDS.map((id) => `${id} (unhealthy Target.FailedHealthChecks)`).join(', ')}`,
      `2/3 healthy after 10s; waiting for ${IDS[1]} (initial Elb.InitialHealthChecking)`,
    ])
  })

  it('stops after a bounded number of polls even when the clock does not move', async () => {
    m.elbv2.on(DescribeTargetHealthCommand).resolves({TargetHealthDescriptions: [health(IDS[0], 'unhealthy', 'Target.Timeout')]})
    const stuck = {now: () => 0, sleep: async () => undefined}
    const r = await waitForHealthy(m.clients, {targetGroupArn: TG_ARN, instanceIds: [IDS[0]], timeoutMs: 30_000, intervalMs: 10_000, clock: stuck})
    expect(r.healthy).toBe(false)
    expect(m.elbv2.commandCalls(DescribeTargetHealthCommand)).toHaveLength(5)
  })

  it('gives up at the bound with each target\'s last state', async () => {
    m.elbv2.on(DescribeTargetHealthCommand).resolves({TargetHealthDescriptions: [health(IDS[0], 'healthy'), health(IDS[1], 'unhealthy', 'Target.Timeout')]})
    const clock = fakeClock()
    const lines: string[] = []
    const r = await waitForHealthy(m.clients, {targetGroupArn: TG_ARN, instanceIds: [IDS[0], IDS[1], IDS[2]], timeoutMs: 25_000, intervalMs: 10_000, clock, onProgress: (l) => lines.push(l)})
    // Nothing changed between polls: one progress line, not one per poll.
    expect(lines).toEqual([`1/3 healthy after 0s; waiting for ${IDS[1]} (unhealthy Target.Timeout), ${IDS[2]} (unregistered)`])
    expect(r.healthy).toBe(false)
    expect(clock.slept).toEqual([10_000, 10_000, 5_000])
    expect(r.elapsedMs).toBe(25_000)
    expect(r.byInstance).toEqual({[IDS[0]]: {state: 'healthy'}, [IDS[1]]: {state: 'unhealthy', reason: 'Target.Timeout'}, [IDS[2]]: {state: 'unregistered'}})
  })
})

describe('probeLoadBalancer', () => {
  it('expects a 200 from the ALB', async () => {
    const urls: string[] = []
    const ok = await probeLoadBalancer({base: 'http://alb.example', path: '/health', probe: async (u) => (urls.push(u), {status: 200})})
    expect(urls).toEqual(['http://alb.example/health'])
    expect(ok).toEqual({url: 'http://alb.example/health', status: 200, ok: true})
    const bad = await probeLoadBalancer({base: 'http://alb.example', path: '/health', probe: async () => ({status: 502})})
    expect(bad).toEqual({url: 'http://alb.example/health', status: 502, ok: false})
  })

  it('skips the probe under an endpoint override, and without a forwarding listener', async () => {
    const never = async () => {
      throw new Error('must not probe')
    }
    expect(await probeLoadBalancer({base: 'http://alb.example', path: '/', probe: never, endpointOverride: 'http://127.0.0.1:5000'})).toMatchObject({ok: true, skipped: expect.stringContaining('endpoint override')})
    expect(await probeLoadBalancer({path: '/', probe: never})).toEqual({ok: true, skipped: 'the load balancer has no HTTP or HTTPS listener that forwards'})
  })

  it('probes through a forwarding HTTP listener, else HTTPS', () => {
    const fwd = [{Type: 'forward' as const}]
    const redirect = [{Type: 'redirect' as const}]
    expect(probeBase('a.example', [{Protocol: 'HTTP', Port: 80, DefaultActions: redirect}, {Protocol: 'HTTPS', Port: 443, DefaultActions: fwd}])).toBe('https://a.example')
    expect(probeBase('a.example', [{Protocol: 'HTTP', Port: 8080, DefaultActions: fwd}])).toBe('http://a.example:8080')
    expect(probeBase('a.example', [{Protocol: 'HTTP', Port: 80, DefaultActions: redirect}])).toBeUndefined()
  })
})

describe('httpProbe (against 127.0.0.1 only)', () => {
  it('returns the status code, and the error when nothing answers', async () => {
    const server = http.createServer((req, res) => {
      res.statusCode = req.url === '/health' ? 200 : 404
      res.end()
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const port = (server.address() as AddressInfo).port
    try {
      expect(await httpProbe(2000)(`http://127.0.0.1:${port}/health`)).toEqual({status: 200})
      expect(await httpProbe(2000)(`http://127.0.0.1:${port}/other`)).toEqual({status: 404})
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
    const refused = await httpProbe(2000)(`http://127.0.0.1:${port}/health`)
    expect(refused.error).toMatch(/ECONNREFUSED/)
  })
})
