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
import {healthySsmWorld} from '../test/fixtures/ssm.js'
import {
  ASG_NAME,
  BROKEN_USER_DATA,
  INSTANCE_IDS,
  INSTANCE_IPS,
  TG_ARN,
  WEB_SG,


  healthyWorld,
} from '../test/fixtures/world.js'

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
async function throughSsm(world: Snapshot, sample: Sample): Promise<Snapshot> {
  const w = healthySsmWorld(world)
  const text = readFileSync(new URL(`../test/fixtures/on-instance/${sample}.txt`, import.meta.url), 'utf8')
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
