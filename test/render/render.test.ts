import {Chalk} from 'chalk'
import {describe, expect, it} from 'vitest'
import {analyze} from '../../src/analyze/engine.js'
import {renderText} from '../../src/render/text.js'
import {renderMarkdown} from '../../src/render/markdown.js'
import type {Rule, RuleMeta} from '../../src/rules/types.js'
import {healthyWorld, TG_ARN, INSTANCE_IDS} from '../fixtures/world.js'

const meta = (id: string, severity: RuleMeta['severity'], requires: string[] = []): RuleMeta => ({
  id,
  category: 'target-health',
  title: `Title ${id}`,
  severity,
  description: 'd',
  risk: 'r',
  requires,
})
const catalogue = new Map([
  ['cause', meta('cause', 'critical')],
  ['symptom', meta('symptom', 'error')],
  ['aside', meta('aside', 'warning')],
  ['blocked', meta('blocked', 'error', ['ec2:DescribeNetworkAcls'])],
])
const rules: Rule<string>[] = [
  {
    id: 'symptom',
    check: (ctx) => [ctx.finding('symptom', {message: '3 of 3 targets of web-tg are unhealthy', resources: [TG_ARN], remediation: {summary: 'see the cause'}})],
  },
  {
    id: 'cause',
    check: (ctx) => [
      ctx.finding('cause', {
        message: 'nginx is not installed on 3 instances',
        resources: [...INSTANCE_IDS],
        evidence: INSTANCE_IDS.map((i) => `${i}: rpm -q nginx: not installed`),
        remediation: {summary: 'Install nginx.', commands: ['asg-doctor fix-nginx web-alb --region us-east-1']},
        explains: [{ruleId: 'symptom', resource: TG_ARN}],
      }),
    ],
  },
  {id: 'aside', check: (ctx) => [ctx.finding('aside', {message: 'health check timeout is close to the interval', resources: [TG_ARN], remediation: {summary: 'lower it'}})]},
  {id: 'blocked', check: () => []},
]

function report() {
  const w = healthyWorld()
  w.errors.push({api: 'ec2:DescribeNetworkAcls', code: 'UnauthorizedOperation', message: 'no', accessDenied: true})
  return analyze(w, {rules, catalogue, notes: ['HTTP probe skipped: endpoint override in force.']})
}

describe('text report', () => {
  const text = renderText(report(), {chalk: new Chalk({level: 0})})

  it('leads with the root cause, its evidence, its fix, and the symptoms it explains', () => {
    const lines = text.split('\n')
    const first = lines.findIndex((l) => l.startsWith('1. '))
    expect(lines[first]).toBe('1. ✖ CRITICAL Title cause [cause]')
    expect(lines[first + 1]).toBe('    nginx is not installed on 3 instances')
    expect(text).toContain(`· ${INSTANCE_IDS[0]}: rpm -q nginx: not installed`)
    expect(text).toContain('    Fix: Install nginx.\n      asg-doctor fix-nginx web-alb --region us-east-1')
    expect(text).toContain('   This explains:\n     ✖ 3 of 3 targets of web-tg are unhealthy [symptom]')
  })

  it('lists findings that explain nothing after the root causes, and what could not be checked', () => {
    expect(text.indexOf('Also worth a look')).toBeGreaterThan(text.indexOf('This explains:'))
    expect(text).toContain('▲ WARNING Title aside [aside]')
    expect(text).toContain('Could not check (1)\n  ? Title blocked [blocked]: ec2:DescribeNetworkAcls was denied (needs IAM permission ec2:DescribeNetworkAcls)')
    expect(text).toContain('Note: HTTP probe skipped: endpoint override in force.')
  })

  it('opens with the deployment at a glance', () => {
    expect(text.split('\n')[0]).toBe('web-alb (internet-facing ALB, us-east-1, account 123456789012)')
    expect(text).toContain('Targets    web-tg (HTTP:80; health check HTTP /health on traffic port, expects 200): 3/3 healthy')
    expect(text).toContain('ASG        web-asg: 3 in service, desired 3 (min 3, max 6)')
    expect(text).toContain('✖ 2 problems found, explained by 1 root cause.')
  })

  it('has no colour codes at level 0', () => {
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/\u001b\[/)
  })
})

describe('markdown report', () => {
  it('carries the same root cause, commands fenced for pasting', () => {
    const md = renderMarkdown(report())
    expect(md).toContain('### CRITICAL: Title cause `cause`')
    expect(md).toContain('```sh\nasg-doctor fix-nginx web-alb --region us-east-1\n```')
    expect(md).toContain('- 3 of 3 targets of web-tg are unhealthy (`symptom`)')
    expect(md).toContain('## Could not check')
  })
})
