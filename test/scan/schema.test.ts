/** docs/scan.schema.json: a scan document whose entries carry real diagnose reports validates; a broken one names the fault. */
import {readFileSync} from 'node:fs'
import {Ajv} from 'ajv'
import {describe, expect, it} from 'vitest'
import {analyze} from '../../src/analyze/engine.js'
import {scanSchema} from '../../src/scan/schema.js'
import type {ScanReport} from '../../src/scan/types.js'
import type {Snapshot} from '../../src/snapshot/types.js'

const validate = new Ajv({strict: false}).compile(scanSchema)
const report = analyze(JSON.parse(readFileSync('examples/nginx-missing.json', 'utf8')) as Snapshot)
const doc: ScanReport = {
  schema: 'asg-doctor-scan',
  version: 1,
  scannedAt: '2026-11-29T12:00:00.000Z',
  entries: [
    {region: 'us-east-1', account: '123456789012', name: 'web-alb', loadBalancerArn: report.target.loadBalancerArn, verdict: 'problems', targets: {healthy: 0, total: 3}, leadCause: {ruleId: 'nginx-not-installed', title: 'nginx is not installed', severity: 'critical', fix: "asg-doctor fix-nginx web-alb --region us-east-1"}, report},
    {region: 'eu-west-1', verdict: 'error', error: 'elasticloadbalancing:DescribeLoadBalancers was denied (needs IAM permission elasticloadbalancing:DescribeLoadBalancers)'},
  ],
  summary: {loadBalancers: 1, byVerdict: {problems: 1, incomplete: 0, healthy: 0, error: 1}, calls: 30, ms: 812},
}

describe('the scan report schema', () => {
  it('accepts a scan whose entries carry real diagnose reports', () => {
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true)
  })

  it('checks each entry\'s report against the diagnose schema', () => {
    const broken = structuredClone(doc)
    delete (broken.entries[0].report as Partial<typeof report>).findings
    expect(validate(broken)).toBe(false)
    expect(JSON.stringify(validate.errors)).toContain('findings')
  })

  it('refuses an unknown verdict', () => {
    const broken = structuredClone(doc) as unknown as {entries: {verdict: string}[]}
    broken.entries[1].verdict = 'fine'
    expect(validate(broken)).toBe(false)
  })
})
