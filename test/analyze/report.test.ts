import {describe, expect, it} from 'vitest'
import {analyze} from '../../src/analyze/engine.js'
import {headline} from '../../src/analyze/report.js'
import type {Report} from '../../src/analyze/report.js'
import {exitCodeFor} from '../../src/commands/diagnose.js'
import type {Rule, RuleMeta, Severity} from '../../src/rules/types.js'
import {healthyWorld} from '../fixtures/world.js'

// The status (and so the exit code) follows --fail-on; the headline follows the findings. Every combination of the
// worst finding, checks that could not run and --fail-on must keep the two coherent and the words true.
const meta = (id: string, requires: string[] = []): RuleMeta => ({id, category: 'target-health', title: id, severity: 'error', description: 'd', risk: 'r', requires})
const catalogue = new Map([
  ['finds', meta('finds')],
  ['blocked', meta('blocked', ['ec2:DescribeNetworkAcls'])],
])

function reportWith(worst: Severity | 'none', blocked: boolean, failOn: Severity): Report {
  const rules: Rule<string>[] = [
    {id: 'finds', check: (ctx) => (worst === 'none' ? [] : [ctx.finding('finds', {message: `a ${worst}`, resources: ['r'], severity: worst, remediation: {summary: 's'}})])},
    {id: 'blocked', check: () => []},
  ]
  const world = healthyWorld()
  if (blocked) world.errors.push({api: 'ec2:DescribeNetworkAcls', code: 'UnauthorizedOperation', message: 'no', accessDenied: true})
  return analyze(world, {rules, catalogue, failOn})
}

type Row = [worst: Severity | 'none', blocked: boolean, failOn: Severity, exit: number, tone: string, text: string]
const matrix: Row[] = [
  ['none', false, 'error', 0, 'ok', 'Healthy: every check that applies passed.'],
  ['none', true, 'error', 4, 'attention', 'No problem found in what could be checked, but 1 check could not run (see below).'],
  ['info', false, 'error', 0, 'ok', 'No problem found; 1 remark below.'],
  ['info', true, 'error', 4, 'attention', 'No problem found in what could be checked, but 1 check could not run (see below); 1 remark below.'],
  ['info', false, 'info', 1, 'ok', 'No problem found; 1 remark below.'],
  // A warning (e.g. a stopped target) must not sit under "no problem found".
  ['warning', false, 'error', 0, 'attention', 'No error found, but 1 warning to look at.'],
  ['warning', true, 'error', 4, 'attention', 'No error found, but 1 warning to look at, and 1 check could not run.'],
  ['warning', false, 'warning', 1, 'attention', 'No error found, but 1 warning to look at.'],
  ['warning', true, 'warning', 1, 'attention', 'No error found, but 1 warning to look at, and 1 check could not run.'],
  ['error', false, 'error', 1, 'problem', '1 problem found, explained by 1 root cause.'],
  ['error', true, 'error', 1, 'problem', '1 problem found, explained by 1 root cause; also 1 check could not run.'],
  ['error', false, 'critical', 0, 'problem', '1 problem found, explained by 1 root cause.'],
  ['error', true, 'critical', 4, 'problem', '1 problem found, explained by 1 root cause; also 1 check could not run.'],
  ['critical', false, 'error', 1, 'problem', '1 problem found, explained by 1 root cause.'],
  ['critical', true, 'critical', 1, 'problem', '1 problem found, explained by 1 root cause; also 1 check could not run.'],
]

describe('status, exit code and headline', () => {
  it.each(matrix)('worst %s, blocked %s, --fail-on %s: exit %i, %s', (worst, blocked, failOn, exit, tone, text) => {
    const report = reportWith(worst, blocked, failOn)
    expect(exitCodeFor(report)).toBe(exit)
    expect(headline(report)).toEqual({tone, text})
  })

  it('never says healthy or "no problem" while a warning or worse is listed, whatever --fail-on', () => {
    for (const worst of ['warning', 'error', 'critical'] as const) {
      for (const failOn of ['critical', 'error', 'warning', 'info'] as const) {
        for (const blocked of [false, true]) {
          const h = headline(reportWith(worst, blocked, failOn))
          expect(h.tone).not.toBe('ok')
          expect(h.text).not.toMatch(/Healthy|No problem/)
        }
      }
    }
  })

  it('counts every root cause whose tree holds an error, even when the cause itself is only a warning', () => {
    const rules: Rule<string>[] = [
      {id: 'finds', check: (ctx) => [ctx.finding('finds', {message: 'users get 502', resources: ['tg'], severity: 'error', remediation: {summary: 's'}})]},
      {
        id: 'blocked',
        check: (ctx) => [ctx.finding('blocked', {message: 'why', resources: ['lt'], severity: 'warning', remediation: {summary: 's'}, explains: [{ruleId: 'finds'}]})],
      },
    ]
    const report = analyze(healthyWorld(), {rules, catalogue: new Map([['finds', meta('finds')], ['blocked', meta('blocked')]])})
    expect(headline(report).text).toBe('1 problem found, explained by 1 root cause; also 1 warning.')
  })

  it('turns to a problem as soon as any check reports at error severity: no rule id is special', () => {
    const healthy = reportWith('none', false, 'error')
    expect(headline(healthy).tone).toBe('ok')
    const rules: Rule<string>[] = [{id: 'a-future-check', check: (ctx) => [ctx.finding('a-future-check', {message: 'users got 5xx', resources: ['r'], remediation: {summary: 's'}})]}]
    const report = analyze(healthyWorld(), {rules, catalogue: new Map([['a-future-check', meta('a-future-check')]])})
    expect(headline(report)).toEqual({tone: 'problem', text: '1 problem found, explained by 1 root cause.'})
    expect(exitCodeFor(report)).toBe(1)
  })
})
