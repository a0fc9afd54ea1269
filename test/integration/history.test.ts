/**
 * The history collectors against moto: CloudWatch metric data seeded with PutMetricData and gzip access and
 * health-check log objects seeded into an S3 bucket are read back through the real SDK clients, next to the Auto
 * Scaling activities and launch template versions moto keeps for the seeded world. Then the real CLI binary
 * (`diagnose`, built) reads the same evidence end to end: --json, the text timeline, --no-history, --since, and a
 * saved snapshot re-rendered offline.
 *
 * moto has no CloudTrail LookupEvents. In the collectors' test that one call, and only it, is injected with a
 * recorded answer; every other call goes to moto. The CLI runs inject nothing: LookupEvents reaches moto, which
 * answers it with an error page, and the test checks that the runner records that failure (the report's history
 * says CloudTrail could not be checked), that the lookups stop after it, and that nothing else breaks. The CLI runs
 * go through the loopback gap proxy (test/integration/helpers/gap-proxy.ts) only to count the calls that reach
 * moto by operation; it mocks nothing these runs use but SSM DescribeInstanceInformation. moto 5.2 does not implement DescribeInstanceRefreshes either: its failure is recorded
 * like any failed call, which the test checks. CloudWatch is spoken to in its query protocol under an endpoint
 * override (src/lib/aws.ts), which is what moto answers.
 */
import {gzipSync} from 'node:zlib'
import {CreateBucketCommand, PutObjectCommand} from '@aws-sdk/client-s3'
import {PutMetricDataCommand} from '@aws-sdk/client-cloudwatch'
import type {LookupEventsCommandInput} from '@aws-sdk/client-cloudtrail'
import {ModifyLoadBalancerAttributesCommand} from '@aws-sdk/client-elastic-load-balancing-v2'
import {execFile} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {AwsClients} from '../../src/lib/aws.js'
import {collectSnapshot} from '../../src/collect/index.js'
import {resolveLoadBalancer} from '../../src/collect/resolve.js'
import {CallRunner} from '../../src/collect/runner.js'
import {collectHistory} from '../../src/history/collect.js'
import {getMetricDataSender} from '../../src/history/metrics.js'
import {changeSenders, Pacer} from '../../src/history/changes.js'
import {s3LogReader} from '../../src/history/s3-logs.js'
import {analyzeHistory} from '../../src/history/analyze.js'
import {timelineData, timelineText} from '../../src/history/timeline.js'
import {validateSnapshot} from '../../src/snapshot/io.js'
import type {Moto} from './helpers/moto.js'
import {motoEnv, startMoto, useMotoCredentials} from './helpers/moto.js'
import {BIN, ROOT, json, runCli} from './helpers/cli.js'
import type {CliRun} from './helpers/cli.js'
import {startGapProxy} from './helpers/gap-proxy.js'
import type {GapProxy} from './helpers/gap-proxy.js'
import {motoClients, seedWorld} from './helpers/seed.js'
import type {SeededWorld} from './helpers/seed.js'

let moto: Moto
let world: SeededWorld

// A fixed "now" on a 5-minute boundary, recent enough for CloudWatch to keep per-minute data.
const NOW = Math.floor(Date.now() / 300_000) * 300_000
const minutesAgo = (m: number) => new Date(NOW - m * 60_000)
const BUCKET = 'alb-logs'
const PREFIX = 'web'

beforeAll(async () => {
  useMotoCredentials()
  moto = await startMoto()
  world = await seedWorld(moto.endpoint)
  await seedEvidence()
  const {elbv2} = motoClients(moto.endpoint)
  await elbv2.send(
    new ModifyLoadBalancerAttributesCommand({
      LoadBalancerArn: world.albArn,
      Attributes: [
        {Key: 'access_logs.s3.enabled', Value: 'true'},
        {Key: 'access_logs.s3.bucket', Value: BUCKET},
        {Key: 'access_logs.s3.prefix', Value: PREFIX},
      ],
    }),
  )
})

afterAll(async () => {
  await moto?.stop()
})

const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, '').slice(0, 13) + 'Z'
const dayPath = (d: Date) => d.toISOString().slice(0, 10).replace(/-/g, '/')

function accessEntry(t: Date, elb: number, target: string): string {
  const ts = t.toISOString().replace('Z', '123Z')
  const tpt = target === '-' ? '-1' : '0.004'
  const lb = world.albArn.split(':loadbalancer/')[1]
  return `http ${ts} ${lb} 203.0.113.7:51234 10.0.1.10:80 0.001 ${tpt} ${tpt} ${elb} ${target} 120 ${elb === 200 ? 612 : 0} "GET http://${world.albDns}:80/ HTTP/1.1" "curl/8.5.0" - - ${world.targetGroupArn} "Root=1-abc" "-" "-" 0 ${ts} "forward" "-" "-" "10.0.1.10:80" "${target}" "-" "-" TID_x`
}

async function seedEvidence(): Promise<void> {
  const {cloudwatch, s3} = new AwsClients({region: 'us-east-1', endpointUrl: moto.endpoint})
  const lb = world.albArn.split(':loadbalancer/')[1]
  // Two hours of per-minute points: no 5xx until 60 minutes ago, 25 a minute since.
  for (const metric of ['HTTPCode_ELB_5XX_Count', 'HTTPCode_ELB_502_Count', 'RequestCount']) {
    await cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: 'AWS/ApplicationELB',
        MetricData: Array.from({length: 120}, (_, k) => {
          const m = 120 - k
          const errors = m <= 60 ? 25 : 0
          return {MetricName: metric, Dimensions: [{Name: 'LoadBalancer', Value: lb}], Timestamp: minutesAgo(m), Value: metric === 'RequestCount' ? 100 : errors, Unit: 'Count'}
        }),
      }),
    )
  }

  await s3.send(new CreateBucketCommand({Bucket: BUCKET}))
  const account = world.albArn.split(':')[4]
  const lbKey = lb.replace(/\//g, '.')
  const put = async (kind: 'access' | 'health', end: Date, lines: string[]) => {
    const key = `${PREFIX}/AWSLogs/${account}/elasticloadbalancing/us-east-1/${dayPath(end)}/${kind === 'health' ? 'health_check_log_' : ''}${account}_elasticloadbalancing_us-east-1_${lbKey}_${stamp(end)}_10.0.0.5_abc123.log.gz`
    await s3.send(new PutObjectCommand({Bucket: BUCKET, Key: key, Body: gzipSync(lines.join('\n') + '\n')}))
  }
  // Before the onset: healthy traffic; after: 502s with no response from the target, a 504, a malformed line.
  await put('access', minutesAgo(90), [accessEntry(minutesAgo(93), 200, '200'), accessEntry(minutesAgo(92), 200, '200')])
  await put('access', minutesAgo(30), [
    accessEntry(minutesAgo(33), 502, '-'),
    accessEntry(minutesAgo(32), 502, '-'),
    accessEntry(minutesAgo(32), 504, '-'),
    'http 2026-11-29T18:20:00.000000Z app/web-alb/x 1.2.3.4:5 10.0.1.10:80 0.0',
  ])
  await put('health', minutesAgo(30), [
    `http ${minutesAgo(70).toISOString()} 0.002 10.0.1.10:80 targetgroup/web-tg/1 PASS 200 -`,
    `http ${minutesAgo(34).toISOString()} 0.001 10.0.1.10:80 targetgroup/web-tg/1 FAIL - ConnectionRefused`,
    `http ${minutesAgo(33).toISOString()} 0.001 10.0.1.10:80 targetgroup/web-tg/1 FAIL - ConnectionRefused`,
  ])
}

describe('history collectors against moto', () => {
  it('reads metrics, logs and change history of the window into a snapshot section that validates', async () => {
    const aws = new AwsClients({region: 'us-east-1', endpointUrl: moto.endpoint})
    const loadBalancer = await resolveLoadBalancer(world.albName, aws)
    const {snapshot} = await collectSnapshot({loadBalancer, input: world.albName, clients: aws, region: 'us-east-1', toolVersion: 'test', endpointUrl: moto.endpoint})
    // moto 5.2 does not know the health_check_logs.* attributes: they are added to the collected attributes here.
    snapshot.elbv2.LoadBalancerAttributes[world.albArn].push(
      {Key: 'health_check_logs.s3.enabled', Value: 'true'},
      {Key: 'health_check_logs.s3.bucket', Value: BUCKET},
      {Key: 'health_check_logs.s3.prefix', Value: PREFIX},
    )

    const senders = changeSenders({cloudtrail: aws.cloudtrail, autoscaling: aws.autoscaling, ec2: aws.ec2})
    // The one injected call: moto does not implement LookupEvents.
    const lookups: LookupEventsCommandInput[] = []
    senders.lookupEvents = async (input) => {
      lookups.push(input)
      const name = input.LookupAttributes?.[0]?.AttributeValue
      if (name !== world.webSg) return {$metadata: {}, Events: []}
      return {
        $metadata: {},
        Events: [
          {
            EventId: 'ev-1',
            EventName: 'RevokeSecurityGroupIngress',
            EventTime: minutesAgo(63),
            Username: 'alice',
            Resources: [{ResourceType: 'AWS::EC2::SecurityGroup', ResourceName: world.webSg}],
            CloudTrailEvent: JSON.stringify({eventSource: 'ec2.amazonaws.com', readOnly: false, userIdentity: {arn: 'arn:aws:iam::123456789012:user/alice'}}),
          },
        ],
      }
    }

    const runner = new CallRunner()
    // A fast pacer: the rate limit belongs to CloudTrail, which is injected here.
    const history = await collectHistory(
      {runner, getMetricData: getMetricDataSender(aws.cloudwatch), changes: senders, s3: s3LogReader(aws.s3), now: () => NOW},
      snapshot,
      {sinceMs: 3 * 3_600_000, changes: {pacer: new Pacer(1000)}},
    )

    // Metrics: the seeded series come back on the minute.
    const elb5xx = history.metrics!.series.find((s) => s.metric === 'HTTPCode_ELB_5XX_Count')!
    expect(elb5xx.values.reduce((a, b) => a + b, 0)).toBe(60 * 25)
    expect(history.metrics!.calls).toBe(1)

    // Access logs: the window's two objects, newest first, the bad line counted and skipped.
    expect(history.accessLogs).toMatchObject({
      source: {bucket: BUCKET, prefix: PREFIX, objectsFound: 2, objectsRead: 2, truncated: false, failedObjects: 0},
      requests: 5,
      badLines: 1,
      errors5xx: 3,
      byElbStatus: {'502': 2, '504': 1},
      byCause: {'target-connection-error': 2, 'target-timeout': 1},
      byTarget: {'10.0.1.10:80': 3},
    })
    // Health-check logs: the target's transition from passing to refusing.
    expect(history.healthCheckLogs?.targets[0]).toMatchObject({target: '10.0.1.10:80', failures: 2, byReason: {'connection-refused': 2}, lastStatus: 'fail'})
    expect(history.healthCheckLogs?.targets[0].transitions.map((t) => t.to)).toEqual(['pass', 'fail'])

    // Changes: the launch template version moto keeps, and the injected CloudTrail event.
    const events = history.changes!.events
    expect(events.find((e) => e.source === 'cloudtrail')).toMatchObject({what: 'RevokeSecurityGroupIngress', who: 'arn:aws:iam::123456789012:user/alice'})
    expect(history.changes!.launchTemplates[0]).toMatchObject({launchTemplateId: world.launchTemplateId, inUse: [{group: world.asgName}]})
    expect(lookups.length).toBe(history.changes!.lookedUp.length)
    expect(lookups.every((i) => i.LookupAttributes?.length === 1)).toBe(true)

    // Nothing failed but what moto lacks (DescribeInstanceRefreshes answers an HTML page): recorded, not fatal.
    expect(runner.errors.map((e) => [e.api, e.resource, e.accessDenied])).toEqual([['autoscaling:DescribeInstanceRefreshes', world.asgName, false]])
    expect(runner.stats(0).perApi).toMatchObject({'cloudwatch:GetMetricData': 1, 's3:GetObject': 3, 'cloudtrail:LookupEvents': lookups.length})
    const withHistory = validateSnapshot(JSON.parse(JSON.stringify({...snapshot, history})))

    // The analysis sees the onset an hour ago and names the change before it.
    const analysis = analyzeHistory(withHistory.history!)
    expect(analysis.onset?.time).toBe(minutesAgo(60).toISOString())
    expect(analysis.shape.shape).toBe('steady')
    expect(analysis.nearestChange?.event.what).toBe('RevokeSecurityGroupIngress')
    const text = timelineText(timelineData(withHistory.history!, analysis)).join('\n')
    expect(text).toContain('RevokeSecurityGroupIngress')
  })
})

describe('diagnose with the evidence over time, the real CLI against moto', () => {
  let proxy: GapProxy
  let dir: string
  beforeAll(async () => {
    proxy = await startGapProxy(moto.endpoint)
    dir = mkdtempSync(join(tmpdir(), 'asg-doctor-history-'))
  })
  afterAll(async () => {
    await proxy?.stop()
    if (dir) rmSync(dir, {recursive: true, force: true})
  })

  /** Calls that reached moto (or the proxy), by service as SigV4 names it: monitoring is CloudWatch. */
  const reached = (service: string) => Object.entries({...proxy.forwarded, ...proxy.mocked}).filter(([k]) => k.startsWith(`${service}:`)).reduce((n, [, v]) => n + v, 0)
  const diagnose = (args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> => {
    proxy.reset()
    const argv = ['diagnose', world.albName, '--no-ssm', '--endpoint-url', proxy.endpoint, ...args]
    if (Object.keys(env).length === 0) return runCli(proxy.endpoint, argv)
    return new Promise((done) => {
      execFile(process.execPath, [BIN, ...argv], {cwd: ROOT, env: {...motoEnv(proxy.endpoint), ...env}, timeout: 60_000}, (error, stdout, stderr) => {
        done({code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr, ms: 0})
      })
    })
  }
  const exitFor = (status: string) => ({healthy: 0, problems: 1, incomplete: 4})[status]

  it('--json carries the window, the summary, the timeline and what could not be checked (CloudTrail)', async () => {
    const file = join(dir, 'with-history.json')
    const run = await diagnose(['--json', '--save-snapshot', file])
    const report = json(run)
    expect(run.code).toBe(exitFor(report.status))
    const h = report.history
    expect(Date.parse(h.window.end) - Date.parse(h.window.start)).toBe(3 * 3_600_000)
    // The seeded 5xx: 25 a minute for the last hour before NOW, read from CloudWatch through the query protocol.
    expect(h.analysis.signal).toMatchObject({id: 'errors', source: 'metrics'})
    expect(h.analysis.onset.time).toBe(minutesAgo(60).toISOString())
    expect(h.analysis.shape.shape).toBe('steady')
    expect(h.summary).toMatch(/^The errors \(\d[\d,]* 5xx, .*\) began at \d\d:\d\d UTC, steady/)
    const errors = h.timeline.signals.find((s: {id: string}) => s.id === 'errors')
    expect(errors.total).toBeGreaterThanOrEqual(60 * 25)
    expect(h.timeline.signals.map((s: {id: string}) => s.id)).toEqual(expect.arrayContaining(['log-elb5xx', 'log-target5xx']))
    expect(h.timeline.columns).toBeLessThanOrEqual(48)
    // moto has no LookupEvents (nor DescribeInstanceRefreshes): each failure is recorded, said once, and the
    // lookups stop after it.
    expect(h.unavailable.map((u: {api: string}) => u.api)).toEqual(['autoscaling:DescribeInstanceRefreshes', 'cloudtrail:LookupEvents'])
    expect(h.unavailable[1]).toEqual({api: 'cloudtrail:LookupEvents', reason: 'failed: NotAnAwsResponse: an HTML page (HTTP 500)', missing: 'the CloudTrail changes (who changed what) to the resources in scope'})
    expect(reached('cloudtrail')).toBe(1)
    expect(reached('monitoring')).toBe(1)
    expect(h.notes).toContain('Health-check logs are off on the load balancer (health_check_logs.s3.enabled is not true): no per-check evidence.')

    // The snapshot holds the section and the failure, so the same report comes back offline.
    const snapshot = JSON.parse(readFileSync(file, 'utf8'))
    expect(snapshot.history.accessLogs).toMatchObject({requests: 5, errors5xx: 3, badLines: 1, byElbStatus: {'502': 2, '504': 1}})
    expect(snapshot.errors.filter((e: {api: string}) => e.api === 'cloudtrail:LookupEvents').length).toBeGreaterThanOrEqual(1)
    // No AWS call offline: --snapshot needs no endpoint.
    const offline = await runCli(proxy.endpoint, ['diagnose', '--snapshot', file, '--json'])
    expect(json(offline).history).toEqual(h)
    const hidden = await runCli(proxy.endpoint, ['diagnose', '--snapshot', file, '--json', '--no-history'])
    expect(json(hidden).history).toBeUndefined()
  })

  it('the text report shows the timeline in 80 columns', async () => {
    const run = await diagnose([], {COLUMNS: '80'})
    const lines = run.stdout.split('\n')
    const start = lines.findIndex((l) => /^Since \d\d:\d\d UTC \(3 h to \d\d:\d\d; one column = 4 min\)$/.test(l))
    expect(start, run.stdout).toBeGreaterThan(0)
    const section = lines.slice(start, lines.indexOf('', start))
    expect(section.find((l) => l.startsWith('  5xx, all '))).toMatch(/^ {2}5xx, all {9}[▁-█]{45} {2}\d[\d,]* in all$/)
    expect(section.some((l) => l.startsWith('  log: ALB 5xx '))).toBe(true)
    expect(section.some((l) => l.includes('cloudtrail:LookupEvents'))).toBe(true)
    expect(section.some((l) => /^ {2}The errors .* began at/.test(l))).toBe(true)
    // Commands are never wrapped (ready to paste); the timeline is laid out within the 80 columns.
    expect(section.every((l) => [...l].length <= 80), section.join('\n')).toBe(true)
  })

  it('--no-history makes no CloudWatch, S3 or CloudTrail call and shows no timeline', async () => {
    const run = await diagnose(['--no-history', '--json', '--verbose'])
    expect(json(run).history).toBeUndefined()
    expect([reached('monitoring'), reached('s3'), reached('cloudtrail')]).toEqual([0, 0, 0])
    expect(run.stderr).not.toMatch(/cloudwatch:|cloudtrail:|s3:/)
    // The control: the same run with history reaches all three.
    await diagnose(['--json'])
    expect(reached('monitoring')).toBe(1)
    expect(reached('s3')).toBeGreaterThan(0)
    expect(reached('cloudtrail')).toBeGreaterThan(0)
    const text = await diagnose(['--no-history'])
    expect(text.stdout).not.toMatch(/^Since /m)
  })

  it('--since that is not a duration, or past 90 days, is one sentence and exit 2', async () => {
    for (const [since, sentence] of [
      ['soon', '--since soon is not a duration.'],
      ['91d', '--since 91d reaches past the 90 days CloudTrail keeps in its event history.'],
    ]) {
      const run = await diagnose(['--since', since])
      expect(run.code).toBe(2)
      expect(run.stderr).toContain(sentence)
      expect(run.stderr).not.toMatch(/\n\s+at /)
      expect(reached('elasticloadbalancing')).toBe(0)
    }
  })
})
