import {describe, expect, it} from 'vitest'
import {analyze} from '../../../src/analyze/engine.js'
import {networkRules} from '../../../src/rules/network/index.js'
import {networkCatalogue} from '../../../src/rules/catalogue/network.js'
import {healthyWorld} from '../../fixtures/world.js'
import {run} from './helpers.js'

const IDS = ['sg-instance-ingress', 'sg-alb-egress', 'nacl-blocks-traffic', 'alb-subnet-no-igw-route', 'instance-subnet-no-egress']

describe('network rules', () => {
  it('registers exactly the five rules, each with catalogue metadata naming the IAM actions it reads', () => {
    expect(networkRules.map((r) => r.id)).toEqual(IDS)
    expect(networkCatalogue.map((m) => m.id)).toEqual(IDS)
    for (const m of networkCatalogue) {
      expect(m.category).toBe('network')
      expect(m.requires.length).toBeGreaterThan(0)
      for (const api of m.requires) expect(api).toMatch(/^(ec2|elasticloadbalancing):[A-Z]\w+$/)
    }
  })

  it('finds nothing in the healthy world', () => {
    for (const rule of networkRules) expect(run(rule, healthyWorld()), rule.id).toEqual([])
  })

  it('reports "could not check" when the data a rule reads was denied', () => {
    const w = healthyWorld()
    w.errors.push({api: 'ec2:DescribeNetworkAcls', code: 'UnauthorizedOperation', message: 'denied', accessDenied: true})
    const report = analyze(w, {rules: networkRules})
    expect(report.checks.find((c) => c.ruleId === 'nacl-blocks-traffic')).toMatchObject({status: 'could-not-check'})
    expect(report.checks.find((c) => c.ruleId === 'sg-instance-ingress')).toMatchObject({status: 'pass'})
  })
})
