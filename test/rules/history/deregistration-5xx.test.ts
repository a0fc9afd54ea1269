import {describe, expect, it} from 'vitest'

import {rule} from '../../../src/rules/history/deregistration-5xx.js'
import type {Snapshot} from '../../../src/snapshot/types.js'
import {TG_ARN} from '../../fixtures/world.js'
import {findings, worldWithHistory} from './helpers.js'
import {drained, keepalive} from './scenarios.js'

const delay = (seconds: string) => (w: Snapshot) => {
  w.elbv2.TargetGroupAttributes[TG_ARN] = [{Key: 'deregistration_delay.timeout_seconds', Value: seconds}]
  return w
}

describe('deregistration-5xx', () => {
  it('passes when the delay outlasts the longest requests, or without anything leaving', () => {
    expect(findings(rule, worldWithHistory(drained()))).toEqual([])
    expect(findings(rule, delay('20')(worldWithHistory(keepalive())))).toEqual([])
  })

  it('finds the 5xx of a scale-in cut by a 20 s delay while requests take 45 s', () => {
    const [f] = findings(rule, delay('20')(worldWithHistory(drained())))
    expect(f.message).toBe(
      "6 of the window's 6 5xx came while instances were leaving (1 termination), and web-tg's deregistration delay (20 s) is shorter than the longest requests (45 s): requests still running when it ends are cut",
    )
    expect(f).toMatchObject({severity: 'error', confidence: 'likely', explains: [{ruleId: 'alb-5xx-in-window'}]})
    expect(f.remediation.commands).toEqual([`aws elbv2 modify-target-group-attributes --target-group-arn ${TG_ARN} --attributes Key=deregistration_delay.timeout_seconds,Value=75 --region us-east-1`])
  })
})
