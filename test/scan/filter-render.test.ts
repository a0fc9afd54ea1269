/** --filter parsing and matching; the text and markdown views of a scan, with names from the account as they come. */
import {Chalk} from 'chalk'
import {describe, expect, it} from 'vitest'
import {parseFilters, passes} from '../../src/scan/filter.js'
import {renderScanMarkdown, renderScanText} from '../../src/scan/render.js'
import type {ScanReport} from '../../src/scan/types.js'
import {UserError} from '../../src/lib/errors.js'

describe('--filter', () => {
  it('matches names by glob, case-insensitively, and tags by key or key=value', () => {
    const f = parseFilters(['web-*', 'API-?', 'tag:team=payments', 'tag:prod'])
    expect(passes(f, 'web-1', {team: 'payments'})).toBe(true)
    expect(passes(f, 'api-2', {prod: ''})).toBe(true)
    expect(passes(f, 'api-22', {prod: ''})).toBe(false)
    expect(passes(f, 'web-1', {team: 'search'})).toBe(false)
    // Tags that could not be read never pass a tag filter.
    expect(passes(f, 'web-1', undefined)).toBe(false)
    expect(passes(parseFilters([]), 'anything', undefined)).toBe(true)
  })

  it('refuses what is neither a name glob nor a tag', () => {
    for (const bad of ['', 'web alb', 'tag:', 'tag:=x', 'a|b']) expect(() => parseFilters([bad]), bad).toThrow(UserError)
  })
})

const report: ScanReport = {
  schema: 'asg-doctor-scan',
  version: 1,
  scannedAt: '2026-11-24T10:00:00.000Z',
  entries: [
    {
      region: 'us-east-1',
      account: '123456789012',
      name: 'web-1',
      loadBalancerArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web-1/1',
      verdict: 'problems',
      targets: {healthy: 0, total: 2},
      leadCause: {ruleId: 'asg-not-attached', title: 'Auto Scaling group is not attached | <b>', severity: 'error', fix: `aws autoscaling attach-load-balancer-target-groups --auto-scaling-group-name 'a|b\`x\`'`},
    },
    {region: 'eu-west-1', verdict: 'error', error: 'elasticloadbalancing:DescribeLoadBalancers was denied (AccessDenied)'},
    {region: 'us-east-1', account: '123456789012', name: 'web-0', loadBalancerArn: 'arn:x', verdict: 'healthy', targets: {healthy: 2, total: 2}},
  ],
  summary: {loadBalancers: 2, byVerdict: {problems: 1, error: 1, incomplete: 0, healthy: 1}, calls: 42, ms: 1234},
}

describe('the scan views', () => {
  it('prints one aligned line per entry, the fix as given, a tally and the next command', () => {
    const text = renderScanText(report, {chalk: new Chalk({level: 0}), endpointUrl: 'http://127.0.0.1:5000'})
    expect(text.split('\n')).toEqual([
      `✖ web-1               us-east-1  123456789012  problems  0/2  asg-not-attached: Auto Scaling group is not attached | <b>  fix: aws autoscaling attach-load-balancer-target-groups --auto-scaling-group-name 'a|b\`x\`'`,
      '? (region eu-west-1)  eu-west-1  -             error     -    elasticloadbalancing:DescribeLoadBalancers was denied (AccessDenied)',
      '✔ web-0               us-east-1  123456789012  healthy   2/2  no problem found',
      '',
      '2 ALBs: 1 with problems, 1 healthy; 1 region could not be read (42 AWS calls, 1.2 s).',
      'The full report of web-1: asg-doctor diagnose web-1 --region us-east-1 --endpoint-url http://127.0.0.1:5000',
      '',
    ])
  })

  it('never shows the first of several fix commands as the fix: it points at the full report', () => {
    const steps = structuredClone(report)
    steps.entries[0].leadCause = {ruleId: 'ssm-no-path-to-endpoints', title: 'No network path to the Systems Manager endpoints', severity: 'error', commands: ['SG=$(aws ec2 create-security-group --query GroupId --output text)', 'aws ec2 create-vpc-endpoint --security-group-ids "$SG"'], summary: 'Create the endpoints.'}
    const text = renderScanText(steps, {chalk: new Chalk({level: 0})})
    expect(text.split('\n')[0]).toMatch(/ssm-no-path-to-endpoints: No network path to the Systems Manager endpoints {2}fix: 2 commands, in the full report$/)
    expect(text).not.toContain('SG=$(')
    expect(renderScanMarkdown(steps)).toContain('| 2 commands, in the full report |')
  })

  it('makes a markdown table whose cells cannot break the table or turn into HTML', () => {
    const rows = renderScanMarkdown(report).split('\n').filter((l) => l.startsWith('| '))
    expect(rows).toHaveLength(4)
    expect(rows[1]).toBe(
      "| ✖ | web-1 | us-east-1 | 123456789012 | problems | 0/2 | asg-not-attached: Auto Scaling group is not attached \\| \\<b\\> | `` aws autoscaling attach-load-balancer-target-groups --auto-scaling-group-name 'a\\|b`x`' `` |",
    )
    // Every row has the header's number of cells once escaped pipes are set aside.
    for (const r of rows) expect(r.replaceAll('\\|', '').split('|')).toHaveLength(10)
  })
})
