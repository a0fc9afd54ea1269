import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Ajv} from 'ajv'
import {describe, expect, it} from 'vitest'
import {reportSchema} from '../../src/analyze/report-schema.js'
import {run} from './run.js'

// Each test runs the real binary one or more times: on a loaded machine that is seconds, not vitest's default 5 s.
const noStackTrace = (s: string) => expect(s).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/)

describe('asg-doctor CLI, end to end on the bundled examples', {timeout: 60_000}, () => {
  it('--help lists the commands', () => {
    const r = run(['--help'])
    expect(r.code).toBe(0)
    for (const c of ['diagnose', 'fix-nginx', 'policy']) expect(r.stdout).toContain(c)
  })

  it('diagnoses the healthy example: exit 0', () => {
    const r = run(['diagnose', '--snapshot', 'examples/healthy.json', '--no-color'])
    expect(r.stderr).toBe('')
    expect(r.stdout).toContain('✔ Healthy')
    expect(r.code).toBe(0)
  })

  it('diagnoses the security-group example: exit 1, led by the missing ALB rule', () => {
    const r = run(['diagnose', '--snapshot', 'examples/sg-missing-alb-rule.json', '--json'])
    expect(r.code).toBe(1)
    const report = JSON.parse(r.stdout)
    expect(report.rootCauses[0].cause.ruleId).toBe('sg-instance-ingress')
    expect(report.rootCauses[0].symptoms.map((s: {ruleId: string}) => s.ruleId)).toContain('target-health-unhealthy')
  })

  it('diagnoses the not-attached example: exit 1, led by the Auto Scaling group', () => {
    const r = run(['diagnose', '--snapshot', 'examples/asg-not-attached.json', '--json'])
    expect(r.code).toBe(1)
    const report = JSON.parse(r.stdout)
    expect(report.rootCauses[0].cause.ruleId).toBe('asg-not-attached')
    expect(report.rootCauses[0].symptoms.map((s: {ruleId: string}) => s.ruleId)).toContain('target-group-empty')
  })

  it('writes the JSON report with its schema and version', () => {
    const r = run(['diagnose', '--snapshot', 'examples/nginx-missing.json', '--json'])
    expect(r.code).toBe(1)
    const report = JSON.parse(r.stdout)
    expect(report).toMatchObject({schema: 'asg-doctor-report', version: 1, status: 'problems', target: {name: 'web-alb', region: 'us-east-1'}})
    const validate = new Ajv({strict: false}).compile(reportSchema)
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true)
  })

  it('leads the reference incident with nginx not being installed, and folds the symptoms under it', () => {
    const r = run(['diagnose', '--snapshot', 'examples/nginx-missing.json', '--json'])
    const report = JSON.parse(r.stdout)
    expect(report.rootCauses).toHaveLength(1)
    expect(report.rootCauses[0].cause).toMatchObject({ruleId: 'nginx-not-installed', severity: 'critical', confidence: 'certain'})
    expect(report.rootCauses[0].symptoms.map((s: {ruleId: string}) => s.ruleId)).toEqual(
      expect.arrayContaining(['target-health-unhealthy', 'launch-template-no-web-server']),
    )
    const text = run(['diagnose', '--snapshot', 'examples/nginx-missing.json', '--no-color']).stdout
    expect(text).toContain('1. ✖ CRITICAL nginx is not installed [nginx-not-installed]')
    expect(text).toContain('asg-doctor fix-nginx web-alb --region us-east-1')
  })

  it('renders markdown for a ticket', () => {
    const r = run(['diagnose', '--snapshot', 'examples/nginx-missing.json', '--format', 'markdown'])
    expect(r.code).toBe(1)
    expect(r.stdout.split('\n')[0]).toBe('# asg-doctor: web-alb (us-east-1)')
    expect(r.stdout).toContain('## Root causes')
  })

  it('honours NO_COLOR and --color', () => {
    // eslint-disable-next-line no-control-regex
    const ansi = /\u001b\[/
    expect(run(['diagnose', '--snapshot', 'examples/nginx-missing.json'], {NO_COLOR: '1'}).stdout).not.toMatch(ansi)
    expect(run(['diagnose', '--snapshot', 'examples/nginx-missing.json', '--color']).stdout).toMatch(ansi)
  })
})

describe('bad input: one sentence, a hint, exit 2, never a stack trace', {timeout: 60_000}, () => {
  it('a snapshot file that does not exist', () => {
    const r = run(['diagnose', '--snapshot', 'nope.json'])
    expect(r.code).toBe(2)
    expect(r.stderr.split('\n')[0]).toBe('Error: Snapshot file nope.json does not exist.')
    noStackTrace(r.stderr)
  })

  it('a malformed snapshot names the bad field', () => {
    const r = run(['diagnose', '--snapshot', 'package.json'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('is not an asg-doctor snapshot')
  })

  it('a snapshot with a bad field names its path (through the validator compiled at build time)', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'asgd-bad-')), 'bad.json')
    const snapshot = JSON.parse(readFileSync('examples/nginx-missing.json', 'utf8'))
    snapshot.elbv2.Listeners[0].Port = '80'
    writeFileSync(file, JSON.stringify(snapshot))
    const r = run(['diagnose', '--snapshot', file])
    expect(r.code).toBe(2)
    expect(r.stderr.split('\n')[0]).toBe(`Error: Snapshot file ${file} is not a valid snapshot: /elbv2/Listeners/0/Port must be integer.`)
  })

  it('an unknown flag', () => {
    const r = run(['diagnose', '--frobnicate'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^Error: Nonexistent flag: --frobnicate/)
    expect(r.stderr).toContain('Hint: See --help for usage.')
    noStackTrace(r.stderr)
  })

  it('no region anywhere', () => {
    const r = run(['diagnose', 'web-alb'])
    expect(r.code).toBe(2)
    expect(r.stderr.split('\n')[0]).toBe('Error: No AWS region is set.')
    noStackTrace(r.stderr)
  })

  it('a region contradicting the DNS name', () => {
    const r = run(['diagnose', 'web-1.eu-west-1.elb.amazonaws.com', '--region', 'us-east-1'])
    expect(r.code).toBe(2)
    expect(r.stderr.split('\n')[0]).toBe('Error: web-1.eu-west-1.elb.amazonaws.com is in region eu-west-1, but --region says us-east-1.')
  })

  it('no credentials anywhere (nothing is sent: the endpoint is a closed loopback port)', () => {
    const r = run(['diagnose', 'web-alb', '--region', 'us-east-1'], {AWS_ENDPOINT_URL: 'http://127.0.0.1:9'})
    expect(r.code).toBe(2)
    expect(r.stderr.split('\n').filter((l) => l.startsWith('Error:'))).toEqual(['Error: No AWS credentials were found.'])
    expect(r.stderr).toContain('Hint: Configure credentials')
    noStackTrace(r.stderr)
  })

  it('a profile that does not exist, with no config files at all', () => {
    const r = run(['diagnose', 'web-alb', '--region', 'us-east-1', '--profile', 'nosuch'], {AWS_ENDPOINT_URL: 'http://127.0.0.1:9'})
    expect(r.code).toBe(2)
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('Error:'))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(/^Error: The AWS profile "nosuch" does not exist: there is no .*no-config or .*no-credentials\.$/)
  })

  it('errors as JSON with --json', () => {
    const r = run(['diagnose', '--snapshot', 'nope.json', '--json'])
    expect(r.code).toBe(2)
    expect(JSON.parse(r.stdout)).toEqual({error: {kind: 'user', message: 'Snapshot file nope.json does not exist.'}})
  })
})

describe('the conventions of an AWS / oclif CLI', {timeout: 60_000}, () => {
  it('--output json is --json, -o markdown and the old --format name work', () => {
    const viaOutput = run(['diagnose', '--snapshot', 'examples/nginx-missing.json', '--output', 'json'])
    const viaJson = run(['diagnose', '--snapshot', 'examples/nginx-missing.json', '--json'])
    expect(viaOutput.code).toBe(1)
    expect(JSON.parse(viaOutput.stdout)).toEqual(JSON.parse(viaJson.stdout))
    expect(run(['diagnose', '--snapshot', 'examples/nginx-missing.json', '-o', 'markdown']).stdout.split('\n')[0]).toBe('# asg-doctor: web-alb (us-east-1)')
    expect(run(['policy', '-o', 'json']).stdout).toBe(run(['policy', '--json']).stdout)
  })

  it('help and version are commands; --debug is --verbose', () => {
    expect(run(['help', 'diagnose']).stdout).toContain('asg-doctor diagnose [ALB]')
    expect(run(['version']).stdout).toMatch(/^asg-doctor\/\d+\.\d+\.\d+ /)
    // --debug sets --verbose: the two clash with --quiet alike.
    const debug = run(['diagnose', '--snapshot', 'examples/healthy.json', '--debug', '-q'])
    expect(debug.code).toBe(2)
    expect(debug.stderr.split('\n')[0]).toBe('Error: --verbose=true cannot also be provided when using --quiet.')
    expect(run(['diagnose', '--help']).stdout).toMatch(/Alias:\s+--debug\./)
  })

  it('a mistyped command: one sentence with the closest command, exit 2', () => {
    const r = run(['diagnos', 'web-alb'])
    expect(r.code).toBe(2)
    expect(r.stderr.split('\n')[0]).toBe('Error: "diagnos" is not an asg-doctor command. Did you mean "asg-doctor diagnose"?')
  })

  it('shell completion for bash', () => {
    const r = run(['autocomplete', 'bash'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('asg-doctor')
  })
})

describe('policy', {timeout: 60_000}, () => {
  it('prints a valid IAM policy document', () => {
    const r = run(['policy'])
    expect(r.code).toBe(0)
    const doc = JSON.parse(r.stdout)
    expect(doc.Version).toBe('2012-10-17')
    expect(doc.Statement.flatMap((s: {Action: string[]}) => s.Action)).toContain('elasticloadbalancing:DescribeTargetHealth')
  })
})
