/**
 * The reference incident end to end, through the built CLI: an ALB whose targets are all unhealthy because the
 * launch template never installs nginx, on instances that Systems Manager can reach. `diagnose` must lead with
 * nginx-not-installed (proven on the instance), and `fix-nginx` must install it, see the targets turn healthy,
 * and persist the install in a new launch template version. Needs `npm run build`.
 *
 * Real moto for everything but its gaps, which the loopback gap proxy (helpers/gap-proxy.ts) answers from the
 * scenario each test sets. Mocked, because moto 5.2 lacks them (docs/architecture.md, "Testing against moto"):
 * - ssm:DescribeInstanceInformation (moto: HTTP 500) -> the instances Online, agent 3.3.1142.0, Linux;
 * - ssm:SendCommand (moto runs nothing) -> a command id; the script is recorded for the assertions;
 * - ssm:ListCommandInvocations (moto: HTTP 500) -> Success with the real AL2023 sample output of the diagnostic
 *   script (test/fixtures/on-instance/), or the install script's result trailer;
 * - ssm:GetCommandInvocation (moto: always empty Success) -> the same output;
 * - elasticloadbalancing:DescribeTargetHealth (moto: every running target healthy) -> moto's answer with the
 *   targets unhealthy / Target.FailedHealthChecks until the install has run on them;
 * - autoscaling:StartInstanceRefresh (moto: HTTP 500) -> an InstanceRefreshId.
 * Everything else (EC2, IAM, STS, the rest of ELBv2 and Auto Scaling) is real moto; the launch template version
 * and the group's update are read back from moto itself.
 */
import {existsSync, readFileSync} from 'node:fs'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {DescribeAutoScalingGroupsCommand} from '@aws-sdk/client-auto-scaling'
import {DescribeLaunchTemplateVersionsCommand} from '@aws-sdk/client-ec2'
import {DescribeTargetHealthCommand} from '@aws-sdk/client-elastic-load-balancing-v2'
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'
import {INSTALL_MARKER, RESULT_PREFIX} from '../../src/ssm/install-script.js'
import type {GapProxy} from './helpers/gap-proxy.js'
import {DIAGNOSTIC_SCRIPT_MARK, rewriteTargetHealth, startGapProxy} from './helpers/gap-proxy.js'
import {ROOT, json, runCli} from './helpers/cli.js'
import type {Moto} from './helpers/moto.js'
import {startMoto} from './helpers/moto.js'
import type {SeededWorld} from './helpers/seed.js'
import {NO_WEB_SERVER_USER_DATA, motoClients, seedWorld} from './helpers/seed.js'

const SAMPLES = join(ROOT, 'test/fixtures/on-instance')
/** The IP the real samples were taken on; each instance reports its own. */
const SAMPLE_IP = '10.0.10.11'

let moto: Moto
let proxy: GapProxy
let tmp: string
const timings: Record<string, number> = {}

const run = (args: string[]) => runCli(proxy.endpoint, args)

/** Every AWS call of the CLI goes to the gap proxy, which forwards all but moto's gaps to moto. */
const viaProxy = (...args: string[]) => [...args, '--endpoint-url', proxy.endpoint, '--region', 'us-east-1']

const sample = (file: string) => readFileSync(join(SAMPLES, file), 'utf8')

/** The real AL2023 sample, as the instance with this IP would print it. */
const onInstance = (file: string, world: SeededWorld) => (id: string) => sample(file).replaceAll(SAMPLE_IP, world.privateIps[id])

/** What the install script prints on a fresh AL2023 instance (its `say` lines and its result trailer). */
const INSTALL_STDOUT = ['asg-doctor: installing nginx with dnf', 'asg-doctor: nginx serves port(s) 80', `${RESULT_PREFIX} changed=installed,config,index,enabled,started`, ''].join('\n')

/** The reference incident: user data without a web server, SSM-ready instances, every target failing its checks. */
async function incidentWorld(): Promise<SeededWorld> {
  const world = await seedWorld(moto.endpoint, {userData: NO_WEB_SERVER_USER_DATA, healthCheckPath: '/health', groupTemplateVersion: '1', ssmReady: true})
  timings.seedMs = world.ms
  proxy.setScenario({
    online: world.privateIps,
    diagnosticOutput: onInstance('al2023-nginx-missing.txt', world),
    installOutput: () => INSTALL_STDOUT,
    targetHealth: {State: 'unhealthy', Reason: 'Target.FailedHealthChecks', Description: 'Health checks failed'},
  })
  return world
}

/** Package installs, service changes and file writes: none may appear in what diagnose sends. */
const MUTATIONS = {
  packages: /\b(?:dnf|yum|apt-get|apt|zypper|apk|amazon-linux-extras)\b[^\n]*\b(?:install|add|remove|erase|upgrade)\b/,
  systemd: /\bsystemctl\s+(?:--\S+\s+)*(?:start|restart|reload|enable|disable|stop|mask)\b/,
  sysv: /\bservice\s+\S+\s+(?:start|restart|reload|stop)\b/,
  // A redirection to a file: not 2>&1, >&3, 3<>/dev/tcp, >/dev/null, nor awk's >=.
  redirect: /(?<![0-9&<])>>?(?![=&])\s*(?!\/dev\/null)\S/,
  files: /\b(?:rm|mv|cp|tee|mkdir|chmod|chown|sed\s+-i)\s/,
}

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist/src/commands/fix-nginx.js'))) throw new Error('dist/ is missing: run `npm run build` before the CLI integration tests.')
  const t = performance.now()
  // AWS managed policies loaded: the instance role gets the real AmazonSSMManagedInstanceCore attached.
  moto = await startMoto({iamManagedPolicies: true})
  proxy = await startGapProxy(moto.endpoint)
  timings.startMs = Math.round(performance.now() - t)
  tmp = await mkdtemp(join(tmpdir(), 'asg-doctor-incident-'))
})

afterAll(async () => {
  await proxy?.stop()
  await moto?.stop()
  if (tmp) await rm(tmp, {recursive: true, force: true})
  console.log(`timings: ${JSON.stringify(timings)}`)
})

beforeEach(async () => {
  await moto.reset()
  proxy.reset()
})

describe('the gap proxy', () => {
  // Mocked: DescribeTargetHealth only once a target health is set (moto makes every running target healthy).
  it('passes moto through and rewrites only the healthy targets of DescribeTargetHealth', async () => {
    const world = await seedWorld(moto.endpoint, {stopOneInstance: true})
    const {elbv2} = motoClients(proxy.endpoint)
    const describe = () => elbv2.send(new DescribeTargetHealthCommand({TargetGroupArn: world.targetGroupArn}))
    const states = async () => (await describe()).TargetHealthDescriptions!.map((d) => [d.Target!.Id, d.TargetHealth!.State, d.TargetHealth!.Reason]).sort()

    // No target health in the scenario: moto's own answer, forwarded.
    const running = world.instanceIds.filter((id) => id !== world.stoppedInstanceId)
    expect(await states()).toEqual(world.instanceIds.map((id) => (id === world.stoppedInstanceId ? [id, 'unused', 'Target.InvalidState'] : [id, 'healthy', undefined])))
    expect(proxy.forwarded['elasticloadbalancing:DescribeTargetHealth']).toBe(1)
    expect(proxy.mocked).toEqual({})

    proxy.setScenario({online: {}, targetHealth: {State: 'unhealthy', Reason: 'Target.FailedHealthChecks', Description: 'Health checks failed'}})
    proxy.installed.add(running[0])
    const after = await describe()
    // The stopped instance keeps moto's unused; the installed one stays healthy; the others fail their checks.
    expect(after.TargetHealthDescriptions!.find((d) => d.Target!.Id === world.stoppedInstanceId)!.TargetHealth).toMatchObject({State: 'unused', Reason: 'Target.InvalidState'})
    expect(after.TargetHealthDescriptions!.find((d) => d.Target!.Id === running[0])!.TargetHealth).toEqual({State: 'healthy'})
    expect(after.TargetHealthDescriptions!.find((d) => d.Target!.Id === running[1])).toMatchObject({
      Target: {Id: running[1], Port: 80},
      HealthCheckPort: 'traffic-port',
      TargetHealth: {State: 'unhealthy', Reason: 'Target.FailedHealthChecks', Description: 'Health checks failed'},
    })
    expect(proxy.mocked).toEqual({'elasticloadbalancing:DescribeTargetHealth': 1})
    elbv2.destroy()
  })

  it('keeps the rest of the XML as moto wrote it, one target at a time', () => {
    const member = (id: string, health: string) =>
      `<member><Target><Id>${id}</Id><Port>80</Port></Target><HealthCheckPort>traffic-port</HealthCheckPort><TargetHealth>${health}</TargetHealth></member>`
    const unused = '<State>unused</State><Reason>Target.InvalidState</Reason>'
    const xml = `<DescribeTargetHealthResult><TargetHealthDescriptions>${member('i-1', unused)}${member('i-2', '<State>healthy</State>')}</TargetHealthDescriptions></DescribeTargetHealthResult>`
    expect(rewriteTargetHealth(xml, () => ({State: 'unhealthy', Reason: 'Target.Timeout'}))).toBe(
      xml.replace('<State>healthy</State>', '<State>unhealthy</State><Reason>Target.Timeout</Reason>'),
    )
    // A state for the unused target only: its answer is moto's, and the healthy one after it is not touched.
    expect(rewriteTargetHealth(xml, (id) => (id === 'i-1' ? {State: 'unhealthy'} : undefined))).toBe(xml)
    expect(rewriteTargetHealth(xml, () => undefined)).toBe(xml)
  })
})

describe('diagnose on the SSM-ready healthy world', () => {
  // Mocked: ssm:DescribeInstanceInformation, SendCommand, ListCommandInvocations (moto: HTTP 500 or nothing run),
  // answered with the real healthy AL2023 sample. Target health is moto's own (healthy).
  it('is healthy, exit 0, once SSM answers: every check ran, the on-instance ones on all 3 instances', async () => {
    const world = await seedWorld(moto.endpoint, {healthCheckPath: '/health', ssmReady: true})
    proxy.setScenario({online: world.privateIps, diagnosticOutput: onInstance('al2023-healthy.txt', world)})
    const r = await run(['diagnose', world.albName, ...viaProxy('--json')])
    const report = json(r)
    // Nothing wrong; moto's load balancers have their logs off, which the history checks mention (info, never a failure).
    const findings = report.findings as {ruleId: string; severity: string}[]
    expect(findings.filter((f) => f.severity !== 'info'), JSON.stringify(report.findings, null, 1)).toEqual([])
    expect(findings.map((f) => f.ruleId)).toEqual(['access-logs-off', 'health-check-logs-off'])
    expect(report.checks.filter((c: {status: string}) => c.status === 'could-not-check')).toEqual([])
    const passed = report.checks.filter((c: {status: string}) => c.status === 'pass').map((c: {ruleId: string}) => c.ruleId)
    expect(passed).toEqual(expect.arrayContaining(['ssm-agent-not-online', 'nginx-not-installed', 'nothing-listening-on-port', 'health-path-local-failure']))
    expect(report.status).toBe('healthy')
    expect(r.code).toBe(0)
    // Every target healthy: --ssm-targets auto checks them all, in one command.
    expect(proxy.sent.map((s) => [s.kind, [...s.instanceIds].sort()])).toEqual([['diagnostic', world.instanceIds]])
  })
})

describe('diagnose on the reference incident', () => {
  // Mocked: the SSM calls above, with the real nginx-missing AL2023 sample, and DescribeTargetHealth
  // (unhealthy / Target.FailedHealthChecks, which moto cannot produce). The rest is moto.
  it('leads with nginx-not-installed, proven by the read-only script sent once to the 3 instances, exit 1', async () => {
    const world = await incidentWorld()
    const r = await run(['diagnose', world.albName, ...viaProxy('--json')])
    timings.diagnoseMs = r.ms
    const report = json(r)
    expect(r.code, r.stderr).toBe(1)
    expect(report.status).toBe('problems')
    const root = report.rootCauses[0]
    expect(root.cause.ruleId).toBe('nginx-not-installed')
    expect(root.cause.message).toContain('nginx is not installed on 3 of 3 checked instances of web-alb-tg')
    expect(root.cause.message).toContain('health check /health on port 80')
    expect(root.cause.resources).toEqual(expect.arrayContaining(world.instanceIds))
    const symptoms = root.symptoms.map((s: {ruleId: string}) => s.ruleId)
    expect(symptoms).toContain('target-health-unhealthy')
    expect(symptoms).toContain('launch-template-no-web-server')
    // The instances are SSM-ready: no SSM configuration finding, and every SSM check ran.
    expect(report.findings.filter((f: {ruleId: string}) => f.ruleId.startsWith('ssm-'))).toEqual([])
    expect(report.checks.filter((c: {status: string}) => c.status === 'could-not-check')).toEqual([])

    // One read-only AWS-RunShellScript for all 3 instances, its answers from one list call per poll.
    expect(proxy.sent).toHaveLength(1)
    const [sent] = proxy.sent
    expect(sent).toMatchObject({documentName: 'AWS-RunShellScript', kind: 'diagnostic', comment: 'asg-doctor diagnose: read-only checks of nginx'})
    expect([...sent.instanceIds].sort()).toEqual(world.instanceIds)
    const script = sent.commands.join('\n')
    expect(script.startsWith(DIAGNOSTIC_SCRIPT_MARK)).toBe(true)
    for (const [what, re] of Object.entries(MUTATIONS)) expect(script, `the diagnostic script changes ${what}`).not.toMatch(re)
    expect(proxy.mocked['ssm:SendCommand']).toBe(1)
    expect(proxy.mocked['ssm:DescribeInstanceInformation']).toBe(1)
    expect(proxy.mocked['ssm:ListCommandInvocations']).toBeGreaterThanOrEqual(1)
    expect(proxy.mocked['ssm:GetCommandInvocation']).toBeUndefined()
    // The SSM readiness reads went to moto: the role, its managed policy and the endpoints are real there.
    expect(world.ssmPolicy).toBe('managed')
    expect(proxy.forwarded['iam:GetInstanceProfile']).toBe(1)
    expect(proxy.forwarded['iam:GetPolicyVersion']).toBe(1)
  })

  it('leads the text report with it', async () => {
    const world = await incidentWorld()
    const r = await run(['diagnose', world.albName, ...viaProxy()])
    expect(r.code, r.stderr).toBe(1)
    const lines = r.stdout.split('\n')
    const first = lines.findIndex((l) => /^1\. /.test(l))
    expect(lines[first]).toContain('[nginx-not-installed]')
    expect(lines[first + 1]).toContain('nginx is not installed on 3 of 3 checked instances')
    expect(lines.findIndex((l) => l.includes('[target-health-unhealthy]'))).toBeGreaterThan(first)
    expect(r.stdout).toContain('asg-doctor fix-nginx web-alb --persist --region us-east-1')
  })

  it('with --no-ssm sends nothing to the instances and falls back to launch-template-no-web-server', async () => {
    const world = await incidentWorld()
    const r = await run(['diagnose', world.albName, ...viaProxy('--no-ssm', '--json')])
    const report = json(r)
    expect(r.code, r.stderr).toBe(1)
    expect(proxy.sent).toEqual([])
    expect(proxy.mocked['ssm:SendCommand']).toBeUndefined()
    expect(report.rootCauses[0].cause.ruleId).toBe('launch-template-no-web-server')
    expect(report.rootCauses[0].cause.confidence).toBe('likely')
    expect(report.rootCauses[0].symptoms.map((s: {ruleId: string}) => s.ruleId)).toContain('target-health-unhealthy')
    expect(report.findings.map((f: {ruleId: string}) => f.ruleId)).not.toContain('nginx-not-installed')
    expect(report.notes).toContain('On-instance checks were skipped (--no-ssm): nothing was sent to the instances.')
  })

  it('gives the same root cause offline from --save-snapshot', async () => {
    const world = await incidentWorld()
    const file = join(tmp, 'incident.json')
    const live = json(await run(['diagnose', world.albName, ...viaProxy('--save-snapshot', file, '--json')]))
    const before = JSON.stringify([proxy.mocked, proxy.forwarded])
    // The same --endpoint-url as the live run, so that the printed commands point at the same place (they carry it).
    const offline = await run(['diagnose', '--snapshot', file, '--json', '--endpoint-url', proxy.endpoint])
    expect(offline.code).toBe(1)
    // Offline: not one request reached the proxy.
    expect(JSON.stringify([proxy.mocked, proxy.forwarded])).toBe(before)
    const report = json(offline)
    expect(report.rootCauses[0].cause.ruleId).toBe('nginx-not-installed')
    expect(report.rootCauses[0].cause).toEqual(live.rootCauses[0].cause)
    expect(report.findings).toEqual(live.findings)
    // Without it, the commands say only where the snapshot was taken (its region).
    const bare = json(await run(['diagnose', '--snapshot', file, '--json']))
    const commands = (r: {findings: {remediation: {commands?: string[]}}[]}) => r.findings.flatMap((f) => f.remediation.commands ?? [])
    expect(commands(live).join('\n')).toContain(`--region us-east-1 --endpoint-url ${proxy.endpoint}`)
    expect(commands(bare).join('\n')).not.toContain('--endpoint-url')
  })
})

describe('fix-nginx on the reference incident', () => {
  // Mocked: the SSM calls (the install's result trailer as output), DescribeTargetHealth (unhealthy until the install
  // has run) and StartInstanceRefresh (moto: HTTP 500). The launch template version and the group update are moto's.
  it('--dry-run prints the plan and sends nothing', async () => {
    const world = await incidentWorld()
    const r = await run(['fix-nginx', world.albName, ...viaProxy('--dry-run')])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain(`Plan: install nginx behind web-alb (${world.albDns})`)
    expect(r.stdout).toContain('Target group web-alb-tg: HTTP port 80, health-check path /health (success codes 200)')
    expect(r.stdout).toContain('Instances to fix (3):')
    for (const id of world.instanceIds) expect(r.stdout).toContain(`${id}  ${world.privateIps[id]}  target unhealthy`)
    expect(r.stdout).not.toContain('Skipped')
    expect(r.stdout).toContain('--dry-run: nothing was changed.')
    expect(proxy.sent).toEqual([])
    expect(proxy.mocked['ssm:SendCommand']).toBeUndefined()
    expect(Object.keys(proxy.forwarded).filter((k) => !/:(Describe|List|Get)/.test(k))).toEqual([])
  })

  it('refuses without a terminal and without --yes, exit 2, after the plan', async () => {
    const world = await incidentWorld()
    const r = await run(['fix-nginx', world.albName, ...viaProxy()])
    expect(r.code).toBe(2)
    expect(r.stdout).toContain('Instances to fix (3):')
    expect(r.stderr).toContain('fix-nginx changes your instances and needs a yes, but there is no terminal to ask on.')
    expect(proxy.sent).toEqual([])
    expect(Object.keys(proxy.forwarded).filter((k) => !/:(Describe|List|Get)/.test(k))).toEqual([])
  })

  it('--yes --persist --refresh installs, verifies, writes a launch template version and starts a refresh, exit 0', async () => {
    const world = await incidentWorld()
    const r = await run(['fix-nginx', world.albName, ...viaProxy('--yes', '--persist', '--refresh')])
    timings.fixMs = r.ms
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0)

    // One install command for the 3 instances.
    expect(proxy.sent).toHaveLength(1)
    expect(proxy.sent[0]).toMatchObject({documentName: 'AWS-RunShellScript', kind: 'install', comment: 'asg-doctor fix-nginx: install and start nginx'})
    expect([...proxy.sent[0].instanceIds].sort()).toEqual(world.instanceIds)
    const install = proxy.sent[0].commands.join('\n')
    expect(install).toContain(`${INSTALL_MARKER} v1: port(s) 80, health check /health`)
    // The patterns that find nothing in diagnose's script do find the install's changes.
    for (const re of [MUTATIONS.packages, MUTATIONS.systemd, MUTATIONS.redirect, MUTATIONS.files]) expect(install).toMatch(re)
    expect(proxy.mocked['ssm:GetCommandInvocation']).toBeUndefined()

    // The targets turned healthy, seen by the fix's own wait and by a fresh read.
    expect(r.stdout).toContain('Target health: all fixed targets healthy')
    for (const id of world.instanceIds) expect(r.stdout).toContain(`ok     ${id}  changed installed,config,index,enabled,started  target healthy`)
    const {elbv2, ec2, autoscaling} = motoClients(proxy.endpoint)
    const health = await elbv2.send(new DescribeTargetHealthCommand({TargetGroupArn: world.targetGroupArn}))
    expect(health.TargetHealthDescriptions!.map((d) => d.TargetHealth!.State)).toEqual(['healthy', 'healthy', 'healthy'])
    expect(r.stdout).toContain(`HTTP probe skipped: an endpoint override is in force (${proxy.endpoint})`)
    expect(r.stdout).toContain('Fixed: 3 of 3 instance(s) fixed and verified.')

    // In moto: version 2 of the template holds the original user data and the install, and the group uses it.
    const versions = await ec2.send(new DescribeLaunchTemplateVersionsCommand({LaunchTemplateId: world.launchTemplateId, Versions: ['2']}))
    const userData = Buffer.from(versions.LaunchTemplateVersions![0].LaunchTemplateData!.UserData!, 'base64').toString('utf8')
    expect(userData).toMatch(/^Content-Type: multipart\/mixed; boundary=/)
    expect(userData).toContain(NO_WEB_SERVER_USER_DATA.trimEnd())
    expect(userData).toContain(`${INSTALL_MARKER} v1: port(s) 80, health check /health`)
    const group = (await autoscaling.send(new DescribeAutoScalingGroupsCommand({AutoScalingGroupNames: [world.asgName]}))).AutoScalingGroups![0]
    expect(group.LaunchTemplate).toMatchObject({LaunchTemplateId: world.launchTemplateId, Version: '2'})
    expect(proxy.forwarded['ec2:CreateLaunchTemplateVersion']).toBe(1)
    expect(proxy.forwarded['autoscaling:UpdateAutoScalingGroup']).toBe(1)

    // The refresh reached the proxy after the health wait, with the default MinHealthyPercentage.
    expect(proxy.refreshes).toEqual([{autoScalingGroupName: world.asgName, minHealthyPercentage: 90, instanceRefreshId: expect.any(String)}])
    expect(r.stdout).toContain(`${world.asgName}: created launch template version 2; group now uses version 2; instance refresh ${proxy.refreshes[0].instanceRefreshId} started`)
    for (const c of [elbv2, ec2, autoscaling]) c.destroy()
  })

  it('skips an instance SSM cannot reach and reports a failed install, exit 1', async () => {
    const world = await incidentWorld()
    const [offline, broken, good] = world.instanceIds
    const {[offline]: _offline, ...online} = world.privateIps
    const failed = ['asg-doctor: installing nginx with dnf', 'nginx: [emerg] unknown directive "lisen" in /etc/nginx/conf.d/other.conf:2', 'asg-doctor: FAILED: nginx -t rejected the configuration; asg-doctor\'s changes to it were undone', `${RESULT_PREFIX} failed=config-test changed=installed`, ''].join('\n')
    proxy.setScenario({
      online,
      diagnosticOutput: onInstance('al2023-nginx-missing.txt', world),
      installOutput: (id) => (id === broken ? failed : INSTALL_STDOUT),
      targetHealth: {State: 'unhealthy', Reason: 'Target.FailedHealthChecks', Description: 'Health checks failed'},
    })
    const r = await run(['fix-nginx', world.albName, ...viaProxy('--yes')])
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(1)
    expect(r.stdout).toContain(`${offline}  not-ssm-online: Systems Manager has never heard from it`)
    // Only the reachable instances get the install.
    expect(proxy.sent.map((s) => [s.kind, [...s.instanceIds].sort()])).toEqual([['install', [broken, good].sort()]])
    expect(r.stdout).toMatch(new RegExp(`FAILED ${broken}  install failed: nginx -t rejected the configuration`))
    expect(r.stdout).toContain(`ok     ${good}  changed installed,config,index,enabled,started  target healthy`)
    expect(r.stdout).toContain(`SKIP   ${offline}  not-ssm-online`)
    expect(r.stdout).toContain('Not fixed: 1 of 3 instance(s) fixed and verified.')
    expect([...proxy.installed]).toEqual([good])
  })
})
