import {readFileSync} from 'node:fs'
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

function liveClients(world: Snapshot, ssmInfo?: (m: SsmMock) => void) {
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
  return {clients: AwsClients.from({elbv2: c.elbv2, ec2: c.ec2, autoscaling: c.autoscaling, sts: c.sts, iam, ssm}, {region: 'us-east-1'}), ssmMock}
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
