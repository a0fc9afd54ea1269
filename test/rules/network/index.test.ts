import {describe, expect, it} from 'vitest'
import {analyze} from '../../../src/analyze/engine.js'
import {networkRules} from '../../../src/rules/network/index.js'
import {healthyWorld} from '../../fixtures/world.js'
import {run} from './helpers.js'

describe('network rules', () => {
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
