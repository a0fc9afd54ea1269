/**
 * `diagnose ALB` starts its AWS reads before oclif loads (src/startup/early-lookup.ts), and the command takes them
 * over. Against moto, through the gap proxy (test/integration/helpers/gap-proxy.ts) only to count the requests that
 * reach moto: the report and every call count are those of a run without it (ASG_DOCTOR_NO_EARLY_LOOKUP=1), with
 * one DescribeLoadBalancers (two would mean the command looked up again beside the early lookup); and a command
 * line that fails to parse after the early lookup was sent still ends with its one-sentence error.
 */
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {ROOT, json, runCli} from './helpers/cli.js'
import {startGapProxy} from './helpers/gap-proxy.js'
import type {GapProxy} from './helpers/gap-proxy.js'
import type {Moto} from './helpers/moto.js'
import {startMoto} from './helpers/moto.js'
import {seedWorld} from './helpers/seed.js'
import type {SeededWorld} from './helpers/seed.js'

let moto: Moto
let gap: GapProxy
let world: SeededWorld

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist/src/startup/early-lookup.js'))) throw new Error('dist/ is missing: run `npm run build` before the CLI integration tests.')
  moto = await startMoto()
  gap = await startGapProxy(moto.endpoint)
  world = await seedWorld(moto.endpoint)
})

afterAll(async () => {
  await gap?.stop()
  await moto?.stop()
})

/** The report without what differs from run to run (times), and the requests that reached moto, by operation. */
async function diagnose(args: string[], env: NodeJS.ProcessEnv = {}) {
  gap.reset()
  const r = await runCli(gap.endpoint, ['diagnose', ...args, '--endpoint-url', gap.endpoint, '--region', 'us-east-1', '--json', '--no-ssm', '--no-history'], env)
  const report = JSON.parse(JSON.stringify(json(r)), (key, value) => (['generatedAt', 'collectedAt', 'ms', 'durationMs'].includes(key) ? undefined : value))
  return {code: r.code, report, calls: {...gap.forwarded}}
}

describe('the early start of diagnose', () => {
  it.each([['by name'], ['by ARN']])('gives the report and the calls of a run without it, %s', async (how) => {
    const alb = how === 'by name' ? world.albName : world.albArn
    const late = await diagnose([alb], {ASG_DOCTOR_NO_EARLY_LOOKUP: '1'})
    const early = await diagnose([alb])
    expect(early.code).toBe(late.code)
    expect(early.report).toEqual(late.report)
    expect(early.calls).toEqual(late.calls)
    expect(early.calls['elasticloadbalancing:DescribeLoadBalancers']).toBe(1)
    expect(early.report.target.loadBalancerArn).toBe(world.albArn)
  })

  it('was sent before the flags were parsed: a bad flag after it still gets its one sentence and exit 2', async () => {
    gap.reset()
    const r = await runCli(gap.endpoint, ['diagnose', world.albName, '--endpoint-url', gap.endpoint, '--region', 'us-east-1', '--since', 'soon'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--since soon is not a duration.')
    expect(r.stderr).not.toMatch(/\n\s+at /)
    expect(gap.forwarded['elasticloadbalancing:DescribeLoadBalancers']).toBe(1)
  })
})
