/**
 * Issue 9, "Safe to paste, safe to run": every command asg-doctor prints is run here under bash, with every
 * account-controlled name, id and path in the snapshot made hostile (quotes, `$(...)`, backticks, spaces,
 * newlines, semicolons). External commands never run: PATH is an empty directory, `aws`, `asg-doctor`, `sudo` and
 * every other command name land in bash's command_not_found_handle, which records its argv NUL-separated and
 * executes nothing. A hostile value must arrive whole inside one argument, and no `touch` may ever be reached
 * (the payloads all call it).
 */
import {spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {AnalysisContext} from '../../src/analyze/context.js'
import {StartInstanceRefreshCommand, UpdateAutoScalingGroupCommand} from '@aws-sdk/client-auto-scaling'
import {CreateLaunchTemplateVersionCommand} from '@aws-sdk/client-ec2'
import {applyPersist, planPersist} from '../../src/fix/persist.js'
import {installScript} from '../../src/ssm/install-script.js'
import {asg, mocks, world} from '../fix/helpers.js'
import {allRules} from '../../src/rules/index.js'
import type {Finding} from '../../src/rules/types.js'
import type {Snapshot} from '../../src/snapshot/types.js'
import {healthySsmWorld} from '../fixtures/ssm.js'
import {PROFILE_NAME, ROLE_NAME} from '../fixtures/ssm.js'
import {
  ALB_NAME, ALB_SG, ASG_NAME, BROKEN_USER_DATA, DEFAULT_NACL, ENDPOINT_SG, IGW_ID, INSTANCE_IDS, LT_ID, LT_NAME, NAT_IDS, PRIVATE_SUBNETS,
  PUBLIC_SUBNETS, REGION, TG_ARN, TG_NAME, VPC_ID, WEB_SG, healthyWorld,
} from '../fixtures/world.js'
import {edit, run, sample, section} from '../rules/instance/helpers.js'
import {worldWithHistory} from '../rules/history/helpers.js'
import {badDeploy, drained, flapping, keepalive, oneBadTarget} from '../rules/history/scenarios.js'
import {historySection} from '../history/section.js'

const dir = mkdtempSync(join(tmpdir(), 'asgd-hostile-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))
const MARKER = 'pwned'

/**
 * A hostile variant of `plain`: its original text (so prefix checks such as `sg-` still hold), then a tag to find it
 * by, then every shell metacharacter a payload needs. No `/`, `:` or `<>`: ARNs and placeholders keep their shape.
 */
let counter = 0
function hostile(plain: string): string {
  counter += 1
  return `${plain}'HX${counter}Z "$(touch ${MARKER})" \`touch ${MARKER}\`; touch ${MARKER} $HOME *\n${plain}`
}

const RENAMES: [string, string][] = [
  ...[ALB_NAME, ASG_NAME, TG_NAME, LT_NAME, LT_ID, VPC_ID, ALB_SG, WEB_SG, ENDPOINT_SG, DEFAULT_NACL, IGW_ID, ROLE_NAME, PROFILE_NAME]
    .map((s) => [s, hostile(s)] as [string, string]),
  ...[...INSTANCE_IDS, ...PRIVATE_SUBNETS, ...PUBLIC_SUBNETS, ...NAT_IDS].map((s) => [s, hostile(s)] as [string, string]),
  ['rtb-0public0000000001', hostile('rtb-0public0000000001')],
  ...[0, 1, 2].map((i) => [`rtb-0private000000${i}01`, hostile(`rtb-0private000000${i}01`)] as [string, string]),
  ['vpce-0ssm000000000000', hostile('vpce-0ssm000000000000')],
  ['cmd-0a1b2c3d', hostile('cmd-0a1b2c3d')],
  [REGION, hostile(REGION)],
  ['/health', `/health${hostile('').replace('\n', '')}`],
]

/** The snapshot with every name, id and path above replaced wherever it occurs (ARNs, DNS names, tags...). */
function hostileCopy(world: Snapshot): Snapshot {
  let json = JSON.stringify(world)
  for (const [plain, bad] of [...RENAMES].sort((a, b) => b[0].length - a[0].length)) {
    json = json.split(plain).join(JSON.stringify(bad).slice(1, -1))
  }
  return JSON.parse(json) as Snapshot
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64')
const unhealthy = (reason: string) => ({State: 'unhealthy', Reason: reason, Description: 'x'})

/** Broken worlds that, between them, make as many rules as possible print commands. */
const WORLDS: Record<string, () => Snapshot> = {
  incident() {
    const w = healthySsmWorld(healthyWorld())
    w.ec2.LaunchTemplateVersions[0].LaunchTemplateData!.UserData = b64(BROKEN_USER_DATA)
    const g = w.autoscaling.AutoScalingGroups[0]
    g.LaunchTemplate = {LaunchTemplateName: LT_NAME, Version: '1'}
    g.HealthCheckType = 'EC2'
    g.SuspendedProcesses = [{ProcessName: 'AddToLoadBalancer'}]
    w.elbv2.TargetHealthDescriptions[TG_ARN] = INSTANCE_IDS.slice(0, 2).map((id) => ({Target: {Id: id, Port: 80}, HealthCheckPort: '80', TargetHealth: unhealthy('Target.FailedHealthChecks')})) as never
    const tg = w.elbv2.TargetGroups[0]
    tg.HealthCheckTimeoutSeconds = 30
    tg.UnhealthyThresholdCount = 1
    w.autoscaling.Activities[ASG_NAME] = [
      {ActivityId: 'a-1', AutoScalingGroupName: ASG_NAME, Description: 'Launching a new EC2 instance.  Status Reason: no capacity', Cause: 'x', StartTime: '2026-11-20T14:00:00.000Z', StatusCode: 'Failed', StatusMessage: 'We currently do not have sufficient t3.micro capacity', Progress: 100},
    ] as never
    w.onInstance = section(INSTANCE_IDS.map((id) => run(id, sample('al2023-nginx-missing'))))
    return w
  },
  mismatch() {
    const w = healthySsmWorld(healthyWorld())
    w.elbv2.TargetHealthDescriptions[TG_ARN] = INSTANCE_IDS.map((id) => ({Target: {Id: id, Port: 80}, HealthCheckPort: '80', TargetHealth: {State: 'unhealthy', Reason: 'Target.ResponseCodeMismatch', Description: 'Health checks failed with these codes: [404]'}})) as never
    w.elbv2.TargetGroups[0].HealthCheckProtocol = 'HTTPS'
    w.elbv2.TargetGroups[0].HealthCheckEnabled = false
    const ubuntu = sample('ubuntu2204-nginx-bad-config-apache2')
    w.onInstance = section([
      run(INSTANCE_IDS[0], ubuntu),
      run(INSTANCE_IDS[1], edit(sample('al2023-healthy'), {'nginx.keepalive': '5', 'disk.use': '99', 'nginx.enabled': 'disabled', 'nginx.active': 'failed', 'probe.code': '404'})),
      run(INSTANCE_IDS[2], '', {status: 'TimedOut', commandId: 'cmd-0a1b2c3d'}),
    ])
    return w
  },
  network() {
    const w = healthySsmWorld(healthyWorld())
    const sg = (id: string) => w.ec2.SecurityGroups.find((g) => g.GroupId === id)!
    sg(WEB_SG).IpPermissions = []
    sg(WEB_SG).IpPermissionsEgress = [{IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{CidrIp: '0.0.0.0/0'}], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: []}]
    sg(ALB_SG).IpPermissionsEgress = []
    sg(ENDPOINT_SG).IpPermissions = []
    w.ec2.NetworkAcls[0].Entries = [
      {RuleNumber: 90, Protocol: '6', RuleAction: 'deny', Egress: false, CidrBlock: '0.0.0.0/0', PortRange: {From: 1024, To: 65535}},
      ...(w.ec2.NetworkAcls[0].Entries ?? []),
    ]
    for (const rt of w.ec2.RouteTables) rt.Routes = (rt.Routes ?? []).filter((r) => r.DestinationCidrBlock !== '0.0.0.0/0' && !r.DestinationPrefixListId)
    w.ec2.NatGateways = []
    w.ec2.VpcEndpoints = w.ec2.VpcEndpoints.filter((e) => !e.ServiceName?.endsWith('.s3'))
    w.elbv2.TargetHealthDescriptions[TG_ARN] = INSTANCE_IDS.map((id) => ({Target: {Id: id, Port: 80}, HealthCheckPort: '80', TargetHealth: unhealthy('Target.Timeout')})) as never
    return w
  },
  ssm() {
    const w = healthySsmWorld(healthyWorld())
    delete w.ec2.Instances[0].IamInstanceProfile
    w.ec2.Instances[1].IamInstanceProfile = {Arn: 'arn:aws:iam::123456789012:instance-profile/gone', Id: 'AIPAGONE'}
    w.iam!.NotFound = ['arn:aws:iam::123456789012:instance-profile/gone']
    w.iam!.RolePolicies[ROLE_NAME] = {AttachedPolicies: [], InlinePolicies: []}
    w.ec2.VpcAttributes[VPC_ID] = {EnableDnsSupport: false, EnableDnsHostnames: false}
    w.ec2.VpcEndpoints = w.ec2.VpcEndpoints.filter((e) => !e.ServiceName?.endsWith('.ec2messages'))
    const ssmEndpoint = w.ec2.VpcEndpoints.find((e) => e.ServiceName?.endsWith('.ssm'))!
    ssmEndpoint.PrivateDnsEnabled = false
    ssmEndpoint.SubnetIds = [PRIVATE_SUBNETS[0]]
    for (const rt of w.ec2.RouteTables) rt.Routes = (rt.Routes ?? []).filter((r) => !r.NatGatewayId)
    w.ssm!.InstanceInformationList[0].PingStatus = 'ConnectionLost'
    w.ssm!.InstanceInformationList[1].IsLatestVersion = false
    w.ssm!.InstanceInformationList[1].AgentVersion = '3.0.0.0'
    return w
  },
  capacity() {
    const w = healthyWorld()
    w.elbv2.LoadBalancers[0].State = {Code: 'active_impaired'}
    w.elbv2.Listeners = []
    const g = w.autoscaling.AutoScalingGroups[0]
    g.MinSize = 0
    g.MaxSize = 0
    g.DesiredCapacity = 0
    g.Instances = []
    w.elbv2.TargetHealthDescriptions[TG_ARN] = []
    return w
  },
  detached() {
    const w = healthyWorld()
    w.autoscaling.AutoScalingGroups[0].TargetGroupARNs = []
    w.elbv2.TargetHealthDescriptions[TG_ARN] = []
    return w
  },
  history() {
    const w = worldWithHistory(keepalive())
    w.onInstance = section(INSTANCE_IDS.map((id) => run(id, edit(sample('al2023-healthy'), {'nginx.keepalive': '75s'}))))
    return w
  },
  deploy() {
    const w = worldWithHistory(badDeploy())
    w.ec2.LaunchTemplateVersions.push({...structuredClone(w.ec2.LaunchTemplateVersions[0]), VersionNumber: 2, DefaultVersion: false})
    return w
  },
  oneTarget: () => worldWithHistory(oneBadTarget()),
  drained() {
    const w = worldWithHistory(drained())
    w.elbv2.TargetGroupAttributes[TG_ARN] = [{Key: 'deregistration_delay.timeout_seconds', Value: '20'}]
    return w
  },
  flapping: () => worldWithHistory(flapping({with5xx: true})),
  logsOff: () => worldWithHistory(historySection({minutes: 60})),
  unused() {
    const w = healthyWorld()
    w.ec2.Instances[0].State = {Code: 80, Name: 'stopped'}
    w.elbv2.TargetHealthDescriptions[TG_ARN] = [
      {Target: {Id: INSTANCE_IDS[0], Port: 80}, HealthCheckPort: '80', TargetHealth: {State: 'unused', Reason: 'Target.InvalidState', Description: 'stopped'}},
      {Target: {Id: INSTANCE_IDS[1], Port: 80, AvailabilityZone: 'us-east-1d'}, HealthCheckPort: '80', TargetHealth: {State: 'unused', Reason: 'Target.NotInUse', Description: 'AZ'}},
      {Target: {Id: 'i-0ffffffffffffffff', Port: 80}, HealthCheckPort: '80', TargetHealth: {State: 'unused', Reason: 'Target.NotRegistered', Description: 'gone'}},
    ] as never
    w.elbv2.Listeners[0].DefaultActions = [{Type: 'fixed-response', FixedResponseConfig: {StatusCode: '503'}}] as never
    return w
  },
}

interface Printed {
  world: string
  ruleId: string
  command: string
}

function printedCommands(): Printed[] {
  const out: Printed[] = []
  for (const [world, build] of Object.entries(WORLDS)) {
    const ctx = new AnalysisContext(hostileCopy(build()))
    for (const rule of allRules) {
      const result = rule.check(ctx)
      if (!Array.isArray(result)) continue
      for (const f of result as Finding[]) for (const command of f.remediation.commands ?? []) out.push({world, ruleId: f.ruleId, command})
    }
  }
  return out
}

const PRELUDE = `
set -f +H 2>/dev/null
PATH=${JSON.stringify(join(dir, 'empty'))}
command_not_found_handle() { { printf '%s\\0' "$@"; printf '\\036\\0'; } >>"$CALLS"; return 0; }
`

/** Runs one printed command under bash; every external command it names is recorded as argv lists. */
function execute(command: string): {calls: string[][]; stderr: string} {
  const calls = join(dir, `calls-${Math.random().toString(36).slice(2)}`)
  writeFileSync(calls, '')
  // Placeholders the user is to fill in (`<igw-id>`) would be redirections: give them a value.
  const runnable = command.replace(/<[A-Za-z][^<>'"\n]*>/g, 'PLACEHOLDER')
  const r = spawnSync('/bin/bash', ['-c', `${PRELUDE}\n${runnable}`], {cwd: dir, env: {CALLS: calls, HOME: '/nonexistent-home'}, encoding: 'utf8', timeout: 10_000})
  const words = readFileSync(calls, 'utf8').split('\0').slice(0, -1)
  const list: string[][] = [[]]
  for (const w of words) if (w === '\x1e') list.push([]); else list.at(-1)!.push(w)
  return {calls: list.filter((c) => c.length > 0), stderr: r.stderr}
}

const printed = printedCommands()
const tagged = RENAMES.map(([, bad]) => ({bad, json: JSON.stringify(bad).slice(1, -1), tag: /HX\d+Z/.exec(bad)![0]}))

describe('every printed command, with hostile names, ids and paths in the snapshot', () => {
  it('covers the rules that print commands', () => {
    const rules = new Set(printed.map((p) => p.ruleId))
    for (const id of [
      'alb-state', 'asg-health-check-type-ec2', 'asg-instances-not-registered', 'asg-launch-failures', 'asg-no-capacity', 'asg-not-attached',
      'health-check-path', 'health-check-timing', 'launch-template-no-web-server', 'listener-default-action', 'target-health-unhealthy',
      'target-health-unused', 'sg-instance-ingress', 'sg-alb-egress', 'nacl-blocks-traffic', 'alb-subnet-no-igw-route', 'instance-subnet-no-egress',
      'nginx-not-installed', 'nginx-config-invalid', 'nothing-listening-on-port', 'instance-disk-full', 'nginx-keepalive-shorter-than-idle-timeout',
      'nginx-not-enabled', 'nginx-not-running', 'health-path-local-failure', 'instance-command-no-answer',
      'alb-5xx-in-window', 'keepalive-502s', 'change-before-5xx-onset', 'one-target-5xx', 'deregistration-5xx', 'health-checks-flapping',
      'application-5xx', 'access-logs-off', 'health-check-logs-off',
    ]) {
      expect(rules, id).toContain(id)
    }
    expect([...rules].filter((r) => r.startsWith('ssm-')).length).toBeGreaterThanOrEqual(6)
  })

  it.each(printed.map((p) => [`${p.world} ${p.ruleId}: ${p.command.slice(0, 70).replaceAll('\n', ' ')}`, p] as const))('%s', (_, p) => {
    const {calls, stderr} = execute(p.command)
    expect(stderr, p.command).toBe('')
    expect(calls.length, p.command).toBeGreaterThan(0)
    // Nothing the payloads name ever ran.
    expect(calls.map((c) => c[0]), p.command).not.toContain('touch')
    expect(existsSync(join(dir, MARKER))).toBe(false)
    const args = calls.flat()
    // Wherever a hostile value went, it went whole, as (part of) one argument; in a JSON argument JSON-escaped, in
    // a JMESPath --query as a raw string literal.
    const whole = (a: string, bad: string, json: string) =>
      a.includes(bad) || (/^[[{]/.test(a) && a.includes(json)) || a.includes(bad.replace(/[\\']/g, '\\$&'))
    for (const {bad, json, tag} of tagged) {
      for (const a of args.filter((x) => x.includes(tag))) expect(whole(a, bad, json), `${a} in ${p.command}`).toBe(true)
      if (p.command.includes(tag)) expect(args.some((a) => whole(a, bad, json)), `${tag} in ${p.command}`).toBe(true)
    }
  })
})

describe('fix-nginx --persist with a hostile group name', () => {
  it('prints a describe-instance-refreshes command that names the group as one argument', async () => {
    const m = mocks()
    world(m)
    const name = hostile('web-asg')
    m.ec2.on(CreateLaunchTemplateVersionCommand).resolves({LaunchTemplateVersion: {LaunchTemplateId: LT_ID, VersionNumber: 4}})
    m.autoscaling.on(UpdateAutoScalingGroupCommand).resolves({})
    m.autoscaling.on(StartInstanceRefreshCommand).rejects(Object.assign(new Error('in progress'), {name: 'InstanceRefreshInProgress', $metadata: {}}))
    const plan = await planPersist([asg({AutoScalingGroupName: name})], installScript({port: 80, healthCheckPath: '/health'}).join('\n'), m.clients, {refresh: true, minHealthyPercentage: 90})
    const [result] = await applyPersist(plan, m.clients)
    m.reset()
    const command = /\((aws autoscaling describe-instance-refreshes [\s\S]*)\)$/.exec(result.error ?? '')?.[1]
    expect(command, result.error).toBeDefined()
    const {calls} = execute(command!)
    expect(calls).toEqual([['aws', 'autoscaling', 'describe-instance-refreshes', '--auto-scaling-group-name', name]])
    expect(existsSync(join(dir, MARKER))).toBe(false)
  })
})

describe('the sources', () => {
  it('build every printed aws command with cmd from src/lib/shell.ts', () => {
    const files = spawnSync('git', ['ls-files', 'src/rules', 'src/fix'], {encoding: 'utf8'}).stdout.split('\n').filter((f) => f.endsWith('.ts'))
    expect(files.length).toBeGreaterThan(30)
    const plain = files.flatMap((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .map((line, i) => ({where: `${f}:${i + 1}`, line}))
        // a plain template literal that starts a command and interpolates a value
        .filter(({line}) => /(^|[^\w])`(aws [a-z0-9-]+ [a-z0-9-]+|asg-doctor [a-z-]+) [^`]*\$\{/.test(line.replace(/cmd`/g, ''))),
    )
    expect(plain.map((p) => `${p.where}: ${p.line.trim()}`)).toEqual([])
  })
})
