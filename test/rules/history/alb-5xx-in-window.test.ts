import {describe, expect, it} from 'vitest'

import {rule} from '../../../src/rules/history/alb-5xx-in-window.js'
import {healthySsmWorld} from '../../fixtures/ssm.js'
import {healthyWorld} from '../../fixtures/world.js'
import {historySection, quietHistory, trafficLines} from '../../history/section.js'
import {app500, findings, outcome, worldWithHistory} from './helpers.js'
import {badDeploy, keepalive} from './scenarios.js'

describe('alb-5xx-in-window', () => {
  it('passes on a quiet hour, and does not apply without history', () => {
    expect(findings(rule, worldWithHistory(quietHistory()))).toEqual([])
    expect(outcome(rule, healthySsmWorld(healthyWorld()))).toEqual({notApplicable: expect.stringContaining('--no-history')})
  })

  it('says how many 5xx, by code, when they began and their shape: intermittent keep-alive 502s', () => {
    const [f] = findings(rule, worldWithHistory(keepalive()))
    expect(f.message).toBe(
      'web-alb answered 12 5xx of 21600 requests (0.06%) between 2026-11-29 18:00 UTC and 2026-11-29 19:00 UTC (502: 12); they began at 2026-11-29 18:21 UTC, in bursts every 7 min',
    )
    expect(f.severity).toBe('error')
    expect(f.evidence).toContain('bursts began at 18:21, 18:28, 18:35, 18:42, 18:49, 18:56 UTC')
  })

  it('is an error for a steady outage after a bad deploy', () => {
    const [f] = findings(rule, worldWithHistory(badDeploy()))
    expect(f.message).toContain('answered 1280 5xx of 21600 requests (5.9%)')
    expect(f.message).toContain('they began at 2026-11-29 18:28 UTC, steadily')
  })

  it('counts from the access logs when CloudWatch was denied, and says it could not check when neither answered', () => {
    const h = historySection({minutes: 60, access: trafficLines({minutes: 60, extra: (m) => (m === 40 ? [app500(m, 1, '10.0.10.11:80')] : [])})})
    delete h.metrics
    const w = worldWithHistory(h)
    w.errors.push({api: 'cloudwatch:GetMetricData', code: 'AccessDenied', message: 'denied', accessDenied: true})
    expect(findings(rule, w)[0].message).toContain('answered 1 5xx of 361 requests (0.28%) between 2026-11-29 18:00 UTC and 2026-11-29 19:00 UTC (500: 1)')
    delete w.history!.accessLogs
    expect(outcome(rule, w)).toEqual({couldNotCheck: 'cloudwatch:GetMetricData was denied (needs IAM permission cloudwatch:GetMetricData)'})
  })
})
