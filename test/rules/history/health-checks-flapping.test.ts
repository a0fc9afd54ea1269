import {describe, expect, it} from 'vitest'

import {rule} from '../../../src/rules/history/health-checks-flapping.js'
import {INSTANCE_IDS, TG_ARN} from '../../fixtures/world.js'
import {historySection, quietHistory} from '../../history/section.js'
import {findings, outcome, worldWithHistory} from './helpers.js'
import {badDeploy, flapping} from './scenarios.js'

describe('health-checks-flapping', () => {
  it('passes when checks pass, or fail for good (that is not flapping)', () => {
    expect(findings(rule, worldWithHistory(quietHistory()))).toEqual([])
    expect(findings(rule, worldWithHistory(badDeploy()))).toEqual([])
  })

  it('names the target that fails and recovers, with the reason, from the health-check log', () => {
    const [f] = findings(rule, worldWithHistory(flapping()))
    expect(f.message).toBe(
      `1 target of web-tg failed and recovered repeatedly in the health-check log (${INSTANCE_IDS[1]}: 7 failing spells); mostly timeout: no connection or no answer within the health-check timeout: a security group or NACL drops it, or the application is too slow`,
    )
    expect(f.severity).toBe('warning')
    expect(f.remediation.commands).toContain(`aws elbv2 modify-target-group --target-group-arn ${TG_ARN} --health-check-timeout-seconds 10 --region us-east-1`)
  })

  it('is an error that explains the 5xx when the load balancer served some', () => {
    const [f] = findings(rule, worldWithHistory(flapping({with5xx: true})))
    expect(f).toMatchObject({severity: 'error', explains: [{ruleId: 'alb-5xx-in-window'}]})
  })

  it('reads UnHealthyHostCount going up and down without health-check logs', () => {
    const h = flapping()
    delete h.healthCheckLogs
    const [f] = findings(rule, worldWithHistory(h))
    expect(f.message).toBe('UnHealthyHostCount of web-tg went up and back down 7 times in the window (peak 1): targets fail their health checks and recover')
  })

  it('does not apply without either source', () => {
    const h = historySection({minutes: 60})
    h.metrics!.series = []
    expect(outcome(rule, worldWithHistory(h))).toEqual({notApplicable: 'the history holds neither health-check logs nor UnHealthyHostCount'})
  })
})
