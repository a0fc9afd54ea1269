/**
 * The watchdog's handler as its state machine drives it (scan items, then a merge), against moto: S3, CloudWatch,
 * SNS, EventBridge and STS are moto's own. Mocked, and only these: the fleet scan in the handler's own tests (it
 * returns reports of the bundled example snapshots; the bundled Lambda's scan test runs the real scan against a
 * world seeded in moto), and the state machine itself, which moto cannot run:
 * the events are the ones its definition makes (test/infra/watchdog.test.ts checks the definition's shape).
 *
 * SNS notifications are received on a loopback HTTP subscription. moto delivers events to no SNS target, so the
 * root-cause events are counted by EventBridge archives whose patterns match one kind of event each.
 */
import {createServer} from 'node:http'
import type {Server} from 'node:http'
import {execFile} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {promisify} from 'node:util'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {CloudWatchClient, ListMetricsCommand} from '@aws-sdk/client-cloudwatch'
import {CreateArchiveCommand, DescribeArchiveCommand, EventBridgeClient} from '@aws-sdk/client-eventbridge'
import {CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client} from '@aws-sdk/client-s3'
import {CreateTopicCommand, SNSClient, SubscribeCommand} from '@aws-sdk/client-sns'
import {GetCallerIdentityCommand, STSClient} from '@aws-sdk/client-sts'
import {clientConfig} from '../../src/lib/aws.js'
import type {ScanReport, ScanRequest} from '../../src/scan/types.js'
import {createHandler} from '../../src/watchdog/handler.js'
import type {WatchdogDeps} from '../../src/watchdog/handler.js'
import {DETAIL_TYPE, EVENT_SOURCE} from '../../src/watchdog/publish.js'
import type {MergeOutcome, ScanOutcome, WatchTarget} from '../../src/watchdog/types.js'
import {exampleEntry, scanReport} from '../watchdog/fixtures.js'
import {ROOT} from './helpers/cli.js'
import {motoEnv, startMoto, useMotoCredentials} from './helpers/moto.js'
import {seedWorld} from './helpers/seed.js'
import type {Moto} from './helpers/moto.js'

const MEMBER_ROLE = 'arn:aws:iam::111122223333:role/asg-doctor-watchdog-read'
const SELF: WatchTarget = {region: 'us-east-1'}
const MEMBER: WatchTarget = {region: 'eu-west-1', account: '111122223333', roleArn: MEMBER_ROLE}

/** One archive per kind of event: its count says how many of that kind were put on the default bus. */
const ARCHIVES = {
  'opened-nginx': {source: [EVENT_SOURCE], 'detail-type': [DETAIL_TYPE.opened], detail: {state: ['opened'], ruleId: ['nginx-not-installed'], loadBalancer: ['web-alb']}},
  'opened-sg': {source: [EVENT_SOURCE], 'detail-type': [DETAIL_TYPE.opened], detail: {state: ['opened'], ruleId: ['sg-instance-ingress'], loadBalancer: ['shop-alb'], account: ['111122223333']}},
  'resolved-nginx': {source: [EVENT_SOURCE], 'detail-type': [DETAIL_TYPE.resolved], detail: {state: ['resolved'], ruleId: ['nginx-not-installed']}},
}

async function archived(): Promise<Record<string, number>> {
  const out: Record<string, number> = {}
  for (const name of Object.keys(ARCHIVES)) out[name] = (await deps.eventbridge.send(new DescribeArchiveCommand({ArchiveName: name}))).EventCount ?? 0
  return out
}

let moto: Moto
let server: Server
let received: {TopicArn?: string; Subject?: string; Message: string}[] = []
let notifyTopic: string
let deps: WatchdogDeps
const requests: {request: ScanRequest; configFile?: string; callerArn?: string}[] = []
/** What the fake scan finds per region; the second run swaps in a fixed web-alb. */
let fleet: Record<string, () => ScanReport>

async function waitFor<T>(what: string, fn: () => T | undefined, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const v = fn()
    if (v !== undefined) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

beforeAll(async () => {
  moto = await startMoto()
  useMotoCredentials()
  // The role assumption of the member profile builds its own STS client: the variable points it at moto too.
  process.env.AWS_ENDPOINT_URL = moto.endpoint
  server = createServer((req, res) => {
    let body = ''
    req.on('data', (d) => (body += d))
    req.on('end', () => {
      try {
        received.push(JSON.parse(body))
      } catch {
        received.push({Message: body})
      }
      res.end('ok')
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  const port = (server.address() as {port: number}).port

  const options = clientConfig({region: 'us-east-1', endpointUrl: moto.endpoint})
  const s3 = new S3Client({...options, forcePathStyle: true})
  const sns = new SNSClient(options)
  const eventbridge = new EventBridgeClient(options)
  await s3.send(new CreateBucketCommand({Bucket: 'watchdog-reports'}))
  notifyTopic = (await sns.send(new CreateTopicCommand({Name: 'watchdog'}))).TopicArn!
  await sns.send(new SubscribeCommand({TopicArn: notifyTopic, Protocol: 'http', Endpoint: `http://127.0.0.1:${port}/`}))
  const bus = `arn:aws:events:us-east-1:123456789012:event-bus/default`
  for (const [name, pattern] of Object.entries(ARCHIVES)) await eventbridge.send(new CreateArchiveCommand({ArchiveName: name, EventSourceArn: bus, EventPattern: JSON.stringify(pattern)}))

  fleet = {
    'us-east-1': () => scanReport([exampleEntry('nginx-missing', {keepSnapshot: true}), exampleEntry('healthy', {rename: 'api-alb', keepSnapshot: true})]),
    'eu-west-1': () => scanReport([exampleEntry('sg-missing-alb-rule', {rename: 'shop-alb', region: 'eu-west-1', account: '111122223333', keepSnapshot: true})]),
  }
  deps = {
    config: {bucket: 'watchdog-reports', topicArn: notifyTopic, eventBusName: 'default', namespace: 'AsgDoctor', notifyOn: 'error', history: false, endpointUrl: moto.endpoint},
    async scan(request) {
      const record: (typeof requests)[number] = {request, configFile: process.env.AWS_CONFIG_FILE}
      if (request.profiles[0]) {
        // What the real scan does with a profile: build clients with it. The SDK assumes the role from it.
        const sts = new STSClient(clientConfig({region: request.regions[0], profile: request.profiles[0], endpointUrl: request.endpointUrl}))
        record.callerArn = (await sts.send(new GetCallerIdentityCommand({}))).Arn
      }
      requests.push(record)
      const make = fleet[request.regions[0]]
      if (!make) throw new Error('AccessDenied: not authorized to perform sts:AssumeRole')
      return make()
    },
    s3,
    cloudwatch: new CloudWatchClient(options),
    eventbridge,
    sns,
    now: () => new Date('2026-11-29T12:15:00Z'),
  }
})

afterAll(async () => {
  delete process.env.AWS_ENDPOINT_URL
  await new Promise<void>((r) => server?.close(() => r()))
  await moto?.stop()
})

async function objectJson<T>(key: string): Promise<T> {
  const res = await deps.s3.send(new GetObjectCommand({Bucket: 'watchdog-reports', Key: key}))
  return JSON.parse(await res.Body!.transformToString()) as T
}

describe('the watchdog handler against moto', () => {
  const handler = () => createHandler(deps)

  it('scans its own account with its own role, and a member account through the member role\'s profile', async () => {
    const own = (await handler()({kind: 'scan', runId: 'run-1', target: SELF})) as ScanOutcome
    expect(own).toEqual({kind: 'scanned', target: SELF, key: 'runs/run-1/parts/self/us-east-1.json', loadBalancers: 2, byVerdict: {problems: 1, incomplete: 0, healthy: 1, error: 0}})
    const member = (await handler()({kind: 'scan', runId: 'run-1', target: MEMBER})) as ScanOutcome
    expect(member.key).toBe('runs/run-1/parts/111122223333/eu-west-1.json')

    expect(requests[0].request).toEqual({regions: ['us-east-1'], profiles: [], failOn: 'error', ssm: false, history: false, keepSnapshots: true, endpointUrl: moto.endpoint})
    expect(requests[0].configFile).toBe('/nonexistent/asg-doctor-test-config')
    expect(requests[1].request.profiles).toEqual(['asg-doctor-watchdog-111122223333'])
    expect(readFileSync(requests[1].configFile!, 'utf8')).toContain(`role_arn = ${MEMBER_ROLE}`)
    // moto's STS answered as the assumed role: the SDK assumed it from the profile.
    expect(requests[1].callerArn).toBe('arn:aws:sts::111122223333:assumed-role/asg-doctor-watchdog-read/asg-doctor-watchdog')
    // The variable is back for the handler's own clients.
    expect(process.env.AWS_CONFIG_FILE).toBe('/nonexistent/asg-doctor-test-config')

    const part = await objectJson<ScanReport>(own.key)
    expect(part.entries.map((e) => [e.name, e.verdict, 'snapshot' in e])).toEqual([['web-alb', 'problems', false], ['api-alb', 'healthy', false]])
    const snapshot = await objectJson<{elbv2: {LoadBalancers: {LoadBalancerName: string}[]}}>('snapshots/123456789012/us-east-1/web-alb.json')
    expect(snapshot.elbv2.LoadBalancers[0].LoadBalancerName).toBe('web-alb')
  })

  it('turns a target whose scan throws into a line of its own', async () => {
    const out = (await handler()({kind: 'scan', runId: 'run-1', target: {region: 'ap-south-1', account: '444455556666', roleArn: 'arn:aws:iam::444455556666:role/asg-doctor-watchdog-read'}})) as ScanOutcome
    expect(out.byVerdict).toEqual({problems: 0, incomplete: 0, healthy: 0, error: 1})
    const part = await objectJson<ScanReport>(out.key)
    expect(part.entries).toEqual([{region: 'ap-south-1', account: '444455556666', verdict: 'error', error: 'AccessDenied: not authorized to perform sts:AssumeRole'}])
  })

  it('merges the run, stores it, and publishes metrics, an event per new cause and one notification', async () => {
    const parts = [
      {kind: 'scanned' as const, target: SELF, key: 'runs/run-1/parts/self/us-east-1.json', loadBalancers: 2, byVerdict: {problems: 1, incomplete: 0, healthy: 1, error: 0}},
      {kind: 'scanned' as const, target: MEMBER, key: 'runs/run-1/parts/111122223333/eu-west-1.json', loadBalancers: 1, byVerdict: {problems: 1, incomplete: 0, healthy: 0, error: 0}},
      {kind: 'failed' as const, target: {region: 'sa-east-1'}, error: 'Task timed out after 300.00 seconds'},
    ]
    const out = (await handler()({kind: 'merge', runId: 'run-1', parts})) as MergeOutcome
    expect(out).toEqual({kind: 'merged', runId: 'run-1', reportKey: 'runs/run-1/report.json', loadBalancers: 3, byVerdict: {problems: 2, incomplete: 0, healthy: 1, error: 1}, opened: 2, resolved: 0, published: {metrics: 10, events: 2, notified: true}})

    const latest = await objectJson<ScanReport>('latest/report.json')
    expect(latest.entries.map((e) => e.name ?? `${e.region}: ${e.error}`)).toEqual(['web-alb', 'shop-alb', 'sa-east-1: the scan did not finish: Task timed out after 300.00 seconds', 'api-alb'])
    expect(await objectJson<ScanReport>('runs/run-1/report.json')).toEqual(latest)

    const metrics = await deps.cloudwatch.send(new ListMetricsCommand({Namespace: 'AsgDoctor', MetricName: 'Problems'}))
    const critical = metrics.Metrics!.filter((m) => m.Dimensions!.some((d) => d.Name === 'Severity' && d.Value === 'critical'))
    expect(critical.map((m) => m.Dimensions!.find((d) => d.Name === 'LoadBalancer')!.Value).sort()).toEqual(['api-alb', 'shop-alb', 'web-alb'])

    const note = await waitFor('the notification', () => received.find((m) => m.TopicArn === notifyTopic))
    expect(note.Subject).toBe('asg-doctor: 2 new ALB root causes (web-alb)')
    expect(note.Message).toContain('[critical] web-alb (us-east-1, 123456789012): nginx is not installed')
    // A fix of several commands: its summary, then every command (the first alone would run on the instance only).
    expect(note.Message).toContain('  Fix: Install nginx')
    expect(note.Message).toContain('\n    sudo dnf install -y nginx && sudo systemctl enable nginx && sudo systemctl restart nginx\n')
    expect(note.Message).toContain('[error] shop-alb (eu-west-1, 111122223333): Instances\' security groups do not admit the ALB')
    expect(await archived()).toEqual({'opened-nginx': 1, 'opened-sg': 1, 'resolved-nginx': 0})
  })

  it('on the next run, reports only what changed: the fixed ALB\'s cause as resolved', async () => {
    received = []
    fleet['us-east-1'] = () => scanReport([exampleEntry('healthy', {keepSnapshot: true}), exampleEntry('healthy', {rename: 'api-alb', keepSnapshot: true})])
    const own = (await handler()({kind: 'scan', runId: 'run-2', target: SELF})) as ScanOutcome
    const member = (await handler()({kind: 'scan', runId: 'run-2', target: MEMBER})) as ScanOutcome
    const out = (await handler()({kind: 'merge', runId: 'run-2', parts: [own, member]})) as MergeOutcome
    expect(out).toMatchObject({opened: 0, resolved: 1, published: {events: 1, notified: true}})
    const note = await waitFor('the notification', () => received.find((m) => m.TopicArn === notifyTopic))
    expect(note.Subject).toBe('asg-doctor: 1 resolved ALB root cause (web-alb)')
    expect(note.Message).toContain('Resolved since the previous run:\n\n  web-alb (us-east-1, 123456789012): nginx is not installed')
    expect(await archived()).toEqual({'opened-nginx': 1, 'opened-sg': 1, 'resolved-nginx': 1})

    // A third run with nothing new sends no notification and no event.
    received = []
    const again = (await handler()({kind: 'merge', runId: 'run-3', parts: [own, member]})) as MergeOutcome
    expect(again).toMatchObject({opened: 0, resolved: 0, published: {events: 0, notified: false}})
    expect(await archived()).toEqual({'opened-nginx': 1, 'opened-sg': 1, 'resolved-nginx': 1})
    const listed = await deps.s3.send(new ListObjectsV2Command({Bucket: 'watchdog-reports', Prefix: 'runs/'}))
    expect(listed.Contents!.map((o) => o.Key).filter((k) => k!.endsWith('/report.json')).sort()).toEqual(['runs/run-1/report.json', 'runs/run-2/report.json', 'runs/run-3/report.json'])
  })

  it('runs as bundled for Lambda (dist/watchdog/index.mjs, the SDK from outside the bundle): a merge of an empty run', async () => {
    const env = {...motoEnv(moto.endpoint), AWS_ENDPOINT_URL: moto.endpoint, ASG_DOCTOR_BUCKET: 'watchdog-reports', ASG_DOCTOR_TOPIC_ARN: notifyTopic}
    const script = `import(${JSON.stringify(join(ROOT, 'dist/watchdog/index.mjs'))}).then((m) => m.handler({kind: 'merge', runId: 'bundled', parts: []})).then((r) => console.log(JSON.stringify(r)))`
    const {stdout} = await promisify(execFile)(process.execPath, ['-e', script], {env, cwd: ROOT, timeout: 60_000})
    expect(JSON.parse(stdout)).toMatchObject({kind: 'merged', runId: 'bundled', reportKey: 'runs/bundled/report.json', loadBalancers: 0, resolved: 0})
    expect((await objectJson<ScanReport>('runs/bundled/report.json')).entries).toEqual([])
  })

  it('runs as bundled for Lambda: a scan item diagnoses the real ALBs of its region (moto) and stores their snapshots', async () => {
    const region = 'eu-central-1'
    const world = await seedWorld(moto.endpoint, {region, name: 'lambda-alb', emptyTargetGroup: true})
    const env = {...motoEnv(moto.endpoint), AWS_ENDPOINT_URL: moto.endpoint, AWS_REGION: region, ASG_DOCTOR_BUCKET: 'watchdog-reports'}
    const event = {kind: 'scan', runId: 'bundled-scan', target: {region}}
    const script = `import(${JSON.stringify(join(ROOT, 'dist/watchdog/index.mjs'))}).then((m) => m.handler(${JSON.stringify(event)})).then((r) => process.stdout.write(JSON.stringify(r)))`
    const {stdout} = await promisify(execFile)(process.execPath, ['-e', script], {env, cwd: ROOT, timeout: 120_000, maxBuffer: 64 * 2 ** 20})
    const outcome = JSON.parse(stdout.slice(stdout.lastIndexOf('{"kind"'))) as ScanOutcome
    expect(outcome).toMatchObject({kind: 'scanned', loadBalancers: 1, byVerdict: {problems: 1}})
    const part = await objectJson<ScanReport>(outcome.key)
    expect(part.entries).toHaveLength(1)
    expect(part.entries[0]).toMatchObject({name: world.albName, region, verdict: 'problems', loadBalancerArn: world.albArn})
    expect(part.entries[0].report?.target.name).toBe(world.albName)
    expect(part.entries[0].snapshot).toBeUndefined()
    const snapshots = await deps.s3.send(new ListObjectsV2Command({Bucket: 'watchdog-reports', Prefix: 'snapshots/'}))
    const key = snapshots.Contents?.map((o) => o.Key ?? '').find((k) => k.endsWith(`/${region}/${world.albName}.json`))
    expect(key).toBeDefined()
    expect((await objectJson<{elbv2: {LoadBalancers: {LoadBalancerArn: string}[]}}>(key!)).elbv2.LoadBalancers[0].LoadBalancerArn).toBe(world.albArn)
  })

  it('refuses an event that is not from its state machine, saying what it expected', async () => {
    await expect(handler()({kind: 'nonsense'} as never)).rejects.toThrow('The watchdog got an event it does not know (kind "nonsense"): expected "scan" or "merge" from its state machine.')
  })
})
