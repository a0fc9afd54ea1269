import {describe, expect, it} from 'vitest'
import {analyze} from '../../../src/analyze/engine.js'
import {ssmRules} from '../../../src/rules/ssm/index.js'
import {catalogue} from '../../../src/rules/catalogue/index.js'
import {healthyWorld, INSTANCE_IDS} from '../../fixtures/world.js'
import {healthySsmWorld, ROLE_NAME} from '../../fixtures/ssm.js'
import {removeEndpoints, removeNatRoutes} from './world-edits.js'

describe('the SSM readiness rules together', () => {
  it('all have a catalogue entry in the ssm category with an ssm- id', () => {
    for (const r of ssmRules) {
      expect(r.id).toMatch(/^ssm-/)
      expect(catalogue.get(r.id)?.category).toBe('ssm')
    }
  })

  it('all pass on the healthy world', () => {
    const report = analyze(healthySsmWorld(), {rules: ssmRules})
    expect(report.checks.map((c) => [c.ruleId, c.status])).toEqual(ssmRules.map((r) => [r.id, 'pass']))
    expect(report.findings).toEqual([])
  })

  it('all say "not collected" when the snapshot has no ssm/iam sections', () => {
    const report = analyze(healthyWorld(), {rules: ssmRules})
    expect(new Set(report.checks.map((c) => c.status))).toEqual(new Set(['not-applicable']))
    expect(report.checks[0].reason).toContain('SSM readiness was not collected')
  })

  it('cannot check the agent when DescribeInstanceInformation failed, and says why', () => {
    const world = healthySsmWorld()
    world.errors.push({api: 'ssm:DescribeInstanceInformation', code: 'HTTP500', message: 'not implemented', accessDenied: false})
    const report = analyze(world, {rules: ssmRules})
    const status = Object.fromEntries(report.checks.map((c) => [c.ruleId, c.status]))
    expect(status['ssm-agent-not-online']).toBe('could-not-check')
    expect(status['ssm-agent-outdated']).toBe('could-not-check')
    expect(status['ssm-role-missing-permissions']).toBe('pass')
  })

  it('leads the reference incident with its causes: the role and the missing endpoints explain the offline agents', () => {
    const world = removeNatRoutes(removeEndpoints(healthySsmWorld(), ['ssm', 'ssmmessages', 'ec2messages']))
    world.iam!.RolePolicies[ROLE_NAME] = {AttachedPolicies: [], InlinePolicies: []}
    world.ssm!.InstanceInformationList = []
    const report = analyze(world, {rules: ssmRules})
    const causes = report.rootCauses.map((r) => r.cause.ruleId).sort()
    expect(causes).toEqual(['ssm-no-path-to-endpoints', 'ssm-role-missing-permissions'])
    for (const root of report.rootCauses) expect(root.symptoms.map((s) => s.resources[0]).sort()).toEqual([...INSTANCE_IDS])
  })
})
