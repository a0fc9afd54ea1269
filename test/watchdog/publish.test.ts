/** The watchdog's diffing, merging and publishing, as plain functions over real reports of the bundled examples. */
import {describe, expect, it} from 'vitest'
import {diffCauses, entryCauses} from '../../src/watchdog/diff.js'
import {errorEntry, mergeReports} from '../../src/watchdog/merge.js'
import {DETAIL_TYPE, EVENT_SOURCE, causeEvents, chunks, metricData, notification} from '../../src/watchdog/publish.js'
import {configFromEnv} from '../../src/watchdog/config.js'
import {failureMessage} from '../../src/watchdog/handler.js'
import {roleProfileText, writeRoleProfile} from '../../src/watchdog/role-profile.js'
import {keys} from '../../src/watchdog/store.js'
import {exampleEntry, scanReport} from './fixtures.js'

const broken = exampleEntry('nginx-missing')
const sg = exampleEntry('sg-missing-alb-rule', {rename: 'shop-alb'})
const healthy = exampleEntry('healthy', {rename: 'api-alb'})
const NGINX_ID = `${broken.loadBalancerArn}#nginx-not-installed:i-0a1b2c3d4e5f60001`

describe('diffCauses', () => {
  it('opens every root cause on the first run, with the finding\'s message and fix', () => {
    const d = diffCauses(undefined, scanReport([broken, sg, healthy]), 'error')
    expect(d.opened.map((c) => c.id)).toEqual([NGINX_ID, `${sg.loadBalancerArn}#sg-instance-ingress:sg-0web1234567890abc:80`])
    expect(d.opened[0]).toMatchObject({loadBalancer: 'web-alb', region: 'us-east-1', account: '123456789012', ruleId: 'nginx-not-installed', severity: 'critical', title: 'nginx is not installed'})
    // A fix of several commands is its summary in words and every command, never the first command alone.
    const remediation = broken.report!.rootCauses[0].cause.remediation
    expect(remediation.commands!.length).toBeGreaterThan(1)
    expect(d.opened[0]).toMatchObject({fix: remediation.summary, commands: remediation.commands})
    expect(d.resolved).toEqual([])
  })

  it('reports nothing when the same causes are found again, and resolves the one that went away', () => {
    const before = scanReport([broken, sg, healthy])
    expect(diffCauses(before, scanReport([broken, sg, healthy]), 'error')).toEqual({opened: [], resolved: [], unknown: []})
    const fixed = exampleEntry('healthy') // web-alb again, now healthy
    const d = diffCauses(before, scanReport([fixed, sg, healthy]), 'error')
    expect(d.opened).toEqual([])
    expect(d.resolved.map((c) => c.id)).toEqual([NGINX_ID])
  })

  it('does not call a cause resolved when its ALB, or its whole region, could not be read this time', () => {
    const before = scanReport([broken, sg])
    const unreadable = {...errorEntry({region: 'us-east-1', account: '123456789012'}, 'AccessDenied on elasticloadbalancing:DescribeTargetHealth'), name: 'web-alb', loadBalancerArn: broken.loadBalancerArn}
    expect(diffCauses(before, scanReport([unreadable, sg]), 'error')).toEqual({opened: [], resolved: [], unknown: [NGINX_ID]})
    const region = errorEntry({region: 'us-east-1', roleArn: 'arn:aws:iam::123456789012:role/r'}, 'could not assume the role')
    const d = diffCauses(before, scanReport([region]), 'error')
    expect(d.resolved).toEqual([])
    expect(d.unknown).toHaveLength(2)
  })

  it('leaves causes under the threshold out, and uses the lead cause when an entry has no full report', () => {
    expect(entryCauses(broken, 'critical').map((c) => c.ruleId)).toEqual(['nginx-not-installed'])
    expect(entryCauses(sg, 'critical')).toEqual([])
    const {report: _r, ...lean} = sg
    expect(entryCauses(lean, 'error')).toEqual([expect.objectContaining({ruleId: 'sg-instance-ingress', fix: expect.stringMatching(/^aws ec2 authorize-security-group-ingress/)})])
  })
})

describe('mergeReports', () => {
  it('puts every part\'s entries in one report, worst verdict first, with the counts', () => {
    const failed = errorEntry({region: 'eu-west-1', roleArn: 'arn:aws:iam::111122223333:role/asg-doctor-watchdog-read'}, 'the scan did not finish: Task timed out')
    const merged = mergeReports([scanReport([healthy]), scanReport([failed]), scanReport([broken])], new Date('2026-11-29T12:15:00Z'))
    expect(merged.entries.map((e) => [e.verdict, e.name ?? e.region, e.account])).toEqual([['problems', 'web-alb', '123456789012'], ['error', 'eu-west-1', '111122223333'], ['healthy', 'api-alb', '123456789012']])
    expect(merged.summary).toEqual({loadBalancers: 2, byVerdict: {problems: 1, incomplete: 0, healthy: 1, error: 1}, calls: 36, ms: 800})
    expect(merged.scannedAt).toBe('2026-11-29T12:15:00.000Z')
  })
})

describe('metricData', () => {
  it('gives each readable ALB one Problems value per problem severity (zeros too), and the run one Unreadable count', () => {
    const data = metricData(scanReport([broken, healthy, errorEntry({region: 'eu-west-1'}, 'denied')]))
    expect(data).toHaveLength(7)
    const web = data.filter((d) => d.Dimensions[0]?.Value === 'web-alb')
    expect(web.map((d) => [d.MetricName, d.Dimensions.at(-1)!.Value, d.Value])).toEqual([['Problems', 'critical', 3], ['Problems', 'error', 2], ['Problems', 'warning', 0]])
    expect(web[0].Dimensions).toEqual([{Name: 'LoadBalancer', Value: 'web-alb'}, {Name: 'Region', Value: 'us-east-1'}, {Name: 'Account', Value: '123456789012'}, {Name: 'Severity', Value: 'critical'}])
    expect(web[0].Timestamp).toEqual(new Date('2026-11-29T12:00:00.000Z'))
    expect(data.at(-1)).toMatchObject({MetricName: 'Unreadable', Dimensions: [], Value: 1})
  })

  it('batches by the API\'s limits', () => {
    expect(chunks(Array.from({length: 25}, (_, i) => i), 10).map((c) => c.length)).toEqual([10, 10, 5])
  })
})

describe('causeEvents and notification', () => {
  const at = new Date('2026-11-29T12:15:00Z')
  const d = {opened: diffCauses(undefined, scanReport([broken]), 'error').opened, resolved: diffCauses(scanReport([sg]), scanReport([exampleEntry('healthy', {rename: 'shop-alb'})]), 'error').resolved, unknown: []}

  it('makes one event per opened and resolved cause, naming the ALB as the event\'s resource', () => {
    const events = causeEvents(d, {eventBusName: 'default', at, runId: 'run-1', reportKey: 'runs/run-1/report.json'})
    expect(events.map((e) => [e.Source, e.DetailType, e.Resources])).toEqual([[EVENT_SOURCE, DETAIL_TYPE.opened, [broken.loadBalancerArn]], [EVENT_SOURCE, DETAIL_TYPE.resolved, [sg.loadBalancerArn]]])
    expect(JSON.parse(events[0].Detail)).toMatchObject({state: 'opened', runId: 'run-1', report: 'runs/run-1/report.json', id: NGINX_ID, ruleId: 'nginx-not-installed', fix: expect.stringContaining('Install nginx'), commands: expect.arrayContaining([expect.stringContaining('dnf install -y nginx')])})
  })

  it('names each new root cause and its fix, then what was resolved', () => {
    const n = notification(d, {report: 's3://b/runs/run-1/report.json'})!
    expect(n.Subject).toBe('asg-doctor: 1 new, 1 resolved ALB root causes (web-alb)')
    expect(n.Message.split('\n')).toEqual([
      'New root causes:',
      '',
      '[critical] web-alb (us-east-1, 123456789012): nginx is not installed',
      `  ${broken.report!.rootCauses[0].cause.message}`,
      `  Fix: ${broken.report!.rootCauses[0].cause.remediation.summary}`,
      ...broken.report!.rootCauses[0].cause.remediation.commands!.map((command) => `    ${command}`),
      '',
      'Resolved since the previous run:',
      '',
      '  shop-alb (us-east-1, 123456789012): Instances\' security groups do not admit the ALB',
      '',
      'Full report: s3://b/runs/run-1/report.json',
    ])
  })

  it('sends nothing when nothing changed, and keeps the subject within SNS\'s 100 characters', () => {
    expect(notification({opened: [], resolved: [], unknown: ['x']}, {report: 'r'})).toBeUndefined()
    const long = {...d.opened[0], loadBalancer: 'a'.repeat(120)}
    const subject = notification({opened: [long], resolved: [], unknown: []}, {report: 'r'})!.Subject
    expect(subject).toHaveLength(100)
    expect(subject).toMatch(/^[\x20-\x7e]+\.\.\.$/)
  })
})

describe('the handler\'s plumbing', () => {
  it('keeps the words of a Lambda failure the Map caught', () => {
    expect(failureMessage('{"errorType":"Sandbox.Timedout","errorMessage":"Task timed out after 300.00 seconds"}')).toBe('Sandbox.Timedout: Task timed out after 300.00 seconds')
    expect(failureMessage('States.Timeout')).toBe('States.Timeout')
  })

  it('reads its configuration from the environment the stack sets, and refuses a bad one', () => {
    expect(configFromEnv({ASG_DOCTOR_BUCKET: 'b', ASG_DOCTOR_TOPIC_ARN: 'arn:t', ASG_DOCTOR_NOTIFY_ON: 'warning'})).toEqual({bucket: 'b', topicArn: 'arn:t', eventBusName: 'default', namespace: 'AsgDoctor', notifyOn: 'warning', history: false})
    expect(() => configFromEnv({})).toThrow('ASG_DOCTOR_BUCKET is not set')
    expect(() => configFromEnv({ASG_DOCTOR_BUCKET: 'b', ASG_DOCTOR_NOTIFY_ON: 'loud'})).toThrow('ASG_DOCTOR_NOTIFY_ON is "loud", not one of critical, error, warning, info.')
  })

  it('reaches a member account through a profile that assumes its role from the function\'s own credentials', () => {
    expect(roleProfileText('p', {roleArn: 'arn:aws:iam::111122223333:role/read', region: 'eu-west-1'})).toBe('[profile p]\nrole_arn = arn:aws:iam::111122223333:role/read\ncredential_source = Environment\nrole_session_name = asg-doctor-watchdog\nregion = eu-west-1\n')
    expect(writeRoleProfile({region: 'eu-west-1'})).toBeUndefined()
    const a = writeRoleProfile({region: 'eu-west-1', roleArn: 'arn:aws:iam::111122223333:role/read'})!
    const b = writeRoleProfile({region: 'eu-west-2', roleArn: 'arn:aws:iam::111122223333:role/read'})!
    expect(a.profile).toBe('asg-doctor-watchdog-111122223333')
    // The SDK caches config files by path: a different profile must be a different file.
    expect(a.configFile).not.toBe(b.configFile)
  })

  it('keeps S3 keys to safe characters', () => {
    expect(keys.snapshot(undefined, 'us-east-1', 'web alb/../x')).toBe('snapshots/self/us-east-1/web_alb_.._x.json')
    expect(keys.part('exec-1', '111122223333', 'eu-west-1')).toBe('runs/exec-1/parts/111122223333/eu-west-1.json')
  })
})

describe('diffCauses, scope', () => {
  it('leaves the causes of an account-region that was not scanned this run unknown, never resolved', () => {
    const before = scanReport([broken, exampleEntry('sg-missing-alb-rule', {rename: 'eu-alb', region: 'eu-west-1'})])
    const d = diffCauses(before, scanReport([exampleEntry('healthy', {region: 'eu-west-1', rename: 'eu-alb'})]), 'error')
    expect(d.resolved.map((c) => c.loadBalancer)).toEqual(['eu-alb'])
    expect(d.unknown).toEqual([NGINX_ID])
    expect(diffCauses(before, scanReport([]), 'error')).toMatchObject({resolved: [], unknown: [expect.any(String), expect.any(String)]})
  })
})
