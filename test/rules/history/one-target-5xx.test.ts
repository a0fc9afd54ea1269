import {describe, expect, it} from 'vitest'

import {rule} from '../../../src/rules/history/one-target-5xx.js'
import {INSTANCE_IDS, TG_ARN} from '../../fixtures/world.js'
import {TARGETS, historySection, trafficLines} from '../../history/section.js'
import {app500, findings, worldWithHistory} from './helpers.js'
import {drained, keepalive, oneBadTarget} from './scenarios.js'

describe('one-target-5xx', () => {
  it('passes when the 5xx are spread over the targets, or come from an instance that was leaving', () => {
    expect(findings(rule, worldWithHistory(keepalive()))).toEqual([])
    const w = worldWithHistory(drained())
    expect(findings(rule, w)).toEqual([])
  })

  it('names the instance and takes it out of service', () => {
    const [f] = findings(rule, worldWithHistory(oneBadTarget()))
    expect(f.message).toBe(`60 of the 60 5xx that reached a target (100%) came from ${INSTANCE_IDS[0]} (10.0.10.11:80), one of 3 targets of web-tg; its health check says healthy`)
    expect(f.resources).toEqual([INSTANCE_IDS[0], TG_ARN])
    expect(f.remediation.commands).toEqual([
      `aws elbv2 deregister-targets --target-group-arn ${TG_ARN} --targets Id=${INSTANCE_IDS[0]},Port=80 --region us-east-1`,
      `aws autoscaling terminate-instance-in-auto-scaling-group --instance-id ${INSTANCE_IDS[0]} --no-should-decrement-desired-capacity --region us-east-1`,
      `aws ssm start-session --target ${INSTANCE_IDS[0]} --region us-east-1`,
    ])
    expect(f.evidence[1]).toBe('sample: 18:30:09 10.0.10.11:80: processing times 0 0.15 0, elb_status_code 500, target_status_code 500')
  })

  it('needs most of them (80%) from one target', () => {
    const h = historySection({minutes: 60, access: trafficLines({minutes: 60, extra: (m) => (m >= 40 ? [app500(m, 1, TARGETS[0]), ...(m % 2 ? [app500(m, 2, TARGETS[1])] : [])] : [])})})
    expect(findings(rule, worldWithHistory(h))).toEqual([])
  })
})
