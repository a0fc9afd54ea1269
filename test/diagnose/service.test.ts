import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {CloudTrailClient, LookupEventsCommand} from '@aws-sdk/client-cloudtrail'
import {CloudWatchClient, GetMetricDataCommand} from '@aws-sdk/client-cloudwatch'
import type {GetMetricDataCommandInput} from '@aws-sdk/client-cloudwatch'
import {S3Client} from '@aws-sdk/client-s3'
import {mockClient} from 'aws-sdk-client-mock'
import type {AwsStub} from 'aws-sdk-client-mock'
import {
  GetInstanceProfileCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
} from '@aws-sdk/client-iam'
import {DescribeInstanceInformationCommand, SSMClient} from '@aws-sdk/client-ssm'
import type {ServiceInputTypes, ServiceOutputTypes, SSMClientResolvedConfig} from '@aws-sdk/client-ssm'
import {describe, expect, it} from 'vitest'
import {chooseSsmTargets, diagnose} from '../../src/diagnose/service.js'
import type {DiagnoseRequest} from '../../src/diagnose/service.js'
import {AwsClients} from '../../src/lib/aws.js'
import type {Snapshot} from '../../src/snapshot/types.js'
import type {CommandRunner, RunShellScriptRequest} from '../../src/ssm/types.js'
import {mockWorld} from '../collect/mock-world.js'
import {healthySsmWorld} from '../fixtures/ssm.js'
import {INSTANCE_IDS, INSTANCE_IPS, TG_ARN, healthyWorld} from '../fixtures/world.js'

const config = {region: 'us-east-1', credentials: {accessKeyId: 'testing', secretAccessKey: 'testing'}}
const raw = <T>(v: T) => v as never

/** The bundled reference incident, without what SSM tells: that is what the service must collect itself. */
function incidentWorld(): Snapshot {
  const w = JSON.parse(readFileSync('examples/nginx-missing.json', 'utf8')) as Snapshot
  delete w.iam
  delete w.ssm
  delete w.onInstance
  return w
}

/** Every collect-layer call answered from `world`, plus IAM and SSM answering as a healthy SSM setup does. */
type SsmMock = AwsStub<ServiceInputTypes, ServiceOutputTypes, SSMClientResolvedConfig>

function liveClients(world: Snapshot, ssmInfo?: (m: SsmMock) => void, extra: Record<string, unknown> = {}) {
  const m = mockWorld(world)
  const iam = new IAMClient(config)
  const ssm = new SSMClient(config)
  const iamMock = mockClient(iam)
  const ssmMock = mockClient(ssm)
  const ready = healthySsmWorld(healthyWorld())
  const profile = Object.values(ready.iam!.InstanceProfiles)[0]
  iamMock.on(GetInstanceProfileCommand).resolves(raw({InstanceProfile: profile}))
  iamMock.on(ListAttachedRolePoliciesCommand).resolves(raw({AttachedPolicies: Object.values(ready.iam!.RolePolicies)[0].AttachedPolicies, IsTruncated: false}))
  iamMock.on(ListRolePoliciesCommand).resolves({PolicyNames: [], IsTruncated: false})
  const managed = Object.values(ready.iam!.ManagedPolicies)[0]
  iamMock.on(GetPolicyCommand).resolves(raw({Policy: managed.Policy}))
  iamMock.on(GetPolicyVersionCommand).resolves(raw({PolicyVersion: {VersionId: 'v2', IsDefaultVersion: true, Document: encodeURIComponent(JSON.stringify(managed.Document))}}))
  if (ssmInfo) ssmInfo(ssmMock)
  else ssmMock.on(DescribeInstanceInformationCommand).resolves(raw({InstanceInformationList: ready.ssm!.InstanceInformationList}))
  const c = m.clients as unknown as Record<'elbv2' | 'ec2' | 'autoscaling' | 'sts', unknown>
  return {clients: AwsClients.from({elbv2: c.elbv2, ec2: c.ec2, autoscaling: c.autoscaling, sts: c.sts, iam, ssm, ...extra}, {region: 'us-east-1'}), ssmMock}
}

/** Answers the diagnostic script from a real sample output, per instance, and records what was asked. */
function sampleRunner(sample: string) {
  const text = readFileSync(`test/fixtures/on-instance/${sample}.txt`, 'utf8')
  const requests: RunShellScriptRequest[] = []
  const runner: CommandRunner = {
    runShellScript: async (request) => {
      requests.push(request)
      return request.instanceIds.map((instanceId) => ({
        instanceId,
        status: 'Success' as const,
        responseCode: 0,
        stdout: text.replaceAll('10.0.10.11', INSTANCE_IPS[INSTANCE_IDS.indexOf(instanceId as (typeof INSTANCE_IDS)[number])]),
        stderr: '',
      }))
    },
  }
  return {runner, requests}
}

const request = (over: Partial<DiagnoseRequest> = {}): DiagnoseRequest => ({alb: 'web-alb', failOn: 'error', ssm: true, ssmTargets: 'auto', ssmTimeoutSeconds: 90, ...over})

function deps(clients: AwsClients, runner?: CommandRunner) {
  const progress: string[] = []
  return {
    progress,
    deps: {
      clients: () => clients,
      toolVersion: '0.0.0-test',
      progress: (l: string) => progress.push(l),
      trace: () => {},
      ...(runner ? {commandRunner: () => runner} : {}),
    },
  }
}

describe('diagnose, live, through SSM', () => {
  it('checks SSM reachability, runs the read-only script on the unhealthy targets, and leads with nginx not installed', async () => {
    const {clients} = liveClients(incidentWorld())
    const {runner, requests} = sampleRunner('al2023-nginx-missing')
    const {deps: d, progress} = deps(clients, runner)
    const {report, snapshot, stats} = await diagnose(request(), d)

    // The readiness reads count in the stats with the rest of the collection.
    expect(stats?.byApi['ssm:DescribeInstanceInformation']).toBe(1)
    expect(stats?.byApi['iam:GetInstanceProfile']).toBe(1)
    expect(stats?.byApi['elasticloadbalancing:DescribeTargetHealth']).toBe(1)
    expect(requests).toHaveLength(1)
    expect(requests[0].instanceIds.sort()).toEqual([...INSTANCE_IDS].sort())
    expect(requests[0].timeoutMs).toBe(90_000)
    expect(requests[0].comment).toMatch(/read-only/)
    expect(snapshot.ssm?.InstanceInformationList).toHaveLength(3)
    expect(snapshot.onInstance?.runs.map((r) => r.parsed?.nginx.installed)).toEqual([false, false, false])
    expect(report.rootCauses[0].cause.ruleId).toBe('nginx-not-installed')
    expect(report.rootCauses[0].symptoms.map((s) => s.ruleId)).toContain('target-health-unhealthy')
    expect(progress.some((l) => l.startsWith('Running read-only checks on 3 instance(s) through SSM'))).toBe(true)
  })

  it('with --no-ssm sends nothing to the instances, says so, and falls back to the launch template evidence', async () => {
    const {clients} = liveClients(incidentWorld())
    const {runner, requests} = sampleRunner('al2023-nginx-missing')
    const {report, snapshot} = await diagnose(request({ssm: false}), deps(clients, runner).deps)
    expect(requests).toEqual([])
    expect(snapshot.onInstance).toBeUndefined()
    expect(snapshot.ssm?.InstanceInformationList).toHaveLength(3)
    expect(report.notes).toContain('On-instance checks were skipped (--no-ssm): nothing was sent to the instances.')
    expect(report.rootCauses[0].cause.ruleId).toBe('launch-template-no-web-server')
  })

  it('when SSM cannot say which instances are online, runs nothing and reports the agent checks as could-not-check', async () => {
    const {clients} = liveClients(incidentWorld(), (m) =>
      m.on(DescribeInstanceInformationCommand).rejects(Object.assign(new Error('User is not authorized to perform ssm:DescribeInstanceInformation'), {name: 'AccessDeniedException', $metadata: {httpStatusCode: 400}})),
    )
    const {runner, requests} = sampleRunner('al2023-nginx-missing')
    const {report} = await diagnose(request(), deps(clients, runner).deps)
    expect(requests).toEqual([])
    expect(report.notes).toContain('On-instance checks were not run: ssm:DescribeInstanceInformation failed, so no instance is known to be SSM-online.')
    const agent = report.checks.find((c) => c.ruleId === 'ssm-agent-not-online')
    expect(agent).toMatchObject({status: 'could-not-check', reason: 'ssm:DescribeInstanceInformation was denied (needs IAM permission ssm:DescribeInstanceInformation)'})
    expect(report.rootCauses[0].cause.ruleId).toBe('launch-template-no-web-server')
  })
})

describe('chooseSsmTargets', () => {
  const world = (states: string[]) => {
    const w = healthySsmWorld(healthyWorld())
    w.elbv2.TargetHealthDescriptions[TG_ARN].forEach((d, i) => (d.TargetHealth!.State = states[i] as never))
    return w
  }

  it('auto: the unhealthy targets when there are some', () => {
    expect(chooseSsmTargets(world(['healthy', 'unhealthy', 'initial']), 'auto')).toEqual({
      instanceIds: [INSTANCE_IDS[1], INSTANCE_IDS[2]],
      reason: 'the SSM-online instances that are not healthy targets',
    })
  })

  it('auto: every instance when all are healthy (intermittent 502s still need a look inside)', () => {
    expect(chooseSsmTargets(world(['healthy', 'healthy', 'healthy']), 'auto').instanceIds).toEqual([...INSTANCE_IDS])
  })

  it('unhealthy: nothing when all are healthy, with the flag that widens it', () => {
    expect(chooseSsmTargets(world(['healthy', 'healthy', 'healthy']), 'unhealthy')).toEqual({
      instanceIds: [],
      reason: 'no SSM-online instance is an unhealthy target (--ssm-targets all checks the healthy ones too)',
    })
  })

  it('skips instances that are not online or not running', () => {
    const w = world(['unhealthy', 'unhealthy', 'unhealthy'])
    ;(w.ssm!.InstanceInformationList[0] as {PingStatus: string}).PingStatus = 'ConnectionLost'
    w.ec2.Instances[1].State = {Code: 80, Name: 'stopped'}
    expect(chooseSsmTargets(w, 'all').instanceIds).toEqual([INSTANCE_IDS[2]])
  })

  it('says when no instance is online', () => {
    const w = world(['unhealthy', 'unhealthy', 'unhealthy'])
    w.ssm!.InstanceInformationList = []
    expect(chooseSsmTargets(w, 'auto')).toEqual({instanceIds: [], reason: 'no instance is online in Systems Manager (see the SSM findings)'})
  })
})

describe('diagnose, live, with the evidence over time', () => {
  // The clock of these runs: the window is the 3 h before it, on whole minutes.
  const NOW = Date.parse('2026-11-29T21:00:00Z')
  const minutesAgo = (m: number) => new Date(NOW - m * 60_000)

  /** CloudWatch with 5xx for the last hour, CloudTrail denied, S3 never needed (the example's access logs are off). */
  function historyClients() {
    const cloudwatch = new CloudWatchClient(config)
    const cloudtrail = new CloudTrailClient(config)
    const s3 = new S3Client(config)
    const cw = mockClient(cloudwatch)
    const ct = mockClient(cloudtrail)
    const s3Mock = mockClient(s3)
    cw.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => ({
      MetricDataResults: (input.MetricDataQueries ?? [])
        .filter((q) => q.MetricStat?.Metric?.MetricName === 'HTTPCode_ELB_5XX_Count')
        .map((q) => ({Id: q.Id, StatusCode: 'Complete', Timestamps: Array.from({length: 120}, (_, k) => minutesAgo(120 - k)), Values: Array.from({length: 120}, (_, k) => (k >= 60 ? 12 : 0))})),
    }))
    ct.on(LookupEventsCommand).rejects(Object.assign(new Error('User is not authorized to perform cloudtrail:LookupEvents'), {name: 'AccessDeniedException', $metadata: {httpStatusCode: 400}}))
    return {extra: {cloudwatch, cloudtrail, s3}, cw, ct, s3Mock}
  }

  const live = (over: Partial<DiagnoseRequest> = {}) => request({ssm: false, history: {sinceMs: 3 * 3_600_000}, ...over})
  const withClock = (d: ReturnType<typeof deps>['deps']) => ({...d, now: () => new Date(NOW)})

  it('reads the window through the same runner: counted in the stats, failures merged into the snapshot, the report\'s history part', async () => {
    const h = historyClients()
    const {clients} = liveClients(incidentWorld(), undefined, h.extra)
    const {deps: d, progress} = deps(clients)
    const {report, snapshot, stats} = await diagnose(live(), withClock(d))

    expect(stats?.byApi['cloudwatch:GetMetricData']).toBe(1)
    // Denied once, then CloudTrail is not asked again for the other resources.
    expect(stats?.byApi['cloudtrail:LookupEvents']).toBe(1)
    expect(h.s3Mock.calls()).toHaveLength(0)
    expect(snapshot.history?.window).toEqual({start: '2026-11-29T18:00:00.000Z', end: '2026-11-29T21:00:00.000Z'})
    expect(snapshot.errors.filter((e) => e.api === 'cloudtrail:LookupEvents').map((e) => e.accessDenied)).toContain(true)
    expect(progress).toContain('Reading the 3 h before now: CloudWatch metrics, changes (CloudTrail, Auto Scaling, launch templates), load balancer logs…')

    expect(report.history).toMatchObject({
      window: snapshot.history!.window,
      analysis: {onset: {time: minutesAgo(60).toISOString()}, shape: {shape: 'steady'}, totalErrors: 720},
      unavailable: [{api: 'cloudtrail:LookupEvents', reason: 'denied (needs IAM permission cloudtrail:LookupEvents)'}],
    })
    expect(report.history!.summary).toMatch(/^The errors \(720 5xx, .*\) began at 20:00 UTC, steady/)
    expect(report.history!.notes).toContain('Access logs are off on the load balancer (access_logs.s3.enabled is not true): no per-request evidence.')
    expect(report.history!.timeline.signals[0]).toMatchObject({id: 'errors', total: 720})
  })

  it('runs beside the on-instance step, not after it', async () => {
    const h = historyClients()
    let metricsAsked!: () => void
    const asked = new Promise<void>((resolve) => (metricsAsked = resolve))
    h.cw.on(GetMetricDataCommand).callsFake(() => {
      metricsAsked()
      return {MetricDataResults: []}
    })
    const {clients} = liveClients(incidentWorld(), undefined, h.extra)
    const {runner} = sampleRunner('al2023-nginx-missing')
    // The script answers only once CloudWatch has been asked: were the history to wait for it, this would never end.
    const gated: CommandRunner = {runShellScript: async (r) => asked.then(() => runner.runShellScript(r))}
    const {report, snapshot} = await diagnose(live({ssm: true}), withClock(deps(clients, gated).deps))
    expect(snapshot.onInstance?.runs).toHaveLength(3)
    expect(report.history?.timeline.noData).toContain('HTTPCode_ELB_5XX_Count (Sum)')
  })

  it('without history, touches no CloudWatch, CloudTrail or S3 client and adds no history part', async () => {
    const h = historyClients()
    const {clients} = liveClients(incidentWorld(), undefined, h.extra)
    const {report, snapshot, stats} = await diagnose(request({ssm: false}), withClock(deps(clients).deps))
    expect([h.cw.calls().length, h.ct.calls().length, h.s3Mock.calls().length]).toEqual([0, 0, 0])
    expect(Object.keys(stats!.byApi).filter((k) => /^(cloudwatch|cloudtrail|s3):/.test(k))).toEqual([])
    expect(snapshot.history).toBeUndefined()
    expect(report.history).toBeUndefined()
  })

  it('re-renders a saved history offline, and hides it on request; older snapshots still load', async () => {
    const h = historyClients()
    const {clients} = liveClients(incidentWorld(), undefined, h.extra)
    const dir = mkdtempSync(join(tmpdir(), 'asg-doctor-service-'))
    try {
      const file = join(dir, 'snap.json')
      const first = await diagnose(live({saveSnapshot: file}), withClock(deps(clients).deps))
      const offline = await diagnose(request({alb: undefined, snapshotFile: file, history: {sinceMs: 3 * 3_600_000}}), deps(clients).deps)
      expect(offline.report.history).toEqual(first.report.history)
      const hidden = await diagnose(request({alb: undefined, snapshotFile: file}), deps(clients).deps)
      expect(hidden.report.history).toBeUndefined()
      const older = await diagnose(request({alb: undefined, snapshotFile: 'examples/nginx-missing.json', history: {sinceMs: 3 * 3_600_000}}), deps(clients).deps)
      expect(older.report.history).toBeUndefined()
      expect(h.cw.calls()).toHaveLength(1)
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })
})
