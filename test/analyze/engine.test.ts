import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'
import {analyze, linkRootCauses} from '../../src/analyze/engine.js'
import {catalogueEntries} from '../../src/rules/catalogue/index.js'
import type {AnalysisContext} from '../../src/analyze/context.js'
import type {Finding, Rule, RuleMeta} from '../../src/rules/types.js'
import {healthyWorld, TG_ARN, INSTANCE_IDS} from '../fixtures/world.js'
import type {Snapshot} from '../../src/snapshot/types.js'

const f = (ruleId: string, resource: string, extra: Partial<Finding> = {}): Finding => ({
  ruleId,
  key: `${ruleId}:${resource}`,
  severity: 'error',
  title: ruleId,
  message: `${ruleId} on ${resource}`,
  resources: [resource],
  evidence: [],
  remediation: {summary: 'fix it'},
  confidence: 'certain',
  ...extra,
})

describe('linkRootCauses', () => {
  it('folds symptoms under the deepest cause, through intermediate findings', () => {
    const unhealthy = f('target-health-unhealthy', 'tg-1', {severity: 'critical'})
    const nothingListens = f('nothing-listening-on-port', 'i-1', {explains: [{ruleId: 'target-health-unhealthy', resource: 'tg-1'}]})
    const notInstalled = f('nginx-not-installed', 'i-1', {explains: [{ruleId: 'nothing-listening-on-port'}]})
    const roots = linkRootCauses([unhealthy, nothingListens, notInstalled])
    expect(roots).toHaveLength(1)
    expect(roots[0].cause.ruleId).toBe('nginx-not-installed')
    expect(roots[0].symptoms.map((s) => s.ruleId).sort()).toEqual(['nothing-listening-on-port', 'target-health-unhealthy'])
  })

  it('matches an explained resource only when the symptom concerns it', () => {
    const tg1 = f('target-health-unhealthy', 'tg-1')
    const tg2 = f('target-health-unhealthy', 'tg-2')
    const sg = f('sg-instance-ingress', 'sg-1', {explains: [{ruleId: 'target-health-unhealthy', resource: 'tg-1'}]})
    const roots = linkRootCauses([tg1, tg2, sg])
    expect(roots.map((r) => r.cause.key)).toEqual(['sg-instance-ingress:sg-1', 'target-health-unhealthy:tg-2'])
    expect(roots[0].symptoms.map((s) => s.key)).toEqual(['target-health-unhealthy:tg-1'])
  })

  it('keeps both findings as roots when they claim to explain each other', () => {
    const a = f('a', 'x', {explains: [{ruleId: 'b'}]})
    const b = f('b', 'x', {explains: [{ruleId: 'a'}]})
    const roots = linkRootCauses([a, b])
    expect(roots.map((r) => r.cause.ruleId).sort()).toEqual(['a', 'b'])
  })

  it('puts a root that explains something before a more severe isolated finding', () => {
    const isolated = f('lonely', 'x', {severity: 'critical'})
    const symptom = f('sym', 'y', {severity: 'warning'})
    const cause = f('cause', 'z', {severity: 'error', explains: [{ruleId: 'sym'}]})
    expect(linkRootCauses([isolated, symptom, cause]).map((r) => r.cause.ruleId)).toEqual(['cause', 'lonely'])
  })
})

describe('analyze', () => {
  // The engine is tested with its own rules and catalogue, so that it does not depend on the rules the project ships.
  const meta = (id: string, requires: string[] = []): RuleMeta => ({
    id,
    category: 'target-health',
    title: `title of ${id}`,
    severity: 'error',
    description: 'd',
    risk: 'r',
    requires,
  })
  const catalogue = new Map([
    ['reads-health', meta('reads-health', ['elasticloadbalancing:DescribeTargetHealth'])],
    ['reads-nacls', meta('reads-nacls', ['ec2:DescribeNetworkAcls'])],
    ['plain', meta('plain')],
  ])

  it('reports a healthy world as healthy with every shipped rule', () => {
    const report = analyze(healthyWorld())
    expect(report.findings.filter((x) => x.severity === 'critical' || x.severity === 'error')).toEqual([])
    expect(report.status).toBe('healthy')
    expect(report.summary.checks['could-not-check']).toBe(0)
    expect(report.overview.targetGroups[0].targets).toMatchObject({total: 3, healthy: 3})
    expect(report.overview.idleTimeoutSeconds).toBe(60)
  })

  it('turns a failed API call a rule needs into could-not-check, naming the IAM permission, and runs the rest', () => {
    const calls: string[] = []
    const rules: Rule<string>[] = [
      {id: 'reads-health', check: () => (calls.push('reads-health'), [])},
      {id: 'reads-nacls', check: () => (calls.push('reads-nacls'), [])},
    ]
    const w = healthyWorld()
    w.errors.push({api: 'elasticloadbalancing:DescribeTargetHealth', resource: TG_ARN, code: 'AccessDenied', message: 'User is not authorized', accessDenied: true})
    w.errors.push({api: 'ec2:DescribeNetworkAcls', code: 'RequestLimitExceeded', message: 'Request limit exceeded.', accessDenied: false})
    const report = analyze(w, {rules, catalogue})
    expect(calls).toEqual([])
    expect(report.checks).toEqual([
      {ruleId: 'reads-health', title: 'title of reads-health', status: 'could-not-check', reason: 'elasticloadbalancing:DescribeTargetHealth was denied (needs IAM permission elasticloadbalancing:DescribeTargetHealth)', findings: 0},
      {ruleId: 'reads-nacls', title: 'title of reads-nacls', status: 'could-not-check', reason: 'ec2:DescribeNetworkAcls failed: RequestLimitExceeded: Request limit exceeded.', findings: 0},
    ])
    expect(report.status).toBe('incomplete')
  })

  it('keeps going when a rule throws, and says which check broke', () => {
    const rules: Rule<string>[] = [
      {id: 'reads-health', check: () => { throw new Error('boom') }},
      {id: 'plain', check: (ctx: AnalysisContext<string>) => [ctx.finding('plain', {message: 'found', resources: [INSTANCE_IDS[0]], remediation: {summary: 'x'}})]},
    ]
    const report = analyze(healthyWorld(), {rules, catalogue})
    expect(report.checks[0]).toMatchObject({status: 'could-not-check', reason: 'internal error in this check: boom'})
    expect(report.findings.map((x) => [x.ruleId, x.key, x.severity, x.title])).toEqual([['plain', `plain:${INSTANCE_IDS[0]}`, 'error', 'title of plain']])
    expect(report.status).toBe('problems')
  })

  it('fails only the rule whose catalogue entry is missing, naming it, and runs the rest', () => {
    const calls: string[] = []
    const rules: Rule<string>[] = [
      {id: 'not-in-catalogue', check: () => (calls.push('not-in-catalogue'), [])},
      {id: 'plain', check: (ctx) => (calls.push('plain'), [ctx.finding('plain', {message: 'found', resources: ['r'], remediation: {summary: 'x'}})])},
    ]
    const report = analyze(healthyWorld(), {rules, catalogue})
    expect(calls).toEqual(['plain'])
    expect(report.checks[0]).toEqual({
      ruleId: 'not-in-catalogue',
      title: 'not-in-catalogue',
      status: 'could-not-check',
      reason: 'internal error in this check: it has no entry in the rule catalogue (src/rules/catalogue/)',
      findings: 0,
    })
    expect(report.checks[1]).toMatchObject({ruleId: 'plain', status: 'fail', findings: 1})
    expect(report.status).toBe('problems')
    expect(analyze(healthyWorld(), {rules: [rules[0]], catalogue}).status).toBe('incomplete')
  })

  it('fails only the rule whose finding names a rule missing from the catalogue', () => {
    const rules: Rule<string>[] = [
      {id: 'plain', check: (ctx) => [ctx.finding('typo-in-id', {message: 'm', resources: ['r'], remediation: {summary: 's'}})]},
      {id: 'reads-health', check: () => []},
    ]
    const report = analyze(healthyWorld(), {rules, catalogue})
    expect(report.checks.map((c) => [c.ruleId, c.status])).toEqual([['plain', 'could-not-check'], ['reads-health', 'pass']])
    expect(report.checks[0].reason).toContain('typo-in-id')
  })

  it('reports not-applicable with its reason', () => {
    const report = analyze(healthyWorld(), {rules: [{id: 'plain', check: () => ({notApplicable: 'no SSM data'})}], catalogue})
    expect(report.checks).toEqual([{ruleId: 'plain', title: 'title of plain', status: 'not-applicable', reason: 'no SSM data', findings: 0}])
    expect(report.status).toBe('healthy')
  })

  it('applies --fail-on: a warning alone is not a problem by default, but is with failOn warning', () => {
    const rules: Rule<string>[] = [{id: 'plain', check: (ctx) => [ctx.finding('plain', {message: 'm', resources: ['r'], severity: 'warning', remediation: {summary: 's'}})]}]
    expect(analyze(healthyWorld(), {rules, catalogue}).status).toBe('healthy')
    expect(analyze(healthyWorld(), {rules, catalogue, failOn: 'warning'}).status).toBe('problems')
  })

  it('gives findings with the same key distinct keys', () => {
    const rules: Rule<string>[] = [{id: 'plain', check: (ctx) => [1, 2].map(() => ctx.finding('plain', {message: 'm', resources: ['r'], remediation: {summary: 's'}}))}]
    expect(analyze(healthyWorld(), {rules, catalogue}).findings.map((x) => x.key)).toEqual(['plain:r', 'plain:r#2'])
  })
})

describe('placement: printed commands act where the diagnosis looked', () => {
  const incident = () => JSON.parse(readFileSync(new URL('../../examples/nginx-missing.json', import.meta.url), 'utf8')) as Snapshot
  const commands = (report: ReturnType<typeof analyze>) =>
    report.findings.flatMap((f) => f.remediation.commands ?? []).filter((c) => /^(aws|asg-doctor) /.test(c) && c.includes('--region'))

  it('adds the --profile and --endpoint-url the user gave, quoted, beside --region', () => {
    const report = analyze(incident(), {placement: {profile: "prod admin's", endpointUrl: 'http://127.0.0.1:5000'}})
    const lines = commands(report)
    expect(lines.length).toBeGreaterThan(3)
    for (const line of lines) expect(line).toContain(`--region us-east-1 --profile 'prod admin'\\''s' --endpoint-url http://127.0.0.1:5000`)
  })

  it('adds nothing when the user gave neither', () => {
    for (const line of commands(analyze(incident()))) expect(line).not.toMatch(/--profile|--endpoint-url/)
  })
})

describe('analyze with history turned off (--no-history on a snapshot that has it)', () => {
  const bad = JSON.parse(readFileSync('examples/bad-deploy.json', 'utf8')) as Snapshot
  const historyRules = new Set<string>(catalogueEntries.filter((m) => m.category === 'history').map((m) => m.id))

  it('judges the snapshot as if it had no history: no history finding, no history part, no failed history call', () => {
    const withFailure: Snapshot = {...bad, errors: [...bad.errors, {api: 'cloudtrail:LookupEvents', code: 'AccessDenied', message: 'denied', accessDenied: true}]}
    const on = analyze(withFailure)
    expect(on.findings.some((f) => historyRules.has(f.ruleId))).toBe(true)
    const off = analyze(withFailure, {history: false})
    expect(off.findings.filter((f) => historyRules.has(f.ruleId))).toEqual([])
    expect(off.history).toBeUndefined()
    expect(JSON.stringify(off)).not.toContain('cloudtrail:LookupEvents')
    const {history: _h, ...plain} = bad
    expect(off.findings).toEqual(analyze(plain as Snapshot).findings)
  })
})
