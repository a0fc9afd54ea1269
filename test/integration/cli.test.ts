/**
 * The real binary against moto: `node bin/run.js diagnose ...` in a child process with fake credentials, so
 * exit codes, stdout/stderr separation and --json are tested as a user meets them. Needs `npm run build`.
 */
import {existsSync} from 'node:fs'
import {mkdtemp, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'
import {ROOT, json, runCli} from './helpers/cli.js'
import type {Moto} from './helpers/moto.js'
import {startMoto} from './helpers/moto.js'
import {seedWorld} from './helpers/seed.js'


let moto: Moto
let tmp: string

const run = (args: string[]) => runCli(moto.endpoint, args)

/** `diagnose` with the emulator flags the brief gives, and --json. */
const diagnose = (...args: string[]) => run(['diagnose', ...args, '--endpoint-url', moto.endpoint, '--region', 'us-east-1', '--json'])

const ruleIds = (report: {findings?: {ruleId: string}[]}) => (report.findings ?? []).map((f) => f.ruleId)

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist/src/commands/diagnose.js'))) throw new Error('dist/src/commands/diagnose.js is missing: run `npm run build` before the CLI integration tests.')
  moto = await startMoto()
  tmp = await mkdtemp(join(tmpdir(), 'asg-doctor-cli-'))
})

afterAll(async () => {
  await moto?.stop()
  if (tmp) await rm(tmp, {recursive: true, force: true})
})

beforeEach(async () => {
  await moto.reset()
})

describe('asg-doctor diagnose against moto', () => {
  it('finds nothing wrong with the SSM-ready healthy world; incomplete, exit 4, only because moto lacks DescribeInstanceInformation', async () => {
    // Instance profile with the SSM agent's permissions (inline here: this moto loads no AWS managed policies),
    // SSM interface endpoints and a NAT route: no SSM configuration finding may fire.
    const world = await seedWorld(moto.endpoint, {ssmReady: true})
    expect(world.ssmPolicy).toBe('inline')
    const r = await diagnose(world.albName)
    const report = json(r)
    // Nothing wrong; moto's load balancers have their logs off, which the history checks mention (info, never a failure).
    const findings = report.findings as {ruleId: string; severity: string}[]
    expect(findings.filter((f) => f.severity !== 'info'), JSON.stringify(report.findings, null, 1)).toEqual([])
    expect(findings.map((f) => f.ruleId)).toEqual(['access-logs-off', 'health-check-logs-off'])
    expect(report.target.loadBalancerArn).toBe(world.albArn)
    // moto answers ssm:DescribeInstanceInformation with HTTP 500 (docs/architecture.md, "Testing against moto"): the agent checks cannot run,
    // and no instance is known to be SSM-online, so the on-instance script is not sent.
    const blocked = report.checks.filter((c: {status: string}) => c.status === 'could-not-check')
    expect(blocked.map((c: {ruleId: string}) => c.ruleId).sort()).toEqual(['ssm-agent-not-online', 'ssm-agent-outdated'])
    for (const c of blocked) expect(c.reason).toContain('ssm:DescribeInstanceInformation failed')
    const passed = new Set(report.checks.filter((c: {status: string}) => c.status === 'pass').map((c: {ruleId: string}) => c.ruleId))
    for (const id of ['ssm-no-instance-profile', 'ssm-role-missing-permissions', 'ssm-no-path-to-endpoints', 'ssm-endpoint-private-dns-off', 'ssm-endpoint-sg-blocks-443', 'ssm-vpc-dns-disabled', 'target-health-unhealthy']) {
      expect(passed, id).toContain(id)
    }
    expect(report.notes).toContain('On-instance checks were not run: ssm:DescribeInstanceInformation failed, so no instance is known to be SSM-online.')
    expect(report.status).toBe('incomplete')
    expect(r.code).toBe(4)
    console.log(`healthy diagnose: ${r.ms} ms wall (node start, SDK load, collect, analyze)`)
  })

  it('finds the ALB by its DNS name pasted as a URL', async () => {
    const world = await seedWorld(moto.endpoint)
    const r = await diagnose(`http://${world.albDns}/`)
    expect(json(r).target.loadBalancerArn).toBe(world.albArn)
  })

  it('answers an unknown ALB name with exit 2 and one sentence on stderr, no stack trace', async () => {
    await seedWorld(moto.endpoint)
    const r = await run(['diagnose', 'web-abl', '--endpoint-url', moto.endpoint, '--region', 'us-east-1'])
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain('Error: No load balancer named "web-abl" was found in us-east-1.')
    expect(r.stderr).toContain('Did you mean "web-alb"?')
    expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/)

    const j = await diagnose('web-abl')
    expect(j.code).toBe(2)
    expect(json(j).error).toMatchObject({kind: 'user', message: 'No load balancer named "web-abl" was found in us-east-1.'})
  })

  it('lists the region\'s ALBs when given no argument', async () => {
    const world = await seedWorld(moto.endpoint)
    const r = await diagnose()
    expect(r.code).toBe(0)
    expect(json(r).loadBalancers).toEqual([expect.objectContaining({name: 'web-alb', dnsName: world.albDns})])
    const text = await run(['diagnose', '--endpoint-url', moto.endpoint, '--region', 'us-east-1'])
    expect(text.stdout).toContain('web-alb')
  })

  it('gives the same findings offline from a saved snapshot', async () => {
    const world = await seedWorld(moto.endpoint, {stopOneInstance: true})
    const file = join(tmp, 'web-alb.json')
    const live = await diagnose(world.albName, '--save-snapshot', file)
    const saved = JSON.parse(await readFile(file, 'utf8'))
    expect(saved.format).toBe('asg-doctor-snapshot')
    await moto.reset()
    // Offline: the emulator is empty now, so only the file can give these findings. The same --endpoint-url as the
    // live run, which the printed commands carry.
    const offline = await run(['diagnose', '--snapshot', file, '--json', '--endpoint-url', moto.endpoint])
    expect(offline.code).toBe(live.code)
    expect(json(offline).findings).toEqual(json(live).findings)
    expect(ruleIds(json(offline)).length).toBeGreaterThan(0)
  })

  it('reports a stopped instance as target-health-unused', async () => {
    const world = await seedWorld(moto.endpoint, {stopOneInstance: true})
    const r = await diagnose(world.albName)
    const report = json(r)
    expect(ruleIds(report)).toContain('target-health-unused')
    const finding = report.findings.find((f: {ruleId: string}) => f.ruleId === 'target-health-unused')
    expect(JSON.stringify(finding)).toContain(world.stoppedInstanceId)
    expect([0, 1]).toContain(r.code)
  })

  it('reports an instance security group without the ALB rule as sg-instance-ingress, exit 1', async () => {
    const world = await seedWorld(moto.endpoint, {instanceSgAllowsAlb: false})
    const r = await diagnose(world.albName)
    const report = json(r)
    expect(ruleIds(report)).toContain('sg-instance-ingress')
    expect(JSON.stringify(report.findings.find((f: {ruleId: string}) => f.ruleId === 'sg-instance-ingress'))).toContain(world.webSg)
    expect(report.status).toBe('problems')
    expect(r.code).toBe(1)
  })
})
