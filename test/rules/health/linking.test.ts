/**
 * The reference incident end to end through the engine: user data that never installs nginx, every target failing
 * its health checks. The launch template must come out as the root cause with the unhealthy targets under it.
 * Runs the health rules only, so the assertion stays about them while other rule packs are being written.
 */
import {describe, expect, it} from 'vitest'
import {analyze} from '../../../src/analyze/engine.js'
import {catalogue} from '../../../src/rules/catalogue/index.js'
import {healthCatalogue} from '../../../src/rules/catalogue/health.js'
import {healthRules} from '../../../src/rules/health/index.js'
import {BROKEN_USER_DATA, TG_ARN, healthyWorld} from '../../fixtures/world.js'
import {FAILED, run, setHealth, setUserData} from './helpers.js'

describe('health rules linking', () => {
  it('leads with launch-template-no-web-server, target-health-unhealthy among its symptoms', () => {
    const w = healthyWorld()
    setUserData(w, BROKEN_USER_DATA)
    setHealth(w, [FAILED, FAILED, FAILED])
    const report = analyze(w, {rules: healthRules})
    expect(report.status).toBe('problems')
    const [first] = report.rootCauses
    expect(first.cause.ruleId).toBe('launch-template-no-web-server')
    expect(first.symptoms.map((s) => s.ruleId)).toContain('target-health-unhealthy')
    expect(first.symptoms.find((s) => s.ruleId === 'target-health-unhealthy')?.resources[0]).toBe(TG_ARN)
    // The symptom is folded under its cause, not reported as a root of its own.
    expect(report.rootCauses.map((r) => r.cause.ruleId)).not.toContain('target-health-unhealthy')
  })

  it('has one catalogue entry per rule, every rule passing on the healthy world', () => {
    expect(healthRules.map((r) => r.id).sort()).toEqual(healthCatalogue.map((m) => m.id).sort())
    for (const rule of healthRules) {
      expect(catalogue.get(rule.id)?.requires.length).toBeGreaterThan(0)
      expect(run(rule, healthyWorld()), rule.id).toEqual([])
    }
    const report = analyze(healthyWorld(), {rules: healthRules})
    expect(report.status).toBe('healthy')
    expect(report.checks.every((c) => c.status === 'pass')).toBe(true)
  })

  it('reports could-not-check when DescribeTargetHealth was denied', () => {
    const w = healthyWorld()
    w.errors.push({api: 'elasticloadbalancing:DescribeTargetHealth', resource: TG_ARN, code: 'AccessDenied', message: 'denied', accessDenied: true})
    const report = analyze(w, {rules: healthRules})
    const check = report.checks.find((c) => c.ruleId === 'target-health-unhealthy')
    expect(check?.status).toBe('could-not-check')
    expect(report.checks.find((c) => c.ruleId === 'health-check-timing')?.status).toBe('pass')
  })
})
