/**
 * `asg-doctor scan`, the built CLI against moto: ALBs in two regions, some in one shared VPC, some healthy and some
 * broken (an Auto Scaling group not attached to its target group, an instance security group closed to the ALB).
 *
 * Mocked, and only that: SSM DescribeInstanceInformation (moto answers HTTP 500), by the gap proxy, which lists
 * the ssm-ready world's instances Online; and, in one test, an AccessDenied for elasticloadbalancing:
 * DescribeLoadBalancers in eu-west-1 alone, by a loopback proxy in front of it (the only failure injected).
 */
import {execFile} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {createServer} from 'node:http'
import {join} from 'node:path'
import type {Server} from 'node:http'
import {AddTagsCommand} from '@aws-sdk/client-elastic-load-balancing-v2'
import {AssumeRoleCommand, STSClient} from '@aws-sdk/client-sts'
import {Ajv} from 'ajv'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {reportSchema} from '../../src/analyze/report-schema.js'
import {scanSchema} from '../../src/scan/schema.js'
import {clientConfig} from '../../src/lib/aws.js'
import type {ScanEntry, ScanReport} from '../../src/scan/types.js'
import {ROOT, json, runCli} from './helpers/cli.js'
import {seedFleet} from './helpers/fleet.js'
import {startGapProxy} from './helpers/gap-proxy.js'
import type {GapProxy} from './helpers/gap-proxy.js'
import {forward, readBody} from './helpers/http.js'
import type {Moto} from './helpers/moto.js'
import {motoEnv, startMoto, useMotoCredentials} from './helpers/moto.js'
import {motoClients, seedWorld} from './helpers/seed.js'
import type {SeededWorld} from './helpers/seed.js'

let moto: Moto
let gap: GapProxy
let healthy: SeededWorld
let closed: SeededWorld
const validate = new Ajv({strict: false}).compile(reportSchema)
const validateScan = new Ajv({strict: false}).compile(scanSchema)
const US = 'us-east-1'
const EU = 'eu-west-1'
const ALL_NAMES = ['eu-0', 'eu-1', 'eu-closed', 'solo', 'web-0', 'web-1', 'web-2']

beforeAll(async () => {
  useMotoCredentials()
  moto = await startMoto({iamManagedPolicies: false})
  gap = await startGapProxy(moto.endpoint)
  healthy = await seedWorld(moto.endpoint, {name: 'solo', ssmReady: true})
  gap.setScenario({online: healthy.privateIps})
  await seedFleet(moto.endpoint, {count: 3, prefix: 'web', options: (i) => (i === 1 ? {emptyTargetGroup: true} : {})})
  await seedFleet(moto.endpoint, {count: 2, prefix: 'eu', region: EU})
  closed = await seedWorld(moto.endpoint, {name: 'eu-closed', region: EU, instanceSgAllowsAlb: false})
  const {elbv2} = motoClients(moto.endpoint, EU)
  await elbv2.send(new AddTagsCommand({ResourceArns: [closed.albArn], Tags: [{Key: 'team', Value: 'payments'}]}))
  elbv2.destroy()
}, 120_000)

afterAll(async () => {
  await gap?.stop()
  await moto?.stop()
})

const scan = (endpoint: string, ...args: string[]) => runCli(endpoint, ['scan', '--endpoint-url', endpoint, ...args])
const byName = (r: ScanReport) => new Map(r.entries.filter((e) => e.name).map((e) => [e.name as string, e]))
const RANK = {problems: 0, error: 1, incomplete: 2, healthy: 3}

describe('asg-doctor scan against moto', () => {
  let report: ScanReport
  let code: number

  beforeAll(async () => {
    const run = await scan(gap.endpoint, '--regions', `${US},${EU}`, '--json')
    code = run.code
    report = json(run) as ScanReport
  }, 60_000)

  it('reports every ALB of both regions, worst first, each with a report of the diagnose schema', () => {
    expect(report).toMatchObject({schema: 'asg-doctor-scan', version: 1})
    expect(validateScan(report), JSON.stringify(validateScan.errors)).toBe(true)
    expect([...byName(report).keys()].sort()).toEqual(ALL_NAMES)
    for (const e of report.entries) {
      expect(e.region).toBe(e.name?.startsWith('eu') ? EU : US)
      expect(e.account).toBe('123456789012')
      expect(validate(e.report), `${e.name}: ${JSON.stringify(validate.errors)}`).toBe(true)
      expect(e.verdict).toBe(e.report?.status)
    }
    const ranks = report.entries.map((e) => RANK[e.verdict])
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b))
    expect(report.summary.loadBalancers).toBe(7)
    expect(Object.values(report.summary.byVerdict).reduce((a, b) => a + b, 0)).toBe(7)
    expect(report.summary.calls).toBeGreaterThan(0)
    expect(code).toBe(1)
  })

  it('names the lead root cause and its fix: the unattached group, the closed security group', () => {
    const entries = byName(report)
    // The lead cause is the report's first root cause, as diagnose leads with it.
    for (const e of report.entries) {
      const lead = e.report?.rootCauses[0]?.cause
      const commands = lead?.remediation.commands ?? []
      expect(e.leadCause, e.name).toEqual(
        lead && {ruleId: lead.ruleId, title: lead.title, severity: lead.severity, ...(commands.length === 1 ? {fix: commands[0]} : {}), ...(commands.length ? {commands} : {}), summary: lead.remediation.summary},
      )
    }
    const web1 = entries.get('web-1')
    expect(web1).toMatchObject({verdict: 'problems', targets: {healthy: 0, total: 0}})
    const unattached = web1?.report?.rootCauses.find((r) => r.cause.ruleId === 'asg-not-attached')
    expect(unattached?.cause.remediation.commands?.[0]).toContain('attach-load-balancer-target-groups --auto-scaling-group-name web-1-asg')
    expect(entries.get('web-0')?.targets).toEqual({healthy: 3, total: 3})
    const eu = entries.get('eu-closed')
    expect(eu?.report?.findings.map((f) => f.ruleId)).toContain('sg-instance-ingress')
    // The healthy world: SSM-ready instances, nothing wrong at or above error.
    expect(entries.get('solo')?.report?.findings.filter((f) => f.severity === 'error' || f.severity === 'critical')).toEqual([])
  })

  it('gives each ALB the report diagnose gives it alone (apart from the time and the note on on-instance checks)', async () => {
    for (const [name, region] of [['web-1', US], ['web-2', US], ['eu-closed', EU], ['solo', US]] as const) {
      const alone = json(await runCli(gap.endpoint, ['diagnose', name, '--no-ssm', '--no-history', '--json', '--region', region, '--endpoint-url', gap.endpoint]))
      const scanned = structuredClone(byName(report).get(name)?.report) as unknown as Record<string, unknown> & {notes: string[]}
      expect(scanned, name).toBeDefined()
      expect(scanned.notes[0]).toBe(alone.notes[0])
      for (const r of [alone, scanned]) {
        delete r.collectedAt
        delete r.notes
      }
      expect(scanned, name).toEqual(alone)
    }
  }, 60_000)

  it('prints one line per ALB, worst first, with the quoted fix, and a table with --output markdown', async () => {
    const text = await scan(gap.endpoint, '--regions', `${US},${EU}`, '--no-color')
    const lines = text.stdout.split('\n').filter((l) => /^[✖?▲✔] /.test(l))
    expect(lines).toHaveLength(7)
    expect(lines.map((l) => l.split(/\s+/)[1])).toEqual(report.entries.map((e) => e.name))
    const web1 = lines.find((l) => l.includes('web-1 ')) ?? ''
    const lead = byName(report).get('web-1')?.leadCause
    expect(web1).toMatch(/web-1\s+us-east-1\s+123456789012\s+problems\s+0\/0\s+/)
    // One command is printed as the fix; several (steps or alternatives) are left to the full report.
    const fixText = lead?.fix ?? `${lead?.commands?.length} commands, in the full report`
    expect(web1).toContain(`  ${lead?.ruleId}: ${lead?.title}  fix: ${fixText}`)
    expect(text.stdout).toMatch(/7 ALBs: \d+ with problems/)
    expect(text.code).toBe(1)

    const md = await scan(gap.endpoint, '--regions', `${US},${EU}`, '--output', 'markdown')
    const rows = md.stdout.split('\n').filter((l) => l.startsWith('| '))
    expect(rows).toHaveLength(1 + 7)
    expect(rows.find((r) => r.includes('web-1'))).toContain(lead?.fix ? `| \`${lead.fix.replaceAll('|', '\\|')}\` |` : `| ${fixText} |`)
  }, 60_000)

  it('keeps only the ALBs a name glob or a tag names', async () => {
    const names = json(await scan(gap.endpoint, '--regions', `${US},${EU}`, '--filter', 'web-*', '--json')) as ScanReport
    expect(names.entries.map((e) => e.name).sort()).toEqual(['web-0', 'web-1', 'web-2'])
    const tagged = json(await scan(gap.endpoint, '--regions', `${US},${EU}`, '--filter', 'tag:team=payments', '--json')) as ScanReport
    expect(tagged.entries.map((e) => e.name)).toEqual(['eu-closed'])
  }, 60_000)

  it('scans every region the account has enabled with --regions all', async () => {
    const all = json(await scan(gap.endpoint, '--regions', 'all', '--filter', 'eu-*', '--json')) as ScanReport
    expect(all.entries.map((e) => e.name).sort()).toEqual(['eu-0', 'eu-1', 'eu-closed'])
  }, 120_000)

  it('makes a denied region one error line naming the IAM action, and still reports the other region', async () => {
    const deny = await startDenyProxy(gap.endpoint, EU, 'DescribeLoadBalancers')
    try {
      const run = await scan(deny.endpoint, '--regions', `${US},${EU}`, '--json')
      const r = json(run) as ScanReport
      const errors = r.entries.filter((e: ScanEntry) => e.verdict === 'error')
      expect(errors).toEqual([{region: EU, verdict: 'error', error: expect.stringContaining('elasticloadbalancing:DescribeLoadBalancers was denied')}])
      expect(r.entries.filter((e) => e.name).map((e) => e.name).sort()).toEqual(['solo', 'web-0', 'web-1', 'web-2'])
      expect(run.code).toBe(1)

      const text = await scan(deny.endpoint, '--regions', `${US},${EU}`, '--no-color')
      const euLines = text.stdout.split('\n').filter((l) => l.includes(EU))
      expect(euLines).toHaveLength(1)
      expect(euLines[0]).toMatch(/^\? \(region eu-west-1\)\s+eu-west-1\s+-\s+error\s+-\s+elasticloadbalancing:DescribeLoadBalancers was denied/)
    } finally {
      await deny.stop()
    }
  }, 60_000)

  it('runs the read-only script on the instances only with --ssm, and reads history only with --history', async () => {
    const sample = readFileSync(join(ROOT, 'test/fixtures/on-instance/al2023-healthy.txt'), 'utf8')
    gap.setScenario({online: healthy.privateIps, diagnosticOutput: (id) => sample.replaceAll('10.0.10.11', healthy.privateIps[id] ?? '10.0.0.1')})
    try {
      const off = json(await scan(gap.endpoint, '--filter', 'solo', '--json')) as ScanReport
      expect(gap.sent).toEqual([])
      expect(off.entries[0].report?.notes).toContain('On-instance checks were skipped (a scan runs them only with --ssm): nothing was sent to the instances.')
      expect(Object.keys(gap.forwarded).filter((k) => k.startsWith('monitoring:'))).toEqual([])

      const on = json(await scan(gap.endpoint, '--filter', 'solo', '--ssm', '--history', '--json')) as ScanReport
      expect(gap.sent.map((c) => [c.kind, [...c.instanceIds].sort()])).toEqual([['diagnostic', healthy.instanceIds]])
      expect(on.entries[0].report?.notes.some((n) => n.startsWith('On-instance checks were skipped'))).toBe(false)
      expect(gap.forwarded['monitoring:GetMetricData']).toBeGreaterThan(0)
    } finally {
      gap.setScenario({online: healthy.privateIps})
    }
  }, 60_000)

  it('scans several accounts at once, one --profile each: the member account through a role, as moto assumes it', async () => {
    // moto keeps each account's resources apart; an assumed role's credentials act in the role's account.
    const member = 'arn:aws:iam::111122223333:role/scan-read'
    const sts = new STSClient(clientConfig({region: US, endpointUrl: moto.endpoint}))
    const {Credentials: c} = await sts.send(new AssumeRoleCommand({RoleArn: member, RoleSessionName: 'seed'}))
    sts.destroy()
    const memberAlb = await seedWorld(moto.endpoint, {name: 'member-alb', emptyTargetGroup: true, credentials: {accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken}})
    const dir = mkdtempSync(join(tmpdir(), 'asg-doctor-scan-profiles-'))
    const config = join(dir, 'config')
    writeFileSync(config, ['[profile own]', 'aws_access_key_id = testing', 'aws_secret_access_key = testing', 'region = us-east-1', '', '[profile member]', `role_arn = ${member}`, 'source_profile = own', 'region = us-east-1', ''].join('\n'))
    try {
      // The role assumption builds its own STS client: AWS_ENDPOINT_URL sends it to moto too.
      const env = {...motoEnv(moto.endpoint), AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'), AWS_ENDPOINT_URL: moto.endpoint}
      const run = await new Promise<{code: number; stdout: string; stderr: string}>((done) =>
        execFile(process.execPath, [join(ROOT, 'bin/run.js'), 'scan', '--endpoint-url', moto.endpoint, '--profile', 'own', '--profile', 'member', '--regions', US, '--json'], {cwd: ROOT, env, timeout: 90_000, maxBuffer: 256 * 2 ** 20}, (error, stdout, stderr) =>
          done({code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr}),
        ),
      )
      const doc = json({...run, ms: 0}) as ScanReport
      expect(validateScan(doc), JSON.stringify(validateScan.errors)).toBe(true)
      const seen = doc.entries.map((e) => `${e.profile}/${e.account}/${e.name}`).sort()
      expect(seen).toEqual([...['solo', 'web-0', 'web-1', 'web-2'].map((n) => `own/123456789012/${n}`), `member/111122223333/${memberAlb.albName}`].sort())
      expect(doc.entries.find((e) => e.name === memberAlb.albName)).toMatchObject({verdict: 'problems', loadBalancerArn: memberAlb.albArn})
      expect(run.code).toBe(1)
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  }, 120_000)

  it('refuses bad input with one sentence and exit 2', async () => {
    for (const args of [['--regions', 'all,us-east-1'], ['--filter', 'not a name!'], ['--concurrency', '0']]) {
      const run = await scan(gap.endpoint, ...args)
      expect(run.code, args.join(' ')).toBe(2)
      expect(run.stderr).toMatch(/^Error: /)
      expect(run.stderr).not.toMatch(/\n\s+at /)
    }
  }, 60_000)
})

/** Answers `action` in `region` with AccessDenied (as ELB does) and forwards every other request upstream. */
async function startDenyProxy(upstream: string, region: string, action: string): Promise<{endpoint: string; stop(): Promise<void>}> {
  const target = new URL(upstream)
  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req)
    const scope = /Credential=[^/]+\/\d+\/([^/]+)\/([^/]+)\//.exec(String(req.headers.authorization ?? ''))
    if (scope?.[1] === region && scope[2] === 'elasticloadbalancing' && new URLSearchParams(body.toString()).get('Action') === action) {
      res.setHeader('content-type', 'text/xml')
      res.statusCode = 403
      res.end(`<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User is not authorized to perform: elasticloadbalancing:${action}</Message></Error><RequestId>1</RequestId></ErrorResponse>`)
      return
    }
    forward(target, req, res, body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {endpoint: `http://127.0.0.1:${port}`, stop: () => new Promise((resolve) => server.close(() => resolve()))}
}
