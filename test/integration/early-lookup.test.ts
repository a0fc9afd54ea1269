/**
 * `diagnose ALB` starts its AWS reads before oclif loads (src/startup/early-lookup.ts), and the command takes them
 * over. Against moto, through the gap proxy (test/integration/helpers/gap-proxy.ts) only to count the requests that
 * reach moto: the report and every call count are those of a run without it (ASG_DOCTOR_NO_EARLY_LOOKUP=1), with
 * one DescribeLoadBalancers (two would mean the command looked up again beside the early lookup); a command line
 * the command rejects sends nothing; and a command that fails after taking the early work over ends as it would.
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

  it('sends nothing for a command line the command rejects: one sentence, exit 2, no AWS call', async () => {
    for (const [flag, value, sentence] of [
      ['--since', 'soon', '--since soon is not a duration.'],
      ['--ssm-timeout', '2', '--ssm-timeout: expected an integer greater than or equal to 5'],
    ]) {
      gap.reset()
      const r = await runCli(gap.endpoint, ['diagnose', world.albName, '--endpoint-url', gap.endpoint, '--region', 'us-east-1', flag, value])
      expect(r.code).toBe(2)
      expect(r.stderr).toContain(sentence)
      expect(r.stderr).not.toMatch(/\n\s+at /)
      expect(gap.forwarded).toEqual({})
    }
  })

  it('a command that fails after taking the early work over ends as it would without it', async () => {
    const missing = join(ROOT, 'no-such-directory', 'snapshot.json')
    for (const env of [{}, {ASG_DOCTOR_NO_EARLY_LOOKUP: '1'}]) {
      gap.reset()
      const r = await runCli(gap.endpoint, ['diagnose', world.albName, '--endpoint-url', gap.endpoint, '--region', 'us-east-1', '--no-ssm', '--no-history', '--save-snapshot', missing], env)
      expect(r.code).toBe(2)
      expect(r.stderr).toContain(`Cannot write snapshot file ${missing}`)
      expect(gap.forwarded['elasticloadbalancing:DescribeLoadBalancers']).toBe(1)
    }
  })
})
