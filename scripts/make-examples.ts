/**
 * Builds the bundled example snapshots in examples/ from the healthy reference world (test/fixtures/world.ts),
 * each breaking it the way a real incident does. `npx tsx scripts/make-examples.ts` rewrites them;
 * test/examples.test.ts fails when a committed example is stale, and runs the CLI on each.
 */
import {readFileSync, writeFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {collectOnInstance} from '../src/collect/on-instance.js'
import type {Snapshot} from '../src/snapshot/types.js'
import type {CommandRunner} from '../src/ssm/types.js'
import type {ChangeEvent} from '../src/snapshot/history-types.js'
import {healthySsmWorld} from '../test/fixtures/ssm.js'
import {
  ASG_NAME,
  BROKEN_USER_DATA,
  INSTANCE_IDS,
  INSTANCE_IPS,
  LT_ID,
  LT_NAME,
  TG_ARN,
  WEB_SG,
  healthyWorld,
} from '../test/fixtures/world.js'
import {TARGETS, healthLines, historySection, minute, trafficLines} from '../test/history/section.js'
import {closed502, worldWithHistory} from '../test/rules/history/helpers.js'

export interface Example {
  file: string
  title: string
  /** What an operator saw, and what asg-doctor should lead with. */
  story: string
  build(): Promise<Snapshot>
}

type Sample = 'al2023-nginx-missing' | 'al2023-healthy'

/**
 * Adds what `diagnose` learns through SSM: the instances are reachable (healthy IAM and SSM sections), and the
 * read-only script answered on each with a real sample output (test/fixtures/on-instance/), its address set to the
 * instance's own. The section is built by the real collector over a runner that answers from the sample.
 */
async function throughSsm(world: Snapshot, sample: Sample, edit: (output: string) => string = (o) => o): Promise<Snapshot> {
  const w = healthySsmWorld(world)
  const text = edit(readFileSync(new URL(`../test/fixtures/on-instance/${sample}.txt`, import.meta.url), 'utf8'))
  const runner: CommandRunner = {
    runShellScript: async (request) =>
      request.instanceIds.map((instanceId) => {
        const ip = INSTANCE_IPS[INSTANCE_IDS.indexOf(instanceId as (typeof INSTANCE_IDS)[number])]
        return {instanceId, status: 'Success', responseCode: 0, commandId: '5d3c2a1b-7e6f-4a8b-9c0d-1e2f3a4b5c6d', stdout: text.replaceAll('10.0.10.11', ip), stderr: ''}
      }),
  }
  const {onInstance} = await collectOnInstance({runner, snapshot: w, instanceIds: [...INSTANCE_IDS], timeoutMs: 90_000})
  w.onInstance = onInstance
  return w
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64')

/** The reference incident (README.md): the launch template never installs nginx; every target fails its checks. */
function nginxMissing(): Promise<Snapshot> {
  const w = healthyWorld()
  w.meta.collectedAt = '2026-11-20T14:32:05.000Z'
  w.ec2.LaunchTemplateVersions[0].LaunchTemplateData!.UserData = b64(BROKEN_USER_DATA)
  w.elbv2.TargetHealthDescriptions[TG_ARN] = INSTANCE_IDS.map((id) => ({
    Target: {Id: id, Port: 80},
    HealthCheckPort: '80',
    TargetHealth: {State: 'unhealthy', Reason: 'Target.FailedHealthChecks', Description: 'Health checks failed'},
  }))
  // With ELB health checks the group keeps replacing the instances that fail them: the churn is part of the picture.
  w.autoscaling.Activities[ASG_NAME] = INSTANCE_IDS.flatMap((id, i) => [
    {
      ActivityId: `9a8b7c6d-0000-4000-8000-00000000010${i}`,
      AutoScalingGroupName: ASG_NAME,
      Description: `Launching a new EC2 instance: ${id}`,
      Cause: `At 2026-11-20T14:05:10Z an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 2 to 3.`,
      StartTime: `2026-11-20T14:05:1${i}.000Z`,
      EndTime: `2026-11-20T14:05:4${i}.000Z`,
      StatusCode: 'Successful',
      Progress: 100,
    },
    {
      ActivityId: `9a8b7c6d-0000-4000-8000-00000000020${i}`,
      AutoScalingGroupName: ASG_NAME,
      Description: `Terminating EC2 instance: i-0ffee0000000000${i}`,
      Cause: `At 2026-11-20T14:04:5${i}Z an instance was taken out of service in response to an ELB system health check failure.`,
      StartTime: `2026-11-20T14:04:5${i}.000Z`,
      EndTime: `2026-11-20T14:05:3${i}.000Z`,
      StatusCode: 'Successful',
      Progress: 100,
    },
  ]) as Snapshot['autoscaling']['Activities'][string]
  return throughSsm(w, 'al2023-nginx-missing')
}

/** The instances' security group lost its rule for the ALB: health checks time out. */
function sgMissingAlbRule(): Promise<Snapshot> {
  const w = healthyWorld()
  const sg = w.ec2.SecurityGroups.find((g) => g.GroupId === WEB_SG)!
  sg.IpPermissions = [
    {IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{CidrIp: '10.0.0.0/16', Description: 'SSH from the VPC'}], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: []},
  ]
  w.elbv2.TargetHealthDescriptions[TG_ARN] = INSTANCE_IDS.map((id) => ({
    Target: {Id: id, Port: 80},
    HealthCheckPort: '80',
    TargetHealth: {State: 'unhealthy', Reason: 'Target.Timeout', Description: 'Request timed out'},
  }))
  // nginx itself is fine on every instance: the script's local request answers 200.
  return throughSsm(w, 'al2023-healthy')
}

/** The group was created without its target group: the target group is empty and the ALB answers 503. */
function asgNotAttached(): Promise<Snapshot> {
  const w = healthyWorld()
  w.autoscaling.AutoScalingGroups[0].TargetGroupARNs = []
  w.elbv2.TargetHealthDescriptions[TG_ARN] = []
  return throughSsm(w, 'al2023-healthy')
}

/** Three hours of history, 18:00-21:00 UTC, collected at the end of it. */
const HISTORY_MINUTES = 180
const HISTORY_COLLECTED_AT = '2026-11-29T21:00:05.000Z'

/** A deterministic scatter: which minutes of the window see errors, and how many (xorshift, fixed seed). */
function scatter(minutes: number, everyAbout: number, seed = 0x9e3779b9): Map<number, number> {
  let x = seed >>> 0
  const next = () => {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    x >>>= 0
    return x
  }
  const out = new Map<number, number>()
  for (let m = 0; m < minutes; m++) if (next() % everyAbout === 0) out.set(m, 1 + (next() % 3))
  return out
}

/**
 * Intermittent 502s (issue 8): nginx keeps idle connections 30 s behind a 60 s idle timeout. Every target is
 * healthy; the access logs show a few 502s every so often whose target closed the connection (target_status_code
 * `-`, processing times of -1), CloudWatch shows them with no failed connection, and the instances say why.
 */
function keepalive502(): Promise<Snapshot> {
  const errors = scatter(HISTORY_MINUTES, 6)
  const h = historySection({
    minutes: HISTORY_MINUTES,
    metrics: {minutes: HISTORY_MINUTES, requests: 12, elb502: (m) => errors.get(m), connectionErrors: () => undefined},
    access: trafficLines({
      minutes: HISTORY_MINUTES,
      perMinute: 12,
      extra: (m) => Array.from({length: errors.get(m) ?? 0}, (_, k) => closed502(m, 5 + k * 17, TARGETS[(m + k) % TARGETS.length])),
    }),
    health: healthLines(HISTORY_MINUTES),
  })
  const w = worldWithHistory(h, healthyWorld())
  w.meta.collectedAt = HISTORY_COLLECTED_AT
  return throughSsm(w, 'al2023-healthy', (o) => o.replace(/^nginx\.keepalive=.*$/m, 'nginx.keepalive=30s'))
}

/**
 * A bad deploy: at 20:10 launch template version 2 (whose user data no longer installs nginx) is created and an
 * instance refresh rolls it out; from 20:18 no target passes its health checks and the ALB answers 502. Health-check
 * logs are on, access logs off; no on-instance checks (the new instances were never reachable).
 */
function badDeploy(): Promise<Snapshot> {
  const alice = 'arn:aws:iam::123456789012:user/alice'
  const t0 = 130
  const changes: ChangeEvent[] = [
    {time: minute(t0), source: 'launch-template-version', what: 'CreateLaunchTemplateVersion', resources: [LT_ID], who: alice, detail: `${LT_NAME} version 2 (used by ${ASG_NAME}; switch to dnf module)`, id: `${LT_ID}:2`},
    {time: minute(t0), source: 'cloudtrail', what: 'CreateLaunchTemplateVersion', resources: [LT_ID], who: alice, detail: 'ec2.amazonaws.com', id: '3c1f7a52-9b0e-4d6a-8f21-6e5d4c3b2a10'},
    {time: minute(t0 + 2), source: 'cloudtrail', what: 'StartInstanceRefresh', resources: [ASG_NAME], who: alice, detail: 'autoscaling.amazonaws.com', id: '3c1f7a52-9b0e-4d6a-8f21-6e5d4c3b2a11'},
    {time: minute(t0 + 2), source: 'instance-refresh', what: 'InstanceRefresh', resources: [ASG_NAME], status: 'InProgress', detail: 'Waiting for instances to warm up; 0% complete', id: '08b91dd5-4a01-4e76-9a42-5b8f3e2c1a7d'},
    ...[0, 1, 2].flatMap((i): ChangeEvent[] => [
      {time: minute(t0 + 3 + i * 2), source: 'autoscaling-activity', what: 'Terminate', resources: [ASG_NAME, `i-0f1d2c3b4a596870${i}`], who: 'autoscaling', detail: `Terminating EC2 instance: i-0f1d2c3b4a596870${i} — an instance was taken out of service in response to an instance refresh.`, status: 'Successful', id: `7d6e5f4a-0000-4000-8000-00000000030${i}`},
      {time: minute(t0 + 3 + i * 2), source: 'autoscaling-activity', what: 'Launch', resources: [ASG_NAME, INSTANCE_IDS[i]], who: 'autoscaling', detail: `Launching a new EC2 instance: ${INSTANCE_IDS[i]} — an instance was started in response to an instance refresh.`, status: 'Successful', id: `7d6e5f4a-0000-4000-8000-00000000040${i}`},
    ]),
  ]
  const onset = t0 + 8
  const h = historySection({
    minutes: HISTORY_MINUTES,
    metrics: {minutes: HISTORY_MINUTES, requests: 720, elb502: (m) => (m >= onset ? 700 : undefined), unhealthy: (m) => (m < t0 + 4 ? 0 : Math.min(3, Math.floor((m - t0 - 2) / 2)))},
    health: healthLines(HISTORY_MINUTES, (m, t) => (m >= t0 + 4 + TARGETS.indexOf(t as (typeof TARGETS)[number]) * 2 ? 'ConnectionRefused' : undefined)),
    changes,
  })
  h.changes!.launchTemplates = [{launchTemplateId: LT_ID, launchTemplateName: LT_NAME, latestVersion: 2, defaultVersion: 1, inUse: [{group: ASG_NAME, version: 2, spec: '$Latest'}]}]
  h.notes = ['Access logs are off on the load balancer (access_logs.s3.enabled is not true): no per-request evidence.']
  const w = healthySsmWorld(healthyWorld())
  w.meta.collectedAt = HISTORY_COLLECTED_AT
  const v1 = w.ec2.LaunchTemplateVersions[0]
  w.ec2.LaunchTemplateVersions.push({
    ...structuredClone(v1),
    VersionNumber: 2,
    DefaultVersion: false,
    CreateTime: minute(t0),
    CreatedBy: alice,
    VersionDescription: 'switch to dnf module',
    LaunchTemplateData: {...structuredClone(v1.LaunchTemplateData), UserData: b64(BROKEN_USER_DATA)},
  })
  for (const [i, inst] of w.ec2.Instances.entries()) inst.LaunchTime = minute(t0 + 3 + i * 2)
  for (const g of w.autoscaling.AutoScalingGroups) for (const i of g.Instances ?? []) i.LaunchTemplate = {LaunchTemplateId: LT_ID, LaunchTemplateName: LT_NAME, Version: '2'}
  w.elbv2.TargetHealthDescriptions[TG_ARN] = INSTANCE_IDS.map((id) => ({
    Target: {Id: id, Port: 80},
    HealthCheckPort: '80',
    TargetHealth: {State: 'unhealthy', Reason: 'Target.FailedHealthChecks', Description: 'Health checks failed'},
  }))
  return Promise.resolve(worldWithHistory(h, w))
}

export const EXAMPLES: Example[] = [
  {
    file: 'examples/nginx-missing.json',
    title: 'The reference incident: nginx never installed',
    story: 'The ALB answers 502 Bad Gateway; every target is unhealthy (Target.FailedHealthChecks); the Auto Scaling group keeps replacing instances. The launch template\'s user data never installs nginx.',
    build: nginxMissing,
  },
  {
    file: 'examples/sg-missing-alb-rule.json',
    title: 'Instance security group without the ALB rule',
    story: 'Every target is unhealthy with Target.Timeout: the instances\' security group admits SSH from the VPC but not port 80 from the ALB.',
    build: sgMissingAlbRule,
  },
  {
    file: 'examples/asg-not-attached.json',
    title: 'Auto Scaling group not attached to the target group',
    story: 'The ALB answers 503: its target group has no registered targets, because the Auto Scaling group was never attached to it.',
    build: asgNotAttached,
  },
  {
    file: 'examples/keepalive-502.json',
    title: 'Intermittent 502s: nginx keep-alive shorter than the ALB idle timeout',
    story: 'A few percent of requests fail with 502 while every target is healthy. The access logs show 502s whose target closed the connection; nginx keeps idle connections 30 s behind the ALB\'s 60 s idle timeout.',
    build: keepalive502,
  },
  {
    file: 'examples/bad-deploy.json',
    title: 'A bad deploy: a launch template version right before the 502s',
    story: 'Launch template version 2 (its user data no longer installs nginx) is rolled out by an instance refresh; minutes later no target passes its health checks and the ALB answers 502. The fix is the rollback to version 1.',
    build: badDeploy,
  },
  {
    file: 'examples/healthy.json',
    title: 'A healthy deployment',
    story: 'Everything passes: the shape a working reference deployment has.',
    build: () => throughSsm(healthyWorld(), 'al2023-healthy'),
  },
]

export async function exampleJson(example: Example): Promise<string> {
  return JSON.stringify(await example.build(), null, 2) + '\n'
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const ex of EXAMPLES) {
    writeFileSync(ex.file, await exampleJson(ex))
    console.log(`wrote ${ex.file}`)
  }
}
